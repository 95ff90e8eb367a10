//===- NormalizationToLinalg.cpp - layer_norm to linalg -------------------===//
//
// mean and variance are two linalg.reduce passes over the normalized
// dimensions; one elementwise linalg.generic applies them with the optional
// scale and bias.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlc;

/// Map reading a parameter that broadcasts against the trailing dimensions
/// of `type`.
static AffineMap getTrailingBroadcastMap(OpBuilder &b, RankedTensorType type,
                                         RankedTensorType param) {
  int64_t rank = type.getRank(), offset = rank - param.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t j = 0; j < param.getRank(); ++j)
    exprs.push_back(param.getDimSize(j) == 1 && type.getDimSize(offset + j) != 1
                        ? b.getAffineConstantExpr(0)
                        : b.getAffineDimExpr(offset + j));
  return AffineMap::get(rank, 0, exprs, b.getContext());
}

namespace {

struct LayerNormLowering : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    RankedTensorType type = op.getResult().getType();
    Type elementType = type.getElementType();
    int64_t rank = type.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    // The normalized count is a compile-time constant; leading dims may be
    // dynamic.
    if (!RankedTensorType::get(type.getShape().drop_front(axis), elementType)
             .hasStaticShape() ||
        failed(requireSizableLike(op, rewriter)))
      return rewriter.notifyMatchFailure(op, "dynamic normalized dims");
    SmallVector<int64_t> dims = llvm::to_vector(llvm::seq<int64_t>(axis, rank));
    double count = ShapedType::getNumElements(type.getShape().drop_front(axis));
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    // Not getMajorSubMap: it returns a null map for axis 0.
    AffineMap reduced = AffineMap::get(
        rank, 0, identity.getResults().take_front(axis), rewriter.getContext());

    auto add = [](OpBuilder &b, Location nloc, Value x, Value acc) -> Value {
      return arith::AddFOp::create(b, nloc, x, acc);
    };
    Value sum = createReduction(rewriter, loc, input, dims,
                                rewriter.getZeroAttr(elementType), add);
    auto statType = cast<RankedTensorType>(sum.getType());
    Value mean = createElementwise(
        rewriter, loc, statType, {sum},
        [&](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          return arith::DivFOp::create(
              b, nloc, args[0],
              createScalarConstant(b, nloc, elementType, count));
        });
    Value squares = createParallelGeneric(
        rewriter, loc, type, {input, mean}, {identity, reduced},
        [](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          Value d = arith::SubFOp::create(b, nloc, args[0], args[1]);
          return arith::MulFOp::create(b, nloc, d, d);
        });
    Value squareSum = createReduction(rewriter, loc, squares, dims,
                                      rewriter.getZeroAttr(elementType), add);
    double epsilon = op.getEpsilon().convertToDouble();
    Value invStdDev = createElementwise(
        rewriter, loc, statType, {squareSum},
        [&](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          Value variance = arith::DivFOp::create(
              b, nloc, args[0],
              createScalarConstant(b, nloc, elementType, count));
          Value shifted = arith::AddFOp::create(
              b, nloc, variance,
              createScalarConstant(b, nloc, elementType, epsilon));
          return arith::DivFOp::create(
              b, nloc, createScalarConstant(b, nloc, elementType, 1.0),
              math::SqrtOp::create(b, nloc, shifted));
        });

    SmallVector<Value> inputs = {input, mean, invStdDev};
    SmallVector<AffineMap> maps = {identity, reduced, reduced};
    for (Value param : {op.getScale(), op.getBias()}) {
      if (!param)
        continue;
      inputs.push_back(param);
      maps.push_back(getTrailingBroadcastMap(
          rewriter, type, cast<RankedTensorType>(param.getType())));
    }
    bool hasScale = static_cast<bool>(op.getScale());
    bool hasBias = static_cast<bool>(op.getBias());
    Value result = createParallelGeneric(
        rewriter, loc, type, inputs, maps,
        [&](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          Value y = arith::MulFOp::create(
              b, nloc, arith::SubFOp::create(b, nloc, args[0], args[1]),
              args[2]);
          unsigned next = 3;
          if (hasScale)
            y = arith::MulFOp::create(b, nloc, y, args[next++]);
          if (hasBias)
            y = arith::AddFOp::create(b, nloc, y, args[next]);
          return y;
        });
    ArrayRef<int64_t> statShape = op.getMean().getType().getShape();
    rewriter.replaceOp(
        op, {result, createStaticReshape(rewriter, loc, mean, statShape),
             createStaticReshape(rewriter, loc, invStdDev, statShape)});
    return success();
  }
};

} // namespace

void mlc::populateNormalizationToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LayerNormLowering>(patterns.getContext());
}
