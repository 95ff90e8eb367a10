#!/usr/bin/env python3
"""Compiles MODEL with mlc-compile, runs it with mlc-run on random float inputs
(scalar inputs pinned as NAME=VALUE, in their declared type) and compares with onnx's
reference evaluator at rtol 1e-4 / atol 1e-4. For ops where onnxruntime is
not a usable reference (its STFT of a complex signal returns garbage).

Usage: compare_onnx_reference.py MODEL TOOLS_DIR [NAME=VALUE ...]
Prints PASS/FAIL MODEL SHAPE MAX_ABS_ERR per output; exits 1 on a failure.
"""
import subprocess, sys, numpy as np, onnx, tempfile, os
from onnx.reference import ReferenceEvaluator
from onnx import numpy_helper
model, build = sys.argv[1], sys.argv[2]
m = onnx.load(model)
rng = np.random.RandomState(0)
feeds = {}
fixed = dict(a.split('=') for a in sys.argv[3:])
for vi in m.graph.input:
    tt = vi.type.tensor_type
    shape = [d.dim_value for d in tt.shape.dim]
    if vi.name in fixed:
        dtype = onnx.helper.tensor_dtype_to_np_dtype(tt.elem_type)
        feeds[vi.name] = np.array(float(fixed[vi.name])).astype(dtype).reshape(shape)
    else:
        feeds[vi.name] = rng.standard_normal(shape).astype(np.float32)
ref = ReferenceEvaluator(m).run(None, feeds)
d = tempfile.mkdtemp()
subprocess.run([f"{build}/mlc-compile", model, "-o", f"{d}/m.so"], check=True)
args = []
for i, vi in enumerate(m.graph.input):
    np.save(f"{d}/in{i}.npy", feeds[vi.name]); args += ["--input", f"{d}/in{i}.npy"]
subprocess.run([f"{build}/mlc-run", f"{d}/m.so", *args, "--output-dir", f"{d}/out"], check=True, stdout=subprocess.DEVNULL)
for i, r in enumerate(ref):
    t = onnx.TensorProto(); t.ParseFromString(open(f"{d}/out/output_{i}.pb", "rb").read())
    got = numpy_helper.to_array(t)
    ok = got.shape == r.shape and np.allclose(got, r, rtol=1e-4, atol=1e-4)
    print(("PASS" if ok else "FAIL"), os.path.basename(model), list(got.shape),
          float(np.abs(got - r).max()) if got.shape == r.shape else "")
    if not ok:
        sys.exit(1)
