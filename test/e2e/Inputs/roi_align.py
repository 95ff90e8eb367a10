"""RoiAlign end to end: models with an adaptive sampling grid (sampling_ratio
0, whose sample count depends on each region's size at run time), both
coordinate modes, avg and max, and a run-time region count, compiled with
mlc-compile and run with mlc-run, compared with onnx's reference
implementation (rtol 1e-4, atol 1e-5), or for opset 10 with onnxruntime: the
reference applies opset 16's half_pixel default to RoiAlign-10, which has no
such attribute and maps regions without the offset. Prints one line per
case.""" 
import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

compile_tool, run_tool, workdir = sys.argv[1:4]

rng = np.random.default_rng(7)
x = rng.standard_normal((2, 3, 12, 10)).astype(np.float32)
# Regions of different sizes (adaptive grids of 1 to 4 points per bin side),
# one partly outside the image, one degenerate (x1 > x2), on both images.
rois = np.array([[0.0, 0.0, 9.0, 11.0], [2.5, 1.0, 4.0, 3.5],
                 [-3.0, 5.0, 14.0, 18.0], [6.0, 6.0, 2.0, 7.0],
                 [1.2, 0.3, 7.7, 5.1]], np.float32)
indices = np.array([0, 1, 1, 0, 1], np.int64)

cases = [
    ("avg-half-pixel-adaptive", 16, dict(mode="avg", sampling_ratio=0,
                                         coordinate_transformation_mode="half_pixel")),
    ("max-output-half-pixel-adaptive", 16,
     dict(mode="max", sampling_ratio=0,
          coordinate_transformation_mode="output_half_pixel")),
    ("avg-opset10-scaled", 10, dict(mode="avg", sampling_ratio=0,
                                    spatial_scale=0.5)),
    ("max-ratio-3", 16, dict(mode="max", sampling_ratio=3)),
]
for name, opset, attrs in cases:
    node = helper.make_node("RoiAlign", ["x", "rois", "idx"], ["y"],
                            output_height=3, output_width=2, **attrs)
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape),
         helper.make_tensor_value_info("rois", TensorProto.FLOAT, ["R", 4]),
         helper.make_tensor_value_info("idx", TensorProto.INT64, ["R"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["R", 3, 3, 2])])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = os.path.join(workdir, name + ".onnx")
    onnx.save(model, path)
    lib = os.path.join(workdir, name + ".so")
    subprocess.run([compile_tool, path, "-o", lib], check=True)
    results = []
    for count in (5, 2):
        feeds = {"x": x, "rois": rois[:count], "idx": indices[:count]}
        inputs = []
        for i, key in enumerate(("x", "rois", "idx")):
            pb = os.path.join(workdir, f"{name}-{count}-{i}.pb")
            with open(pb, "wb") as f:
                f.write(numpy_helper.from_array(feeds[key], key)
                        .SerializeToString())
            inputs += ["--input", pb]
        out = os.path.join(workdir, f"{name}-{count}-out")
        subprocess.run([run_tool, lib, *inputs, "--output-dir", out],
                       check=True, stdout=subprocess.DEVNULL)
        got = numpy_helper.to_array(
            onnx.load_tensor(os.path.join(out, "output_0.pb")))
        if opset < 16:
            want = onnxruntime.InferenceSession(
                model.SerializeToString(),
                providers=["CPUExecutionProvider"]).run(None, feeds)[0]
        else:
            want = ReferenceEvaluator(model).run(None, feeds)[0]
        ok = got.shape == want.shape and np.allclose(got, want, rtol=1e-4,
                                                     atol=1e-5)
        results.append(f"{list(got.shape)} {'ok' if ok else 'MISMATCH'}")
        if not ok:
            print(np.abs(got - want).max() if got.shape == want.shape else "",
                  file=sys.stderr)
    print(name, *results)
