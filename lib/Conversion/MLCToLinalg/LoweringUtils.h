//===- LoweringUtils.h - Builders shared by mlc-to-linalg patterns -*- C++
//-*-===//
//
// Small builders for linalg-on-tensors IR: elementwise generics with numpy
// broadcasting, filled init tensors, static reshapes.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_CONVERSION_MLCTOLINALG_LOWERINGUTILS_H
#define MLC_LIB_CONVERSION_MLCTOLINALG_LOWERINGUTILS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"

namespace mlc {

using ScalarBodyBuilder = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// Sizes (tensor.dim) of the `?` dimensions of `type`, each taken from the
/// same dimension of the first of `sources` of equal rank whose size there is
/// dynamic too: the rule for results whose dimensions line up with their
/// inputs' (batch dimensions of conv, pool, norms, ...). Failure when a
/// dimension has no such source.
mlir::FailureOr<llvm::SmallVector<mlir::Value>>
getDynamicSizesLike(mlir::OpBuilder &b, mlir::Location loc,
                    mlir::RankedTensorType type, mlir::ValueRange sources);

/// Whether getDynamicSizesLike can size `type` from `sources`.
bool canSizeLike(mlir::RankedTensorType type, mlir::TypeRange sources);

/// The private declaration of the runtime hook `name` (RuntimeHooks.h) in
/// the module around `op`, created at the module's start when missing.
mlir::func::FuncOp getOrDeclareHook(mlir::RewriterBase &rewriter,
                                    mlir::Operation *op, llvm::StringRef name,
                                    mlir::FunctionType type);

/// tensor.empty of `type` with the dynamic sizes `dynamicSizes`.
mlir::Value createEmpty(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type,
                        mlir::ValueRange dynamicSizes);

/// A `linalg.generic` with all-parallel loops over `resultType`, reading each
/// of `inputs` through the matching map of `inputMaps`. `body` computes one
/// result element from one element of each input. A `?` result dimension is
/// sized from an input that a map reads along it with a dynamic size (no
/// broadcasting of a runtime size 1 is done), or from `dynamicSizes` when
/// given.
mlir::Value createParallelGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::RankedTensorType resultType,
                                  mlir::ValueRange inputs,
                                  llvm::ArrayRef<mlir::AffineMap> inputMaps,
                                  ScalarBodyBuilder body,
                                  mlir::ValueRange dynamicSizes = {});

/// Whether createParallelGeneric can size a `?` dimension of `resultType`
/// from `inputs` read through `inputMaps`.
bool canSizeFromMaps(mlir::RankedTensorType resultType, mlir::TypeRange inputs,
                     llvm::ArrayRef<mlir::AffineMap> inputMaps);

/// The maps of createElementwise: numpy broadcasting of `inputs` to
/// `resultType` (static size-1 dimensions are stretched).
llvm::SmallVector<mlir::AffineMap>
getBroadcastMaps(mlir::MLIRContext *ctx, mlir::RankedTensorType resultType,
                 mlir::TypeRange inputs);

/// An elementwise `linalg.generic` whose inputs are broadcast to
/// `resultType` by numpy rules.
mlir::Value createElementwise(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::RankedTensorType resultType,
                              mlir::ValueRange inputs, ScalarBodyBuilder body);

/// A tensor of `type` filled with `value` (tensor.empty + linalg.fill).
mlir::Value createFilledTensor(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::RankedTensorType type,
                               mlir::TypedAttr value,
                               mlir::ValueRange dynamicSizes = {});

/// Reshapes a tensor to `shape` with collapse/expand_shape. With dynamic
/// sizes only a regrouping of dimensions is expressible; a null Value when
/// it is not one.
mlir::Value createStaticReshape(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value input,
                                llvm::ArrayRef<int64_t> shape);

/// A scalar constant of `type` (float or integer) holding `value`.
mlir::Value createScalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Type type, double value);

/// Whether `type` is one of the float8 / float4 types that
/// ExpandSmallFloatCasts.cpp expands (f8E4M3FN, f8E4M3FNUZ, f8E5M2,
/// f8E5M2FNUZ, f4E2M1FN).
bool isSmallFloatType(mlir::Type type);

/// `x` (a wider float) clamped to the finite range of the small float type
/// `smallFloat`, NaN kept: a saturating conversion is this and arith.truncf.
mlir::Value createSmallFloatSaturation(mlir::OpBuilder &b, mlir::Location loc,
                                       mlir::Value x, mlir::Type smallFloat);

/// The smallest value of a float type (-inf) or integer type (min; false
/// for i1).
mlir::TypedAttr getLowestValueAttr(mlir::Type type);

using CombinerBuilder = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::Value, mlir::Value)>;

/// Reduces `input` over the sorted `dims` with `linalg.reduce`, dropping them
/// from the shape; the accumulator starts at `initValue`.
mlir::Value createReduction(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value input, llvm::ArrayRef<int64_t> dims,
                            mlir::TypedAttr initValue, CombinerBuilder combine);

/// The largest value of a float type (+inf) or integer type (max; true for i1).
mlir::TypedAttr getHighestValueAttr(mlir::Type type);

/// The element type sums of `elementType` accumulate in: f32 for f16 and
/// bf16 (mlc-compile --quantize=fp16/bf16), `elementType` otherwise.
mlir::Type getAccumulatorType(mlir::Type elementType);

/// `input` with its float elements converted to `elementType` (arith.extf /
/// arith.truncf, round to nearest-even) by one elementwise generic; `input`
/// itself when it already has that element type.
mlir::Value createFloatConversion(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value input, mlir::Type elementType);

/// Fails the match unless every operand and result of `op` is statically
/// shaped: for the lowerings that handle static shapes only.
mlir::LogicalResult requireStaticShapes(mlir::Operation *op,
                                        mlir::PatternRewriter &rewriter);

/// Fails the match unless every `?` dimension of `op`'s results can be sized
/// from its operands by getDynamicSizesLike.
mlir::LogicalResult requireSizableLike(mlir::Operation *op,
                                       mlir::PatternRewriter &rewriter);

/// Fails the match unless every `?` result dimension of an elementwise op
/// can be sized from its broadcast operands.
mlir::LogicalResult requireSizableElementwise(mlir::Operation *op,
                                              mlir::PatternRewriter &rewriter);

/// The common pattern of elementwise ops: one generic over the result type
/// whose inputs are all operands of `op`, broadcast by numpy rules; the body
/// is `buildScalar`, specialized per op.
template <typename SrcOp>
struct ElementwiseLowering : mlir::OpRewritePattern<SrcOp> {
  using mlir::OpRewritePattern<SrcOp>::OpRewritePattern;
  mlir::LogicalResult
  matchAndRewrite(SrcOp op, mlir::PatternRewriter &rewriter) const override {
    if (failed(requireSizableElementwise(op, rewriter)))
      return mlir::failure();
    auto resultType = llvm::cast<mlir::RankedTensorType>(op.getType());
    mlir::Value result = createElementwise(
        rewriter, op.getLoc(), resultType, op->getOperands(),
        [&](mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange args) {
          return buildScalar(op, b, loc, args, resultType.getElementType());
        });
    rewriter.replaceOp(op, result);
    return mlir::success();
  }
  /// Defined (specialized) next to the registration of each op's pattern.
  static mlir::Value buildScalar(SrcOp op, mlir::OpBuilder &b,
                                 mlir::Location loc, mlir::ValueRange args,
                                 mlir::Type elementType);
};

} // namespace mlc

#endif // MLC_LIB_CONVERSION_MLCTOLINALG_LOWERINGUTILS_H
