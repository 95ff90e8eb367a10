"""Writes a model whose three 1x1 convolutions share one all-zero bias (as
torch.onnx's default export of folded batch norms shares equal initializers)
and are all model outputs, with a residual chain between them: the compiled
accumulator initialization of the three is one tensor after CSE."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)


def weights(name):
    return numpy_helper.from_array(
        (rng.standard_normal([8, 8, 1, 1]) * 0.3).astype(np.float32), name)


node = helper.make_node
nodes = [node("Conv", ["x", "w1", "zero"], ["c1"], name="conv1"),
         node("Relu", ["c1"], ["r1"], name="relu1"),
         node("Conv", ["r1", "w2", "zero"], ["c2"], name="conv2"),
         node("Add", ["c2", "c1"], ["a2"], name="add2"),
         node("Conv", ["a2", "w3", "zero"], ["c3"], name="conv3"),
         node("Add", ["c3", "a2"], ["y"], name="add3")]
shape = [1, 8, 6, 6]
graph = helper.make_graph(
    nodes, "shared_init_outputs",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
    [helper.make_tensor_value_info(o, TensorProto.FLOAT, shape)
     for o in ["c1", "c2", "c3", "y"]],
    [weights("w1"), weights("w2"), weights("w3"),
     numpy_helper.from_array(np.zeros([8], np.float32), "zero")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
