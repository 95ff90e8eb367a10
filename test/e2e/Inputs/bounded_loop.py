#!/usr/bin/env python3
"""Sequences of run-time length through mlc-compile and mlc-run
(test/e2e/bounded-loop.test).

A Loop with a run-time trip count m and a condition input that appends a
slice one longer per iteration to a carried sequence (elements of growing
shape) and sums a carried tensor, compiled with --max-loop-iterations=4; and
SplitToSequence by a run-time scalar split. Each is run by mlc-run (the
sequence output read back as a SequenceProto: NAME.length says how many
slots hold elements) and compared with onnxruntime at rtol 1e-5. Prints
PASS or FAIL per case, and mlc-run's exit status and error line where the
run must fail (more than 4 iterations, a split of 0).

Usage: bounded_loop.py WORKDIR (mlc-compile and mlc-run on PATH)
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnx.parser
import onnxruntime as ort
from onnx import numpy_helper

LOOP = """
<ir_version: 8, opset_import: ["" : 17]>
g (int64 m, bool cond, int64 stop, float[6] x) => (seq(float[?]) s, float[6] sum) {
  e = SequenceEmpty<dtype = 1>()
  z = Constant<value = float[6] {0, 0, 0, 0, 0, 0}>()
  s, sum = Loop(m, cond, e, z) <body = b (int64 i, bool c, seq(float[?]) acc, float[6] total) => (bool co, seq(float[?]) next, float[6] out) {
    co = Less(i, stop)
    one = Constant<value = int64[1] {1}>()
    zero = Constant<value = int64[1] {0}>()
    iu = Unsqueeze(i, zero)
    end = Add(iu, one)
    piece = Slice(x, zero, end)
    next = SequenceInsert(acc, piece)
    out = Add(total, x)
  }>
}
"""

SPLIT = """
<ir_version: 8, opset_import: ["" : 17]>
g (float[2, 7] x, int64 split) => (seq(float[2, ?]) s) {
  s = SplitToSequence<axis = 1>(x, split)
}
"""


def write_tensor(path: Path, value: np.ndarray, name: str) -> None:
    path.write_bytes(numpy_helper.from_array(value, name).SerializeToString())


def read_output(path: Path, is_sequence: bool):
    if is_sequence:
        proto = onnx.SequenceProto()
        proto.ParseFromString(path.read_bytes())
        return [numpy_helper.to_array(t) for t in proto.tensor_values]
    proto = onnx.TensorProto()
    proto.ParseFromString(path.read_bytes())
    return numpy_helper.to_array(proto)


def same(a, b) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return (isinstance(a, list) and isinstance(b, list) and
                len(a) == len(b) and all(same(x, y) for x, y in zip(a, b)))
    a, b = np.asarray(a), np.asarray(b)
    return (a.dtype == b.dtype and a.shape == b.shape and
            np.allclose(a, b, rtol=1e-5, atol=0))


def compile_model(work: Path, name: str, text: str, flags: list[str]):
    model = onnx.parser.parse_model(text)
    path = work / f"{name}.onnx"
    onnx.save(model, path)
    subprocess.run(["mlc-compile", str(path), "-o", str(work / f"{name}.so"),
                    *flags], check=True)
    return model, ort.InferenceSession(str(path),
                                       providers=["CPUExecutionProvider"])


def run_case(work: Path, name: str, model, session, feeds: dict,
             library: str, must_fail: bool = False) -> None:
    case = work / name
    case.mkdir(parents=True, exist_ok=True)
    args = []
    for i, info in enumerate(model.graph.input):
        path = case / f"input_{i}.pb"
        write_tensor(path, feeds[info.name], info.name)
        args += ["--input", str(path)]
    ran = subprocess.run(["mlc-run", str(work / library), *args,
                          "--output-dir", str(case / "out")],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True)
    if must_fail:
        print(f"{name}: exit {ran.returncode}: "
              f"{ran.stdout.strip().splitlines()[-1]}")
        return
    if ran.returncode != 0:
        print(f"FAIL {name}: {ran.stdout.strip()}")
        return
    expected = session.run(None, feeds)
    for i, (info, want) in enumerate(zip(model.graph.output, expected)):
        is_sequence = info.type.HasField("sequence_type")
        got = read_output(case / "out" / f"output_{i}.pb", is_sequence)
        if not same(got, want):
            print(f"FAIL {name}: output {info.name}: {got!r}, expected "
                  f"{want!r}")
            return
    print(f"PASS {name}")


def main() -> None:
    work = Path(sys.argv[1])
    work.mkdir(parents=True, exist_ok=True)
    loop, loop_session = compile_model(work, "loop", LOOP,
                                       ["--max-loop-iterations=4"])
    x = np.arange(1, 7, dtype=np.float32)

    def feeds(m: int, cond: bool = True, stop: int = 100) -> dict:
        return {"m": np.array(m, np.int64), "cond": np.array(cond),
                "stop": np.array(stop, np.int64), "x": x}

    for m in [0, 1, 3, 4, -2]:
        run_case(work, f"loop-m{m}", loop, loop_session, feeds(m), "loop.so")
    run_case(work, "loop-cond-false", loop, loop_session, feeds(3, False),
             "loop.so")
    # The body's condition stops it after iterations 0, 1 and 2.
    run_case(work, "loop-stop", loop, loop_session, feeds(100, stop=2),
             "loop.so")
    run_case(work, "loop-m5", loop, loop_session, feeds(5), "loop.so",
             must_fail=True)

    split, split_session = compile_model(work, "split", SPLIT, [])
    values = np.arange(14, dtype=np.float32).reshape(2, 7)
    for size in [1, 3, 7, 9]:
        run_case(work, f"split-{size}", split, split_session,
                 {"x": values, "split": np.array(size, np.int64)}, "split.so")
    run_case(work, "split-0", split, split_session,
             {"x": values, "split": np.array(0, np.int64)}, "split.so",
             must_fail=True)


if __name__ == "__main__":
    main()
