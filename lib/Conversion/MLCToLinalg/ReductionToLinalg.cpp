//===- ReductionToLinalg.cpp - mlc reductions and softmax to linalg -------===//
//
// Reductions become linalg.reduce between elementwise prologues and
// epilogues (mlc.reduce's kinds, reduce_mean); arg_reduce a two-result
// linalg.generic; softmax and log_softmax the numerically stable max / exp /
// sum sequence; hardmax an argmax and a comparison.
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

static Value addF(OpBuilder &b, Location loc, Value x, Value acc) {
  return arith::AddFOp::create(b, loc, x, acc);
}

/// Sum over `dims` divided by the number of reduced elements (a constant
/// when the reduced dimensions are static, else their run-time product),
/// reshaped to `resultType` (which keeps or drops the reduced dims).
static Value createMean(OpBuilder &b, Location loc, Value input,
                        ArrayRef<int64_t> dims, RankedTensorType resultType) {
  auto type = cast<RankedTensorType>(input.getType());
  Type elementType = type.getElementType();
  double count = 1;
  Value dynamicCount;
  for (int64_t d : dims) {
    if (!type.isDynamicDim(d)) {
      count *= type.getDimSize(d);
      continue;
    }
    Value size = tensor::DimOp::create(b, loc, input, d);
    dynamicCount =
        dynamicCount ? arith::MulIOp::create(b, loc, dynamicCount, size) : size;
  }
  Value divisor;
  if (dynamicCount) {
    Value count64 =
        arith::IndexCastUIOp::create(b, loc, b.getI64Type(), dynamicCount);
    divisor = arith::UIToFPOp::create(b, loc, elementType, count64);
    if (count != 1)
      divisor = arith::MulFOp::create(
          b, loc, divisor, createScalarConstant(b, loc, elementType, count));
  }
  Value sum =
      createReduction(b, loc, input, dims, b.getZeroAttr(elementType), addF);
  auto sumType = cast<RankedTensorType>(sum.getType());
  Value mean = createElementwise(
      b, loc, sumType, {sum},
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        return arith::DivFOp::create(
            nb, nloc, args[0],
            divisor ? divisor
                    : createScalarConstant(nb, nloc, elementType, count));
      });
  return createStaticReshape(b, loc, mean, resultType.getShape());
}

/// Sorted, unique, non-negative reduction dims; all dims when `axes` is empty.
static SmallVector<int64_t> getReductionDims(ArrayRef<int64_t> axes,
                                             int64_t rank) {
  SmallVector<int64_t> dims;
  if (axes.empty())
    dims = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  for (int64_t axis : axes)
    dims.push_back(axis < 0 ? axis + rank : axis);
  llvm::sort(dims);
  dims.erase(llvm::unique(dims), dims.end());
  return dims;
}

/// The input map of a tensor reduced over `dims` inside a generic over the
/// unreduced shape.
static AffineMap getReducedMap(OpBuilder &b, int64_t rank,
                               ArrayRef<int64_t> dims) {
  AffineMap map = b.getMultiDimIdentityMap(rank);
  for (int64_t d : llvm::reverse(dims))
    map = map.dropResult(d);
  return map;
}

static Value applyElementwise(OpBuilder &b, Location loc, Value input,
                              ScalarBodyBuilder body) {
  return createElementwise(b, loc, cast<RankedTensorType>(input.getType()),
                           {input}, body);
}

static Value createMaxReduction(OpBuilder &b, Location loc, Value input,
                                ArrayRef<int64_t> dims) {
  Type elementType = cast<RankedTensorType>(input.getType()).getElementType();
  return createReduction(
      b, loc, input, dims, getLowestValueAttr(elementType),
      [](OpBuilder &nb, Location nloc, Value x, Value acc) -> Value {
        if (isa<FloatType>(x.getType()))
          return arith::MaximumFOp::create(nb, nloc, x, acc);
        if (x.getType().isInteger(1))
          return arith::OrIOp::create(nb, nloc, x, acc);
        return arith::MaxSIOp::create(nb, nloc, x, acc);
      });
}

static Value createSum(OpBuilder &b, Location loc, Value input,
                       ArrayRef<int64_t> dims) {
  Type elementType = cast<RankedTensorType>(input.getType()).getElementType();
  return createReduction(
      b, loc, input, dims, b.getZeroAttr(elementType),
      [](OpBuilder &nb, Location nloc, Value x, Value acc) -> Value {
        if (isa<FloatType>(x.getType()))
          return arith::AddFOp::create(nb, nloc, x, acc);
        return arith::AddIOp::create(nb, nloc, x, acc);
      });
}

static Value createSquare(OpBuilder &b, Location loc, Value x) {
  if (isa<FloatType>(x.getType()))
    return arith::MulFOp::create(b, loc, x, x);
  return arith::MulIOp::create(b, loc, x, x);
}

/// The reduction of mlc.reduce over `dims`, with the reduced dims dropped.
static Value createKindReduction(OpBuilder &b, Location loc, ReduceKind kind,
                                 Value input, ArrayRef<int64_t> dims) {
  auto type = cast<RankedTensorType>(input.getType());
  Type elementType = type.getElementType();
  switch (kind) {
  case ReduceKind::Sum:
    return createSum(b, loc, input, dims);
  case ReduceKind::Max:
    return createMaxReduction(b, loc, input, dims);
  case ReduceKind::Min:
    return createReduction(
        b, loc, input, dims, getHighestValueAttr(elementType),
        [](OpBuilder &nb, Location nloc, Value x, Value acc) -> Value {
          if (isa<FloatType>(x.getType()))
            return arith::MinimumFOp::create(nb, nloc, x, acc);
          if (x.getType().isInteger(1))
            return arith::AndIOp::create(nb, nloc, x, acc);
          return arith::MinSIOp::create(nb, nloc, x, acc);
        });
  case ReduceKind::Prod:
    return createReduction(
        b, loc, input, dims, b.getOneAttr(elementType),
        [](OpBuilder &nb, Location nloc, Value x, Value acc) -> Value {
          if (isa<FloatType>(x.getType()))
            return arith::MulFOp::create(nb, nloc, x, acc);
          return arith::MulIOp::create(nb, nloc, x, acc);
        });
  case ReduceKind::L1: {
    Value abs = applyElementwise(
        b, loc, input,
        [](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          if (isa<FloatType>(args[0].getType()))
            return math::AbsFOp::create(nb, nloc, args[0]);
          return math::AbsIOp::create(nb, nloc, args[0]);
        });
    return createSum(b, loc, abs, dims);
  }
  case ReduceKind::SumSquare:
  case ReduceKind::L2: {
    Value squares = applyElementwise(
        b, loc, input, [](OpBuilder &nb, Location nloc, ValueRange args) {
          return createSquare(nb, nloc, args[0]);
        });
    Value sum = createSum(b, loc, squares, dims);
    if (kind == ReduceKind::SumSquare)
      return sum;
    return applyElementwise(
        b, loc, sum,
        [](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          return math::SqrtOp::create(nb, nloc, args[0]);
        });
  }
  case ReduceKind::LogSum:
    return applyElementwise(
        b, loc, createSum(b, loc, input, dims),
        [](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          return math::LogOp::create(nb, nloc, args[0]);
        });
  case ReduceKind::LogSumExp: {
    // max + log(sum(exp(x - max))); a max of -inf (all -inf, or an empty
    // reduction) is replaced by 0 so that the subtraction stays finite.
    Value max = createMaxReduction(b, loc, input, dims);
    max = applyElementwise(
        b, loc, max,
        [](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Value zero = createScalarConstant(nb, nloc, args[0].getType(), 0);
          Value isInf = arith::CmpFOp::create(
              nb, nloc, arith::CmpFPredicate::OEQ, args[0],
              arith::ConstantOp::create(nb, nloc,
                                        getLowestValueAttr(args[0].getType())));
          return arith::SelectOp::create(nb, nloc, isInf, zero, args[0]);
        });
    int64_t rank = type.getRank();
    Value exp = createParallelGeneric(
        b, loc, type, {input, max},
        {b.getMultiDimIdentityMap(rank), getReducedMap(b, rank, dims)},
        [](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          return math::ExpOp::create(
              nb, nloc, arith::SubFOp::create(nb, nloc, args[0], args[1]));
        });
    Value sum = createSum(b, loc, exp, dims);
    auto sumType = cast<RankedTensorType>(sum.getType());
    return createElementwise(
        b, loc, sumType, {sum, max},
        [](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          return arith::AddFOp::create(
              nb, nloc, math::LogOp::create(nb, nloc, args[0]), args[1]);
        });
  }
  }
  llvm_unreachable("unknown reduce kind");
}

/// Index of the first (or last) maximum (or minimum) of `input` along
/// `axis`, as i64 with the axis dropped.
static Value createArgReduction(OpBuilder &b, Location loc, Value input,
                                int64_t axis, bool isMax, bool selectLast) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  Type elementType = type.getElementType();
  SmallVector<int64_t> shape(type.getShape());
  shape.erase(shape.begin() + axis);
  Value values =
      createFilledTensor(b, loc, RankedTensorType::get(shape, elementType),
                         isMax ? getLowestValueAttr(elementType)
                               : getHighestValueAttr(elementType));
  Value indices =
      createFilledTensor(b, loc, RankedTensorType::get(shape, b.getI64Type()),
                         b.getI64IntegerAttr(0));
  AffineMap reduced = b.getMultiDimIdentityMap(rank).dropResult(axis);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators[axis] = utils::IteratorType::reduction;
  bool isFloat = isa<FloatType>(elementType);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{values.getType(), indices.getType()}, ValueRange{input},
      ValueRange{values, indices},
      SmallVector<AffineMap>{b.getMultiDimIdentityMap(rank), reduced, reduced},
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value x = args[0], best = args[1], bestIndex = args[2];
        Value better;
        if (isFloat) {
          arith::CmpFPredicate predicate =
              isMax ? (selectLast ? arith::CmpFPredicate::OGE
                                  : arith::CmpFPredicate::OGT)
                    : (selectLast ? arith::CmpFPredicate::OLE
                                  : arith::CmpFPredicate::OLT);
          better = arith::CmpFOp::create(nb, nloc, predicate, x, best);
        } else {
          arith::CmpIPredicate predicate =
              isMax ? (selectLast ? arith::CmpIPredicate::sge
                                  : arith::CmpIPredicate::sgt)
                    : (selectLast ? arith::CmpIPredicate::sle
                                  : arith::CmpIPredicate::slt);
          better = arith::CmpIOp::create(nb, nloc, predicate, x, best);
        }
        Value index = arith::IndexCastOp::create(
            nb, nloc, nb.getI64Type(), linalg::IndexOp::create(nb, nloc, axis));
        linalg::YieldOp::create(
            nb, nloc,
            ValueRange{
                arith::SelectOp::create(nb, nloc, better, x, best),
                arith::SelectOp::create(nb, nloc, better, index, bestIndex)});
      });
  return generic.getResult(1);
}

namespace {

struct ReduceLowering : OpRewritePattern<ReduceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    SmallVector<int64_t> dims =
        getReductionDims(op.getAxes(), op.getInput().getType().getRank());
    Value reduced = createKindReduction(rewriter, op.getLoc(), op.getKind(),
                                        op.getInput(), dims);
    rewriter.replaceOp(op, createStaticReshape(rewriter, op.getLoc(), reduced,
                                               op.getType().getShape()));
    return success();
  }
};

struct ArgReduceLowering : OpRewritePattern<ArgReduceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ArgReduceOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    int64_t rank = op.getInput().getType().getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    Value indices = createArgReduction(
        rewriter, op.getLoc(), op.getInput(), axis,
        op.getKind() == ArgReduceKind::ArgMax, op.getSelectLastIndex());
    rewriter.replaceOp(op, createStaticReshape(rewriter, op.getLoc(), indices,
                                               op.getType().getShape()));
    return success();
  }
};

/// log_softmax(x) = x - max - log(sum(exp(x - max))) along `axis`.
struct LogSoftmaxLowering : OpRewritePattern<LogSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LogSoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    Value max = createMaxReduction(rewriter, loc, op.getInput(), {axis});
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap reduced = identity.dropResult(axis);
    Value shifted = createParallelGeneric(
        rewriter, loc, type, {op.getInput(), max}, {identity, reduced},
        [](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          return arith::SubFOp::create(b, nloc, args[0], args[1]);
        });
    Value exp = applyElementwise(
        rewriter, loc, shifted,
        [](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          return math::ExpOp::create(b, nloc, args[0]);
        });
    Value sum = createSum(rewriter, loc, exp, {axis});
    Value result = createParallelGeneric(
        rewriter, loc, type, {shifted, sum}, {identity, reduced},
        [](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          return arith::SubFOp::create(b, nloc, args[0],
                                       math::LogOp::create(b, nloc, args[1]));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// hardmax(x)[.., i, ..] = i == argmax(x) ? 1 : 0 along `axis`.
struct HardmaxLowering : OpRewritePattern<HardmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(HardmaxOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    Value argmax = createArgReduction(rewriter, loc, op.getInput(), axis,
                                      /*isMax=*/true, /*selectLast=*/false);
    AffineMap reduced = rewriter.getMultiDimIdentityMap(rank).dropResult(axis);
    Type elementType = type.getElementType();
    Value result = createParallelGeneric(
        rewriter, loc, type, {argmax}, {reduced},
        [&](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          Value index = arith::IndexCastOp::create(
              b, nloc, b.getI64Type(), linalg::IndexOp::create(b, nloc, axis));
          Value hit = arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::eq,
                                            index, args[0]);
          return arith::SelectOp::create(
              b, nloc, hit, createScalarConstant(b, nloc, elementType, 1),
              createScalarConstant(b, nloc, elementType, 0));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ReduceMeanLowering : OpRewritePattern<ReduceMeanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceMeanOp op,
                                PatternRewriter &rewriter) const override {
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
    int64_t rank = op.getInput().getType().getRank();
    SmallVector<int64_t> dims =
        op.getLayout() == "NHWC" ? SmallVector<int64_t>{1, 2}
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
    if (failed(requireSizableLike(op, rewriter)))
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
  patterns.add<ReduceMeanLowering, GlobalAvgPoolLowering, SoftmaxLowering,
               ReduceLowering, ArgReduceLowering, LogSoftmaxLowering,
               HardmaxLowering>(patterns.getContext());
}
