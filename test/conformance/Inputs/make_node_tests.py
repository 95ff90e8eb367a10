#!/usr/bin/env python3
"""Writes a few handmade ONNX node-test directories for runner.test.

    make_node_tests.py OUT_DIR

OUT_DIR/real/ holds tests for the real tools:
test_relu_pass        Relu, two data sets, correct expected outputs
test_relu_mismatch    Relu, expected output off by 1 in one element
test_unknown_op       NoSuchOp of the default domain (unsupported, in scope)
test_custom_domain    an operator of domain com.example (unsupported and out
                      of scope)
test_string_input     a string input (out of scope)

OUT_DIR/fake/ holds copies of test_relu_pass named after what the scripts in
fake-tools/ do when they see the name (test_segv, test_compile_hang, ...).
"""

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(directory: Path, model: onnx.ModelProto, data_sets) -> None:
    directory.mkdir(parents=True)
    onnx.save(model, str(directory / "model.onnx"))
    for index, (inputs, outputs) in enumerate(data_sets):
        data = directory / f"test_data_set_{index}"
        data.mkdir()
        for kind, arrays in (("input", inputs), ("output", outputs)):
            for i, array in enumerate(arrays):
                tensor = numpy_helper.from_array(array)
                (data / f"{kind}_{i}.pb").write_bytes(tensor.SerializeToString())


def relu_model() -> onnx.ModelProto:
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])], "relu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


FAKE_TESTS = ["test_segv", "test_llvm_error", "test_exit_134",
              "test_compile_error", "test_compile_hang", "test_run_error",
              "test_run_hang", "test_run_assert", "test_ok"]


def main() -> int:
    root = Path(sys.argv[1])
    out = root / "real"
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal((2, 3)).astype(np.float32)
    x1 = rng.standard_normal((2, 3)).astype(np.float32)
    save(out / "test_relu_pass", relu_model(),
         [([x0], [np.maximum(x0, 0)]), ([x1], [np.maximum(x1, 0)])])

    wrong = np.maximum(x1, 0)
    wrong[1, 2] += 1.0
    save(out / "test_relu_mismatch", relu_model(),
         [([x0], [np.maximum(x0, 0)]), ([x1], [wrong])])

    graph = helper.make_graph(
        [helper.make_node("NoSuchOp", ["x"], ["y"])], "unknown",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    save(out / "test_unknown_op", model, [([x0], [x0])])

    graph = helper.make_graph(
        [helper.make_node("Frobnicate", ["x"], ["y"], domain="com.example")],
        "custom",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
    model = helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)])
    save(out / "test_custom_domain", model, [([x0], [x0])])

    graph = helper.make_graph(
        [helper.make_node("Identity", ["s"], ["t"])], "strings",
        [helper.make_tensor_value_info("s", TensorProto.STRING, [2])],
        [helper.make_tensor_value_info("t", TensorProto.STRING, [2])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    strings = np.array([b"a", b"b"], dtype=object)
    save(out / "test_string_input", model, [([strings], [strings])])

    for name in FAKE_TESTS:
        save(root / "fake" / name, relu_model(), [([x0], [np.maximum(x0, 0)])])
    return 0


if __name__ == "__main__":
    sys.exit(main())
