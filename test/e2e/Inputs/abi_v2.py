"""Calls mlc_run_dynamic of a compiled model through ctypes, for
dynamic-shapes.test: the model is y = relu(x + b), x: float[N, 3].

Checks the ABI version, the -1 in the info table, that mlc_run refuses a
dynamic model, that wrong input shapes (rank or static dim, negative size)
give MLC_ERROR_INVALID_ARGUMENT, that a too small output buffer gives
MLC_ERROR_OUTPUT_TOO_SMALL with the output shape filled in, and that a run at
batch 1 and 4 computes the right values. Prints one line per check.
"""

import ctypes
import sys

import numpy as np

OK, INVALID, TOO_SMALL = 0, 1, 4  # mlc_status in mlc_runtime.h

lib = ctypes.CDLL(sys.argv[1])
print("abi", lib.mlc_abi_version())


class Info(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32),
                ("rank", ctypes.c_int32), ("shape", ctypes.POINTER(ctypes.c_int64))]


lib.mlc_input_info.restype = ctypes.POINTER(Info)
info = lib.mlc_input_info(0).contents
print("input", info.name.decode(), [info.shape[i] for i in range(info.rank)])
lib.mlc_context_create.restype = ctypes.c_void_p
ctx = ctypes.c_void_p(lib.mlc_context_create(1))
P = ctypes.c_void_p
I64P = ctypes.POINTER(ctypes.c_int64)


def run(x, in_shape, capacity):
    y = np.zeros(max(capacity // 4, 1), np.float32)
    ins = (P * 1)(x.ctypes.data)
    shape_arr = (ctypes.c_int64 * len(in_shape))(*in_shape)
    in_shapes = (I64P * 1)(ctypes.cast(shape_arr, I64P))
    outs = (P * 1)(y.ctypes.data)
    caps = (ctypes.c_int64 * 1)(capacity)
    out_shape = (ctypes.c_int64 * 2)(-7, -7)
    out_shapes = (I64P * 1)(ctypes.cast(out_shape, I64P))
    status = lib.mlc_run_dynamic(ctx, ins, in_shapes, outs, caps, out_shapes)
    return status, list(out_shape), y


x = np.random.RandomState(0).randn(4, 3).astype(np.float32)
print("mlc_run", lib.mlc_run(ctx, (P * 1)(x.ctypes.data), (P * 1)(x.ctypes.data)))
print("bad static dim", run(x, [4, 2], 48)[0] == INVALID)
print("negative dim", run(x, [-1, 3], 48)[0] == INVALID)
status, shape, _ = run(x, [4, 3], 8)
print("too small", status == TOO_SMALL, shape)
for batch in (1, 4):
    status, shape, y = run(x, [batch, 3], 4 * batch * 3)
    expected = np.maximum(x[:batch] + np.array([1, 2, 3], np.float32), 0)
    ok = status == OK and np.allclose(y[:batch * 3].reshape(batch, 3), expected)
    print("batch", batch, shape, "ok" if ok else f"FAIL status {status}")
lib.mlc_context_destroy(ctx)
