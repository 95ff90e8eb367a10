"""The statistical checks of run_node_tests.py for random outputs accept
what the ops may draw and reject what they may not (argv[1]: the directory
of run_node_tests.py)."""
import sys

import numpy as np
import onnx
from onnx import helper

sys.path.insert(0, sys.argv[1])
import run_node_tests as r  # noqa: E402

rng = np.random.default_rng(0)
x = rng.standard_normal(2000).astype(np.float32)
keep = rng.random(2000) >= 0.25
y = np.where(keep, x / 0.75, 0).astype(np.float32)
assert r.check_dropout(x, 0.25, True, [y, keep]) is None
assert "neither" in r.check_dropout(x, 0.25, True, [y * 2, keep])
assert "mask" in r.check_dropout(x, 0.25, True, [y, ~keep])
assert "dropped" in r.check_dropout(x, 0.6, True, [np.where(keep, x / 0.4, 0), keep])
assert r.check_dropout(x, 0.0, True, [x]) is None
assert "identity" in r.check_dropout(x, 0.0, True, [y])

p = np.concatenate([np.zeros(500), np.ones(500), np.full(1000, 0.3)])
draw = (rng.random(2000) < p).astype(np.float64)
assert r.check_bernoulli(p, draw, inverted=False) is None
assert "0 and 1" in r.check_bernoulli(p, draw * 2, inverted=False)
assert "probability 0 or 1" in r.check_bernoulli(p, 1 - draw, inverted=False)
assert "mean" in r.check_bernoulli(np.full(2000, 0.3), np.ones(2000) * (rng.random(2000) < 0.7), inverted=False)

uniform = helper.make_node("RandomUniform", [], ["y"], low=-1.0, high=3.0, shape=[2000])
assert r.check_distribution(uniform, rng.uniform(-1, 3, 2000)) is None
assert "outside" in r.check_distribution(uniform, rng.uniform(-1, 4, 2000))
normal = helper.make_node("RandomNormal", [], ["y"], mean=2.0, shape=[2000])
assert r.check_distribution(normal, rng.normal(2, 1, 2000)) is None
assert "mean" in r.check_distribution(normal, rng.normal(3, 1, 2000))

# Shapes and dtypes must match exactly.
model = helper.make_model(helper.make_graph(
    [normal], "g", [], [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2000])]))
check = r.random_checker(model)
good = rng.normal(2, 1, 2000).astype(np.float32)
assert check([], [good], [good]) is None
assert "dtype" in check([], [good], [good.astype(np.float64)])
assert "shape" in check([], [good], [good[:10]])
print("random checks: OK")
