//===- ElementwiseToLinalg.cpp - mlc elementwise ops to linalg.generic ----===//
//
// Binary arithmetic with broadcasting, activations, clip, batch_norm and
// constants.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlc;

namespace {

/// Signed integer division that cannot trap. ONNX leaves x / 0 undefined and
/// x86's idiv raises SIGFPE on it and on INT_MIN / -1, which would kill the
/// process running the model, so: x / 0 is 0 (as numpy's integer division)
/// and x / -1 is the wrapping negation of x (INT_MIN / -1 is INT_MIN).
struct SafeDivSIOp {
  static Value create(OpBuilder &b, Location loc, Value x, Value d) {
    Type type = d.getType();
    auto constant = [&](int64_t v) -> Value {
      return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, v));
    };
    Value zero = constant(0);
    Value isZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, d, zero);
    Value isMinusOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                             d, constant(-1));
    Value safeDivisor = arith::SelectOp::create(
        b, loc, arith::OrIOp::create(b, loc, isZero, isMinusOne), constant(1),
        d);
    Value quotient = arith::DivSIOp::create(b, loc, x, safeDivisor);
    Value negated = arith::SubIOp::create(b, loc, zero, x);
    Value result =
        arith::SelectOp::create(b, loc, isMinusOne, negated, quotient);
    return arith::SelectOp::create(b, loc, isZero, zero, result);
  }
};

/// Unsigned integer division (mlc.div with unsigned_ints): x / 0 is 0.
struct SafeDivUIOp {
  static Value create(OpBuilder &b, Location loc, Value x, Value d) {
    Type type = d.getType();
    Value zero = arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, 0));
    Value one = arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, 1));
    Value isZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, d, zero);
    Value safeDivisor = arith::SelectOp::create(b, loc, isZero, one, d);
    Value quotient = arith::DivUIOp::create(b, loc, x, safeDivisor);
    return arith::SelectOp::create(b, loc, isZero, zero, quotient);
  }
};

/// Emits the scalar op of a binary mlc op for float or integer elements.
template <typename SrcOp, typename FloatOp, typename IntOp>
struct BinaryOpLowering : OpRewritePattern<SrcOp> {
  using OpRewritePattern<SrcOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(SrcOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireSizableElementwise(op, rewriter)))
      return failure();
    bool isFloat = isa<FloatType>(op.getType().getElementType());
    Value result = createElementwise(
        rewriter, op.getLoc(), op.getType(), {op.getLhs(), op.getRhs()},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          if (isFloat)
            return FloatOp::create(b, loc, args[0], args[1]);
          if constexpr (std::is_same_v<SrcOp, DivOp>)
            if (op.getUnsignedInts())
              return SafeDivUIOp::create(b, loc, args[0], args[1]);
          return IntOp::create(b, loc, args[0], args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Unary float ops whose scalar body is given by `build`.
template <typename SrcOp> struct UnaryOpLowering : OpRewritePattern<SrcOp> {
  using OpRewritePattern<SrcOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(SrcOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireSizableElementwise(op, rewriter)))
      return failure();
    Value result =
        createElementwise(rewriter, op.getLoc(), op.getType(), {op.getInput()},
                          [&](OpBuilder &b, Location loc, ValueRange args) {
                            return buildScalar(op, b, loc, args[0]);
                          });
    rewriter.replaceOp(op, result);
    return success();
  }
  static Value buildScalar(SrcOp op, OpBuilder &b, Location loc, Value x);
};

template <>
Value UnaryOpLowering<ReluOp>::buildScalar(ReluOp, OpBuilder &b, Location loc,
                                           Value x) {
  Value zero = createScalarConstant(b, loc, x.getType(), 0.0);
  return arith::MaximumFOp::create(b, loc, x, zero);
}

/// `compute(x)` in f32 for f16/bf16 `x` (rounded back once): libm and
/// LLVM's math intrinsics have no half-precision versions on every target.
static Value computeInF32(OpBuilder &b, Location loc, Value x,
                          function_ref<Value(Value)> compute) {
  Type type = x.getType();
  Type wide = getAccumulatorType(type);
  if (wide == type)
    return compute(x);
  return arith::TruncFOp::create(
      b, loc, type, compute(arith::ExtFOp::create(b, loc, wide, x)));
}

template <>
Value UnaryOpLowering<SigmoidOp>::buildScalar(SigmoidOp, OpBuilder &b,
                                              Location loc, Value x) {
  return computeInF32(b, loc, x, [&](Value v) -> Value {
    Value one = createScalarConstant(b, loc, v.getType(), 1.0);
    Value negExp =
        math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, v));
    return arith::DivFOp::create(b, loc, one,
                                 arith::AddFOp::create(b, loc, one, negExp));
  });
}

template <>
Value UnaryOpLowering<TanhOp>::buildScalar(TanhOp, OpBuilder &b, Location loc,
                                           Value x) {
  return computeInF32(b, loc, x, [&](Value v) -> Value {
    return math::TanhOp::create(b, loc, v);
  });
}

template <>
Value UnaryOpLowering<ClipOp>::buildScalar(ClipOp op, OpBuilder &b,
                                           Location loc, Value x) {
  if (std::optional<APFloat> min = op.getMin())
    x = arith::MaximumFOp::create(
        b, loc, x,
        createScalarConstant(b, loc, x.getType(), min->convertToDouble()));
  if (std::optional<APFloat> max = op.getMax())
    x = arith::MinimumFOp::create(
        b, loc, x,
        createScalarConstant(b, loc, x.getType(), max->convertToDouble()));
  return x;
}

/// y = (x - mean) * scale / sqrt(var + eps) + bias, parameters indexed by the
/// channel dimension 1.
struct BatchNormLowering : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireSizableLike(op, rewriter)))
      return failure();
    RankedTensorType type = op.getType();
    unsigned rank = type.getRank();
    MLIRContext *ctx = rewriter.getContext();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap channel =
        AffineMap::get(rank, 0, rewriter.getAffineDimExpr(1), ctx);
    double epsilon = op.getEpsilon().convertToDouble();
    Value result = createParallelGeneric(
        rewriter, op.getLoc(), type,
        {op.getInput(), op.getScale(), op.getBias(), op.getMean(),
         op.getVariance()},
        {identity, channel, channel, channel, channel},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value eps = createScalarConstant(b, loc, args[0].getType(), epsilon);
          Value stddev = math::SqrtOp::create(
              b, loc, arith::AddFOp::create(b, loc, args[4], eps));
          Value centered = arith::SubFOp::create(b, loc, args[0], args[3]);
          Value scaled = arith::MulFOp::create(b, loc, centered, args[1]);
          Value normalized = arith::DivFOp::create(b, loc, scaled, stddev);
          return arith::AddFOp::create(b, loc, normalized, args[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConstantLowering : OpRewritePattern<ConstantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConstantOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, op.getValue());
    return success();
  }
};

} // namespace

void mlc::populateElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<BinaryOpLowering<AddOp, arith::AddFOp, arith::AddIOp>,
               BinaryOpLowering<SubOp, arith::SubFOp, arith::SubIOp>,
               BinaryOpLowering<MulOp, arith::MulFOp, arith::MulIOp>,
               BinaryOpLowering<DivOp, arith::DivFOp, SafeDivSIOp>,
               UnaryOpLowering<ReluOp>, UnaryOpLowering<SigmoidOp>,
               UnaryOpLowering<TanhOp>, UnaryOpLowering<ClipOp>,
               BatchNormLowering, ConstantLowering>(patterns.getContext());
}
