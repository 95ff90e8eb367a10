#!/usr/bin/env python3
"""Run-time memory of an MLC artifact beside onnxruntime on the same model.

Usage (the venv's python: numpy, onnx, onnxruntime):
    python bench_memory.py MODEL.onnx [--threads 1,2] [--runs 20]
        [--work-dir DIR] [--mlc-compile PATH] [--mlc-run PATH] [--seed 0]
        [--markdown]

Reports, for a statically shaped model:
  - the static memory plan of `mlc-compile --memory-report`: the arena (one
    per context), the largest set of buffers live at once and their ratio,
    and the weights;
  - the peak resident memory (ru_maxrss) of `mlc-run ARTIFACT --input ...
    --bench RUNS --threads T`, a C program that maps the artifact (weights
    included) and runs it;
  - the peak resident memory of a Python process that creates an
    onnxruntime session (CPU execution provider, ORT_ENABLE_ALL, T intra-op
    threads) and runs it RUNS times, and of the same process when it only
    imports numpy and onnxruntime (the interpreter's share, which a C++
    user of onnxruntime would not pay): "ORT - import" is the session's own.
Each process is forked by a small helper interpreter so that this script's
own pages are not counted (see benchlib._MAXRSS_HELPER).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import benchlib

REPO = Path(__file__).resolve().parents[2]

_ORT_RUN = (
    "import sys, numpy as np, onnxruntime as ort\n"
    "path, threads, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])\n"
    "if runs < 0: sys.exit(0)\n"
    "o = ort.SessionOptions()\n"
    "o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL\n"
    "o.intra_op_num_threads = threads\n"
    "o.inter_op_num_threads = 1\n"
    "o.log_severity_level = 3\n"
    "s = ort.InferenceSession(path, o, providers=['CPUExecutionProvider'])\n"
    "feeds = {i.name: np.load(p) for i, p in zip(s.get_inputs(), sys.argv[4:])}\n"
    "for _ in range(runs): s.run(None, feeds)\n")


def peak_rss_mb(cmd: list[str]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "maxrss"
        subprocess.run([sys.executable, "-S", "-c", benchlib._MAXRSS_HELPER,
                        str(out), *cmd], check=True, stdout=subprocess.DEVNULL)
        return int(out.read_text()) / 1024.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--work-dir", type=Path)
    parser.add_argument("--mlc-compile", default=str(REPO / "build/bin/mlc-compile"))
    parser.add_argument("--mlc-run", default=str(REPO / "build/bin/mlc-run"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    work = args.work_dir or Path(tempfile.mkdtemp(prefix="mlc-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    import onnx
    model = onnx.load(str(args.model), load_external_data=False)
    inputs = []
    for i, (name, value) in enumerate(benchlib.make_inputs(model, args.seed).items()):
        path = work / f"input{i}.npy"
        np.save(path, value)
        inputs.append(str(path))

    artifact = work / (args.model.stem + ".so")
    report = subprocess.run([args.mlc_compile, str(args.model), "-o", str(artifact),
                             "--memory-report"], capture_output=True, text=True,
                            check=True).stderr
    m = re.search(r"arena (\d+) bytes for (\d+) buffers; largest live set (\d+) "
                  r"bytes; weights (\d+) bytes", report)
    if not m:
        print(f"no memory plan in mlc-compile's report:\n{report}", file=sys.stderr)
        return 1
    arena, buffers, live, weights = (int(g) for g in m.groups())
    mib = 2.0**20
    print(benchlib.cpu_line())
    print(f"{args.model.name}: arena {arena / mib:.1f} MiB for {buffers} buffers, "
          f"largest live set {live / mib:.1f} MiB (arena/live {arena / live:.2f}x), "
          f"weights {weights / mib:.1f} MiB, artifact "
          f"{artifact.stat().st_size / mib:.1f} MiB")

    header = ["threads", "mlc-run MB", "ORT MB", "import-only MB", "ORT - import MB",
              "mlc-run / ORT"]
    rows = []
    imports = peak_rss_mb([sys.executable, "-c", _ORT_RUN, str(args.model), "1", "-1"])
    for threads in (int(t) for t in args.threads.split(",")):
        cmd = [args.mlc_run, str(artifact), "--bench", str(args.runs), "--threads",
               str(threads)]
        for path in inputs:
            cmd += ["--input", path]
        mlc = peak_rss_mb(cmd)
        ort = peak_rss_mb([sys.executable, "-c", _ORT_RUN, str(args.model),
                           str(threads), str(args.runs), *inputs])
        rows.append([str(threads), f"{mlc:.0f}", f"{ort:.0f}", f"{imports:.0f}",
                     f"{ort - imports:.0f}", f"{mlc / ort:.2f}"])
    table = benchlib.markdown_table if args.markdown else benchlib.text_table
    print(table(header, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
