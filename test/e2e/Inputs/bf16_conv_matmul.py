#!/usr/bin/env python3
"""A float conv + matmul model whose shapes exercise the bf16 kernels' edges.

Usage: python bf16_conv_matmul.py OUT.onnx

Input [1, 3, 15, 15]: a 3x3 conv to 32 channels with bias and ReLU (3
input channels: an odd reduction, its last pair masked), a 1x1 conv with
a residual add and ReLU, a 3x3 stride-2 conv to 40 channels (2.5 weight
tiles; 8 output rows: no multiple of the 6-row register block), then the
64 pixels as rows of a [1, 64, 40] x [40, 72] MatMul with bias and ReLU
(72 channels: 4.5 tiles) and a [72, 24] MatMul (1.5 tiles, no bias).
Output [1, 64, 24]. Random weights (seed 0).
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main() -> None:
    rng = np.random.RandomState(0)
    inits, nodes = [], []

    def weight(name, shape, fan_in):
        inits.append(numpy_helper.from_array(
            (rng.standard_normal(shape) / np.sqrt(fan_in)).astype(np.float32),
            name))
        return name

    def conv(x, out, cin, cout, k, stride=1):
        w = weight(out + "_w", (cout, cin, k, k), cin * k * k)
        b = weight(out + "_b", (cout,), 4)
        nodes.append(helper.make_node(
            "Conv", [x, w, b], [out], kernel_shape=[k, k],
            strides=[stride, stride], pads=[k // 2] * 4))
        return out

    def relu(x, out):
        nodes.append(helper.make_node("Relu", [x], [out]))
        return out

    x = relu(conv("input", "c1", 3, 32, 3), "r1")
    y = conv(x, "c2", 32, 32, 1)
    nodes.append(helper.make_node("Add", [y, x], ["res"]))
    x = relu("res", "r2")
    x = conv(x, "c3", 32, 40, 3, stride=2)  # [1, 40, 8, 8]
    inits.append(numpy_helper.from_array(
        np.array([1, 40, 64], dtype=np.int64), "shape"))
    nodes.append(helper.make_node("Reshape", [x, "shape"], ["flat"]))
    nodes.append(helper.make_node("Transpose", ["flat"], ["rows"],
                                  perm=[0, 2, 1]))  # [1, 64, 40]
    nodes.append(helper.make_node(
        "MatMul", ["rows", weight("m1_w", (40, 72), 40)], ["m1"]))
    nodes.append(helper.make_node("Add", ["m1", weight("m1_b", (72,), 4)],
                                  ["m1b"]))
    x = relu("m1b", "r3")
    nodes.append(helper.make_node(
        "MatMul", [x, weight("m2_w", (72, 24), 72)], ["output"]))
    graph = helper.make_graph(
        nodes, "bf16_conv_matmul",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                       [1, 3, 15, 15])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT,
                                       [1, 64, 24])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              ir_version=8)
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
