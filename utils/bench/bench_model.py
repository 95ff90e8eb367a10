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
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort

REPO_ROOT = Path(__file__).resolve().parents[2]
ONNX_TO_NUMPY = {1: np.float32, 10: np.float16, 11: np.float64, 2: np.uint8, 3: np.int8,
                 6: np.int32, 7: np.int64, 9: np.bool_}


def make_inputs(model: onnx.ModelProto, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.RandomState(seed)
    inits = {i.name for i in model.graph.initializer}
    feeds = {}
    for value in model.graph.input:
        if value.name in inits:
            continue
        t = value.type.tensor_type
        shape = [d.dim_value if d.HasField("dim_value") else 1 for d in t.shape.dim]
        dtype = ONNX_TO_NUMPY[t.elem_type]
        if np.issubdtype(dtype, np.floating):
            feeds[value.name] = rng.standard_normal(shape).astype(dtype)
        else:
            feeds[value.name] = rng.randint(0, 5, shape).astype(dtype)
    return feeds


def percentile(samples: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(samples), q, method="higher"))


def bench_onnxruntime(path: Path, feeds, runs: int, warmup: int, threads: int):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    for _ in range(warmup):
        sess.run(None, feeds)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        sess.run(None, feeds)
        samples.append((time.perf_counter() - start) * 1e3)
    return percentile(samples, 50), percentile(samples, 99)


def bench_mlc(mlc_run: str, artifact: Path, inputs: list[Path], runs: int, warmup: int,
              threads: int):
    cmd = [mlc_run, str(artifact), "--bench", str(runs), "--warmup", str(warmup),
           "--threads", str(threads)]
    for path in inputs:
        cmd += ["--input", str(path)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    m = re.search(r"median=([0-9.]+) ms .*p99=([0-9.]+) ms", out)
    if not m:
        raise RuntimeError(f"unexpected mlc-run output:\n{out}")
    return float(m.group(1)), float(m.group(2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("artifacts", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mlc-run", default=str(REPO_ROOT / "build" / "bin" / "mlc-run"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    model = onnx.load(str(args.model), load_external_data=False)
    feeds = make_inputs(model, args.seed)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        inputs = []
        for i, value in enumerate(feeds.values()):
            inputs.append(Path(tmp) / f"input_{i}.npy")
            np.save(inputs[-1], value)
        ort_median, ort_p99 = bench_onnxruntime(args.model, feeds, args.runs, args.warmup,
                                                args.threads)
        results["onnxruntime"] = {"median_ms": ort_median, "p99_ms": ort_p99}
        print(f"onnxruntime {ort.__version__}: median {ort_median:.3f} ms, "
              f"p99 {ort_p99:.3f} ms")
        for artifact in args.artifacts:
            median, p99 = bench_mlc(args.mlc_run, artifact, inputs, args.runs,
                                    args.warmup, args.threads)
            results[str(artifact)] = {"median_ms": median, "p99_ms": p99,
                                      "ratio_to_onnxruntime": median / ort_median}
            print(f"{artifact}: median {median:.3f} ms, p99 {p99:.3f} ms, "
                  f"{median / ort_median:.2f}x onnxruntime's median")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
