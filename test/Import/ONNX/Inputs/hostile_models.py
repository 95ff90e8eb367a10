"""Writes small models that a hostile or broken producer could send, one per
limit of the importer, into the directory argv[1]:

  ext-*.onnx       external data: escaping by '..', an absolute path, a
                   symbolic link to a file and one to a directory outside the
                   model's directory; a good one; offsets past the file
  nested-N.onnx    If bodies nested N deep (the condition a graph input)
  attrs-*.onnx     a node with too many attributes, a repeated attribute,
                   an attribute list past the length limit
  names-*.onnx     an unnamed input or output, an initializer defined twice
  big-input.onnx   an input whose static size overflows 64 bits

The directory `outside/` next to `model/` holds what must stay unreachable.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T, helper as h

out = sys.argv[1]
model_dir = os.path.join(out, "model")
outside = os.path.join(out, "outside")
os.makedirs(model_dir, exist_ok=True)
os.makedirs(outside, exist_ok=True)

F = T.FLOAT
weights = np.arange(4, dtype=np.float32).tobytes()
for d in (model_dir, outside):
    with open(os.path.join(d, "w.bin"), "wb") as f:
        f.write(weights)
os.makedirs(os.path.join(model_dir, "sub"), exist_ok=True)
with open(os.path.join(model_dir, "sub", "w.bin"), "wb") as f:
    f.write(weights)
os.symlink(os.path.join(outside, "w.bin"), os.path.join(model_dir, "link.bin"))
os.symlink(outside, os.path.join(model_dir, "outlink"))
# A link that stays inside is fine.
os.symlink("sub/w.bin", os.path.join(model_dir, "inlink.bin"))


def save(model, name, directory=out):
    onnx.save(model, os.path.join(directory, name))


def model_of(nodes, inputs, outputs, initializers=(), opset=17):
    graph = h.make_graph(nodes, "g", inputs, outputs, list(initializers))
    return h.make_model(graph, opset_imports=[h.make_opsetid("", opset)],
                        ir_version=8)


def external(location, offset=None, length=None):
    t = onnx.TensorProto(name="w", data_type=F, dims=[4])
    t.data_location = T.EXTERNAL
    for key, value in (("location", location), ("offset", offset),
                       ("length", length)):
        if value is not None:
            entry = t.external_data.add()
            entry.key, entry.value = key, str(value)
    return model_of([h.make_node("Add", ["x", "w"], ["y"])],
                    [h.make_tensor_value_info("x", F, [4])],
                    [h.make_tensor_value_info("y", F, [4])], [t])


for name, location in (("good", "w.bin"), ("sub", "sub/w.bin"),
                       ("inlink", "inlink.bin"), ("dotdot", "../outside/w.bin"),
                       ("dotdot-inner", "sub/../../outside/w.bin"),
                       ("absolute", os.path.join(outside, "w.bin")),
                       ("link", "link.bin"), ("dirlink", "outlink/w.bin"),
                       ("missing", "nothing.bin")):
    save(external(location), f"ext-{name}.onnx", model_dir)
save(external("w.bin", offset=20), "ext-offset.onnx", model_dir)
save(external("w.bin", offset=8, length=2**63 - 1), "ext-length.onnx",
     model_dir)
save(external("w.bin", offset=-4), "ext-negative.onnx", model_dir)


def nested_if(depth):
    """`depth` If nodes, each in the then-branch of the one outside it: the
    innermost branches are `depth` subgraph levels deep."""
    def branch(level):
        if level > depth:
            return h.make_graph([h.make_node("Identity", ["x"], [f"r{level}"])],
                                f"leaf{level}", [],
                                [h.make_tensor_value_info(f"r{level}", F, [2])])
        node = h.make_node("If", ["c"], [f"r{level}"],
                           then_branch=branch(level + 1),
                           else_branch=h.make_graph(
                               [h.make_node("Neg", ["x"], [f"e{level}"])],
                               f"else{level}", [],
                               [h.make_tensor_value_info(f"e{level}", F, [2])]))
        return h.make_graph([node], f"level{level}", [],
                            [h.make_tensor_value_info(f"r{level}", F, [2])])

    top = branch(1)
    graph = h.make_graph(list(top.node), "g",
                         [h.make_tensor_value_info("c", T.BOOL, []),
                          h.make_tensor_value_info("x", F, [2])],
                         [h.make_tensor_value_info("r1", F, [2])])
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)],
                        ir_version=8)


save(nested_if(16), "nested-16.onnx")
save(nested_if(17), "nested-17.onnx")

x2 = [h.make_tensor_value_info("x", F, [2])]
y2 = [h.make_tensor_value_info("y", F, [2])]
many = h.make_node("Relu", ["x"], ["y"])
for i in range(1025):
    many.attribute.append(h.make_attribute(f"a{i}", i))
save(model_of([many], x2, y2), "attrs-many.onnx")
twice = h.make_node("LeakyRelu", ["x"], ["y"], alpha=0.5)
twice.attribute.append(h.make_attribute("alpha", 0.25))
save(model_of([twice], x2, y2), "attrs-twice.onnx")
long_list = h.make_node("Transpose", ["x"], ["y"])
perm = long_list.attribute.add()
perm.name, perm.type = "perm", onnx.AttributeProto.INTS
perm.ints.extend([0] * (2**20 + 1))
save(model_of([long_list], x2, y2), "attrs-long.onnx")

save(model_of([h.make_node("Relu", ["x"], ["y"])],
              [h.make_tensor_value_info("", F, [2])], y2), "names-input.onnx")
save(model_of([h.make_node("Relu", ["x"], ["y"])], x2,
              [h.make_tensor_value_info("", F, [2])]), "names-output.onnx")
w = h.make_tensor("w", F, [2], [1.0, 2.0])
save(model_of([h.make_node("Add", ["x", "w"], ["y"])], x2, y2, [w, w]),
     "names-initializer.onnx")
save(model_of([h.make_node("Relu", ["x"], ["y"])],
              [h.make_tensor_value_info("x", F, [2**62, 4])], y2),
     "big-input.onnx")
