#!/usr/bin/env python3
"""A float CNN whose shapes exercise every edge of the 8-bit GEMM blocks.

Usage: python int8_odd_shapes.py OUT.onnx

Input [1, 3, 23, 23] (odd spatial sizes: row counts that are no multiple of
any register block), a 3x3 stride-2 conv to 40 channels (2.5 weight tiles:
a last block with fewer tiles), a 1x1 conv to 72 channels, a depthwise 3x3,
a 1x1 conv to 136 channels (8.5 tiles: two full blocks of 4 and a partial
one), a residual-free ReLU chain, global average pool, then a Gemm to 10.
Random weights (seed 0).
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main() -> None:
    rng = np.random.RandomState(0)
    inits, nodes = [], []

    def weight(name, shape, scale=0.2):
        inits.append(numpy_helper.from_array(
            (rng.standard_normal(shape) * scale).astype(np.float32), name))
        return name

    def conv(x, out, cin, cout, k, stride=1, group=1):
        w = weight(f"{out}_w", [cout, cin // group, k, k])
        b = weight(f"{out}_b", [cout], 0.1)
        nodes.append(helper.make_node(
            "Conv", [x, w, b], [f"{out}_c"], pads=[k // 2] * 4,
            strides=[stride, stride], group=group))
        nodes.append(helper.make_node("Relu", [f"{out}_c"], [out]))
        return out

    x = conv("x", "c0", 3, 40, 3, stride=2)
    x = conv(x, "c1", 40, 72, 1)
    x = conv(x, "c2", 72, 72, 3, group=72)
    x = conv(x, "c3", 72, 136, 1)
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["pool"]))
    nodes.append(helper.make_node("Flatten", ["pool"], ["flat"]))
    fc = weight("fc_w", [10, 136])
    fcb = weight("fc_b", [10], 0.1)
    nodes.append(helper.make_node("Gemm", ["flat", fc, fcb], ["y"], transB=1))
    graph = helper.make_graph(
        nodes, "int8_odd_shapes",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 23, 23])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
