#!/usr/bin/env python3
"""Latency of an MLC artifact beside onnxruntime's on the same model and input.

Usage:
    python bench_model.py MODEL.onnx ARTIFACT.so [ARTIFACT.so ...] [--runs N]
        [--warmup W] [--threads T] [--seed S] [--mlc-run PATH] [--json OUT]

Draws one random input per graph input (seeded), runs onnxruntime (CPU EP, all
graph optimizations, intra-op threads T) WARMUP + RUNS times in this process, then
`mlc-run ARTIFACT --bench RUNS --warmup W --threads T` on the same inputs, and prints
median and p99 latency of each and the ratio of MLC's median to onnxruntime's (below
1 means MLC is faster). Timings are wall-clock per inference, in milliseconds; both
run on the same machine in the same script, so the ratio is the number to compare.
For a list of models, interleaved rounds and compile times, see bench_models.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx

import benchlib


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("artifacts", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mlc-run", default=str(benchlib.DEFAULT_MLC_RUN))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    model = onnx.load(str(args.model), load_external_data=False)
    feeds = benchlib.make_inputs(model, args.seed)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        inputs = []
        for i, value in enumerate(feeds.values()):
            inputs.append(Path(tmp) / f"input_{i}.npy")
            np.save(inputs[-1], value)
        session = benchlib.OrtModel(args.model, args.threads)
        session.bind(feeds)
        samples = benchlib.interleave({"ort": session}, 1, args.runs, args.warmup)
        ort_stats = benchlib.Stats.of(samples["ort"])
        results["onnxruntime"] = {"median_ms": ort_stats.median,
                                  "p99_ms": ort_stats.p99}
        print(f"onnxruntime {benchlib.ort_version()}: median {ort_stats.median:.3f} "
              f"ms, p99 {ort_stats.p99:.3f} ms")
        for artifact in args.artifacts:
            median, p99 = benchlib.bench_mlc_run(args.mlc_run, artifact, inputs,
                                                 args.runs, args.warmup, args.threads)
            results[str(artifact)] = {"median_ms": median, "p99_ms": p99,
                                      "ratio_to_onnxruntime": median / ort_stats.median}
            print(f"{artifact}: median {median:.3f} ms, p99 {p99:.3f} ms, "
                  f"{median / ort_stats.median:.2f}x onnxruntime's median")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
