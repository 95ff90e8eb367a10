# A model with a symbolic batch N: get_inputs shows 'N', one session runs
# batch 1, 5, 2 and 5 (outputs sized by the run), matching onnxruntime at
# rtol 1e-5 / atol 1e-6; NonZero's data-dependent output size; inputs that
# disagree on N raise mlc.InvalidArgument with the artifact's
# mlc_last_error(); N = 0 works.
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %utils/models/onnx_text.py %mlc_src/test/e2e/Inputs/dyn-mlp.onnxtxt -o %t/dyn-mlp.onnx
# RUN: %python %utils/models/onnx_text.py %mlc_src/test/e2e/Inputs/nonzero.onnxtxt -o %t/nonzero.onnx
# RUN: %python %utils/models/onnx_text.py %mlc_src/test/e2e/Inputs/dyn-shared-dim.onnxtxt -o %t/shared.onnx
# RUN: %python %s %t

import os
import sys

import numpy as np
import onnxruntime as ort

import mlc

RTOL, ATOL = 1e-5, 1e-6
work = sys.argv[1]
rng = np.random.default_rng(1)

path = os.path.join(work, "dyn-mlp.onnx")
session = mlc.Session(mlc.compile(path))
(x_arg,) = session.get_inputs()
assert x_arg.name == "x" and x_arg.shape == ["N", 4, 6], x_arg
# The shapes are the artifact's: y's second dim (a Reshape to [N, -1]) is
# only known at run time, though the graph declares 24.
assert [(o.name, o.shape) for o in session.get_outputs()] == \
    [("y", ["N", None]), ("c", ["N", 4, 5])], session.get_outputs()
reference = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
for batch in (1, 5, 2, 5):
    x = rng.standard_normal((batch, 4, 6), dtype=np.float32)
    ours = session.run(None, {"x": x})
    theirs = reference.run(None, {"x": x})
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape, (batch, a.shape, b.shape)
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)
    # Only c, by name.
    (c,) = session.run(["c"], {"x": x})
    np.testing.assert_array_equal(c, ours[1])

# A session opened on the path alone has no ONNX names for the dims.
plain = mlc.Session(session.path)
assert plain.get_inputs()[0].shape == [None, 4, 6], plain.get_inputs()

# NonZero: the output's size depends on the data.
path = os.path.join(work, "nonzero.onnx")
session = mlc.Session(mlc.compile(path))
reference = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
for x in ([[1, 0], [0, 2]], [[0, 0], [0, 0]], [[1, 1], [1, 1]], [[0, 3], [0, 0]]):
    x = np.asarray(x, dtype=np.float32)
    (ours,) = session.run(None, {"x": x})
    (theirs,) = reference.run(None, {"x": x})
    assert ours.dtype == np.int64 and ours.shape == theirs.shape, (ours, theirs)
    np.testing.assert_array_equal(ours, theirs)

# x and y share N: a mismatch is refused before the model reads anything.
session = mlc.Session(mlc.compile(os.path.join(work, "shared.onnx")))
ones = np.ones((3, 3), dtype=np.float32)
(z,) = session.run(None, {"x": ones, "y": ones})
np.testing.assert_array_equal(z, 2 * ones)
try:
    session.run(None, {"x": ones, "y": np.ones((2, 3), dtype=np.float32)})
except mlc.InvalidArgument as error:
    message = str(error)
    assert "input 'y' dimension 0 ('N')" in message and "'x'" in message, \
        message
else:
    raise AssertionError("mismatched N was accepted")
# The session still works after the error, at N = 0 too.
(z,) = session.run(None, {"x": ones, "y": ones})
np.testing.assert_array_equal(z, 2 * ones)
empty = np.ones((0, 3), dtype=np.float32)
(z,) = session.run(None, {"x": empty, "y": empty})
assert z.shape == (0, 3), z.shape
print("PASS")
