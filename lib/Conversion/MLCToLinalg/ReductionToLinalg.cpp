//===- ReductionToLinalg.cpp - mlc reductions and softmax to linalg -------===//
//
// Reductions become linalg.reduce followed by an elementwise epilogue;
// softmax is decomposed into the numerically stable max / exp / sum / div
// sequence.
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

using CombinerBuilder =
    llvm::function_ref<Value(OpBuilder &, Location, Value, Value)>;

/// Reduces `input` over the sorted `dims`, dropping them from the shape.
static Value createReduction(OpBuilder &b, Location loc, Value input,
                             ArrayRef<int64_t> dims, TypedAttr initValue,
                             CombinerBuilder combine) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (!llvm::is_contained(dims, i))
      shape.push_back(type.getDimSize(i));
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  Value init = createFilledTensor(b, loc, resultType, initValue);
  auto reduce = linalg::ReduceOp::create(
      b, loc, ValueRange{input}, ValueRange{init}, dims,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, combine(nb, nloc, args[0], args[1]));
      });
  return reduce.getResult(0);
}

static Value addF(OpBuilder &b, Location loc, Value x, Value acc) {
  return arith::AddFOp::create(b, loc, x, acc);
}

/// Sum over `dims` divided by the number of reduced elements, reshaped to
/// `resultType` (which keeps or drops the reduced dims).
static Value createMean(OpBuilder &b, Location loc, Value input,
                        ArrayRef<int64_t> dims, RankedTensorType resultType) {
  auto type = cast<RankedTensorType>(input.getType());
  Type elementType = type.getElementType();
  double count = 1;
  for (int64_t d : dims)
    count *= type.getDimSize(d);
  Value sum = createReduction(b, loc, input, dims, b.getZeroAttr(elementType),
                              addF);
  auto sumType = cast<RankedTensorType>(sum.getType());
  Value mean = createElementwise(
      b, loc, sumType, {sum},
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        return arith::DivFOp::create(
            nb, nloc, args[0], createScalarConstant(nb, nloc, elementType, count));
      });
  return createStaticReshape(b, loc, mean, resultType.getShape());
}

namespace {

struct ReduceMeanLowering : OpRewritePattern<ReduceMeanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceMeanOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    int64_t rank = op.getInput().getType().getRank();
    SmallVector<int64_t> dims;
    if (op.getAxes().empty())
      dims = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    for (int64_t axis : op.getAxes())
      dims.push_back(axis < 0 ? axis + rank : axis);
    llvm::sort(dims);
    dims.erase(llvm::unique(dims), dims.end());
    rewriter.replaceOp(op, createMean(rewriter, op.getLoc(), op.getInput(),
                                      dims, op.getType()));
    return success();
  }
};

struct GlobalAvgPoolLowering : OpRewritePattern<GlobalAvgPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GlobalAvgPoolOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    int64_t rank = op.getInput().getType().getRank();
    SmallVector<int64_t> dims =
        op.getLayout() == "NHWC"
            ? SmallVector<int64_t>{1, 2}
            : llvm::to_vector(llvm::seq<int64_t>(2, rank));
    rewriter.replaceOp(op, createMean(rewriter, op.getLoc(), op.getInput(),
                                      dims, op.getType()));
    return success();
  }
};

/// softmax(x) = exp(x - max(x)) / sum(exp(x - max(x))) along `axis`.
struct SoftmaxLowering : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    // I64Attr getters return uint64_t: read the axis as signed first.
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    Type elementType = type.getElementType();

    Value max = createReduction(
        rewriter, loc, op.getInput(), {axis}, getLowestValueAttr(elementType),
        [](OpBuilder &b, Location nloc, Value x, Value acc) -> Value {
          return arith::MaximumFOp::create(b, nloc, x, acc);
        });
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap reduced = identity.dropResult(axis);
    Value exp = createParallelGeneric(
        rewriter, loc, type, {op.getInput(), max}, {identity, reduced},
        [](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          return math::ExpOp::create(
              b, nloc, arith::SubFOp::create(b, nloc, args[0], args[1]));
        });
    Value sum = createReduction(rewriter, loc, exp, {axis},
                                rewriter.getZeroAttr(elementType), addF);
    Value result = createParallelGeneric(
        rewriter, loc, type, {exp, sum}, {identity, reduced},
        [](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          return arith::DivFOp::create(b, nloc, args[0], args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlc::populateReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceMeanLowering, GlobalAvgPoolLowering, SoftmaxLowering>(
      patterns.getContext());
}
