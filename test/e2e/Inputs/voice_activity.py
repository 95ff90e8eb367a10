#!/usr/bin/env python3
"""Builds a model with the structure of a small voice-activity detector.

    x [B, T] --Pad(reflect)--> Unsqueeze --Conv(STFT basis, stride hop)-->
    [B, 2F, frames] --|re|^2 + |im|^2, sqrt--> magnitude --ReduceMean(frames)-->
    [1, B, F] --If(sr == 16000)--> LSTM A on all F bins, else LSTM B on the
    first F/2 bins (an 8 kHz signal has no content above) --> Y_h, Y_c

B (the batch) and T (the sample count) are symbolic; the state inputs h, c
are [1, B, H].
Writes DIR/sr16000/vad.onnx and DIR/sr8000/vad.onnx (the same model) with a
manifest.json beside each that pins `sr` for utils/e2e/check_model.py.
"""
import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

N_FFT, HOP, H = 16, 8, 8
F = N_FFT // 2 + 1


def build() -> onnx.ModelProto:
    rng = np.random.RandomState(7)
    n = np.arange(N_FFT)
    k = np.arange(F)[:, None]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * n / N_FFT)
    basis = np.concatenate([np.cos(2 * np.pi * k * n / N_FFT) * window,
                            -np.sin(2 * np.pi * k * n / N_FFT) * window])
    basis = basis.astype(np.float32)[:, None, :]  # [2F, 1, N_FFT]

    def lstm_weights(prefix, inputs):
        return [
            numpy_helper.from_array(
                (rng.standard_normal((1, 4 * H, inputs)) * 0.3).astype(np.float32), prefix + "W"),
            numpy_helper.from_array(
                (rng.standard_normal((1, 4 * H, H)) * 0.3).astype(np.float32), prefix + "R"),
            numpy_helper.from_array(
                (rng.standard_normal((1, 8 * H)) * 0.1).astype(np.float32), prefix + "B"),
        ]

    inits = [
        numpy_helper.from_array(basis, "basis"),
        numpy_helper.from_array(np.array([0, N_FFT // 2, 0, N_FFT // 2], np.int64), "pads"),
        numpy_helper.from_array(np.array([1], np.int64), "axis1"),
        numpy_helper.from_array(np.array([2], np.int64), "axis2"),
        numpy_helper.from_array(np.array([F, F], np.int64), "split"),
        numpy_helper.from_array(np.array(16000, np.int64), "sr16k"),
        numpy_helper.from_array(np.array([0], np.int64), "zero"),
        numpy_helper.from_array(np.array([F // 2], np.int64), "half"),
    ]
    inits += lstm_weights("a_", F) + lstm_weights("b_", F // 2)
    nodes = [
        helper.make_node("Pad", ["x", "pads"], ["padded"], mode="reflect"),
        helper.make_node("Unsqueeze", ["padded", "axis1"], ["x3"]),
        helper.make_node("Conv", ["x3", "basis"], ["spec"], strides=[HOP]),
        helper.make_node("Split", ["spec", "split"], ["re", "im"], axis=1),
        helper.make_node("Mul", ["re", "re"], ["re2"]),
        helper.make_node("Mul", ["im", "im"], ["im2"]),
        helper.make_node("Add", ["re2", "im2"], ["power"]),
        helper.make_node("Sqrt", ["power"], ["mag"]),
        helper.make_node("ReduceMean", ["mag", "axis2"], ["feat2"], keepdims=0),
        helper.make_node("Unsqueeze", ["feat2", "zero"], ["feat"]),  # [1, B, F]
        helper.make_node("Equal", ["sr", "sr16k"], ["is16k"]),
    ]
    then_graph = helper.make_graph(
        [helper.make_node("LSTM", ["feat", "a_W", "a_R", "a_B", "", "h", "c"],
                          ["a_y", "a_yh", "a_yc"], hidden_size=H)],
        "sr16k", [],
        [helper.make_tensor_value_info("a_yh", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("a_yc", TensorProto.FLOAT, None)])
    else_graph = helper.make_graph(
        [helper.make_node("Slice", ["feat", "zero", "half", "axis2"], ["low"]),
         helper.make_node("LSTM", ["low", "b_W", "b_R", "b_B", "", "h", "c"],
                          ["b_y", "b_yh", "b_yc"], hidden_size=H)],
        "sr8k", [],
        [helper.make_tensor_value_info("b_yh", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("b_yc", TensorProto.FLOAT, None)])
    nodes.append(helper.make_node("If", ["is16k"], ["hn", "cn"],
                                  then_branch=then_graph, else_branch=else_graph))
    graph = helper.make_graph(
        nodes, "voice_activity",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "T"]),
         helper.make_tensor_value_info("sr", TensorProto.INT64, []),
         helper.make_tensor_value_info("h", TensorProto.FLOAT, [1, "B", H]),
         helper.make_tensor_value_info("c", TensorProto.FLOAT, [1, "B", H])],
        [helper.make_tensor_value_info("hn", TensorProto.FLOAT, [1, "B", H]),
         helper.make_tensor_value_info("cn", TensorProto.FLOAT, [1, "B", H])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def main() -> None:
    out = Path(sys.argv[1])
    model = build()
    for sr in (16000, 8000):
        d = out / f"sr{sr}"
        d.mkdir(parents=True, exist_ok=True)
        onnx.save(model, d / "vad.onnx")
        (d / "manifest.json").write_text(json.dumps({"models": [{
            "file": "vad.onnx", "inputs": [{"name": "sr", "range": [sr, sr]}]}]}))


if __name__ == "__main__":
    main()
