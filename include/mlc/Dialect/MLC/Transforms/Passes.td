//===- Passes.td - Graph passes on the mlc dialect ---------*- tablegen -*-===//

#ifndef MLC_DIALECT_MLC_TRANSFORMS_PASSES_TD
#define MLC_DIALECT_MLC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FoldConstants : Pass<"mlc-fold-constants", "mlir::ModuleOp"> {
  let summary = "Evaluate mlc ops whose operands are all constants.";
  let description = [{
    Replaces every mlc op whose operands are all `mlc.constant` by a constant
    holding its result, evaluated at compile time: shape arithmetic,
    transposes, reshapes and concatenations of weights, elementwise math
    (with broadcasting). Repeats until nothing changes, so whole constant
    subgraphs collapse. Results with more than `max-elements` elements are
    not materialized (the op stays), which keeps a broadcast of a scalar to
    a huge shape from bloating the artifact. Results above 64 elements
    become `dense_resource` blobs.

    ```mlir
    %w = mlc.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
    %t = mlc.transpose %w {perm = array<i64: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
    // becomes
    %t = mlc.constant dense<[[1.0, 3.0], [2.0, 4.0]]> : tensor<2x2xf32>
    ```
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", "1 << 22",
           "Largest result (in elements) that is folded into a constant">
  ];
}

def FoldBatchNorm : Pass<"mlc-fold-batchnorm", "mlir::ModuleOp"> {
  let summary = "Fold inference batch normalization into the preceding "
                "conv2d / gemm / matmul, or into a scale and shift.";
  let description = [{
    `batch_norm(conv2d(x, W, b))` with constant `W`, `b` and batch-norm
    parameters, where the convolution has no other user, becomes
    `conv2d(x, W', b')` with `W'[f] = W[f] * s[f]` and
    `b' = (b - mean) * s + beta`, `s = gamma / sqrt(var + eps)`. The same
    holds for `gemm` and 2-D `matmul` producers whose output columns are the
    channels. A batch norm that cannot be folded becomes `x * s + t` with
    constant `s` and `t` of shape `[C, 1, ..., 1]`.

    ```mlir
    %c = mlc.conv2d %x, %w, %b : ... -> tensor<1x8x4x4xf32>
    %y = mlc.batch_norm %c, %g, %beta, %m, %v {epsilon = 1.0e-05 : f32} : ...
    // becomes
    %y = mlc.conv2d %x, %w_folded, %b_folded : ... -> tensor<1x8x4x4xf32>
    ```
  }];
}

def ConvertLayout : Pass<"mlc-convert-layout", "mlir::ModuleOp"> {
  let summary = "Rewrite spatial ops to NHWC or NCHW and cancel transposes.";
  let description = [{
    Rewrites `conv2d`, pooling and `batch_norm` to the requested layout:
    activations are transposed in and out, filters are transposed at compile
    time (`FCHW` to `FHWC`). Then transposes are pushed through elementwise
    ops, constants absorb them, and pairs that meet cancel, so that a chain
    of spatial ops keeps one layout and transposes remain only at the graph's
    inputs and outputs.

    ```mlir
    %y = mlc.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
    // with layout=nhwc becomes
    %t = mlc.transpose %x {perm = array<i64: 0, 2, 3, 1>} : ... -> tensor<1x8x8x3xf32>
    %c = mlc.conv2d %t, %w_fhwc {layout = "NHWC"} : ... -> tensor<1x6x6x4xf32>
    %y = mlc.transpose %c {perm = array<i64: 0, 3, 1, 2>} : ... -> tensor<1x4x6x6xf32>
    ```
  }];
  let options = [
    Option<"layout", "layout", "std::string", "\"nhwc\"",
           "Target layout of spatial ops: nhwc or nchw">,
    Option<"maxFoldElements", "max-fold-elements", "int64_t", "INT64_MAX",
           "Fold constant ops with at most this many result elements "
           "(mlc-compile --max-memory bounds it)">
  ];
}

def RaiseComposites : Pass<"mlc-raise-composites", "mlir::ModuleOp"> {
  let summary = "Recognize LayerNorm, GELU and Softmax spelled as primitive "
                "ops and raise them to single ops.";
  let description = [{
    Older opsets (and some exporters) write these as chains:
    LayerNorm as `(x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) * g + b`
    over trailing axes, GELU as `x * 0.5 * (1 + erf(x / sqrt(2)))`, Softmax as
    `exp(x - max(x)) / sum(exp(x - max(x)))`. They become `mlc.layer_norm`
    (with scale and bias absorbed), `mlc.gelu` and `mlc.softmax`, which
    fusion and backends treat as one kernel. Constants are matched by value
    (sqrt(2) within a relative 1e-6, for f32 exporters).

    ```mlir
    %m = mlc.reduce_mean %x {axes = array<i64: -1>} : ...
    %d = mlc.sub %x, %m : ...
    ... (variance, epsilon, sqrt)
    %n = mlc.div %d, %s : ...
    // becomes
    %n, %mean, %rstd = mlc.layer_norm %x {axis = 1 : i64, epsilon = 1.0e-05 : f32} : ...
    ```
  }];
}

def Fuse : Pass<"mlc-fuse", "mlir::ModuleOp"> {
  let summary = "Group producer-consumer chains into mlc.fused regions.";
  let description = [{
    Forms `mlc.fused` regions that a backend lowers as one kernel:
    a conv2d / matmul / gemm root followed by its epilogue (bias add,
    activation, residual add, clip, ...), and chains of elementwise ops.
    An op joins a group only when the value it consumes has no other user,
    so nothing is computed twice; ops of dynamic shape are left alone.

    ```mlir
    %c = mlc.conv2d %x, %w, %b : ...
    %r = mlc.relu %c : ...
    // becomes
    %r = mlc.fused "conv2d_relu" (%x, %w, %b) : ... {
    ^bb0(%a: tensor<...>, %b: tensor<...>, %c: tensor<...>):
      %0 = mlc.conv2d %a, %b, %c : ...
      %1 = mlc.relu %0 : ...
      mlc.yield %1 : ...
    }
    ```
  }];
  let options = [
    Option<"fuseElementwiseChains", "elementwise-chains", "bool", "true",
           "Also fuse chains of elementwise ops without a contraction root">
  ];
}

def PrintOpStats : Pass<"mlc-print-op-stats", "mlir::ModuleOp"> {
  let summary = "Print an op histogram of the module as JSON.";
  let description = [{
    Writes `{"total": N, "constants": C, "ops": {"mlc.conv2d": 53, ...}}`
    to stderr, or to the file given by `output`. `total` counts the compute
    ops; constants (weights, like ONNX initializers) are listed in `ops` and
    counted in `constants`. Ops inside `mlc.fused` regions are counted as the
    fused op, and separately under `"fused_ops"` (with the group kinds under
    `"fused_kinds"`). Build
    pipelines run it before and after `--mlc-graph-opt` to see what the graph
    passes did. The module is not changed.
  }];
  let options = [
    Option<"output", "output", "std::string", "\"-\"",
           "File to write the JSON to ('-' for stderr)">,
    Option<"label", "label", "std::string", "\"\"",
           "A label recorded in the JSON (e.g. before / after)">
  ];
}

def LowerQuant : Pass<"mlc-lower-quant", "mlir::ModuleOp"> {
  let summary = "Rewrite DQ -> conv2d/matmul -> [relu|clip] -> Q chains into "
                "integer arithmetic.";
  let description = [{
    A quantized layer as QDQ models spell it (dequantized activation and
    constant weights into a float conv2d or matmul, optionally a ReLU or
    Clip, then a per-tensor quantize) becomes an i32 convolution or matmul
    of the activation's storage integers minus its zero point and the
    weights minus theirs (folded at compile time), with the bias quantized
    to i32 at scale `sx * sw`, followed by `mlc.requantize`: a fixed-point
    multiplier and shift per output channel, the output zero point, and a
    clamp that absorbs the ReLU / Clip. Activations must be quantized per
    tensor, weights per tensor or per output channel, all parameters
    constants; other ops stay in float between their DQ and Q.

    ```mlir
    %x = mlc.dequantize_linear %xq, %sx, %zx : ...
    %w = quant.dcast %wq : tensor<8x3x3x3x!quant.uniform<i8:f32:0, {...}>> to tensor<8x3x3x3xf32>
    %c = mlc.conv2d %x, %w, %b : ...
    %r = mlc.relu %c : ...
    %y = mlc.quantize_linear %r, %sy, %zy : ...
    // becomes
    %x32 = mlc.sub (mlc.cast %xq), %zx
    %acc = mlc.conv2d %x32, %w_minus_zw, %b_i32 : (...xi32, ...) -> tensor<...xi32>
    %y = mlc.requantize %acc {multipliers = ..., shifts = ..., min = zy, ...}
    ```
  }];
}

def ConvertFloatPrecision : Pass<"mlc-convert-float-precision",
                                 "mlir::ModuleOp"> {
  let summary = "Run an f32 model in f16 or bf16: half-precision weights and "
                "activations, f32 at the function's edges.";
  let description = [{
    Rewrites every f32 tensor of a function body to `type` (f16 or bf16):
    f32 constants are rounded to nearest-even (finite values beyond the f16
    range saturate to +-65504), results and block arguments of mlc ops
    change element type. The function's signature keeps its element types:
    an `mlc.cast` narrows each f32 argument on entry and widens each result
    before `func.return`.

    Ops whose accuracy needs f32 (softmax, log_softmax, layer_norm,
    batch_norm, reductions, global_avg_pool, cumsum, the quantization ops,
    and ops of other dialects) keep f32: their half-precision operands are
    widened and their results narrowed for half-precision users, one cast
    per value. Conv, matmul and gemm stay half precision at this level; the
    lowering to linalg accumulates them in f32.

    ```mlir
    func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
      %w = mlc.constant dense<...> : tensor<4x4xf32>
      %y = mlc.matmul %x, %w : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
      return %y : tensor<1x4xf32>
    }
    // with type=f16 becomes
    func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
      %h = mlc.cast %x : (tensor<1x4xf32>) -> tensor<1x4xf16>
      %w = mlc.constant dense<...> : tensor<4x4xf16>
      %y = mlc.matmul %h, %w : (tensor<1x4xf16>, tensor<4x4xf16>) -> tensor<1x4xf16>
      %r = mlc.cast %y : (tensor<1x4xf16>) -> tensor<1x4xf32>
      return %r : tensor<1x4xf32>
    }
    ```
  }];
  let options = [
    Option<"type", "type", "std::string", "\"f16\"",
           "Precision of weights and activations: f16 or bf16">
  ];
}

#endif // MLC_DIALECT_MLC_TRANSFORMS_PASSES_TD
