#!/usr/bin/env python3
"""Small ONNX models whose convolutions and matmuls take the CPU backend's
register tiles (and a few that must not), for test/e2e/cpu-tiles.test.

Usage: build_tile_models.py OUTDIR

Each model is one or two layers with random constant weights (seeded):
  conv3x3_relu     3x3, 8 -> 16 channels, 14x14, pad 1, bias, ReLU epilogue
  conv3x3_s2       3x3 stride 2 (16 -> 16, 15x15 -> 8x8)
  conv_dilated     3x3 dilation 2
  conv1x1_res      1x1 conv + residual Add + ReLU
  conv_rows7       3x3, 16 -> 32 channels on 7x7 (7-pixel rows)
  conv_deep        3x3, 64 -> 64 on 6x6 (filter larger than the image:
                   channel panels outermost), 576-term sums
  depthwise        3x3 depthwise, 16 channels, + Clip (ReLU6)
  grouped          3x3, 2 groups of 8 channels (not depthwise: loop lowering)
  odd_channels     3x3, 8 -> 12 channels (no whole vector: loop lowering)
  gemm_gelu        Gemm 12x64 @ 64x32 (transB) + bias, then GELU (Erf form)
  matmul_3d        MatMul [2, 12, 64] @ [64, 32] (a transformer's linear layer)
  matmul_batched   MatMul [2, 12, 32] @ [2, 32, 16] (attention scores)
  matmul_long_k    MatMul 8x1024 @ 1024x16 (blocked summation over 1024 terms)
"""

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.RandomState(7)


def weight(name, *shape):
    return numpy_helper.from_array((RNG.randn(*shape) * 0.2).astype(np.float32), name)


def save(outdir, name, nodes, inputs, inits, output="y"):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              ir_version=8)
    onnx.save(model, str(outdir / f"{name}.onnx"))


def conv(name, c, h, f, k, *, stride=1, dilation=1, group=1, relu=True):
    pad = dilation * (k // 2)
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c" if relu else "y"],
                              pads=[pad] * 4, strides=[stride] * 2,
                              dilations=[dilation] * 2, group=group)]
    if relu:
        nodes.append(helper.make_node("Relu", ["c"], ["y"]))
    return nodes, [("x", [1, c, h, h])], [weight("w", f, c // group, k, k), weight("b", f)]


def main():
    outdir = Path(sys.argv[1])
    outdir.mkdir(parents=True, exist_ok=True)
    save(outdir, "conv3x3_relu", *conv("conv3x3_relu", 8, 14, 16, 3))
    save(outdir, "conv3x3_s2", *conv("conv3x3_s2", 16, 15, 16, 3, stride=2))
    save(outdir, "conv_dilated", *conv("conv_dilated", 8, 12, 16, 3, dilation=2))
    save(outdir, "conv_rows7", *conv("conv_rows7", 16, 7, 32, 3))
    save(outdir, "conv_deep", *conv("conv_deep", 64, 6, 64, 3))
    save(outdir, "grouped", *conv("grouped", 16, 10, 16, 3, group=2))
    save(outdir, "odd_channels", *conv("odd_channels", 8, 10, 12, 3))
    save(outdir, "conv1x1_res",
         [helper.make_node("Conv", ["x", "w", "b"], ["c"]),
          helper.make_node("Add", ["c", "x"], ["s"]),
          helper.make_node("Relu", ["s"], ["y"])],
         [("x", [1, 16, 8, 8])], [weight("w", 16, 16, 1, 1), weight("b", 16)])
    save(outdir, "depthwise",
         [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1] * 4, group=16),
          helper.make_node("Clip", ["c", "lo", "hi"], ["y"])],
         [("x", [1, 16, 9, 9])],
         [weight("w", 16, 1, 3, 3), weight("b", 16),
          numpy_helper.from_array(np.array(0, np.float32), "lo"),
          numpy_helper.from_array(np.array(6, np.float32), "hi")])
    # GELU as torch exports it: x * 0.5 * (1 + erf(x / sqrt(2))).
    save(outdir, "gemm_gelu",
         [helper.make_node("Gemm", ["x", "w", "b"], ["g"], transB=1),
          helper.make_node("Div", ["g", "sqrt2"], ["d"]),
          helper.make_node("Erf", ["d"], ["e"]),
          helper.make_node("Add", ["e", "one"], ["a"]),
          helper.make_node("Mul", ["g", "a"], ["m"]),
          helper.make_node("Mul", ["m", "half"], ["y"])],
         [("x", [12, 64])],
         [weight("w", 32, 64), weight("b", 32),
          numpy_helper.from_array(np.array(np.sqrt(2), np.float32), "sqrt2"),
          numpy_helper.from_array(np.array(1, np.float32), "one"),
          numpy_helper.from_array(np.array(0.5, np.float32), "half")])
    save(outdir, "matmul_3d", [helper.make_node("MatMul", ["x", "w"], ["y"])],
         [("x", [2, 12, 64])], [weight("w", 64, 32)])
    save(outdir, "matmul_batched", [helper.make_node("MatMul", ["x", "z"], ["y"])],
         [("x", [2, 12, 32]), ("z", [2, 32, 16])], [])
    save(outdir, "matmul_long_k", [helper.make_node("MatMul", ["x", "w"], ["y"])],
         [("x", [8, 1024])], [weight("w", 1024, 16)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
