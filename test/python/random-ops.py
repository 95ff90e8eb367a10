# Random ops draw from a Philox 4x32-10 generator whose key and counter live
# in the context: every run of a session draws new numbers, an op with a
# `seed` repeats its stream in a fresh session, one without differs between
# sessions. The seeded numbers are checked bit for bit against a Python
# Philox (itself checked against the Random123 known-answer vectors), the
# others by their distribution's moments (at 5 standard errors).
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %s %t

import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

import mlc

work = sys.argv[1]
M32 = 0xFFFFFFFF


def philox4x32_10(counter, key):
    """Philox 4x32-10 of four uint32 counter words and two key words."""
    c = [np.asarray(w, np.uint64) for w in counter]
    k0, k1 = np.uint64(key[0]), np.uint64(key[1])
    for round in range(10):
        p0 = np.uint64(0xD2511F53) * c[0]
        p1 = np.uint64(0xCD9E8D57) * c[2]
        c = [((p1 >> np.uint64(32)) ^ c[1] ^ k0) & np.uint64(M32),
             p1 & np.uint64(M32),
             ((p0 >> np.uint64(32)) ^ c[3] ^ k1) & np.uint64(M32),
             p0 & np.uint64(M32)]
        k0 = (k0 + np.uint64(0x9E3779B9)) & np.uint64(M32)
        k1 = (k1 + np.uint64(0xBB67AE85)) & np.uint64(M32)
    return [w.astype(np.uint32) for w in c]


# Random123's known answers (kat_vectors, philox4x32_10).
assert [int(w) for w in philox4x32_10([0, 0, 0, 0], [0, 0])] == \
    [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]
assert [int(w) for w in philox4x32_10([M32] * 4, [M32, M32])] == \
    [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]
assert [int(w) for w in philox4x32_10(
    [0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344],
    [0xA4093822, 0x299F31D0])] == \
    [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]


def mix_seed(seed):
    """The key of an op with `seed` (SplitMix64 of the float's bits)."""
    z = (struct.unpack("<I", struct.pack("<f", seed))[0]
         + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


def seeded_uniform(seed, base, n, low, high):
    """What RandomUniform<seed> draws for elements 0..n-1 from counter
    `base` (float32)."""
    key = mix_seed(seed)
    counter = np.arange(n, dtype=np.uint64) + np.uint64(base)
    words = philox4x32_10(
        [counter & np.uint64(M32), counter >> np.uint64(32), 0, 0],
        [key & M32, key >> 32])
    u = (words[0] >> np.uint32(8)).astype(np.float32) * np.float32(2.0**-24)
    return np.float32(low) + u * np.float32(high - low)


N = 200_000
nodes = [
    helper.make_node("RandomUniform", [], ["u"], shape=[4, 6], low=-2.0,
                     high=4.0, seed=5.0),
    helper.make_node("RandomNormal", [], ["n"], shape=[N], mean=1.0,
                     scale=3.0, dtype=TensorProto.DOUBLE),
    helper.make_node("RandomUniformLike", ["x"], ["ul"], low=1.0, high=2.0),
    helper.make_node("Bernoulli", ["p"], ["b"], dtype=TensorProto.INT32),
    helper.make_node("Multinomial", ["logits"], ["m"], sample_size=N // 10,
                     dtype=TensorProto.INT64),
    helper.make_node("Dropout", ["ones", "ratio", "training"], ["d", "mask"]),
]
graph = helper.make_graph(
    nodes, "random",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT16, ["B", 1000]),
     helper.make_tensor_value_info("p", TensorProto.FLOAT, [3, N // 10]),
     helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 3]),
     helper.make_tensor_value_info("ones", TensorProto.FLOAT, [N]),
     helper.make_tensor_value_info("ratio", TensorProto.FLOAT, []),
     helper.make_tensor_value_info("training", TensorProto.BOOL, [])],
    [helper.make_tensor_value_info("u", TensorProto.FLOAT, [4, 6]),
     helper.make_tensor_value_info("n", TensorProto.DOUBLE, [N]),
     helper.make_tensor_value_info("ul", TensorProto.FLOAT16, ["B", 1000]),
     helper.make_tensor_value_info("b", TensorProto.INT32, [3, N // 10]),
     helper.make_tensor_value_info("m", TensorProto.INT64, [1, N // 10]),
     helper.make_tensor_value_info("d", TensorProto.FLOAT, [N]),
     helper.make_tensor_value_info("mask", TensorProto.BOOL, [N])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                          ir_version=8)
onnx.checker.check_model(model)
artifact = mlc.compile(model)

p = np.stack([np.zeros(N // 10), np.ones(N // 10), np.full(N // 10, 0.3)])
feeds = {"x": np.zeros((7, 1000), np.float16), "p": p.astype(np.float32),
         "logits": np.log(np.array([[0.2, 0.5, 0.3]], np.float32)),
         "ones": np.ones(N, np.float32), "ratio": np.array(0.2, np.float32),
         "training": np.array(True)}


def near(value, expected, stderr, what):
    assert abs(value - expected) <= 5 * stderr, \
        f"{what}: {value}, expected {expected} +- {5 * stderr}"


session = mlc.Session(artifact)
first = session.run(None, feeds)
second = session.run(None, feeds)
u, n, ul, b, m, d, mask = first

# Shapes and types are the model's.
assert u.dtype == np.float32 and u.shape == (4, 6)
assert n.dtype == np.float64 and n.shape == (N,)
assert ul.dtype == np.float16 and ul.shape == (7, 1000)
assert b.dtype == np.int32 and m.dtype == np.int64 and mask.dtype == bool

# Moments.
near(n.mean(), 1.0, 3.0 / np.sqrt(N), "normal mean")
near(n.var(), 9.0, 9.0 * np.sqrt(2.0 / N), "normal variance")
ulf = ul.astype(np.float64)
assert ulf.min() >= 1.0 and ulf.max() <= 2.0
near(ulf.mean(), 1.5, np.sqrt(1 / 12 / ulf.size), "uniform-like mean")
assert np.all(b[0] == 0) and np.all(b[1] == 1)
near(b[2].mean(), 0.3, np.sqrt(0.3 * 0.7 / (N // 10)), "bernoulli mean")
assert m.min() >= 0 and m.max() <= 2
for k, prob in enumerate([0.2, 0.5, 0.3]):
    near(np.mean(m == k), prob, np.sqrt(prob * (1 - prob) / (N // 10)),
         f"multinomial class {k}")
# Dropout: kept values scaled by 1 / (1 - ratio), the mask says which.
assert np.array_equal(d != 0, mask)
np.testing.assert_allclose(d[mask], 1.25, rtol=1e-6)
near(1 - mask.mean(), 0.2, np.sqrt(0.2 * 0.8 / N), "dropout rate")
# Training mode off at run time: the identity, mask all true.
off = session.run(None, dict(feeds, training=np.array(False)))
assert np.array_equal(off[5], feeds["ones"]) and off[6].all()

# Every run draws new numbers; the seeded op continues its stream.
for k in range(len(first)):
    assert not np.array_equal(first[k], second[k]), f"output {k} repeated"
# A fresh session repeats the seeded stream, not the unseeded ones.
again = mlc.Session(artifact).run(None, feeds)
assert np.array_equal(again[0], first[0])
assert not np.array_equal(again[1], first[1])
# The seeded stream bit for bit, in a model whose only draw it is: the
# first run takes counters 0..23, the second 24..47.
alone = helper.make_graph(
    [nodes[0]], "seeded", [],
    [helper.make_tensor_value_info("u", TensorProto.FLOAT, [4, 6])])
alone = mlc.Session(mlc.compile(helper.make_model(
    alone, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)))
for run in range(2):
    (u,) = alone.run(None, {})
    np.testing.assert_allclose(
        u, seeded_uniform(5.0, 24 * run, 24, -2.0, 4.0).reshape(4, 6),
        rtol=1e-6, atol=0)
print("random ops: OK")
