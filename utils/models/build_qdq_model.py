#!/usr/bin/env python3
"""Build a small float CNN and its QDQ form by onnxruntime's quantize_static.

Usage:
    python build_qdq_model.py OUT_DIR [--per-channel] [--seed S] [--depthwise]

Writes OUT_DIR/float.onnx (Conv+Relu, Conv+Relu, GlobalAveragePool,
Flatten, MatMul+Add with random weights; with --depthwise, a depthwise 3x3
Conv+Relu (group 8) and a grouped 3x3 Conv+Relu (group 2, 4 input channels
per group) after the second Conv+Relu), OUT_DIR/qdq.onnx (quantize_static
with QuantFormat.QDQ, uint8 activations and int8 weights, MinMax calibration
on 16 random inputs) and OUT_DIR/qdq_int.onnx: the same QDQ model whose output
is the quantized uint8 tensor that feeds the last DequantizeLinear, so that a
comparison at atol 1 / rtol 0 checks "within one quantization step".
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build_float(rng: np.random.Generator,
                depthwise: bool = False) -> onnx.ModelProto:
    def init(name, shape, scale):
        return numpy_helper.from_array(
            (rng.standard_normal(shape) * scale).astype(np.float32), name)

    inits = [
        init("w1", [8, 3, 3, 3], 0.3), init("b1", [8], 0.1),
        init("w2", [8, 8, 3, 3], 0.15), init("b2", [8], 0.1),
        init("w3", [8, 10], 0.4), init("b3", [10], 0.1),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1],
                         strides=[2, 2]),
        helper.make_node("Relu", ["c2"], ["r2"]),
        helper.make_node("GlobalAveragePool", ["r4" if depthwise else "r2"],
                         ["p"]),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("MatMul", ["f", "w3"], ["m"]),
        helper.make_node("Add", ["m", "b3"], ["y"]),
    ]
    if depthwise:
        inits += [init("wd", [8, 1, 3, 3], 0.5), init("bd", [8], 0.1),
                  init("wg", [8, 4, 3, 3], 0.25), init("bg", [8], 0.1)]
        nodes[4:4] = [
            helper.make_node("Conv", ["r2", "wd", "bd"], ["c3"],
                             pads=[1, 1, 1, 1], group=8),
            helper.make_node("Relu", ["c3"], ["r3"]),
            helper.make_node("Conv", ["r3", "wg", "bg"], ["c4"],
                             pads=[1, 1, 1, 1], group=2),
            helper.make_node("Relu", ["c4"], ["r4"]),
        ]
    graph = helper.make_graph(
        nodes, "small_cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-channel", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--depthwise", action="store_true")
    args = parser.parse_args()
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat,
                                          QuantType, quantize_static)

    rng = np.random.default_rng(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    float_path, qdq_path = args.out / "float.onnx", args.out / "qdq.onnx"
    onnx.save(build_float(rng, args.depthwise), float_path)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.data = iter([{"x": rng.standard_normal([1, 3, 16, 16])
                               .astype(np.float32)} for _ in range(16)])

        def get_next(self):
            return next(self.data, None)

    quantize_static(str(float_path), str(qdq_path), Reader(),
                    quant_format=QuantFormat.QDQ, per_channel=args.per_channel,
                    activation_type=QuantType.QUInt8,
                    weight_type=QuantType.QInt8)
    qdq = onnx.load(qdq_path)
    graph = qdq.graph
    last = next(n for n in graph.node if n.output[0] == graph.output[0].name)
    if last.op_type != "DequantizeLinear":
        raise SystemExit(f"unexpected last node {last.op_type}")
    graph.output[0].CopyFrom(helper.make_tensor_value_info(
        last.input[0], TensorProto.UINT8, [1, 10]))
    graph.node.remove(last)
    onnx.save(qdq, args.out / "qdq_int.onnx")


if __name__ == "__main__":
    main()
