# mlc.compile from a path, from bytes and from an onnx.ModelProto, and
# mlc.Session in onnxruntime's shape: get_inputs/get_outputs, run with all
# outputs or some by name, inputs passed without a copy or made contiguous.
# Outputs match onnxruntime at rtol 1e-4 / atol 1e-5; the artifact is the
# one mlc-compile writes, byte for byte.
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %utils/models/build_models.py %t/models --no-verify > /dev/null
# RUN: %python %s %t/models

import os
import sys

import numpy as np
import onnx
import onnx.parser
import onnxruntime as ort

import mlc

RTOL, ATOL = 1e-4, 1e-5
models = sys.argv[1]
rng = np.random.default_rng(0)


def reference(path, feed):
    return ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(
        None, feed)


# From a path, into a temporary directory owned by the artifact.
mlp_path = os.path.join(models, "mlp.onnx")
artifact = mlc.compile(mlp_path)
assert os.path.isfile(artifact.path), artifact.path
assert [(a.name, a.shape, a.type, a.dtype) for a in artifact.inputs] == \
    [("x", [1, 64], "tensor(float)", "float32")], artifact.inputs
assert [(a.name, a.shape) for a in artifact.outputs] == [("y", [1, 10])]

session = mlc.Session(artifact)
assert [i.name for i in session.get_inputs()] == ["x"]
assert session.get_outputs()[0].shape == [1, 10]
x = rng.standard_normal((1, 64), dtype=np.float32)
(y,) = session.run(None, {"x": x})
assert session._last_input_copies == 0  # contiguous float32: passed as is
(expected,) = reference(mlp_path, {"x": x})
assert y.dtype == np.float32 and y.shape == (1, 10)
np.testing.assert_allclose(y, expected, rtol=RTOL, atol=ATOL)
# Each run returns new arrays.
(y2,) = session.run(["y"], {"x": x})
assert y2 is not y and not np.shares_memory(y, y2)
np.testing.assert_array_equal(y, y2)
# As onnxruntime, an empty list asks for every output.
np.testing.assert_array_equal(session.run([], {"x": x})[0], y)
# An output named twice comes back twice, as separate arrays.
first, second = session.run(["y", "y"], {"x": x})
np.testing.assert_array_equal(first, second)
assert not np.shares_memory(first, second)
# A non-contiguous view (every other column of a wider array) and a
# Fortran-ordered array are copied to C order first: same results.
wide = np.zeros((1, 128), dtype=np.float32)
wide[:, ::2] = x
(y_view,) = session.run(None, {"x": wide[:, ::2]})
assert session._last_input_copies == 1
np.testing.assert_array_equal(y_view, y)
# A contiguous slice of a larger array is passed as is.
(y_slice,) = session.run(None, {"x": np.concatenate([x, x])[1:]})
assert session._last_input_copies == 0
np.testing.assert_array_equal(y_slice, y)
# A read-only input is fine (nothing writes to inputs).
readonly = x.copy()
readonly.flags.writeable = False
np.testing.assert_array_equal(session.run(None, {"x": readonly})[0], y)

# From bytes and from a ModelProto, to a given output path.
cnn_path = os.path.join(models, "cnn.onnx")
with open(cnn_path, "rb") as f:
    cnn_bytes = f.read()
out = os.path.join(models, "cnn-bytes.so")
from_bytes = mlc.compile(cnn_bytes, out, opt_level=2)
assert from_bytes.path == out and os.path.isfile(out)
from_proto = mlc.compile(onnx.load(cnn_path), os.path.join(models, "cnn-proto.so"),
                         opt_level=0)
# The same compilation as the tool's: byte-identical artifacts.
import subprocess
tool = os.path.join(models, "cnn-tool.so")
subprocess.run(["mlc-compile", cnn_path, "-o", tool, "-O0"], check=True)
with open(tool, "rb") as a, open(from_proto.path, "rb") as b:
    assert a.read() == b.read(), "mlc.compile and mlc-compile differ"
image = rng.standard_normal((1, 3, 32, 32), dtype=np.float32)
(expected,) = reference(cnn_path, {"input": image})
for artifact in (from_bytes, from_proto):
    session = mlc.Session(artifact.path)  # a plain path works too
    assert session.get_inputs()[0].name == "input"
    assert session.get_inputs()[0].shape == [1, 3, 32, 32]
    (output,) = session.run(None, {"input": image})
    np.testing.assert_allclose(output, expected, rtol=RTOL, atol=ATOL)

# emit="mlir" writes the mlc module (nothing to load: no inputs/outputs).
mlir = mlc.compile(mlp_path, os.path.join(models, "mlp.mlir"), emit="mlir")
assert mlir.inputs is None and "mlc." in open(mlir.path).read()
obj = mlc.compile(mlp_path, os.path.join(models, "mlp.o"), emit="obj")
assert open(obj.path, "rb").read(4) == b"\x7fELF"
try:
    mlc.Session(mlir)
except mlc.Error as error:
    assert "emitted as 'mlir'" in str(error), error
else:
    raise AssertionError("a session opened an MLIR file")

# Every op model of the builder (one or two inputs, broadcasting, conv and
# pool attributes, ...) against onnxruntime, inputs fed by name.
import json
manifest = json.load(open(os.path.join(models, "manifest.json")))["models"]
checked = 0
for entry in manifest:
    if not entry["name"].startswith("op_"):
        continue
    path = os.path.join(models, entry["file"])
    session = mlc.Session(mlc.compile(path))
    assert [i.name for i in session.get_inputs()] == \
        [i["name"] for i in entry["inputs"]]
    feed = {}
    for spec in entry["inputs"]:
        low, high = spec.get("range", (-1.0, 1.0))
        feed[spec["name"]] = rng.uniform(low, high, spec["shape"]).astype(
            spec["dtype"])
    ours = session.run(None, feed)
    theirs = reference(path, feed)
    assert len(ours) == len(theirs) == len(entry["outputs"])
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype and a.shape == b.shape, (entry["name"], a, b)
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL,
                                   err_msg=entry["name"])
    checked += 1
assert checked >= 20, checked
print("PASS: %d op models" % checked)

# A sequence input compiled for two elements (input_structure): the session
# takes and returns the elements as tensors named NAME[i].
sequence_model = onnx.parser.parse_model("""
<ir_version: 8, opset_import: ["" : 17]>
g (seq(float[N]) s, float[3] x) => (seq(float[M]) t) {
  t = SequenceInsert(s, x)
}
""")
artifact = mlc.compile(sequence_model,
                       input_structure={"s": "seq([2],[?])"})
session = mlc.Session(artifact)
assert [i.name for i in session.get_inputs()] == ["s[0]", "s[1]", "x"]
assert [o.name for o in session.get_outputs()] == ["t[0]", "t[1]", "t[2]"]
elements = [np.array([1, 2], np.float32), np.array([3, 4, 5], np.float32)]
x = np.array([6, 7, 8], np.float32)
got = session.run(None, {"s[0]": elements[0], "s[1]": elements[1], "x": x})
for a, b in zip(got, elements + [x]):
    np.testing.assert_array_equal(a, b)
print("PASS: sequence input")

# A Loop of run-time trip count appending to a sequence, compiled for at
# most 3 iterations (max_loop_iterations): the sequence output is its
# length, then 3 element slots of which the first `length` are elements.
loop_model = onnx.parser.parse_model("""
<ir_version: 8, opset_import: ["" : 17]>
g (int64 m, float[3] x) => (seq(float[3]) s) {
  e = SequenceEmpty<dtype = 1>()
  t = Constant<value = bool {1}>()
  s = Loop(m, t, e) <body = b (int64 i, bool c, seq(float[3]) acc) => (bool co, seq(float[3]) next) {
    co = Identity(c)
    fi = Cast<to = 1>(i)
    y = Add(x, fi)
    next = SequenceInsert(acc, y)
  }>
}
""")
session = mlc.Session(mlc.compile(loop_model, max_loop_iterations=3))
assert [o.name for o in session.get_outputs()] == [
    "s.length", "s[0]", "s[1]", "s[2]"]
got = session.run(None, {"m": np.array(2, np.int64), "x": x})
assert got[0] == 2, got[0]
np.testing.assert_array_equal(got[1], x)
np.testing.assert_array_equal(got[2], x + 1)
print("PASS: sequence output of run-time length")
