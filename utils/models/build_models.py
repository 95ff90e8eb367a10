#!/usr/bin/env python3
"""Build the ONNX models that MLC's end-to-end and error tests use.

Usage:
    python build_models.py OUTDIR [--seed S] [--no-verify]

Writes into OUTDIR:
  * mlp.onnx, cnn.onnx    two small networks (float32, opset 17, random weights);
  * op_<name>.onnx        one tiny model per operator family, each exercising the
                          attributes that are easy to get wrong (broadcasting, asymmetric
                          pads, groups, negative axes, ...);
  * bad_*.onnx            inputs that every tool must reject with a diagnostic:
                          an unknown op, a truncated protobuf, a file that is not ONNX;
  * manifest.json         every model with its inputs (name, dtype, shape and, where
                          random normal data would be a poor test, a sampling range)
                          and outputs, so that utils/e2e/check_model.py can feed it.

Models use ir_version 8 (what Debian's libonnx 1.12 reads), opset 17 unless their
manifest entry says otherwise. Weights come from numpy.random.RandomState(seed), so
the same seed gives byte-identical files. Unless --no-verify is given, every valid
model is checked with onnx.checker (full check) and run once in onnxruntime, and its
declared output shapes are compared with what onnxruntime produced.

Dependencies: onnx, numpy (and onnxruntime for verification).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

IR_VERSION = 8
DEFAULT_OPSET = 17
FLOAT = TensorProto.FLOAT


@dataclass
class ModelSpec:
    """A model to write, with the extra facts the manifest records about it."""

    name: str
    model: onnx.ModelProto
    description: str
    # Per-input [low, high] for uniform sampling where a normal sample is a poor test
    # (for example a divisor near zero).
    input_ranges: dict[str, list[float]] = field(default_factory=dict)


class Builder:
    """Collects nodes, initializers and I/O of one graph; weights come from `rng`."""

    def __init__(self, name: str, rng: np.random.RandomState):
        self.name = name
        self.rng = rng
        self.nodes: list[onnx.NodeProto] = []
        self.inputs: list[onnx.ValueInfoProto] = []
        self.outputs: list[str] = []
        self.initializers: list[onnx.TensorProto] = []

    def input(self, name: str, shape: list[int], elem_type: int = FLOAT) -> str:
        self.inputs.append(helper.make_tensor_value_info(name, elem_type, shape))
        return name

    def const(self, name: str, array: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, name: str, shape: list[int], scale: float | None = None) -> str:
        """A random float32 weight; default scale is He-style sqrt(2 / fan_in)."""
        if scale is None:
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else int(shape[0])
            scale = float(np.sqrt(2.0 / max(fan_in, 1)))
        data = (self.rng.standard_normal(shape) * scale).astype(np.float32)
        return self.const(name, data)

    def node(self, op_type: str, inputs: list[str], outputs: list[str] | str,
             name: str, domain: str = "", **attrs) -> str | list[str]:
        outs = [outputs] if isinstance(outputs, str) else outputs
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=name,
                                           domain=domain, **attrs))
        return outputs

    def output(self, name: str) -> None:
        self.outputs.append(name)

    def build(self, opset: int = DEFAULT_OPSET, infer_outputs: bool = True) -> onnx.ModelProto:
        """Make the model; output shapes are filled in by ONNX shape inference."""
        outs = [helper.make_tensor_value_info(o, FLOAT, None) for o in self.outputs]
        graph = helper.make_graph(self.nodes, self.name, self.inputs, outs,
                                  initializer=self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                                  producer_name="mlc-build-models", ir_version=IR_VERSION)
        if infer_outputs:
            model = _with_inferred_outputs(model)
        return model


def _with_inferred_outputs(model: onnx.ModelProto) -> onnx.ModelProto:
    """Replace the graph outputs' types by the (static) ones shape inference finds."""
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    known = {vi.name: vi for vi in inferred.graph.output}
    known.update({vi.name: vi for vi in inferred.graph.value_info})
    for out in model.graph.output:
        vi = known.get(out.name)
        if vi is None or not vi.type.tensor_type.HasField("shape"):
            raise RuntimeError(f"{model.graph.name}: no inferred shape for output {out.name}")
        for dim in vi.type.tensor_type.shape.dim:
            if not dim.HasField("dim_value"):
                raise RuntimeError(f"{model.graph.name}: output {out.name} is not static")
        out.type.CopyFrom(vi.type)
    return model


# --------------------------------------------------------------------------------------
# Networks
# --------------------------------------------------------------------------------------

def build_mlp(rng: np.random.RandomState) -> ModelSpec:
    b = Builder("mlp", rng)
    x = b.input("x", [1, 64])
    b.node("Gemm", [x, b.weight("fc1.weight", [128, 64]), b.weight("fc1.bias", [128], 0.1)],
           "fc1_out", "fc1", transB=1)
    b.node("Relu", ["fc1_out"], "relu1_out", "relu1")
    b.node("MatMul", ["relu1_out", b.weight("fc2.weight", [128, 64])], "fc2_mm", "fc2_matmul")
    b.node("Add", ["fc2_mm", b.weight("fc2.bias", [64], 0.1)], "fc2_out", "fc2_add")
    b.node("Relu", ["fc2_out"], "relu2_out", "relu2")
    b.node("Gemm", ["relu2_out", b.weight("fc3.weight", [10, 64]),
                    b.weight("fc3.bias", [10], 0.1)], "logits", "fc3", transB=1)
    b.node("Softmax", ["logits"], "y", "softmax", axis=-1)
    b.output("y")
    return ModelSpec("mlp", b.build(), "Gemm+Relu, MatMul+Add+Relu, Gemm, Softmax")


def _batch_norm(b: Builder, name: str, x: str, channels: int, out: str) -> str:
    rng = b.rng
    scale = b.const(f"{name}.scale", rng.uniform(0.5, 1.5, channels).astype(np.float32))
    bias = b.const(f"{name}.bias", (rng.standard_normal(channels) * 0.1).astype(np.float32))
    mean = b.const(f"{name}.mean", (rng.standard_normal(channels) * 0.2).astype(np.float32))
    var = b.const(f"{name}.var", rng.uniform(0.5, 2.0, channels).astype(np.float32))
    return b.node("BatchNormalization", [x, scale, bias, mean, var], out, name, epsilon=1e-5)


def build_cnn(rng: np.random.RandomState) -> ModelSpec:
    b = Builder("cnn", rng)
    x = b.input("input", [1, 3, 32, 32])
    b.node("Conv", [x, b.weight("conv1.weight", [8, 3, 3, 3]), b.weight("conv1.bias", [8], 0.1)],
           "conv1_out", "conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    _batch_norm(b, "bn1", "conv1_out", 8, "bn1_out")
    b.node("Relu", ["bn1_out"], "relu1_out", "relu1")
    b.node("MaxPool", ["relu1_out"], "pool1_out", "pool1", kernel_shape=[2, 2], strides=[2, 2])
    b.node("Conv", ["pool1_out", b.weight("conv2.weight", [16, 8, 3, 3])], "conv2_out", "conv2",
           kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1])
    _batch_norm(b, "bn2", "conv2_out", 16, "bn2_out")
    b.node("Relu", ["bn2_out"], "relu2_out", "relu2")
    b.node("AveragePool", ["relu2_out"], "pool2_out", "pool2", kernel_shape=[2, 2],
           strides=[2, 2])
    b.node("Conv", ["pool2_out", b.weight("conv3.weight", [16, 4, 3, 3]),
                    b.weight("conv3.bias", [16], 0.1)], "conv3_out", "conv3",
           kernel_shape=[3, 3], group=4, dilations=[1, 1], pads=[1, 1, 1, 1])
    b.node("Relu", ["conv3_out"], "relu3_out", "relu3")
    b.node("GlobalAveragePool", ["relu3_out"], "gap_out", "gap")
    b.node("Flatten", ["gap_out"], "flat_out", "flatten", axis=1)
    b.node("Gemm", ["flat_out", b.weight("fc.weight", [10, 16]), b.weight("fc.bias", [10], 0.1)],
           "output", "fc", transB=1)
    b.output("output")
    return ModelSpec("cnn", b.build(),
                     "Conv+BN+Relu+MaxPool, Conv+BN+Relu+AveragePool, grouped Conv, "
                     "GlobalAveragePool, Flatten, Gemm")


# --------------------------------------------------------------------------------------
# One model per op family
# --------------------------------------------------------------------------------------

def _single(rng, name: str, op: str, inputs: dict[str, list[int]],
            consts: dict[str, np.ndarray] | None = None, input_order: list[str] | None = None,
            opset: int = DEFAULT_OPSET, description: str = "",
            input_ranges: dict[str, list[float]] | None = None, **attrs) -> ModelSpec:
    """A one-node model: `inputs` become graph inputs, `consts` initializers.

    `input_order` gives the node's operand order (names from either dict, "" for an
    omitted optional operand); by default graph inputs come first, then constants.
    """
    b = Builder(name, rng)
    for in_name, shape in inputs.items():
        b.input(in_name, shape)
    for c_name, value in (consts or {}).items():
        b.const(c_name, value)
    operands = input_order or [*inputs, *(consts or {})]
    b.node(op, operands, "y", name.removeprefix("op_"), **attrs)
    b.output("y")
    return ModelSpec(name, b.build(opset), description or op, input_ranges or {})


def build_op_models(rng: np.random.RandomState) -> list[ModelSpec]:
    f32 = np.float32
    specs: list[ModelSpec] = []
    add = specs.append

    # Elementwise binary ops with numpy-style broadcasting.
    for op in ["Add", "Sub", "Mul", "Div"]:
        low = op.lower()
        ranges = {"b": [0.5, 2.0]} if op == "Div" else {}
        add(_single(rng, f"op_{low}_bcast_last", op, {"a": [2, 3, 4], "b": [4]},
                    description=f"{op} [2,3,4] with [4]", input_ranges=ranges))
        add(_single(rng, f"op_{low}_bcast_mid", op, {"a": [2, 3, 4], "b": [3, 1]},
                    description=f"{op} [2,3,4] with [3,1]", input_ranges=ranges))
    add(_single(rng, "op_add_same", "Add", {"a": [2, 3, 4], "b": [2, 3, 4]},
                description="Add without broadcasting"))

    # Unary activations.
    for op in ["Relu", "Sigmoid", "Tanh"]:
        add(_single(rng, f"op_{op.lower()}", op, {"x": [2, 3, 4]}, description=op))
    add(_single(rng, "op_clip", "Clip", {"x": [2, 3, 4]},
                {"min": np.array(-0.5, f32), "max": np.array(0.75, f32)}, opset=13,
                description="Clip with min and max as (constant) inputs, opset 13"))
    add(_single(rng, "op_clip_min_only", "Clip", {"x": [2, 3, 4]},
                {"min": np.array(0.0, f32)}, input_order=["x", "min"], opset=13,
                description="Clip with only min given, opset 13"))

    # MatMul.
    add(_single(rng, "op_matmul_2d", "MatMul", {"a": [3, 4], "b": [4, 5]},
                description="MatMul [3,4] x [4,5]"))
    add(_single(rng, "op_matmul_2d_const", "MatMul", {"a": [3, 4]},
                {"w": rng.standard_normal([4, 5]).astype(f32)},
                description="MatMul [3,4] x constant [4,5]"))
    add(_single(rng, "op_matmul_batched", "MatMul", {"a": [2, 3, 4, 5], "b": [5, 6]},
                description="MatMul [2,3,4,5] x [5,6]"))
    add(_single(rng, "op_matmul_batched_bcast", "MatMul", {"a": [2, 1, 4, 5], "b": [3, 5, 6]},
                description="MatMul [2,1,4,5] x [3,5,6] (batch broadcast)"))

    # Gemm.
    add(_single(rng, "op_gemm", "Gemm", {"a": [4, 3], "b": [5, 4]},
                {"c": rng.standard_normal([5]).astype(f32)},
                alpha=0.5, beta=2.0, transA=1, transB=1,
                description="Gemm transA transB alpha 0.5 beta 2, C [5] broadcast"))
    add(_single(rng, "op_gemm_c_col", "Gemm", {"a": [3, 4], "b": [4, 5], "c": [3, 1]},
                alpha=1.5, beta=-1.0, description="Gemm, C [3,1] broadcast over columns"))
    add(_single(rng, "op_gemm_no_c", "Gemm", {"a": [3, 4], "b": [5, 4]}, transB=1,
                description="Gemm without C, transB"))

    # Conv (X as input, W and B as weights).
    def conv(name, x_shape, w_shape, bias=True, description="", **attrs):
        consts = {"w": (rng.standard_normal(w_shape) * 0.5).astype(f32)}
        if bias:
            consts["bias"] = (rng.standard_normal(w_shape[0]) * 0.1).astype(f32)
        add(_single(rng, name, "Conv", {"x": x_shape}, consts, description=description,
                    kernel_shape=list(w_shape[2:]), **attrs))

    conv("op_conv_basic", [1, 2, 6, 6], [3, 2, 3, 3], description="Conv 3x3, no pads")
    conv("op_conv_strided_asym_pads", [1, 2, 9, 9], [4, 2, 3, 3], strides=[2, 2],
         pads=[0, 1, 1, 0], description="Conv strides 2, pads [0,1,1,0]")
    conv("op_conv_dilated", [1, 2, 9, 9], [3, 2, 3, 3], bias=False, dilations=[2, 2],
         pads=[1, 1, 1, 1], description="Conv dilations 2, no bias")
    conv("op_conv_group", [1, 4, 6, 6], [6, 2, 3, 3], group=2, pads=[1, 1, 1, 1],
         description="Conv group 2")
    conv("op_conv_depthwise", [1, 4, 7, 7], [4, 1, 3, 3], group=4, strides=[2, 2],
         pads=[1, 1, 1, 1], description="depthwise Conv (group = channels), stride 2")
    conv("op_conv_rect", [2, 3, 5, 7], [2, 3, 1, 3], strides=[1, 2], pads=[0, 1, 0, 1],
         description="Conv batch 2, 1x3 kernel, strides [1,2]")

    # Pooling.
    add(_single(rng, "op_maxpool", "MaxPool", {"x": [1, 2, 7, 7]}, kernel_shape=[3, 3],
                strides=[2, 2], pads=[1, 1, 1, 1], description="MaxPool 3x3 s2 pads 1"))
    add(_single(rng, "op_maxpool_asym", "MaxPool", {"x": [1, 2, 6, 6]}, kernel_shape=[2, 3],
                strides=[2, 1], pads=[0, 1, 1, 0], description="MaxPool 2x3, pads [0,1,1,0]"))
    for cip in (0, 1):
        add(_single(rng, f"op_averagepool_cip{cip}", "AveragePool", {"x": [1, 2, 7, 7]},
                    kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
                    count_include_pad=cip,
                    description=f"AveragePool 3x3 s2 pads 1, count_include_pad {cip}"))
    add(_single(rng, "op_globalaveragepool", "GlobalAveragePool", {"x": [2, 3, 5, 5]},
                description="GlobalAveragePool"))

    # BatchNormalization (inference form; var strictly positive).
    c = 3
    add(_single(rng, "op_batchnormalization", "BatchNormalization", {"x": [2, c, 4, 4]},
                {"scale": rng.uniform(0.5, 1.5, c).astype(f32),
                 "bias": (rng.standard_normal(c) * 0.1).astype(f32),
                 "mean": (rng.standard_normal(c) * 0.2).astype(f32),
                 "var": rng.uniform(0.5, 2.0, c).astype(f32)},
                epsilon=1e-3, description="BatchNormalization, epsilon 1e-3"))

    # Shape manipulation.
    add(_single(rng, "op_reshape_zero_neg", "Reshape", {"x": [2, 3, 4]},
                {"shape": np.array([0, -1], np.int64)},
                description="Reshape [2,3,4] by [0,-1]"))
    add(_single(rng, "op_reshape_neg", "Reshape", {"x": [2, 3, 4]},
                {"shape": np.array([-1, 0, 2], np.int64)},
                description="Reshape [2,3,4] by [-1,0,2] -> [4,3,2] (0 copies dim 1)"))
    add(_single(rng, "op_transpose", "Transpose", {"x": [2, 3, 4]}, perm=[2, 0, 1],
                description="Transpose perm [2,0,1]"))
    add(_single(rng, "op_transpose_default", "Transpose", {"x": [2, 3, 4]},
                description="Transpose without perm (reverses dims)"))
    add(_single(rng, "op_concat_axis1", "Concat", {"a": [2, 3, 4], "b": [2, 2, 4],
                                                   "c": [2, 1, 4]},
                axis=1, description="Concat of three on axis 1"))
    add(_single(rng, "op_concat_neg_axis", "Concat", {"a": [2, 3, 4], "b": [2, 3, 1]},
                axis=-1, description="Concat on axis -1"))
    for axis in (0, 1, 2):
        add(_single(rng, f"op_flatten_axis{axis}", "Flatten", {"x": [2, 3, 4]}, axis=axis,
                    description=f"Flatten axis {axis}"))

    # Softmax (opset 13 semantics: along one axis).
    add(_single(rng, "op_softmax_last", "Softmax", {"x": [2, 3, 4]}, axis=-1, opset=13,
                description="Softmax axis -1, opset 13"))
    add(_single(rng, "op_softmax_axis1", "Softmax", {"x": [2, 3, 4]}, axis=1, opset=13,
                description="Softmax axis 1, opset 13"))

    # ReduceMean: axes as attribute (opset 13) and as input (opset 18).
    add(_single(rng, "op_reducemean_keepdims", "ReduceMean", {"x": [2, 3, 4]}, axes=[1],
                keepdims=1, opset=13, description="ReduceMean axes [1] keepdims 1, opset 13"))
    add(_single(rng, "op_reducemean_nokeep", "ReduceMean", {"x": [2, 3, 4]}, axes=[0, -1],
                keepdims=0, opset=13, description="ReduceMean axes [0,-1] keepdims 0, opset 13"))
    add(_single(rng, "op_reducemean_all", "ReduceMean", {"x": [2, 3, 4]}, keepdims=1,
                opset=13, description="ReduceMean over all axes keepdims 1, opset 13"))
    add(_single(rng, "op_reducemean_v18", "ReduceMean", {"x": [2, 3, 4]},
                {"axes": np.array([-1], np.int64)}, keepdims=1, opset=18,
                description="ReduceMean axes [-1] as input, keepdims 1, opset 18"))
    add(_single(rng, "op_reducemean_v18_nokeep", "ReduceMean", {"x": [2, 3, 4]},
                {"axes": np.array([0, 2], np.int64)}, keepdims=0, opset=18,
                description="ReduceMean axes [0,2] as input, keepdims 0, opset 18"))
    return specs


# --------------------------------------------------------------------------------------
# Bad inputs
# --------------------------------------------------------------------------------------

def build_bad_models(mlp: onnx.ModelProto) -> dict[str, tuple[bytes, str]]:
    """File name -> (bytes, what is wrong with it)."""
    b = Builder("bad_unknown_op", np.random.RandomState(0))
    b.input("x", [2, 3])
    b.node("FooBar", ["x"], "y", "foobar")
    b.output("y")
    unknown = b.build(infer_outputs=False)
    unknown.graph.output[0].type.tensor_type.shape.dim.add().dim_value = 2
    unknown.graph.output[0].type.tensor_type.shape.dim.add().dim_value = 3

    mlp_bytes = mlp.SerializeToString()
    truncated = mlp_bytes[: len(mlp_bytes) // 2]
    try:
        onnx.load_from_string(truncated)
    except Exception:  # noqa: BLE001 - any parse error is what we want
        pass
    else:
        raise RuntimeError("bad_truncated.onnx unexpectedly parses; pick another cut")

    return {
        "bad_unknown_op.onnx": (unknown.SerializeToString(),
                                "well-formed model using op FooBar in the default domain"),
        "bad_truncated.onnx": (truncated, "first half of the bytes of mlp.onnx"),
        "bad_not_onnx.onnx": (b"this is not an onnx model\n", "a text file"),
    }


# --------------------------------------------------------------------------------------
# Manifest, verification, main
# --------------------------------------------------------------------------------------

def _value_info_json(vi: onnx.ValueInfoProto) -> dict:
    tt = vi.type.tensor_type
    return {
        "name": vi.name,
        "dtype": np.dtype(helper.tensor_dtype_to_np_dtype(tt.elem_type)).name,
        "shape": [d.dim_value if d.HasField("dim_value") else d.dim_param
                  for d in tt.shape.dim],
    }


def graph_inputs(model: onnx.ModelProto) -> list[onnx.ValueInfoProto]:
    """The graph inputs that are not initializers (i.e. what a caller must feed)."""
    inits = {t.name for t in model.graph.initializer}
    return [vi for vi in model.graph.input if vi.name not in inits]


def manifest_entry(spec: ModelSpec) -> dict:
    inputs = []
    for vi in graph_inputs(spec.model):
        entry = _value_info_json(vi)
        if vi.name in spec.input_ranges:
            entry["range"] = spec.input_ranges[vi.name]
        inputs.append(entry)
    return {
        "name": spec.name,
        "file": f"{spec.name}.onnx",
        "description": spec.description,
        "opset": spec.model.opset_import[0].version,
        "inputs": inputs,
        "outputs": [_value_info_json(vi) for vi in spec.model.graph.output],
    }


def verify(spec: ModelSpec, rng: np.random.RandomState) -> None:
    """Full ONNX check, one onnxruntime run, and declared vs actual output shapes."""
    import onnxruntime as ort

    onnx.checker.check_model(spec.model, full_check=True)
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    sess = ort.InferenceSession(spec.model.SerializeToString(), opts,
                                providers=["CPUExecutionProvider"])
    feeds = {}
    for vi in graph_inputs(spec.model):
        shape = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        lo, hi = spec.input_ranges.get(vi.name, (-2.0, 2.0))
        feeds[vi.name] = rng.uniform(lo, hi, shape).astype(np.float32)
    results = sess.run(None, feeds)
    for vi, value in zip(spec.model.graph.output, results):
        declared = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        if list(value.shape) != declared:
            raise RuntimeError(f"{spec.name}: output {vi.name} has shape {list(value.shape)}, "
                               f"declared {declared}")
        if not np.all(np.isfinite(value)):
            raise RuntimeError(f"{spec.name}: output {vi.name} is not finite")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path, help="directory to write the models into")
    parser.add_argument("--seed", type=int, default=0, help="weight RNG seed (default 0)")
    parser.add_argument("--no-verify", action="store_true",
                        help="skip onnx.checker and the onnxruntime run")
    args = parser.parse_args(argv)

    rng = np.random.RandomState(args.seed)
    mlp = build_mlp(rng)
    specs = [mlp, build_cnn(rng), *build_op_models(rng)]
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise RuntimeError("duplicate model names")

    args.outdir.mkdir(parents=True, exist_ok=True)
    verify_rng = np.random.RandomState(args.seed + 1)
    for spec in specs:
        if not args.no_verify:
            verify(spec, verify_rng)
        onnx.save_model(spec.model, str(args.outdir / f"{spec.name}.onnx"))

    bad = build_bad_models(mlp.model)
    for file_name, (data, _) in bad.items():
        (args.outdir / file_name).write_bytes(data)

    manifest = {
        "seed": args.seed,
        "ir_version": IR_VERSION,
        "models": [manifest_entry(s) for s in specs],
        "bad_models": [{"file": f, "description": d} for f, (_, d) in bad.items()],
    }
    (args.outdir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")

    verified = "verified with onnx.checker and onnxruntime" if not args.no_verify else \
        "not verified"
    print(f"wrote {len(specs)} models ({verified}), {len(bad)} bad inputs and "
          f"manifest.json to {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
