#!/usr/bin/env python3
"""Run an already compiled artifact and compare it with onnxruntime.

Usage:
    python check_artifact.py MODEL.onnx MODEL.so [--mlc-run PATH]
        [--atol 1] [--rtol 0] [--seed S] [--workdir DIR]

For pipelines that check_model.py cannot spell (mlc-opt passes between
import and compile): draws standard-normal float inputs for MODEL.onnx,
computes the reference with onnxruntime (graph optimizations off), runs
MODEL.so with mlc-run on the same inputs (.npy) and compares every output
with |actual - ref| <= atol + rtol * |ref|. Prints PASS or FAIL with the
largest difference; exits 1 on FAIL.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import mlcutil  # noqa: E402  (utils/mlcutil.py: shared helpers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("artifact", type=Path)
    parser.add_argument("--mlc-run", default=mlcutil.find_tool(
        None, "MLC_RUN", "mlc-run"),
        help="mlc-run to use (default: $MLC_RUN, PATH, else the checkout's build)")
    parser.add_argument("--atol", type=float, default=1.0)
    parser.add_argument("--rtol", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="mlc-artifact-"))
    work.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    model = onnx.load(args.model)
    inits = {i.name for i in model.graph.initializer}
    feeds, cmd = {}, [args.mlc_run, str(args.artifact)]
    for i, info in enumerate(x for x in model.graph.input if x.name not in inits):
        shape = [d.dim_value for d in info.type.tensor_type.shape.dim]
        value = rng.standard_normal(shape).astype(np.float32)
        feeds[info.name] = value
        np.save(work / f"input_{i}.npy", value)
        cmd += ["--input", str(work / f"input_{i}.npy")]
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(str(args.model), options,
                                   providers=["CPUExecutionProvider"])
    refs = session.run(None, feeds)
    cmd += ["--output-dir", str(work / "outputs")]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        print(f"FAIL {args.artifact}: mlc-run: {run.stderr.strip()}")
        return 1
    for i, ref in enumerate(refs):
        tensor = onnx.load_tensor(str(work / "outputs" / f"output_{i}.pb"))
        actual = numpy_helper.to_array(tensor)
        if actual.shape != ref.shape or actual.dtype != ref.dtype:
            print(f"FAIL {args.artifact}: output {i} is {actual.dtype}"
                  f"{list(actual.shape)}, expected {ref.dtype}{list(ref.shape)}")
            return 1
        diff = np.abs(actual.astype(np.float64) - ref.astype(np.float64))
        bound = args.atol + args.rtol * np.abs(ref.astype(np.float64))
        if np.any(diff > bound):
            print(f"FAIL {args.artifact}: output {i} max abs diff {diff.max()}")
            return 1
        print(f"PASS {args.artifact} output {i} (max abs diff {diff.max()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
