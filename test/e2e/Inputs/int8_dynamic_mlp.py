#!/usr/bin/env python3
"""A float MLP in the transformer's shapes for --quantize=int8-dynamic.

Usage: python int8_dynamic_mlp.py OUT.onnx

Input [1, 32, 64]; a Reshape to [32, 1, 64] (rows kept, as torch exports
the attention input projection), MatMul [64, 96], Relu, Reshape back to
[1, 32, 96], MatMul [96, 40] (40 columns: no multiple of 16), Relu, MatMul
[40, 64], Add of the input. Random weights (seed 0).
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main() -> None:
    rng = np.random.RandomState(0)
    inits = [numpy_helper.from_array((rng.standard_normal(s) * 0.2).astype(np.float32), n)
             for n, s in (("w1", [64, 96]), ("w2", [96, 40]), ("w3", [40, 64]))]
    inits += [numpy_helper.from_array(np.array(s, np.int64), n)
              for n, s in (("s1", [32, 1, 64]), ("s2", [1, 32, 96]))]
    nodes = [
        helper.make_node("Reshape", ["x", "s1"], ["r1"]),
        helper.make_node("MatMul", ["r1", "w1"], ["m1"]),
        helper.make_node("Relu", ["m1"], ["a1"]),
        helper.make_node("Reshape", ["a1", "s2"], ["r2"]),
        helper.make_node("MatMul", ["r2", "w2"], ["m2"]),
        helper.make_node("Relu", ["m2"], ["a2"]),
        helper.make_node("MatMul", ["a2", "w3"], ["m3"]),
        helper.make_node("Add", ["m3", "x"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "int8_dynamic_mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 32, 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 32, 64])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
