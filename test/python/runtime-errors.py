# The run-time cases of test/tools/mlc-run through the API, each an
# exception with mlc-run's message and the session still usable: an output
# larger than the machine's memory (4 TiB), an intermediate buffer that
# cannot be allocated (mlc_run's MLC_ERROR_OUT_OF_MEMORY), and zero-size
# tensors, which must work.
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %utils/models/onnx_text.py %mlc_src/test/tools/mlc-run/huge-output.onnxtxt -o %t/outer.onnx
# RUN: %python %utils/models/onnx_text.py %mlc_src/test/tools/mlc-run/out-of-memory.onnxtxt -o %t/huge.onnx
# RUN: %python %utils/models/onnx_text.py %mlc_src/test/tools/mlc-run/zero-size.onnxtxt -o %t/empty.onnx
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

session = mlc.Session(mlc.compile(os.path.join(work, "empty.onnx")))
assert session.get_inputs()[0].shape == [0, 3]
(y,) = session.run(None, {"x": np.zeros((0, 3), np.float32)})
assert y.shape == (0, 3) and y.dtype == np.float32, y
print("PASS")
