//===- MLCMathOps.td - Elementwise math, logic and cast ops -*- tablegen -*-===//
//
// Unary math, activations, binary arithmetic beyond add/sub/mul/div,
// comparisons, boolean logic, select and cast. Included from MLCOps.td.
// Every op here lowers to one linalg.generic with a scalar arith/math body.
//
// Integer element types are signless; an op whose semantics depend on
// signedness (comparisons, max/min, mod, cast) carries a `unsigned_ints`
// unit attribute when its integer operands are unsigned (ONNX uint8..uint64).
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DIALECT_MLC_IR_MLCMATHOPS_TD
#define MLC_DIALECT_MLC_IR_MLCMATHOPS_TD

def MLC_NonBoolIntTensor : RankedTensorOf<[I8, I16, I32, I64]>;
def MLC_BoolTensor : RankedTensorOf<[I1]>;
/// Numbers: floats and (non-bool) integers.
def MLC_NumericTensor : RankedTensorOf<[AnyFloat, I8, I16, I32, I64]>;

//===----------------------------------------------------------------------===//
// Unary float math
//===----------------------------------------------------------------------===//

// MLC_UnaryOp (MLCOps.td): float tensor in, same type out.
def MLC_ExpOp : MLC_UnaryOp<"exp", "Exponential e^x.">;
def MLC_LogOp : MLC_UnaryOp<"log", "Natural logarithm.">;
def MLC_SqrtOp : MLC_UnaryOp<"sqrt", "Square root.">;
def MLC_ReciprocalOp : MLC_UnaryOp<"reciprocal", "Reciprocal 1 / x.">;
def MLC_FloorOp : MLC_UnaryOp<"floor", "Rounds toward negative infinity.">;
def MLC_CeilOp : MLC_UnaryOp<"ceil", "Rounds toward positive infinity.">;
def MLC_RoundOp : MLC_UnaryOp<"round",
    "Rounds to the nearest integer, halves to even (ONNX Round).">;
def MLC_ErfOp : MLC_UnaryOp<"erf", "Gauss error function.">;
def MLC_SinOp : MLC_UnaryOp<"sin", "Sine.">;
def MLC_CosOp : MLC_UnaryOp<"cos", "Cosine.">;
def MLC_TanOp : MLC_UnaryOp<"tan", "Tangent.">;
def MLC_AsinOp : MLC_UnaryOp<"asin", "Arcsine.">;
def MLC_AcosOp : MLC_UnaryOp<"acos", "Arccosine.">;
def MLC_AtanOp : MLC_UnaryOp<"atan", "Arctangent.">;
def MLC_SinhOp : MLC_UnaryOp<"sinh", "Hyperbolic sine.">;
def MLC_CoshOp : MLC_UnaryOp<"cosh", "Hyperbolic cosine.">;
def MLC_AsinhOp : MLC_UnaryOp<"asinh", "Inverse hyperbolic sine.">;
def MLC_AcoshOp : MLC_UnaryOp<"acosh", "Inverse hyperbolic cosine.">;
def MLC_AtanhOp : MLC_UnaryOp<"atanh", "Inverse hyperbolic tangent.">;

// Activations without parameters. Kept as ops rather than compositions so
// that graph passes and backends see them whole (one fused kernel each).
def MLC_SoftplusOp : MLC_UnaryOp<"softplus", "Softplus log(exp(x) + 1).">;
def MLC_SoftsignOp : MLC_UnaryOp<"softsign", "Softsign x / (1 + |x|).">;
def MLC_MishOp : MLC_UnaryOp<"mish", "Mish x * tanh(softplus(x)).">;
def MLC_HardSwishOp : MLC_UnaryOp<"hard_swish",
    "Hard swish x * max(0, min(1, x / 6 + 1 / 2)).">;

//===----------------------------------------------------------------------===//
// Unary on floats and signed integers
//===----------------------------------------------------------------------===//

class MLC_NumericUnaryOp<string mnemonic, string desc>
    : MLC_SameTypeOp<mnemonic> {
  let summary = desc;
  let description = [{
    }] # desc # [{ Applied elementwise to floats or signed
    integers.

    ```mlir
    %r = mlc.}] # mnemonic # [{ %x : (tensor<4xi32>) -> tensor<4xi32>
    ```
  }];
  let arguments = (ins MLC_NumericTensor:$input);
  let results = (outs MLC_NumericTensor:$result);
}

def MLC_AbsOp : MLC_NumericUnaryOp<"abs", "Absolute value.">;
def MLC_NegOp : MLC_NumericUnaryOp<"neg", "Negation.">;
def MLC_SignOp : MLC_NumericUnaryOp<"sign",
    "Sign: -1, 0 or 1 (NaN stays NaN).">;

//===----------------------------------------------------------------------===//
// Activations with parameters
//===----------------------------------------------------------------------===//

class MLC_ActivationOp<string mnemonic, string desc, dag attrs,
                       string exampleAttrs>
    : MLC_SameTypeOp<mnemonic> {
  let summary = desc;
  let description = [{
    }] # desc # [{ Applied elementwise; the parameters are f32
    attributes with ONNX's defaults.

    ```mlir
    %r = mlc.}] # mnemonic # " %x " # exampleAttrs #
        [{ : (tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = !con((ins MLC_FloatTensor:$input), attrs);
  let results = (outs MLC_FloatTensor:$result);
}

def MLC_LeakyReluOp : MLC_ActivationOp<"leaky_relu",
    "Leaky ReLU: x < 0 ? alpha * x : x.",
    (ins DefaultValuedAttr<F32Attr, "0.01">:$alpha), "{alpha = 0.1 : f32}">;
def MLC_EluOp : MLC_ActivationOp<"elu",
    "ELU: x < 0 ? alpha * (exp(x) - 1) : x.",
    (ins DefaultValuedAttr<F32Attr, "1.0">:$alpha), "{alpha = 2.0 : f32}">;
def MLC_SeluOp : MLC_ActivationOp<"selu",
    "SELU: gamma * (x <= 0 ? alpha * (exp(x) - 1) : x).",
    (ins DefaultValuedAttr<F32Attr, "1.67326319217681884765625">:$alpha,
         DefaultValuedAttr<F32Attr, "1.05070102214813232421875">:$gamma),
    "{alpha = 2.0 : f32, gamma = 3.0 : f32}">;
def MLC_CeluOp : MLC_ActivationOp<"celu",
    "CELU: max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).",
    (ins DefaultValuedAttr<F32Attr, "1.0">:$alpha), "{alpha = 2.0 : f32}"> {
  let hasVerifier = 1;
}
def MLC_ThresholdedReluOp : MLC_ActivationOp<"thresholded_relu",
    "Thresholded ReLU: x > alpha ? x : 0.",
    (ins DefaultValuedAttr<F32Attr, "1.0">:$alpha), "{alpha = 2.0 : f32}">;
def MLC_HardSigmoidOp : MLC_ActivationOp<"hard_sigmoid",
    "Hard sigmoid: max(0, min(1, alpha * x + beta)).",
    (ins DefaultValuedAttr<F32Attr, "0.2">:$alpha,
         DefaultValuedAttr<F32Attr, "0.5">:$beta),
    "{alpha = 0.5 : f32, beta = 0.6 : f32}">;

def MLC_GeluApproximationAttr : ConfinedAttr<StrAttr, [AttrConstraint<
    CPred<"::llvm::is_contained({\"none\", \"tanh\"}, "
          "::llvm::cast<::mlir::StringAttr>($_self).getValue())">,
    "\"none\" or \"tanh\"">]>;

def MLC_GeluOp : MLC_ActivationOp<"gelu",
    "GELU: x * Phi(x), exactly (erf) or with the tanh approximation.",
    (ins DefaultValuedAttr<MLC_GeluApproximationAttr, "\"none\"">:$approximate),
    "{approximate = \"tanh\"}">;

def MLC_PReluOp : MLC_Op<"prelu", [Pure, SameOperandsElementType,
    AllTypesMatch<["input", "result"]>]> {
  let summary = "Parametric ReLU: x < 0 ? slope * x : x.";
  let description = [{
    `slope` broadcasts to the shape of `input` (numpy rules, one direction
    only); the result has the type of `input`.

    ```mlir
    %r = mlc.prelu %x, %slope : (tensor<1x3x4x4xf32>, tensor<3x1x1xf32>) -> tensor<1x3x4x4xf32>
    ```
  }];
  let arguments = (ins MLC_FloatTensor:$input, MLC_FloatTensor:$slope);
  let results = (outs MLC_FloatTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Binary with numpy broadcasting
//===----------------------------------------------------------------------===//

class MLC_BroadcastOp<string mnemonic, string desc, Type operandType,
                      dag attrs = (ins), string exampleType = "f32">
    : MLC_InferOp<mnemonic, [SameOperandsElementType]> {
  let summary = desc;
  let description = [{
    }] # desc # [{ Operands are broadcast to a common shape by
    numpy rules.

    ```mlir
    %r = mlc.}] # mnemonic # " %a, %b : (tensor<2x3x" # exampleType #
        ">, tensor<3x" # exampleType # ">) -> tensor<2x3x" # exampleType #
        [{>
    ```
  }];
  let arguments = !con((ins operandType:$lhs, operandType:$rhs), attrs);
  let results = (outs operandType:$result);
}

def MLC_MaxOp : MLC_BroadcastOp<"max",
    "Elementwise maximum (NaN propagates).", MLC_NumericTensor,
    (ins UnitAttr:$unsigned_ints)>;
def MLC_MinOp : MLC_BroadcastOp<"min",
    "Elementwise minimum (NaN propagates).", MLC_NumericTensor,
    (ins UnitAttr:$unsigned_ints)>;
def MLC_ModOp : MLC_BroadcastOp<"mod",
    "Remainder: with the divisor's sign, or the dividend's when `fmod`; an "
    "integer remainder by 0 is 0.",
    MLC_NumericTensor,
    (ins DefaultValuedAttr<BoolAttr, "false">:$fmod, UnitAttr:$unsigned_ints),
    "i32"> {
  let hasVerifier = 1;
}
// Logic on bools is bitwise on integers (ONNX BitwiseAnd/Or/Xor/Not).
def MLC_LogicTensor : RankedTensorOf<[I1, I8, I16, I32, I64]>;
def MLC_AndOp : MLC_BroadcastOp<"and",
    "Logical and of bools, bitwise and of integers.", MLC_LogicTensor,
    (ins), "i1">;
def MLC_OrOp : MLC_BroadcastOp<"or",
    "Logical or of bools, bitwise or of integers.", MLC_LogicTensor,
    (ins), "i1">;
def MLC_XorOp : MLC_BroadcastOp<"xor",
    "Logical exclusive or of bools, bitwise exclusive or of integers.",
    MLC_LogicTensor, (ins), "i1">;

def MLC_BitShiftDirectionAttr : ConfinedAttr<StrAttr, [AttrConstraint<
    CPred<"::llvm::is_contained({\"left\", \"right\"}, "
          "::llvm::cast<::mlir::StringAttr>($_self).getValue())">,
    "\"left\" or \"right\"">]>;

def MLC_BitShiftOp : MLC_BroadcastOp<"bit_shift",
    "Shifts unsigned integers left or right (logical); shifting by the bit "
    "width or more gives 0.", MLC_NonBoolIntTensor,
    (ins MLC_BitShiftDirectionAttr:$direction), "i32">;

def MLC_PowOp : MLC_InferOp<"pow"> {
  let summary = "Elementwise power base ^ exponent, with broadcasting.";
  let description = [{
    The result has the element type of `base`; `exponent` may have another
    numeric type (ONNX Pow from opset 12). Integer results of a float power
    are truncated toward zero.

    ```mlir
    %r = mlc.pow %x, %e : (tensor<2x3xf32>, tensor<i32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins MLC_NumericTensor:$base, MLC_NumericTensor:$exponent);
  let results = (outs MLC_NumericTensor:$result);
}

//===----------------------------------------------------------------------===//
// Comparisons (i1 results)
//===----------------------------------------------------------------------===//

class MLC_CompareOp<string mnemonic, string desc>
    : MLC_InferOp<mnemonic, [SameOperandsElementType]> {
  let summary = "Elementwise comparison " # desc # " with broadcasting.";
  let description = [{
    Compares numbers (or booleans) after numpy broadcasting and gives an i1
    tensor. Floats compare ordered (false when either side is NaN); integers
    compare signed unless `unsigned_ints` is set.

    ```mlir
    %r = mlc.}] # mnemonic # [{ %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
    ```
  }];
  let arguments = (ins MLC_Tensor:$lhs, MLC_Tensor:$rhs,
                       UnitAttr:$unsigned_ints);
  let results = (outs MLC_BoolTensor:$result);
}

def MLC_EqualOp : MLC_CompareOp<"equal", "lhs == rhs">;
def MLC_LessOp : MLC_CompareOp<"less", "lhs < rhs">;
def MLC_LessEqualOp : MLC_CompareOp<"less_equal", "lhs <= rhs">;
def MLC_GreaterOp : MLC_CompareOp<"greater", "lhs > rhs">;
def MLC_GreaterEqualOp : MLC_CompareOp<"greater_equal", "lhs >= rhs">;

//===----------------------------------------------------------------------===//
// Predicates, logic, select, cast
//===----------------------------------------------------------------------===//

def MLC_NotOp : MLC_SameTypeOp<"not"> {
  let summary = "Logical negation of bools, bitwise complement of integers.";
  let description = [{
    ```mlir
    %r = mlc.not %x : (tensor<4xi1>) -> tensor<4xi1>
    %c = mlc.not %i : (tensor<4xi32>) -> tensor<4xi32>
    ```
  }];
  let arguments = (ins MLC_LogicTensor:$input);
  let results = (outs MLC_LogicTensor:$result);
}

def MLC_IsNaNOp : MLC_InferOp<"is_nan"> {
  let summary = "True where an element is NaN.";
  let description = [{
    ```mlir
    %r = mlc.is_nan %x : (tensor<4xf32>) -> tensor<4xi1>
    ```
  }];
  let arguments = (ins MLC_FloatTensor:$input);
  let results = (outs MLC_BoolTensor:$result);
}

def MLC_IsInfOp : MLC_InferOp<"is_inf"> {
  let summary = "True where an element is an infinity of a selected sign.";
  let description = [{
    `detect_positive` / `detect_negative` choose which infinities count.

    ```mlir
    %r = mlc.is_inf %x {detect_negative = false} : (tensor<4xf32>) -> tensor<4xi1>
    ```
  }];
  let arguments = (ins MLC_FloatTensor:$input,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_positive,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_negative);
  let results = (outs MLC_BoolTensor:$result);
}

def MLC_WhereOp : MLC_InferOp<"where"> {
  let summary = "Selects x where the condition holds, else y, with broadcasting.";
  let description = [{
    All three operands broadcast to a common shape by numpy rules; `x` and
    `y` have the same element type, which the result takes.

    ```mlir
    %r = mlc.where %c, %x, %y : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins MLC_BoolTensor:$condition, MLC_Tensor:$x, MLC_Tensor:$y);
  let results = (outs MLC_Tensor:$result);
  let hasVerifier = 1;
}

def MLC_CastOp : MLC_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "Converts every element to the result's element type.";
  let description = [{
    ONNX Cast for floats, integers and bool: float to integer truncates
    toward zero, anything to bool tests for non-zero, bool to a number gives
    0 or 1. `unsigned_input` / `unsigned_result` read or produce the integers
    as unsigned (ONNX uint4..uint64).

    Conversions to the float8 and float4 types (f8E4M3FN, f8E4M3FNUZ,
    f8E5M2, f8E5M2FNUZ, f4E2M1FN) round to nearest even. `saturate` (ONNX
    Cast's attribute, true by default) clamps values beyond the largest
    finite value, infinities included, to it; without it they become
    infinity (f8E5M2) or NaN (the types without infinity). f4E2M1FN,
    which has neither, always saturates and turns NaN into 0.

    ```mlir
    %r = mlc.cast %x : (tensor<2x3xf32>) -> tensor<2x3xi64>
    %s = mlc.cast %x {saturate = false} : (tensor<2x3xf32>) -> tensor<2x3xf8E5M2>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, UnitAttr:$unsigned_input,
                       UnitAttr:$unsigned_result,
                       DefaultValuedAttr<BoolAttr, "true">:$saturate);
  let results = (outs MLC_Tensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

#endif // MLC_DIALECT_MLC_IR_MLCMATHOPS_TD
