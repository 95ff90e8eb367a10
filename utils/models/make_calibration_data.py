#!/usr/bin/env python3
"""Generate calibration and held-back inputs for a float ONNX model.

Usage:
    python make_calibration_data.py MODEL.onnx OUT_DIR [--samples 32]
        [--held-out 8] [--format npy|pb] [--seed S]

Draws standard-normal inputs for every graph input (static shapes) and
writes the layouts that `mlc-compile --calibration-data` reads:
  --format npy: OUT_DIR/calib/<input name>.npy, shape [samples, ...];
  --format pb:  OUT_DIR/calib/test_data_set_<k>/input_<i>.pb;
  --format npy-per-sample: OUT_DIR/calib/sample_<k>.npy, one sample each
                (single-input models);
  --format npz: OUT_DIR/calib/sample_<k>.npz, one sample each, an array
                per input named after it (numpy.savez).
Held-back inputs (never seen by calibration) go to
OUT_DIR/heldout/<k>/input_<i>.npy, one sample each.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--samples", type=int, default=32)
    parser.add_argument("--held-out", type=int, default=8)
    parser.add_argument("--format", choices=["npy", "pb", "npy-per-sample", "npz"], default="npy")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    model = onnx.load(args.model, load_external_data=False)
    inits = {i.name for i in model.graph.initializer}
    inputs = [(x.name, [d.dim_value for d in x.type.tensor_type.shape.dim])
              for x in model.graph.input if x.name not in inits]
    calib = args.out / "calib"
    calib.mkdir(parents=True, exist_ok=True)
    if args.format == "npy-per-sample" and len(inputs) != 1:
        parser.error("--format npy-per-sample needs a single-input model")
    arrays = {}
    for i, (name, shape) in enumerate(inputs):
        data = rng.standard_normal([args.samples] + shape).astype(np.float32)
        arrays[name] = data
        if args.format == "npy-per-sample":
            for k in range(args.samples):
                np.save(calib / f"sample_{k:04d}.npy", data[k])
            continue
        if args.format == "npz":
            continue
        if args.format == "npy":
            np.save(calib / f"{name}.npy", data)
            continue
        for k in range(args.samples):
            d = calib / f"test_data_set_{k}"
            d.mkdir(exist_ok=True)
            tensor = numpy_helper.from_array(data[k], name)
            (d / f"input_{i}.pb").write_bytes(tensor.SerializeToString())
    if args.format == "npz":
        for k in range(args.samples):
            np.savez(calib / f"sample_{k:04d}.npz",
                     **{name: data[k] for name, data in arrays.items()})
    for k in range(args.held_out):
        d = args.out / "heldout" / str(k)
        d.mkdir(parents=True, exist_ok=True)
        for i, (name, shape) in enumerate(inputs):
            np.save(d / f"input_{i}.npy",
                    rng.standard_normal(shape).astype(np.float32))


if __name__ == "__main__":
    main()
