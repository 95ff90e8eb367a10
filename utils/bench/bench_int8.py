#!/usr/bin/env python3
"""INT8 against FP32 and onnxruntime: latency, size and accuracy in one table.

Usage (the venv's python: numpy, onnx, onnxruntime):
    python bench_int8.py MODEL.onnx [--name NAME] [--calibration-samples 32]
        [--held-out 8] [--threads 1,2] [--rounds 3] [--runs 10] [--warmup 3]
        [--cpu NAME] [--mlc-compile-arg ARG ...] [--work-dir DIR]
        [--mlc-compile PATH] [--seed 0] [--markdown] [--json OUT]

For one float model with static shapes:
  1. draws --calibration-samples standard-normal calibration inputs and
     --held-out other ones (seeded);
  2. compiles it with mlc-compile twice: FP32, and `--quantize=int8
     --calibration-data=<the samples>` (wall time and artifact size);
  3. quantizes it with onnxruntime's own tool on the same samples:
     quant_pre_process, then quantize_static (QDQ, per-channel, QUInt8
     activations, QInt8 weights), as onnxruntime's documentation recommends;
  4. accuracy on the held-back inputs: cosine similarity and max abs error
     of each INT8 model's first output against onnxruntime FP32 (min over
     samples, so a single bad sample shows);
  5. latency: for each thread count, the four runners (MLC FP32, MLC INT8,
     ORT FP32, ORT INT8) interleaved in rounds (benchlib.interleave) on the
     first held-back input: median and p99.

Ratios: `INT8/FP32` is MLC INT8 over MLC FP32; `INT8 vs ORT INT8` is MLC
INT8 over onnxruntime's INT8 model (below 1: MLC is faster).
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

RUNNERS = ("MLC FP32", "MLC INT8", "ORT FP32", "ORT INT8")


def draw_inputs(model, count: int, seed: int) -> list[dict[str, np.ndarray]]:
    return [benchlib.make_inputs(model, seed + i) for i in range(count)]


def write_calibration(samples, out: Path) -> Path:
    """The `--calibration-data` layout: one .npy per input, samples stacked
    on a new leading axis."""
    out.mkdir(parents=True, exist_ok=True)
    for name in samples[0]:
        np.save(out / f"{name}.npy", np.stack([s[name] for s in samples]))
    return out


def quantize_with_ort(model: Path, samples, out: Path) -> Path:
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat,
                                          QuantType, quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter(samples)

        def get_next(self):
            return next(self.it, None)

    prepared = out.with_name(out.stem + "_prep.onnx")
    quant_pre_process(str(model), str(prepared))
    quantize_static(str(prepared), str(out), Reader(), quant_format=QuantFormat.QDQ,
                    per_channel=True, activation_type=QuantType.QUInt8,
                    weight_type=QuantType.QInt8)
    return out


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel().astype(np.float64), b.ravel().astype(np.float64)
    return float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-30))


def accuracy(runner_factory, reference, held_out) -> tuple[float, float]:
    """Min cosine and max abs error of the first output over `held_out`."""
    runner = runner_factory()
    worst_cos, worst_err = 1.0, 0.0
    for feeds in held_out:
        got = run_once(runner, feeds)
        ref = run_once(reference, feeds)
        worst_cos = min(worst_cos, cosine(got, ref))
        worst_err = max(worst_err, float(np.max(np.abs(got - ref))))
    return worst_cos, worst_err


def run_once(runner, feeds) -> np.ndarray:
    if isinstance(runner, benchlib.Artifact):
        outs = runner.bind(feeds)
        runner.run()
        return outs[0].copy()
    runner.bind(feeds)
    runner.run()
    return runner.last[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--name")
    parser.add_argument("--calibration-samples", type=int, default=32)
    parser.add_argument("--held-out", type=int, default=8)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--cpu")
    parser.add_argument("--mlc-compile-arg", action="append", default=[])
    parser.add_argument("--work-dir", type=Path)
    parser.add_argument("--mlc-compile", default=str(
        Path(__file__).resolve().parents[2] / "build" / "bin" / "mlc-compile"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    name = args.name or args.model.stem
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="mlc-int8-"))
    work.mkdir(parents=True, exist_ok=True)
    model = onnx.load(str(args.model), load_external_data=False)
    calib = draw_inputs(model, args.calibration_samples, args.seed)
    held_out = draw_inputs(model, args.held_out, args.seed + 100000)
    calib_dir = write_calibration(calib, work / f"{name}_calib")

    fp32 = benchlib.compile_model(args.mlc_compile, args.model, work / f"{name}_fp32.so",
                                  cpu=args.cpu, extra=args.mlc_compile_arg)
    int8 = benchlib.compile_model(
        args.mlc_compile, args.model, work / f"{name}_int8.so", cpu=args.cpu,
        extra=["--quantize=int8", f"--calibration-data={calib_dir}",
               *args.mlc_compile_arg])
    ort_int8_path = quantize_with_ort(args.model, calib, work / f"{name}_ort_int8.onnx")
    sizes = {"MLC FP32": fp32.size_mb, "MLC INT8": int8.size_mb,
             "ORT FP32": args.model.stat().st_size / 2**20,
             "ORT INT8": ort_int8_path.stat().st_size / 2**20}

    reference = benchlib.OrtModel(args.model, 1)
    acc = {
        "MLC FP32": accuracy(lambda: benchlib.Artifact(fp32.artifact, 1), reference,
                             held_out),
        "MLC INT8": accuracy(lambda: benchlib.Artifact(int8.artifact, 1), reference,
                             held_out),
        "ORT FP32": (1.0, 0.0),
        "ORT INT8": accuracy(lambda: benchlib.OrtModel(ort_int8_path, 1), reference,
                             held_out),
    }

    results = {"model": name, "cpu": benchlib.cpu_description(),
               "build": benchlib.build_description(args.mlc_compile),
               "compile_s": {"MLC FP32": fp32.seconds, "MLC INT8": int8.seconds},
               "size_mb": sizes, "accuracy": acc, "latency": {}}
    for threads in [int(t) for t in args.threads.split(",")]:
        runners = {"MLC FP32": benchlib.Artifact(fp32.artifact, threads),
                   "MLC INT8": benchlib.Artifact(int8.artifact, threads),
                   "ORT FP32": benchlib.OrtModel(args.model, threads),
                   "ORT INT8": benchlib.OrtModel(ort_int8_path, threads)}
        for runner in runners.values():
            runner.bind(held_out[0])
        samples = benchlib.interleave(runners, args.rounds, args.runs, args.warmup)
        results["latency"][threads] = {
            k: benchlib.Stats.of(v).as_dict() for k, v in samples.items()}
        for runner in runners.values():
            if isinstance(runner, benchlib.Artifact):
                runner.close()

    header = ["model", "runner", "threads", "med ms", "p99 ms", "p99/med",
              "size MB", "min cosine", "max abs err", "compile s"]
    rows = []
    for threads, lat in results["latency"].items():
        for runner in RUNNERS:
            s = lat[runner]
            rows.append([name, runner, str(threads), f"{s['median_ms']:.2f}",
                         f"{s['p99_ms']:.2f}", f"{s['p99_ms'] / s['median_ms']:.2f}",
                         f"{sizes[runner]:.1f}", f"{acc[runner][0]:.5f}",
                         f"{acc[runner][1]:.3g}",
                         f"{results['compile_s'].get(runner, 0):.1f}"
                         if runner in results["compile_s"] else "-"])
    table = benchlib.markdown_table if args.markdown else benchlib.text_table
    print(f"# {benchlib.cpu_line()}")
    print(f"# {benchlib.build_line(args.mlc_compile)}")
    print(table(header, rows))
    for threads, lat in results["latency"].items():
        med = {k: v["median_ms"] for k, v in lat.items()}
        print(f"threads={threads}: MLC INT8/FP32 = {med['MLC INT8'] / med['MLC FP32']:.2f}x, "
              f"MLC INT8 / ORT INT8 = {med['MLC INT8'] / med['ORT INT8']:.2f}x, "
              f"MLC FP32 / ORT FP32 = {med['MLC FP32'] / med['ORT FP32']:.2f}x")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
