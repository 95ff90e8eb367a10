#!/usr/bin/env python3
"""Run ONNX node tests through mlc-compile + mlc-run, optionally folding inputs.

Usage:
    node_tests_folded.py --bin BUILD/bin [--fold] TESTDIR...

Each TESTDIR holds model.onnx and test_data_set_0/. Many node tests feed
shape-selecting operands (Slice's starts, Reshape's shape, Reduce*'s axes,
Pad's pads, ...) as graph inputs; MLC's importer needs those to be constants.
With --fold a test that does not compile as given is retried with its inputs
after the first, then all of its inputs, turned into initializers holding
the test's own input data (onnx-mlir's "constant inputs" variant).
Prints one line per test (PASS, PASS(folded), FAIL <reason>) and a summary;
outputs are compared at rtol 1e-3, atol 1e-5.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper


def load_inputs(test_dir: str, model: onnx.ModelProto) -> list[onnx.TensorProto]:
    data_dir = os.path.join(test_dir, "test_data_set_0")
    inits = {i.name for i in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in inits]
    tensors = []
    for i, name in enumerate(names):
        t = onnx.TensorProto()
        with open(os.path.join(data_dir, f"input_{i}.pb"), "rb") as f:
            t.ParseFromString(f.read())
        t.name = name
        tensors.append(t)
    return tensors


def fold(model: onnx.ModelProto, inputs: list[onnx.TensorProto], keep: int):
    folded = onnx.ModelProto()
    folded.CopyFrom(model)
    fold_names = {t.name for t in inputs[keep:]}
    kept = [i for i in folded.graph.input if i.name not in fold_names]
    del folded.graph.input[:]
    folded.graph.input.extend(kept)
    folded.graph.initializer.extend(inputs[keep:])
    return folded, inputs[:keep]


def run_one(bindir: str, test_dir: str, model: onnx.ModelProto,
            inputs: list[onnx.TensorProto], tmp: str) -> str | None:
    path = os.path.join(tmp, "model.onnx")
    onnx.save(model, path)
    so = os.path.join(tmp, "model.so")
    r = subprocess.run([os.path.join(bindir, "mlc-compile"), path, "-o", so],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        return "compile: " + (r.stderr.strip().splitlines() or ["?"])[0]
    args = [os.path.join(bindir, "mlc-run"), so, "--output-dir", tmp]
    for i, t in enumerate(inputs):
        p = os.path.join(tmp, f"in_{i}.pb")
        with open(p, "wb") as f:
            f.write(t.SerializeToString())
        args += ["--input", p]
    r = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        return "run: " + (r.stderr.strip().splitlines() or ["?"])[0]
    data_dir = os.path.join(test_dir, "test_data_set_0")
    for i in range(len(model.graph.output)):
        expected = onnx.TensorProto()
        with open(os.path.join(data_dir, f"output_{i}.pb"), "rb") as f:
            expected.ParseFromString(f.read())
        actual = onnx.TensorProto()
        out = os.path.join(tmp, f"output_{i}.pb")
        if not os.path.exists(out):
            return f"missing output {i}"
        with open(out, "rb") as f:
            actual.ParseFromString(f.read())
        e = numpy_helper.to_array(expected)
        a = numpy_helper.to_array(actual)
        if e.shape != a.shape:
            return f"output {i} shape {a.shape} != {e.shape}"
        if e.dtype == np.bool_ or a.dtype == np.bool_:
            ok = np.array_equal(e.astype(bool), a.astype(bool))
        else:
            ok = np.allclose(a.astype(np.float64), e.astype(np.float64),
                             rtol=1e-3, atol=1e-5, equal_nan=True)
        if not ok:
            return f"output {i} differs"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--fold", action="store_true")
    parser.add_argument("tests", nargs="+")
    args = parser.parse_args()
    passed = folded_passes = 0
    for test_dir in args.tests:
        name = os.path.basename(os.path.normpath(test_dir))
        model = onnx.load(os.path.join(test_dir, "model.onnx"))
        inputs = load_inputs(test_dir, model)
        variants = [(model, inputs, "")]
        if args.fold:
            for keep in (1, 0):
                if keep < len(inputs):
                    m, rest = fold(model, inputs, keep)
                    variants.append((m, rest, "(folded)"))
        error = None
        for m, ins, tag in variants:
            with tempfile.TemporaryDirectory() as tmp:
                try:
                    error = run_one(args.bin, test_dir, m, ins, tmp)
                except subprocess.TimeoutExpired:
                    error = "timeout"
            if error is None:
                print(f"PASS{tag} {name}")
                passed += 1
                folded_passes += bool(tag)
                break
        if error is not None:
            print(f"FAIL {name}: {error}")
    print(f"# {passed}/{len(args.tests)} passed ({folded_passes} with folded "
          f"inputs)")
    return 0 if passed == len(args.tests) else 1


if __name__ == "__main__":
    sys.exit(main())
