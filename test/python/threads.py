# Threads: a session with a 2-thread pool gives the results of a 1-thread
# one; two sessions (two models, and two sessions of one artifact) run at
# once from Python threads, each matching its own single-threaded results;
# one session called from several threads serializes the calls; four
# compilations at once give the artifacts of lone ones.
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %utils/models/build_models.py %t/models --no-verify > /dev/null
# RUN: %python %s %t/models

import os
import sys
import threading

import numpy as np

import mlc

models = sys.argv[1]
rng = np.random.default_rng(3)
cnn = mlc.compile(os.path.join(models, "cnn.onnx"))
mlp = mlc.compile(os.path.join(models, "mlp.onnx"))

images = [rng.standard_normal((1, 3, 32, 32), dtype=np.float32)
          for _ in range(8)]
vectors = [rng.standard_normal((1, 64), dtype=np.float32) for _ in range(8)]
single = mlc.Session(cnn, threads=1)
expected_cnn = [single.run(None, {"input": x})[0] for x in images]
expected_mlp = [mlc.Session(mlp).run(None, {"x": x})[0] for x in vectors]

pooled = mlc.Session(cnn, threads=2)
for x, expected in zip(images, expected_cnn):
    np.testing.assert_allclose(pooled.run(None, {"input": x})[0], expected,
                               rtol=1e-5, atol=1e-6)

failures = []


def worker(session, name, inputs, expected, rounds=20):
    try:
        for _ in range(rounds):
            for x, e in zip(inputs, expected):
                (y,) = session.run(None, {name: x})
                np.testing.assert_allclose(y, e, rtol=1e-5, atol=1e-6)
    except BaseException as error:  # reported by the main thread
        failures.append(error)


shared = mlc.Session(cnn, threads=2)
threads = [
    threading.Thread(target=worker, args=(mlc.Session(cnn, threads=2), "input",
                                          images, expected_cnn)),
    threading.Thread(target=worker, args=(mlc.Session(cnn), "input", images,
                                          expected_cnn)),
    threading.Thread(target=worker, args=(mlc.Session(mlp), "x", vectors,
                                          expected_mlp)),
    threading.Thread(target=worker, args=(shared, "input", images,
                                          expected_cnn)),
    threading.Thread(target=worker, args=(shared, "input", images,
                                          expected_cnn)),
]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert not failures, failures

# Compilations run without the GIL, several at once: each gives the
# artifact a lone compilation gives (same outputs, bit for bit).
compiled = {}


def compile_and_run(key, name):
    try:
        session = mlc.Session(mlc.compile(os.path.join(models, name)))
        feed = {"input": images[0]} if name == "cnn.onnx" else {"x": vectors[0]}
        compiled[key] = session.run(None, feed)[0]
    except BaseException as error:
        failures.append(error)


threads = [threading.Thread(target=compile_and_run, args=(i, name))
           for i, name in enumerate(["cnn.onnx", "mlp.onnx"] * 2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert not failures, failures
for key in range(4):
    expected = expected_cnn[0] if key % 2 == 0 else expected_mlp[0]
    np.testing.assert_array_equal(compiled[key], expected)

stats = single.benchmark({"input": images[0]}, runs=20, warmup=2)
assert stats["runs"] == 20, stats
assert 0 < stats["median_ms"] <= stats["p95_ms"] <= stats["p99_ms"] \
    <= stats["max_ms"], stats
print("PASS")
