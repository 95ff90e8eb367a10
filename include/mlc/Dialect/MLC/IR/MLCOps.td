//===- MLCOps.td - Operations of the mlc dialect -----------*- tablegen -*-===//
//
// Every op is Pure (no side effects, so upstream CSE/DCE apply) and infers
// its result type; the printed result type is checked against the inferred
// one by the verifier.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DIALECT_MLC_IR_MLCOPS_TD
#define MLC_DIALECT_MLC_IR_MLCOPS_TD

include "mlc/Dialect/MLC/IR/MLCDialect.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def MLC_Tensor : RankedTensorOf<[AnyFloat, AnySignlessInteger, I1]>;

// Data layout of a spatial op: "NCHW" (as imported from ONNX) or "NHWC" (what
// mlc-convert-layout produces for backends that prefer it).
def MLC_LayoutAttr : DefaultValuedStrAttr<StrAttr, "NCHW">;
def MLC_FloatTensor : RankedTensorOf<[AnyFloat]>;

class MLC_InferOp<string mnemonic, list<Trait> traits = []>
    : MLC_Op<mnemonic, !listconcat(traits, [Pure, InferTypeOpAdaptor])> {
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

// Ops whose result type is their operand type: ODS infers it.
class MLC_SameTypeOp<string mnemonic>
    : MLC_Op<mnemonic, [Pure, SameOperandsAndResultType, InferTypeOpInterface]> {
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def MLC_ConstantOp : MLC_Op<"constant", [ConstantLike, Pure,
    AllTypesMatch<["value", "result"]>]> {
  let summary = "A constant tensor (weights, shapes, scalars).";
  let description = [{
    Holds a tensor known at compile time. Large weights are kept as
    `dense_resource` blobs so that they are neither uniqued nor printed inline.

    ```mlir
    %w = mlc.constant dense<1.0> : tensor<4x4xf32>
    %big = mlc.constant dense_resource<conv1_w> : tensor<64x3x7x7xf32>
    ```
  }];
  let arguments = (ins TypedAttrInterface:$value);
  let results = (outs MLC_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class MLC_BinaryOp<string mnemonic, string desc>
    : MLC_InferOp<mnemonic, [SameOperandsElementType]> {
  let summary = "Elementwise " # desc # " with numpy broadcasting.";
  let description = [{
    Applies the operation elementwise after broadcasting both operands to a
    common shape by numpy rules (trailing dimensions aligned, size 1 stretched).

    ```mlir
    %r = mlc.}] # mnemonic # [{ %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$lhs, MLC_Tensor:$rhs);
  let results = (outs MLC_Tensor:$result);
}

def MLC_AddOp : MLC_BinaryOp<"add", "addition"> { let hasFolder = 1; }
def MLC_SubOp : MLC_BinaryOp<"sub", "subtraction">;
def MLC_MulOp : MLC_BinaryOp<"mul", "multiplication"> { let hasFolder = 1; }
def MLC_DivOp : MLC_BinaryOp<"div", "division"> {
  // Integer division truncates (signed, or unsigned with `unsigned_ints`);
  // an integer division by 0 gives 0.
  let arguments = (ins MLC_Tensor:$lhs, MLC_Tensor:$rhs,
                       UnitAttr:$unsigned_ints);
}

class MLC_UnaryOp<string mnemonic, string desc>
    : MLC_SameTypeOp<mnemonic> {
  let summary = desc;
  let description = desc # [{ Applied elementwise.

    ```mlir
    %r = mlc.}] # mnemonic # [{ %x : (tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins MLC_FloatTensor:$input);
  let results = (outs MLC_FloatTensor:$result);
}

def MLC_ReluOp : MLC_UnaryOp<"relu", "Rectified linear unit max(x, 0).">;
def MLC_SigmoidOp : MLC_UnaryOp<"sigmoid", "Logistic sigmoid 1 / (1 + exp(-x)).">;
def MLC_TanhOp : MLC_UnaryOp<"tanh", "Hyperbolic tangent.">;

def MLC_ClipOp : MLC_SameTypeOp<"clip"> {
  let summary = "Clamps every element into [min, max].";
  let description = [{
    Bounds are attributes: the importer requires ONNX's `min`/`max` inputs to
    be constants. A missing bound is unbounded.

    ```mlir
    %r = mlc.clip %x {min = 0.0 : f32, max = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins MLC_FloatTensor:$input, OptionalAttr<F32Attr>:$min,
                       OptionalAttr<F32Attr>:$max);
  let results = (outs MLC_FloatTensor:$result);
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def MLC_MatMulOp : MLC_InferOp<"matmul", [SameOperandsElementType]> {
  let summary = "Matrix product with numpy.matmul semantics.";
  let description = [{
    Batched and broadcast matrix product: 1-D operands are promoted to
    matrices (and the promoted dimension removed from the result), leading
    batch dimensions broadcast by numpy rules.

    ```mlir
    %r = mlc.matmul %a, %b : (tensor<2x1x4x5xf32>, tensor<3x5x6xf32>) -> tensor<2x3x4x6xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$lhs, MLC_Tensor:$rhs);
  let results = (outs MLC_Tensor:$result);
}

def MLC_GemmOp : MLC_InferOp<"gemm"> {
  let summary = "General matrix multiply alpha * op(A) * op(B) + beta * C.";
  let description = [{
    The normalized form of ONNX Gemm: `A` and `B` are 2-D, `op(X)` is `X` or
    its transpose as `trans_a` / `trans_b` say, and the optional `C` is
    broadcast to the `[M, N]` result.

    ```mlir
    %y = mlc.gemm %a, %b, %c {trans_b = true} : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins MLC_FloatTensor:$a, MLC_FloatTensor:$b,
                       Optional<MLC_FloatTensor>:$c,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_b);
  let results = (outs MLC_FloatTensor:$result);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Convolution, pooling, normalization (NCHW)
//===----------------------------------------------------------------------===//

// Float, or i32 for integer convolutions (ONNX ConvInteger, QLinearConv):
// the quantized operands minus their zero points, accumulated in i32.
def MLC_ConvTensor : RankedTensorOf<[AnyFloat, I32]>;

def MLC_Conv2DOp : MLC_InferOp<"conv2d", [SameOperandsElementType]> {
  let summary = "2-D convolution, NCHW with FCHW filters or NHWC with FHWC.";
  let description = [{
    With `layout = "NCHW"` (the default) `input` is `[N, C, H, W]` and
    `filter` is `[F, C / group, KH, KW]`; with `layout = "NHWC"` they are
    `[N, H, W, C]` and `[F, KH, KW, C / group]` and the result is NHWC. The
    optional `bias` is `[F]`. `pads` is `[top, left, bottom, right]`. Elements
    are float, or i32 for integer convolutions.

    ```mlir
    %y = mlc.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x16x16xf32>
    ```
  }];
  let arguments = (ins MLC_ConvTensor:$input, MLC_ConvTensor:$filter,
                       Optional<MLC_ConvTensor>:$bias,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$group,
                       MLC_LayoutAttr:$layout);
  let results = (outs MLC_ConvTensor:$result);
  let hasVerifier = 1;
}

class MLC_Pool2DOp<string mnemonic, string desc, dag extraArgs>
    : MLC_InferOp<mnemonic> {
  let summary = desc;
  let description = desc # [{ Window over the H and W dimensions of an NCHW
    tensor (or NHWC with `layout = "NHWC"`); `pads` is
    `[top, left, bottom, right]`.

    ```mlir
    %y = mlc.}] # mnemonic # [{ %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>}
        : (tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32>
    ```
  }];
  let arguments = !con((ins MLC_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads),
                       extraArgs, (ins MLC_LayoutAttr:$layout));
  let results = (outs MLC_FloatTensor:$result);
  let hasVerifier = 1;
}

def MLC_MaxPool2DOp : MLC_Pool2DOp<"max_pool2d", "2-D max pooling.",
    (ins DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations)>;
def MLC_AvgPool2DOp : MLC_Pool2DOp<"avg_pool2d", "2-D average pooling.",
    (ins DefaultValuedAttr<BoolAttr, "false">:$count_include_pad)>;

def MLC_GlobalAvgPoolOp : MLC_InferOp<"global_avg_pool"> {
  let summary = "Mean over all spatial dimensions, which are kept with size 1.";
  let description = [{
    Spatial dimensions are 2.. for `layout = "NCHW"` (the default, any rank
    >= 3) and 1 and 2 for a 4-D `layout = "NHWC"` input.

    ```mlir
    %y = mlc.global_avg_pool %x : (tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32>
    ```
  }];
  let arguments = (ins MLC_FloatTensor:$input, MLC_LayoutAttr:$layout);
  let results = (outs MLC_FloatTensor:$result);
  let hasVerifier = 1;
}

def MLC_BatchNormOp : MLC_InferOp<"batch_norm"> {
  let summary = "Inference batch normalization over channel dimension 1.";
  let description = [{
    `y = scale * (x - mean) / sqrt(var + epsilon) + bias`, with the four
    parameter tensors of shape `[C]`.

    ```mlir
    %y = mlc.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
        : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins MLC_FloatTensor:$input, MLC_FloatTensor:$scale,
                       MLC_FloatTensor:$bias, MLC_FloatTensor:$mean,
                       MLC_FloatTensor:$variance,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs MLC_FloatTensor:$result);
  let hasVerifier = 1;
}

def MLC_SoftmaxOp : MLC_SameTypeOp<"softmax"> {
  let summary = "Softmax along one axis.";
  let description = [{
    ```mlir
    %y = mlc.softmax %x {axis = -1 : i64} : (tensor<2x10xf32>) -> tensor<2x10xf32>
    ```
  }];
  let arguments = (ins MLC_FloatTensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs MLC_FloatTensor:$result);
  let hasVerifier = 1;
}

def MLC_ReduceMeanOp : MLC_InferOp<"reduce_mean"> {
  let summary = "Mean over the given axes.";
  let description = [{
    Reduces over `axes` (all axes when empty); reduced dimensions are kept
    with size 1 when `keepdims` is set.

    ```mlir
    %y = mlc.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
    ```
  }];
  let arguments = (ins MLC_FloatTensor:$input,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs MLC_FloatTensor:$result);
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def MLC_ReshapeOp : MLC_InferOp<"reshape", [SameOperandsAndResultElementType]> {
  let summary = "Reinterprets a tensor with a new static shape.";
  let description = [{
    `shape` is fully resolved (no 0 or -1 placeholders: the importer resolves
    ONNX's); element counts must agree.

    ```mlir
    %y = mlc.reshape %x {shape = array<i64: 2, 6>} : (tensor<3x4xf32>) -> tensor<2x6xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs MLC_Tensor:$result);
  let hasFolder = 1;
}

def MLC_TransposeOp : MLC_InferOp<"transpose", [SameOperandsAndResultElementType]> {
  let summary = "Permutes dimensions: result dim i is input dim perm[i].";
  let description = [{
    ```mlir
    %y = mlc.transpose %x {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs MLC_Tensor:$result);
  let hasFolder = 1;
}

def MLC_ConcatOp : MLC_InferOp<"concat", [SameOperandsAndResultElementType]> {
  let summary = "Concatenates tensors along one axis.";
  let description = [{
    ```mlir
    %y = mlc.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Variadic<MLC_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs MLC_Tensor:$result);
}

def MLC_FlattenOp : MLC_InferOp<"flatten", [SameOperandsAndResultElementType]> {
  let summary = "Collapses dims [0, axis) and [axis, rank) into a 2-D tensor.";
  let description = [{
    ```mlir
    %y = mlc.flatten %x {axis = 1 : i64} : (tensor<1x16x1x1xf32>) -> tensor<1x16xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs MLC_Tensor:$result);
  let hasFolder = 1;
}

include "mlc/Dialect/MLC/IR/MLCMathOps.td"
include "mlc/Dialect/MLC/IR/MLCFusedOps.td"
include "mlc/Dialect/MLC/IR/MLCTensorOps.td"
include "mlc/Dialect/MLC/IR/MLCDynamicOps.td"
include "mlc/Dialect/MLC/IR/MLCQuantOps.td"

#endif // MLC_DIALECT_MLC_IR_MLCOPS_TD
