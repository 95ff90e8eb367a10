#!/usr/bin/env python3
"""Build a small float CNN for post-training quantization tests.

Usage:
    python build_ptq_model.py OUT.onnx [--seed S]

The model (input x [1, 3, 16, 16], output y [1, 10], named nodes) holds the
layer kinds that --quantize=int8 handles: Conv+Relu (conv1), Conv with a
residual Add (conv2), Conv+Clip(0, 6) (conv3, grouped) feeding only a 1x1
Conv+Relu (conv4), GlobalAveragePool,
Flatten, Gemm with transB + Relu (fc1) and MatMul + Add (fc2). Weights are
random (He-scaled), so activations keep a sensible range.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build(rng: np.random.Generator) -> onnx.ModelProto:
    def init(name, shape, fan_in=None, scale=None):
        if scale is None:
            scale = np.sqrt(2.0 / fan_in)
        return numpy_helper.from_array(
            (rng.standard_normal(shape) * scale).astype(np.float32), name)

    inits = [
        init("w1", [16, 3, 3, 3], 27), init("b1", [16], scale=0.1),
        init("w2", [16, 16, 3, 3], 144), init("b2", [16], scale=0.1),
        init("w3", [16, 4, 3, 3], 36), init("b3", [16], scale=0.1),
        init("w4", [16, 16, 1, 1], 16), init("b4", [16], scale=0.1),
        init("wf1", [32, 16], 16), init("bf1", [32], scale=0.1),
        init("wf2", [32, 10], 32), init("bf2", [10], scale=0.1),
    ]
    node = helper.make_node
    nodes = [
        node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        node("Relu", ["c1"], ["r1"], name="relu1"),
        node("Conv", ["r1", "w2", "b2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
        node("Add", ["c2", "r1"], ["a2"], name="add2"),
        node("Relu", ["a2"], ["r2"], name="relu2"),
        node("Conv", ["r2", "w3", "b3"], ["c3"], name="conv3", pads=[1, 1, 1, 1],
             strides=[2, 2], group=4),
        node("Clip", ["c3", "lo", "hi"], ["r3"], name="relu6"),
        node("Conv", ["r3", "w4", "b4"], ["c4"], name="conv4"),
        node("Relu", ["c4"], ["r4"], name="relu4"),
        node("GlobalAveragePool", ["r4"], ["p"], name="pool"),
        node("Flatten", ["p"], ["f"], name="flatten"),
        node("Gemm", ["f", "wf1", "bf1"], ["g"], name="fc1", transB=1),
        node("Relu", ["g"], ["rg"], name="relu_fc1"),
        node("MatMul", ["rg", "wf2"], ["m"], name="fc2"),
        node("Add", ["m", "bf2"], ["y"], name="fc2_bias"),
    ]
    inits += [numpy_helper.from_array(np.array(0, np.float32), "lo"),
              numpy_helper.from_array(np.array(6, np.float32), "hi")]
    graph = helper.make_graph(
        nodes, "ptq_cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
        inits)
    return finish_model(graph)


def finish_model(graph: onnx.GraphProto) -> onnx.ModelProto:
    """`graph` as an opset-17, IR-8 model (what onnxruntime 1.23 loads), checked."""
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def run_builder(build_model, description: str) -> None:
    """The command line of a builder: OUT.onnx [--seed S] -> build_model(rng)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(build_model(np.random.default_rng(args.seed)), args.out)


if __name__ == "__main__":
    run_builder(build, __doc__.splitlines()[0])
