#!/usr/bin/env python3
"""Sequence and optional graph inputs and outputs through mlc-compile and
mlc-run (test/e2e/sequence-io.test).

Compiles one model whose inputs are a sequence, an optional tensor and a
tensor and whose outputs are sequences, an optional and tensors, for the
structures given by --input-structure; feeds it ONNX SequenceProto and
OptionalProto files; and compares what mlc-run writes (the same protos) with
the model's semantics computed by numpy. Prints PASS or FAIL per case, then mlc-run's
error line for an input of the wrong length.

Usage: sequence_io.py WORKDIR (mlc-compile and mlc-run on PATH)
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnx.parser
from onnx import helper, numpy_helper

MODEL = """
<ir_version: 8, opset_import: ["" : 18]>
g (seq(float[N]) s, optional(float[3]) o, float[3] x)
    => (seq(float[N]) doubled, seq(float[M]) inserted, float[K] cat,
        bool has, optional(seq(float[3])) wrapped, int64 length) {
  doubled = SequenceMap(s) <body = b (float[N] e) => (float[N] m) {
    two = Constant <value = float {2.0}> ()
    m = Mul(e, two)
  }>
  inserted = SequenceInsert(s, x)
  cat = ConcatFromSequence <axis = 0> (inserted)
  has = OptionalHasElement(o)
  xs = SequenceConstruct(x, x)
  wrapped = Optional(xs)
  length = SequenceLength(inserted)
}
"""

KINDS = {"sequence_type": "seq", "optional_type": "opt", "tensor_type": "t"}


def write_value(path: Path, value, kind: str, name: str) -> None:
    if kind == "seq":
        proto = helper.make_sequence(
            name, onnx.SequenceProto.TENSOR,
            [numpy_helper.from_array(v) for v in value])
    elif kind == "opt":
        if value is None:
            proto = helper.make_optional(name, onnx.OptionalProto.UNDEFINED,
                                         None)
        else:
            proto = helper.make_optional(name, onnx.OptionalProto.TENSOR,
                                         numpy_helper.from_array(value))
    else:
        proto = numpy_helper.from_array(value, name)
    path.write_bytes(proto.SerializeToString())


def read_value(path: Path, type_proto: onnx.TypeProto):
    kind = type_proto.WhichOneof("value")
    data = path.read_bytes()
    if kind == "sequence_type":
        proto = onnx.SequenceProto()
        proto.ParseFromString(data)
        return [numpy_helper.to_array(t) for t in proto.tensor_values]
    if kind == "optional_type":
        proto = onnx.OptionalProto()
        proto.ParseFromString(data)
        if proto.HasField("sequence_value"):
            return [numpy_helper.to_array(t)
                    for t in proto.sequence_value.tensor_values]
        if proto.HasField("tensor_value"):
            return numpy_helper.to_array(proto.tensor_value)
        return None
    proto = onnx.TensorProto()
    proto.ParseFromString(data)
    return numpy_helper.to_array(proto)


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, list) or isinstance(b, list):
        return (isinstance(a, list) and isinstance(b, list) and
                len(a) == len(b) and all(same(x, y) for x, y in zip(a, b)))
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.allclose(a, b)


def run_case(work: Path, model: onnx.ModelProto, name: str, seq, opt) -> None:
    case = work / name
    case.mkdir(parents=True, exist_ok=True)
    model_path = case / "model.onnx"
    onnx.save(model, model_path)
    shapes = ",".join("[" + ",".join(map(str, a.shape)) + "]" for a in seq)
    structure = ["--input-structure=s=seq(" + shapes + ")"]
    structure.append("--input-structure=o=" + ("none" if opt is None else
                                                "[3]"))
    subprocess.run(["mlc-compile", str(model_path), "-o",
                    str(case / "model.so"), *structure], check=True)
    x = np.array([7, 8, 9], np.float32)
    inputs = [seq, opt, x]
    paths = []
    for i, (info, value) in enumerate(zip(model.graph.input, inputs)):
        path = case / f"input_{i}.pb"
        write_value(path, value, KINDS[info.type.WhichOneof("value")],
                    info.name)
        paths += ["--input", str(path)]
    subprocess.run(["mlc-run", str(case / "model.so"), *paths,
                    "--output-dir", str(case / "out")], check=True,
                   stdout=subprocess.DEVNULL)
    # The model's semantics, spelled out (onnx's reference evaluator runs no
    # SequenceMap over an empty sequence).
    inserted = seq + [x]
    expected = [[2 * e for e in seq], inserted, np.concatenate(inserted),
                np.array(opt is not None), [x, x],
                np.array(len(inserted), np.int64)]
    for i, (info, want) in enumerate(zip(model.graph.output, expected)):
        got = read_value(case / "out" / f"output_{i}.pb", info.type)
        if not same(got, want):
            print(f"FAIL {name}: output {info.name}: {got!r}, expected "
                  f"{want!r}")
            return
    print(f"PASS {name}")
    if name == "present":
        # One element more than compiled for.
        write_value(case / "input_0.pb", seq + seq[:1], "seq", "s")
        failed = subprocess.run(["mlc-run", str(case / "model.so"), *paths],
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        print(f"exit {failed.returncode}: {failed.stdout.strip()}")
    if name == "absent":
        # A value for the optional compiled as absent.
        write_value(case / "input_1.pb", np.array([1, 2, 3], np.float32),
                    "opt", "o")
        failed = subprocess.run(["mlc-run", str(case / "model.so"), *paths],
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        print(f"exit {failed.returncode}: {failed.stdout.strip()}")


def main() -> None:
    work = Path(sys.argv[1])
    model = onnx.parser.parse_model(MODEL)
    seq = [np.array([1, 2], np.float32), np.array([3, 4, 5, 6], np.float32)]
    run_case(work, model, "present", seq, np.array([1, 2, 3], np.float32))
    run_case(work, model, "absent", seq[1:], None)
    run_case(work, model, "empty", [], None)


if __name__ == "__main__":
    main()
