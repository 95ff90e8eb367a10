#!/usr/bin/env python3
"""Measure what mlc.Session.run adds per call over the C ABI.

Usage:
    PYTHONPATH=build/python_packages python utils/bench/python_overhead.py MODEL.onnx
        [--runs 2000] [--repeats 5]

Compiles MODEL (default options) and, interleaved `--repeats` times, times:
  * abi:    Session.benchmark, a C++ loop around mlc_run on the same inputs
            (what mlc-run --bench measures): the model alone;
  * run:    session.run(None, {name: x}) from Python, timed with
            time.perf_counter_ns around each call (a new output array per
            call, inputs checked and passed without a copy);
  * ctypes: the same call through ctypes on the artifact's mlc_run with
            preallocated buffers, as test/e2e's scripts do it (for comparison).
Prints the median of each and run - abi, the overhead of the bindings.
Only models with static shapes and float32 inputs (as the MLP of
utils/models/build_models.py).
"""

from __future__ import annotations

import argparse
import ctypes
import statistics
import time

import numpy as np

import mlc


def time_calls(call, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        call()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1000.0  # microseconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    artifact = mlc.compile(args.model)
    session = mlc.Session(artifact)
    rng = np.random.default_rng(0)
    feed = {i.name: rng.standard_normal(i.shape).astype(i.dtype)
            for i in session.get_inputs()}

    lib = ctypes.CDLL(artifact.path)
    lib.mlc_context_create.restype = ctypes.c_void_p
    lib.mlc_run.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    context = lib.mlc_context_create(1)
    inputs = (ctypes.c_void_p * len(feed))(
        *[a.ctypes.data for a in feed.values()])
    out_arrays = [np.empty(o.shape, o.dtype) for o in session.get_outputs()]
    outputs = (ctypes.c_void_p * len(out_arrays))(
        *[a.ctypes.data for a in out_arrays])

    results = {"abi": [], "run": [], "ctypes": []}
    for _ in range(args.repeats):
        stats = session.benchmark(feed, runs=args.runs, warmup=50)
        results["abi"].append(stats["median_ms"] * 1000.0)
        results["run"].append(
            time_calls(lambda: session.run(None, feed), args.runs))
        results["ctypes"].append(
            time_calls(lambda: lib.mlc_run(context, inputs, outputs),
                       args.runs))
    lib.mlc_context_destroy(ctypes.c_void_p(context))
    for name, values in results.items():
        print("%-7s median %8.2f us  (repeats: %s)"
              % (name, statistics.median(values),
                 " ".join("%.2f" % v for v in values)))
    overhead = statistics.median(
        [r - a for r, a in zip(results["run"], results["abi"])])
    print("overhead of Session.run over the C ABI: %.2f us per call" % overhead)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
