#!/usr/bin/env python3
"""Runs contexts of one MLC artifact at once on several threads and checks
every output against a single-threaded run, bit for bit.

Usage: run_concurrent.py MODEL.so [--threads 1,2] [--runs 100] [--seed 0]

The artifact is loaded once (dlopen shares it); one context per entry of
--threads is created with that many worker threads (mlc_context_create),
each with its own input and output buffers, and all of them run --runs
times at once from Python threads (ctypes releases the GIL during mlc_run).
The reference is one run of a 1-thread context before any of them start.
Prints `OK contexts=N runs=R` or the first mismatch, and exits 1 on one.

--shared-context runs every thread on the first context instead, which the
ABI forbids (a context runs one mlc_run at a time): utils/sanitize/run.sh
uses it to check that ThreadSanitizer does report the races on the shared
arena, i.e. that a clean TSan run means something.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "utils" / "bench"))
import benchlib  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("artifact", type=Path)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shared-context", action="store_true")
    args = parser.parse_args()

    reference = benchlib.Artifact(args.artifact, threads=1)
    rng = np.random.RandomState(args.seed)
    feeds = [rng.standard_normal(shape).astype(dtype)
             for _, dtype, shape in reference.inputs]
    reference_outputs = reference.bind(feeds)
    reference.run()
    expected = [out.copy() for out in reference_outputs]
    reference.close()

    counts = [int(t) for t in args.threads.split(",")]
    contexts = [benchlib.Artifact(args.artifact, threads=t) for t in counts]
    outputs = [ctx.bind(feeds) for ctx in contexts]
    runners = contexts
    if args.shared_context:
        runners = [contexts[0]] * len(contexts)
        outputs = [outputs[0]] * len(contexts)
    failures: list[str] = []

    def work(index: int) -> None:
        for run in range(args.runs):
            for out in outputs[index]:
                out.fill(np.nan)
            runners[index].run()
            for i, (got, want) in enumerate(zip(outputs[index], expected)):
                if not np.array_equal(got, want):
                    failures.append(f"context {index} ({counts[index]} threads), "
                                    f"run {run}, output {i}: max abs diff "
                                    f"{np.nanmax(np.abs(got - want))}")
                    return

    workers = [threading.Thread(target=work, args=(i,)) for i in range(len(contexts))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    for ctx in contexts:
        ctx.close()
    if failures:
        print("MISMATCH " + failures[0])
        return 1
    print(f"OK contexts={len(contexts)} runs={args.runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
