# Quantization from Python: int8 with calibration arrays given as a dict of
# [S, ...] arrays or as a list of samples gives the same artifact outputs as
# mlc-compile --quantize=int8 on the same samples written as .npy (bit for
# bit), and stays close to the float model in onnxruntime (cosine >= 0.99 on
# held-back inputs); quant_report and calibration_file are written; fp16
# matches onnxruntime at rtol/atol 1e-2.
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %utils/models/build_ptq_model.py %t/m.onnx
# RUN: %python %s %t

import json
import os
import subprocess
import sys

import numpy as np
import onnxruntime as ort

import mlc

work = sys.argv[1]
model = os.path.join(work, "m.onnx")
rng = np.random.default_rng(7)
samples = rng.standard_normal((16, 1, 3, 16, 16), dtype=np.float32)
heldout = rng.standard_normal((4, 1, 3, 16, 16), dtype=np.float32)

report = os.path.join(work, "report.json")
calibration = os.path.join(work, "cal.json")
from_dict = mlc.compile(model, quantize="int8", calibration_data={"x": samples},
                        quant_report=report, calibration_file=calibration)
from_list = mlc.compile(model, quantize="int8",
                        calibration_data=[{"x": s} for s in samples])
assert json.load(open(calibration))["samples"] == 16
assert os.path.getsize(report) > 0

os.makedirs(os.path.join(work, "calib"))
np.save(os.path.join(work, "calib", "x.npy"), samples)
tool = os.path.join(work, "tool.so")
subprocess.run(["mlc-compile", model, "-o", tool, "--quantize=int8",
                "--calibration-data=" + os.path.join(work, "calib")],
               check=True)

reference = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
sessions = [mlc.Session(a) for a in (from_dict, from_list, tool)]
for x in heldout:
    outputs = [s.run(None, {"x": x})[0] for s in sessions]
    np.testing.assert_array_equal(outputs[0], outputs[2])
    np.testing.assert_array_equal(outputs[1], outputs[2])
    (expected,) = reference.run(None, {"x": x})
    a, b = outputs[0].ravel(), expected.ravel()
    cosine = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    assert cosine >= 0.99, cosine

# Calibration data that does not fit the model.
try:
    mlc.compile(model, quantize="int8", calibration_data={"y": samples})
except mlc.InvalidArgument as error:
    assert "unknown input(s) 'y'" in str(error), error
else:
    raise AssertionError("unknown calibration input accepted")
try:
    mlc.compile(model, quantize="int8",
                calibration_data={"x": samples[:, :, :2]})
except mlc.CompileError as error:
    assert "error:" in str(error), error
else:
    raise AssertionError("calibration data of the wrong shape accepted")

half = mlc.Session(mlc.compile(model, quantize="fp16"))
for x in heldout:
    np.testing.assert_allclose(half.run(None, {"x": x})[0],
                               reference.run(None, {"x": x})[0],
                               rtol=1e-2, atol=1e-2)
print("PASS")
