"""Checks utils/mlcutil.py, the helpers the utils/ scripts share."""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, sys.argv[1])
import mlcutil  # noqa: E402

# find_tool: the flag, then the environment, then PATH.
os.environ["MLC_TEST_TOOL"] = "/from/env"
assert mlcutil.find_tool("/explicit", "MLC_TEST_TOOL", "sh") == "/explicit"
assert mlcutil.find_tool(None, "MLC_TEST_TOOL", "sh") == "/from/env"
del os.environ["MLC_TEST_TOOL"]
assert mlcutil.find_tool(None, "MLC_TEST_TOOL", "sh").endswith("/sh")
assert mlcutil.find_tool(None, "MLC_TEST_TOOL", "no-such-tool-xyz") is None

# run: output, exit codes, signals, missing commands and time-outs, without
# raising.
r = mlcutil.run(["sh", "-c", "echo out; echo err >&2; exit 3"], 10)
assert (r.returncode, r.what, r.stdout, r.stderr) == (
    3, "exit code 3", "out\n", "err\n"), r
r = mlcutil.run(["sh", "-c", "kill -SEGV $$"], 10)
assert r.what == "killed by signal SIGSEGV", r
r = mlcutil.run(["no-such-tool-xyz"], 10)
assert r.returncode is None and r.what.startswith("cannot execute"), r
r = mlcutil.run(["sleep", "5"], 0.2)
assert r.returncode is None and r.what == "timed out after 0.2 s", r

# make_inputs: model order, initializers skipped, named dims, dtypes.
graph = helper.make_graph(
    [helper.make_node("Identity", ["x"], ["y"])], "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3]),
     helper.make_tensor_value_info("w", TensorProto.FLOAT, [2]),
     helper.make_tensor_value_info("i", TensorProto.INT64, [4]),
     helper.make_tensor_value_info("b", TensorProto.BOOL, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
    [helper.make_tensor("w", TensorProto.FLOAT, [2], [1.0, 2.0])])
model = helper.make_model(graph)
feeds = mlcutil.make_inputs(model, np.random.RandomState(0), {"N": 5},
                            {"i": [0, 3]})
assert list(feeds) == ["x", "i", "b"], list(feeds)
assert feeds["x"].shape == (5, 3) and feeds["x"].dtype == np.float32
assert feeds["i"].dtype == np.int64 and feeds["i"].min() >= 0 \
    and feeds["i"].max() < 3
assert feeds["b"].dtype == np.bool_
string = helper.make_model(helper.make_graph(
    [], "s", [helper.make_tensor_value_info("s", TensorProto.STRING, [1])],
    []))
try:
    mlcutil.make_inputs(string, np.random.RandomState(0))
    raise AssertionError("a string input was accepted")
except ValueError as e:
    assert "unsupported element type" in str(e), e

# max_errors: NaN and same-sign infinity are equal, the rest measured.
a = np.array([1.0, np.nan, np.inf, 2.0])
e = np.array([1.0, np.nan, np.inf, 1.0])
assert mlcutil.max_errors(a, e) == (1.0, 1.0), mlcutil.max_errors(a, e)
assert mlcutil.max_errors([np.inf], [-np.inf])[0] == np.inf
try:
    mlcutil.max_errors([1.0, 2.0], [1.0])
    raise AssertionError("a shape mismatch was accepted")
except ValueError:
    pass
print("PASS")
