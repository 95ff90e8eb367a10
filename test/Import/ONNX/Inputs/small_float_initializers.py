"""Writes a model whose initializers are float8/float4/int4 tensors in each
storage form: raw_data (4-bit types packed two per byte, low nibble first)
and int32_data (float8: one bit pattern per entry; 4-bit: packed bytes)."""
import sys

import numpy as np
import onnx
from onnx import TensorProto as T, helper


def raw(name, dtype, dims, data):
    return helper.make_tensor(name, dtype, dims, bytes(data), raw=True)


def int32(name, dtype, dims, values):
    t = onnx.TensorProto(name=name, data_type=dtype, dims=dims)
    t.int32_data.extend(values)
    return t


inits = [
    # 1.0, -2.0, 448.0 as f8E4M3FN bit patterns: 0x38, 0xC0, 0x7E.
    raw("f8raw", T.FLOAT8E4M3FN, [3], [0x38, 0xC0, 0x7E]),
    int32("f8int", T.FLOAT8E5M2, [2], [0x3C, 0xC4]),  # 1.0, -4.0
    # f4E2M1: 0.5 (0x1), -6.0 (0xF), 3.0 (0x5): bytes 0xF1, 0x05.
    raw("f4raw", T.FLOAT4E2M1, [3], [0xF1, 0x05]),
    # int4 1, -2, 7, -8 packed: 0xE1, 0x87.
    int32("i4int", T.INT4, [4], [0xE1, 0x87]),
    raw("u4raw", T.UINT4, [3], [0xE1, 0x07]),  # 1, 14, 7
]
outs = [helper.make_tensor_value_info(t.name + "_out", t.data_type, list(t.dims))
        for t in inits]
nodes = [helper.make_node("Identity", [t.name], [t.name + "_out"]) for t in inits]
graph = helper.make_graph(nodes, "g", [], outs, initializer=inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
model.ir_version = 10
onnx.save(model, sys.argv[1])
