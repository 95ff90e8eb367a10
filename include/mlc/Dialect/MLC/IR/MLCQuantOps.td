//===- MLCQuantOps.td - Quantization ops of the mlc dialect -*- tablegen -*-===//
//
// ONNX QuantizeLinear / DequantizeLinear with scales and zero points given as
// tensors (known at run time or not). Quantized tensors whose parameters are
// constants are carried by upstream `quant` types instead (quant.qcast,
// quant.dcast, quant.scast); mlc-expand-quant-casts turns those into these
// ops with constant operands before lowering.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DIALECT_MLC_IR_MLCQUANTOPS_TD
#define MLC_DIALECT_MLC_IR_MLCQUANTOPS_TD

include "mlc/Dialect/MLC/IR/MLCDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// The storage of a quantized tensor: an integer (i4..i32, signless, its
// signedness in `unsigned_result` / `unsigned_input`) or, as ONNX allows from
// opset 19/23, a float8 or float4 type.
def MLC_QuantStorageTensor : RankedTensorOf<[AnySignlessInteger, F8E4M3FN,
    F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ, F4E2M1FN]>;

def MLC_QuantizeLinearOp : MLC_Op<"quantize_linear", [Pure]> {
  let summary = "Affine quantization saturate(round(x / scale) + zero_point).";
  let description = [{
    Rounds half to even, then adds the zero point and saturates to the
    range of the result's integer type (unsigned when `unsigned_result` is
    set). `scale` (and `zero_point`, of the result's element type; zero when
    absent) is a scalar or a 1-element tensor (per tensor), a 1-D tensor as
    long as dim `axis` of the input (per axis), or, with `block_size` > 0, a
    tensor of the input's rank whose dim `axis` is
    `ceil(dim / block_size)` (blocked).

    With a float8 result, `x / scale` is converted with rounding to nearest
    even: `saturate` (ONNX's attribute, true by default) clamps values
    beyond the type's range to its largest finite value, otherwise they
    become infinity (f8E5M2) or NaN; the zero point must be zero. With a
    float4 (f4E2M1FN) result, `x / scale + zero_point` is converted, the
    type saturating at 6.

    ```mlir
    %q = mlc.quantize_linear %x, %s, %zp {axis = 1 : i64}
        : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xi8>
    ```
  }];
  let arguments = (ins MLC_FloatTensor:$input, MLC_FloatTensor:$scale,
                       Optional<MLC_QuantStorageTensor>:$zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       DefaultValuedAttr<I64Attr, "0">:$block_size,
                       UnitAttr:$unsigned_result,
                       DefaultValuedAttr<BoolAttr, "true">:$saturate);
  let results = (outs MLC_QuantStorageTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_DequantizeLinearOp : MLC_Op<"dequantize_linear", [Pure]> {
  let summary = "Affine dequantization (x - zero_point) * scale.";
  let description = [{
    The inverse of `mlc.quantize_linear`, with the same forms of `scale` and
    `zero_point` (the latter of the input's element type). The result has
    the element type of `scale`; `unsigned_input` reads the integers as
    unsigned. Float8/float4 inputs are converted exactly.

    ```mlir
    %x = mlc.dequantize_linear %q, %s, %zp {unsigned_input}
        : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins MLC_QuantStorageTensor:$input, MLC_FloatTensor:$scale,
                       Optional<MLC_QuantStorageTensor>:$zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       DefaultValuedAttr<I64Attr, "0">:$block_size,
                       UnitAttr:$unsigned_input);
  let results = (outs MLC_FloatTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_RequantizeOp : MLC_Op<"requantize", [Pure]> {
  let summary = "Integer requantization of i32 accumulators with a "
                "fixed-point multiplier and shift.";
  let description = [{
    `y = clamp(output_zero_point + ((x * m + 2^(s - 1)) >> s), min, max)`
    computed in i64, where `m` (in [0, 2^31)) and `s` (in [1, 62]) are
    `multipliers` and `shifts`: one pair for the whole tensor, or one per
    index of dim `axis`. `x * m * 2^-s` approximates `x * M` for the real
    multiplier `M = s_in * s_w / s_out`, without float on the path.
    `min`/`max` are the result type's range, narrowed by a fused ReLU or
    Clip. `mlc-lower-quant` creates it.

    ```mlir
    %y = mlc.requantize %acc {multipliers = array<i32: 1518500250>,
        shifts = array<i64: 38>, axis = 1 : i64, output_zero_point = 3 : i64,
        min = -128 : i64, max = 127 : i64} : (tensor<1x8x4x4xi32>) -> tensor<1x8x4x4xi8>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I32]>:$input,
                       DenseI32ArrayAttr:$multipliers,
                       DenseI64ArrayAttr:$shifts,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       I64Attr:$output_zero_point, I64Attr:$min, I64Attr:$max);
  let results = (outs MLC_IntTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // MLC_DIALECT_MLC_IR_MLCQUANTOPS_TD
