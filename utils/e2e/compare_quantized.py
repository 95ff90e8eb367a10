#!/usr/bin/env python3
"""Compare a quantized artifact with the float model on held-back inputs.

Usage:
    python compare_quantized.py MODEL.onnx ARTIFACT.so HELDOUT_DIR
        [--min-cosine 0.99] [--reference OTHER.so] [--threads N]
        [--mlc-run PATH]

HELDOUT_DIR holds one directory per sample with input_<i>.npy files (as
make_calibration_data.py writes). For every sample, runs ARTIFACT.so with
mlc-run and the float MODEL.onnx with onnxruntime, and prints the cosine
similarity and max abs error of each output over all samples; PASS when the
cosine is at least --min-cosine. With --reference, compares ARTIFACT.so with
OTHER.so instead of onnxruntime and requires identical outputs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import mlcutil  # noqa: E402  (utils/mlcutil.py: shared helpers)


def run_artifact(mlc_run: str, artifact: Path, inputs: list[Path],
                 work: Path, threads: int = 1) -> list[np.ndarray]:
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [mlc_run, str(artifact), "--output-dir", str(out),
           "--threads", str(threads)]
    for path in inputs:
        cmd += ["--input", str(path)]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"mlc-run {artifact}: {run.stderr.strip()}")
    results = []
    for i in range(len(list(out.glob("output_*.pb")))):
        tensor = onnx.load_tensor(str(out / f"output_{i}.pb"))
        results.append(numpy_helper.to_array(tensor).astype(np.float64))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("artifact", type=Path)
    parser.add_argument("heldout", type=Path)
    parser.add_argument("--min-cosine", type=float, default=0.99)
    parser.add_argument("--reference", type=Path)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads of ARTIFACT's runs (the reference "
                             "artifact runs on one)")
    parser.add_argument("--mlc-run", default=mlcutil.find_tool(
        None, "MLC_RUN", "mlc-run"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mlc-quant-"))
    session = None
    if args.reference is None:
        import onnxruntime as ort
        options = ort.SessionOptions()
        options.graph_optimization_level = \
            ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        session = ort.InferenceSession(str(args.model), options,
                                       providers=["CPUExecutionProvider"])
    actual, expected = [], []
    for sample in sorted(p for p in args.heldout.iterdir() if p.is_dir()):
        inputs = sorted(sample.glob("input_*.npy"),
                        key=lambda p: int(p.stem.split("_")[1]))
        actual.append(run_artifact(args.mlc_run, args.artifact, inputs, work,
                                   args.threads))
        if session is not None:
            feeds = {x.name: np.load(p)
                     for x, p in zip(session.get_inputs(), inputs)}
            expected.append([r.astype(np.float64)
                             for r in session.run(None, feeds)])
        else:
            expected.append(
                run_artifact(args.mlc_run, args.reference, inputs, work))
    ok = True
    for o in range(len(expected[0])):
        a = np.concatenate([s[o].ravel() for s in actual])
        e = np.concatenate([s[o].ravel() for s in expected])
        err = float(np.max(np.abs(a - e)))
        if args.reference is not None:
            passed = err == 0.0
            print(f"{'PASS' if passed else 'FAIL'} output {o}: "
                  f"max abs difference {err} between the artifacts")
        else:
            cosine = float(np.dot(a, e) /
                           (np.linalg.norm(a) * np.linalg.norm(e) + 1e-30))
            passed = cosine >= args.min_cosine
            print(f"{'PASS' if passed else 'FAIL'} output {o}: cosine "
                  f"{cosine:.6f} max abs error {err:.6g} "
                  f"({len(actual)} samples)")
        ok = ok and passed
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
