"""Runs a model whose output sizes depend on its input data (NonZero, TopK
with an input k, Compress, ConstantOfShape / Range / Expand / Tile of runtime
operands, none with a declared output shape) for data-dependent-shapes.test.

Usage: data_dependent.py MODEL.onnx MODEL.so MLC_RUN WORKDIR

For two sets of inputs (giving different output sizes), it
  1. calls mlc_run_dynamic through ctypes with no output buffers (capacity
     0): the call must return MLC_ERROR_OUTPUT_TOO_SMALL with every output
     shape written; it then allocates those sizes and calls again (MLC_OK);
  2. runs `mlc-run` on the same inputs saved as .npy;
and compares every output of both with onnxruntime (shapes exactly, values
at rtol 1e-5). Prints one line per input set and path.
"""

import ctypes
import os
import subprocess
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import onnxruntime as ort

OK, TOO_SMALL = 0, 4  # mlc_status in mlc_runtime.h
DTYPES = {1: np.float32, 7: np.int64, 9: np.bool_}

model_path, so_path, mlc_run, workdir = sys.argv[1:5]


class Info(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32),
                ("rank", ctypes.c_int32), ("shape", ctypes.POINTER(ctypes.c_int64))]


lib = ctypes.CDLL(so_path)
lib.mlc_input_info.restype = ctypes.POINTER(Info)
lib.mlc_output_info.restype = ctypes.POINTER(Info)
lib.mlc_context_create.restype = ctypes.c_void_p
lib.mlc_last_error.restype = ctypes.c_char_p
ctx = ctypes.c_void_p(lib.mlc_context_create(1))
P = ctypes.c_void_p
I64P = ctypes.POINTER(ctypes.c_int64)
outputs_info = [lib.mlc_output_info(i).contents for i in range(lib.mlc_num_outputs())]


def run_abi(inputs):
    """mlc_run_dynamic with empty buffers, then with the reported sizes."""
    n_in, n_out = len(inputs), len(outputs_info)
    ins = (P * n_in)(*[a.ctypes.data for a in inputs])
    shape_arrays = [(ctypes.c_int64 * max(a.ndim, 1))(*a.shape) for a in inputs]
    in_shapes = (I64P * n_in)(*[ctypes.cast(s, I64P) for s in shape_arrays])
    out_shape_arrays = [(ctypes.c_int64 * max(o.rank, 1))() for o in outputs_info]
    out_shapes = (I64P * n_out)(*[ctypes.cast(s, I64P) for s in out_shape_arrays])

    def call(buffers):
        outs = (P * n_out)(*[b.ctypes.data if b is not None else None for b in buffers])
        caps = (ctypes.c_int64 * n_out)(*[b.nbytes if b is not None else 0 for b in buffers])
        return lib.mlc_run_dynamic(ctx, ins, in_shapes, outs, caps, out_shapes)

    status = call([None] * n_out)
    shapes = [list(s)[:o.rank] for s, o in zip(out_shape_arrays, outputs_info)]
    # A call whose outputs are all empty fits at once.
    if status not in (OK, TOO_SMALL):
        return f"status {status}: {lib.mlc_last_error().decode()}", None
    if status == OK and any(int(np.prod(s)) for s in shapes):
        return "empty buffers did not give OUTPUT_TOO_SMALL", None
    buffers = [np.zeros(s, DTYPES[o.dtype]) for s, o in zip(shapes, outputs_info)]
    status = call(buffers)
    if status != OK:
        return f"second call status {status}", None
    return None, buffers


def run_mlc_run(inputs, tag):
    paths = []
    for i, a in enumerate(inputs):
        path = os.path.join(workdir, f"{tag}_in{i}.npy")
        np.save(path, a)
        paths.append(path)
    out_dir = os.path.join(workdir, f"{tag}_out")
    cmd = [mlc_run, so_path] + [x for p in paths for x in ("--input", p)]
    cmd += ["--output-dir", out_dir]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        return result.stderr.strip(), None
    return None, [onnx.numpy_helper.to_array(
        onnx.load_tensor(os.path.join(out_dir, f"output_{i}.pb")))
        for i in range(len(outputs_info))]


def compare(actual, expected):
    for i, (a, e) in enumerate(zip(actual, expected)):
        if a.shape != e.shape:
            return f"output {i}: shape {list(a.shape)}, expected {list(e.shape)}"
        if not np.allclose(a, e, rtol=1e-5, atol=0):
            return f"output {i}: values differ"
    return None


session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
names = [i.name for i in session.get_inputs()]
rng = np.random.RandomState(0)
x = rng.randn(3, 4).astype(np.float32)
x[x < -0.3] = 0
# Inputs: x, k, c, s, start, limit, delta, r, col. The second set gives
# empty NonZero, Compress, ConstantOfShape and Expand results.
cases = {
    "a": [x, np.array([2], np.int64), np.array([True, False, True]),
          np.array([3, 4], np.int64), np.float32(1), np.float32(4),
          np.float32(0.5), np.array([2, 1], np.int64),
          rng.randn(3, 1).astype(np.float32)],
    "b": [np.zeros((3, 4), np.float32), np.array([4], np.int64),
          np.array([False, False, False]), np.array([3, 0], np.int64),
          np.float32(5), np.float32(1), np.float32(-1.5),
          np.array([1, 3], np.int64), rng.randn(3, 1).astype(np.float32)],
}
for tag, inputs in cases.items():
    inputs = [np.array(a, order="C") for a in inputs]
    expected = session.run(None, dict(zip(names, inputs)))
    for path, runner in (("ctypes", run_abi), ("mlc-run", lambda v: run_mlc_run(v, tag))):
        error, actual = runner(inputs)
        if error is None:
            error = compare(actual, expected)
        shapes = " ".join(str(list(e.shape)).replace(" ", "") for e in expected)
        print(f"{tag} {path} {shapes}", "ok" if error is None else f"FAIL {error}")
lib.mlc_context_destroy(ctx)
