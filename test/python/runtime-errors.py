# The run-time cases of test/tools/mlc-run through the API, each an
# exception with mlc-run's message and the session still usable: an output
# larger than the machine's memory (4 TiB), an intermediate buffer that
# cannot be allocated (mlc_run's MLC_ERROR_OUT_OF_MEMORY), an If branch that
# was not compiled for the input shapes (MLC_ERROR_MODEL), and zero-size
# tensors, which must work.
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %utils/models/onnx_text.py %mlc_src/test/tools/mlc-run/huge-output.onnxtxt -o %t/outer.onnx
# RUN: %python %utils/models/onnx_text.py %mlc_src/test/tools/mlc-run/out-of-memory.onnxtxt -o %t/huge.onnx
# RUN: %python %utils/models/onnx_text.py %mlc_src/test/tools/mlc-run/zero-size.onnxtxt -o %t/empty.onnx
# RUN: %python %utils/models/onnx_text.py %mlc_src/test/e2e/Inputs/if-invalid-branch-static.onnxtxt -o %t/branch.onnx --no-check
# RUN: %python %s %t

import os
import sys

import numpy as np

import mlc

work = sys.argv[1]


def expect_error(session, feed, message):
    try:
        session.run(None, feed)
    except mlc.InvalidArgument as error:
        raise AssertionError("not an input error: %s" % error)
    except mlc.Error as error:
        assert str(error) == message, (str(error), message)
    else:
        raise AssertionError("no error, expected %r" % message)


session = mlc.Session(mlc.compile(os.path.join(work, "outer.onnx")))
feed = {"x": np.ones((1048576, 1), np.float32),
        "z": np.ones((1, 1048576), np.float32)}
message = ("output 0 'y' of shape [1048576,1048576] needs 4398046511104 bytes, "
           "more than this machine's memory")
expect_error(session, feed, message)
expect_error(session, feed, message)
try:
    session.benchmark(feed, runs=1)
except mlc.Error as error:
    assert str(error) == message, error
else:
    raise AssertionError("benchmark ran a model whose output cannot fit")

session = mlc.Session(mlc.compile(os.path.join(work, "huge.onnx")))
feed = {"x": np.ones((65536, 1, 1), np.float32),
        "y": np.ones((1, 65536, 1), np.float32),
        "z": np.ones((1, 1, 65536), np.float32)}
expect_error(session, feed, "mlc_run failed: out of memory")

session = mlc.Session(mlc.compile(os.path.join(work, "branch.onnx")))
x = np.array([[-1, 2, 3], [4, -5, 6]], np.float32)
expect_error(session, {"c": np.array(False), "x": x},
             "mlc_run failed: If node 'pick': its else branch was taken but "
             "was not compiled for these input shapes: MatMul shapes "
             "'tensor<2x3xf32>' and 'tensor<2x3xf32>' are incompatible")
(y,) = session.run(None, {"c": np.array(True), "x": x})
assert np.array_equal(y, np.maximum(x, 0)), y

session = mlc.Session(mlc.compile(os.path.join(work, "empty.onnx")))
assert session.get_inputs()[0].shape == [0, 3]
(y,) = session.run(None, {"x": np.zeros((0, 3), np.float32)})
assert y.shape == (0, 3) and y.dtype == np.float32, y
print("PASS")
