# Every failure is a Python exception, never a crash. Compile errors carry
# exactly what mlc-compile prints (checked against the tool on the same
# inputs: bad flags, unknown ops located at their node, truncated and
# non-ONNX files, missing paths); bad run inputs raise mlc.InvalidArgument
# naming the input; unloadable artifacts raise mlc.Error.
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %utils/models/build_models.py %t/models --no-verify > /dev/null
# RUN: %python %utils/models/onnx_text.py %mlc_src/test/tools/mlc-compile/Inputs/unknown-op.onnxtxt -o %t/models/unknown-op.onnx
# RUN: %python %s %t

import os
import subprocess
import sys

import numpy as np

import mlc

work = sys.argv[1]
models = os.path.join(work, "models")
mlp = os.path.join(models, "mlp.onnx")
out = os.path.join(work, "x.so")

assert issubclass(mlc.CompileError, mlc.Error)
assert issubclass(mlc.InvalidArgument, mlc.Error)
assert issubclass(mlc.Error, RuntimeError)


def raises(kind, function, *args, **kwargs):
    try:
        function(*args, **kwargs)
    except kind as error:
        return str(error)
    raise AssertionError("%s%r did not raise %s"
                         % (function.__name__, args, kind.__name__))


def tool_message(model, *flags):
    """What mlc-compile prints, without its 'mlc-compile: ' prefix."""
    result = subprocess.run(["mlc-compile", model, "-o", out, *flags],
                            capture_output=True, text=True)
    assert result.returncode == 1, result
    return result.stderr.strip().replace("mlc-compile: error:", "error:")


# Bad flags: the same message as the tool's.
cases = [
    ({"target": "riscv"}, ["--target=riscv"]),
    ({"opt_level": 7}, ["-O7"]),
    ({"layout": "nhcw"}, ["--layout=nhcw"]),
    ({"quantize": "int3"}, ["--quantize=int3"]),
    ({"quantize": "int8", "calibration_method": "median"},
     ["--quantize=int8", "--calibration-method=median"]),
    ({"keep_float": ["fc1"]}, ["--keep-float=fc1"]),
    ({"target": "cuda", "cuda_sm": 75}, ["--target=cuda", "--cuda-sm=75"]),
    ({"target": "cuda", "cuda_gemm": "tiles"},
     ["--target=cuda", "--cuda-gemm=tiles"]),
    ({"target": "cuda", "cuda_gemm": "hopper"},
     ["--target=cuda", "--cuda-gemm=hopper"]),
    # Any backend's own options, by flag name.
    ({"target": "cuda", "backend_options": {"cuda-sm": 75}},
     ["--target=cuda", "--cuda-sm=75"]),
    ({"target": "cuda", "backend_options": {"cuda-sm": "eighty"}},
     ["--target=cuda", "--cuda-sm=eighty"]),
    ({"max_memory": "12Q"}, ["--max-memory=12Q"]),
    ({"max_memory": 100}, ["--max-memory=100"]),
    ({"input_structure": {"x": "seq([2])"}}, ["--input-structure=x=seq([2])"]),
]
for kwargs, flags in cases:
    message = raises(mlc.CompileError, mlc.compile, mlp, out, **kwargs)
    expected = tool_message(mlp, *flags)
    assert message == expected, (kwargs, message, expected)

message = raises(mlc.CompileError, mlc.compile, mlp, out,
                 backend_options={"cuda-warps": 4})
assert message == "error: unknown backend option --cuda-warps", message

# Bad models: the located diagnostics, as the tool prints them.
for name in ("bad_unknown_op.onnx", "bad_truncated.onnx", "bad_not_onnx.onnx",
             "unknown-op.onnx", "does-not-exist.onnx"):
    path = os.path.join(models, name)
    message = raises(mlc.CompileError, mlc.compile, path, out)
    expected = tool_message(path)
    assert message == expected, (name, message, expected)
    assert message.startswith(path), message
node = raises(mlc.CompileError, mlc.compile,
              os.path.join(models, "unknown-op.onnx"))
assert "node 'my_node': error: unsupported ONNX operator 'Foo'" in node, node
# Bytes name no file: the message says so instead of a temporary path.
with open(os.path.join(models, "bad_unknown_op.onnx"), "rb") as f:
    message = raises(mlc.CompileError, mlc.compile, f.read())
assert message.startswith("<model bytes>: node 'foobar': error:"), message
message = raises(mlc.CompileError, mlc.compile, b"not a model")
assert message.startswith("<model bytes>") and "error:" in message, message
# An output directory that does not exist.
message = raises(mlc.CompileError, mlc.compile, mlp,
                 os.path.join(work, "no-such-dir", "x.so"))
assert "error:" in message, message
raises(mlc.CompileError, mlc.compile, mlp, emit="obj")  # needs an output
raises(mlc.CompileError, mlc.compile, mlp, out, emit="exe")
raises(TypeError, mlc.compile, 42)
raises(mlc.CompileError, mlc.compile, mlp, opt_level="2")

# Loading: a missing file, a file that is not a library, a library that
# is not an MLC model.
message = raises(mlc.Error, mlc.Session, os.path.join(work, "missing.so"))
assert "no such file" in message, message
message = raises(mlc.Error, mlc.Session, mlp)
assert "as a shared library" in message, message
message = raises(mlc.Error, mlc.Session, work)
assert "is a directory" in message, message
import _ctypes
message = raises(mlc.Error, mlc.Session, _ctypes.__file__)
assert "is not an MLC model: missing ABI symbol" in message, message

# Running: every bad input names what is wrong.
session = mlc.Session(mlc.compile(mlp))
raises(mlc.InvalidArgument, mlc.Session, session.path, threads=0)
x = np.zeros((1, 64), dtype=np.float32)
message = raises(mlc.InvalidArgument, session.run, None, {})
assert message == "missing input 'x' (the model's inputs: 'x')", message
message = raises(mlc.InvalidArgument, session.run, None, {"x": x, "z": x})
assert message == "unknown input 'z' (the model's inputs: 'x')", message
message = raises(mlc.InvalidArgument, session.run, None,
                 {"x": x.astype(np.float64)})
assert message == "input 'x': expected float32, got float64", message
message = raises(mlc.InvalidArgument, session.run, None,
                 {"x": x.tolist()})  # Python floats are float64
assert message == "input 'x': expected float32, got float64", message
message = raises(mlc.InvalidArgument, session.run, None,
                 {"x": np.zeros((2, 64), dtype=np.float32)})
assert message == "input 'x': expected shape [1,64], got [2,64]", message
message = raises(mlc.InvalidArgument, session.run, None,
                 {"x": np.zeros(64, dtype=np.float32)})
assert message == "input 'x': expected shape [1,64], got [64]", message
message = raises(mlc.InvalidArgument, session.run, None,
                 {"x": np.zeros((0, 64), dtype=np.float32)})
assert "expected shape [1,64], got [0,64]" in message, message
raises(mlc.InvalidArgument, session.run, None,
       {"x": np.array([["a"] * 64], dtype=object)})
raises(mlc.InvalidArgument, session.run, None, {"x": "not an array"})
raises(mlc.InvalidArgument, session.run, None, {"x": None})
raises(mlc.InvalidArgument, session.run, None, [x])
message = raises(mlc.InvalidArgument, session.run, ["logits"], {"x": x})
assert message == "unknown output 'logits' (the model's outputs: 'y')", \
    message
raises(mlc.InvalidArgument, session.run, "y", {"x": x})
raises(mlc.InvalidArgument, session.run, [0], {"x": x})
raises(mlc.InvalidArgument, session.run, 5, {"x": x})
raises(mlc.InvalidArgument, session.run, None, {"x": x}, {"log": 1})
raises(mlc.InvalidArgument, session.benchmark, {"x": x}, runs=0)
# After all that, the session still runs.
(y,) = session.run(None, {"x": x})
assert y.shape == (1, 10) and abs(float(y.sum()) - 1.0) < 1e-5
print("PASS")
