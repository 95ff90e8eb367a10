#!/usr/bin/env python3
"""Writes OUT/lstm_gru.onnx (a bidirectional LSTM with initial states and a
GRU with linear_before_reset, on one input) and OUT/rnn_lens.onnx (a
bidirectional RNN with run-time sequence_lens), both with a symbolic batch N,
plus a manifest.json that keeps the lengths in [1, 5] for check_model.py."""
import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

H, I, S = 4, 3, 5


def save(out: Path, name, nodes, inputs, outputs, inits):
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, out / f"{name}.onnx")


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(3)

    def w(*shape):
        return (rng.standard_normal(shape) * 0.4).astype(np.float32)

    t = lambda name, shape: helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)
    save(out, "lstm_gru",
         [helper.make_node("LSTM", ["x", "W", "R", "B", "", "h0", "c0"], ["y", "yh", "yc"],
                           hidden_size=H, direction="bidirectional"),
          helper.make_node("GRU", ["x", "gW", "gR", "gB"], ["gy", "gyh"], hidden_size=H,
                           linear_before_reset=1)],
         [t("x", [S, "N", I]), t("h0", [2, "N", H]), t("c0", [2, "N", H])],
         [t("y", [S, 2, "N", H]), t("yh", [2, "N", H]), t("yc", [2, "N", H]),
          t("gy", [S, 1, "N", H]), t("gyh", [1, "N", H])],
         [numpy_helper.from_array(a, n) for a, n in [
             (w(2, 16, I), "W"), (w(2, 16, H), "R"), (w(2, 32), "B"),
             (w(1, 12, I), "gW"), (w(1, 12, H), "gR"), (w(1, 24), "gB")]])
    save(out, "rnn_lens",
         [helper.make_node("RNN", ["x", "W", "R", "", "lens"], ["y", "yh"], hidden_size=H,
                           direction="bidirectional")],
         [t("x", [S, "N", I]), helper.make_tensor_value_info("lens", TensorProto.INT32, ["N"])],
         [t("y", [S, 2, "N", H]), t("yh", [2, "N", H])],
         [numpy_helper.from_array(a, n) for a, n in [(w(2, H, I), "W"), (w(2, H, H), "R")]])
    (out / "manifest.json").write_text(json.dumps({"models": [
        {"file": "rnn_lens.onnx", "inputs": [{"name": "lens", "range": [1, 5.99]}]}]}))


if __name__ == "__main__":
    main()
