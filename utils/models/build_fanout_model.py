#!/usr/bin/env python3
"""Build a small float CNN where one quantized value feeds two quantized layers.

Usage:
    python build_fanout_model.py OUT.onnx [--seed S]

The model (input x [1, 3, 8, 8], output y [1, 16, 8, 8], named nodes) has the
shape of a ResNet stage boundary: conv0 + Relu gives r0, which feeds both
conva (1x1, small weights, then Relu and a 1x1 conv2) and convb (3x3, weights
and bias ~40x larger), whose outputs are added. The two consumers of r0 have
output scales far apart, so a quantizer that mixes up the parameters of one
consumer with the other's, or of the shared value's two readers, is caught.
Like torch.onnx's default export of a network with folded batch norms, the
layers with the same output shape share one all-zero bias initializer
(conv0 and conva: 8 channels, conv2 and convb: 16): the compiled
initialization of their accumulators is then one tensor that calibration's
observed outputs must not mix up.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from build_ptq_model import finish_model, run_builder


def build(rng: np.random.Generator) -> onnx.ModelProto:
    def init(name, shape, scale):
        return numpy_helper.from_array(
            (rng.standard_normal(shape) * scale).astype(np.float32), name)

    inits = [init("w0", [8, 3, 3, 3], 0.3), init("wa", [8, 8, 1, 1], 0.05),
             init("wb", [16, 8, 3, 3], 2.0), init("w2", [16, 8, 1, 1], 0.3),
             numpy_helper.from_array(np.zeros([8], np.float32), "z8"),
             numpy_helper.from_array(np.zeros([16], np.float32), "z16")]
    node = helper.make_node
    nodes = [
        node("Conv", ["x", "w0", "z8"], ["c0"], name="conv0", pads=[1, 1, 1, 1]),
        node("Relu", ["c0"], ["r0"], name="relu0"),
        node("Conv", ["r0", "wa", "z8"], ["ca"], name="conva"),
        node("Relu", ["ca"], ["ra"], name="relua"),
        node("Conv", ["ra", "w2", "z16"], ["c2"], name="conv2"),
        node("Conv", ["r0", "wb", "z16"], ["cb"], name="convb", pads=[1, 1, 1, 1]),
        node("Add", ["c2", "cb"], ["y"], name="add"),
    ]
    graph = helper.make_graph(
        nodes, "fanout",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16, 8, 8])],
        inits)
    return finish_model(graph)


if __name__ == "__main__":
    run_builder(build, __doc__.splitlines()[0])
