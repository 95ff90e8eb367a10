//===- TensorOpsToLinalg.cpp - slice, expand, pad, trilu, cumsum ----------===//
//
// slice is a tensor.extract_slice (plus a reversing linalg.generic for
// negative strides), expand a broadcasting linalg.generic, constant pad a
// tensor.pad and border pads a linalg.generic reading the input through
// tensor.extract; trilu a masking generic and cumsum a generic that reduces
// over a second copy of the scanned axis.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlc;

static Value createIndexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

namespace {

struct SliceLowering : OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SliceOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    // An empty slice reads nothing (and any offset would be out of bounds
    // of an empty input).
    if (type.getNumElements() == 0) {
      rewriter.replaceOpWithNewOp<tensor::EmptyOp>(op, type.getShape(),
                                                   type.getElementType());
      return success();
    }
    SmallVector<OpFoldResult> offsets, sizes, strides;
    SmallVector<bool> reversed(rank, false);
    for (int64_t d = 0; d < rank; ++d) {
      int64_t offset = op.getOffsets()[d], size = op.getSizes()[d],
              stride = op.getStrides()[d];
      // A backwards slice reads the same elements as a forward one that
      // starts at its last element; the generic below restores the order.
      if (stride < 0 && size > 1) {
        offset += (size - 1) * stride;
        reversed[d] = true;
      }
      offsets.push_back(rewriter.getIndexAttr(size == 0 ? 0 : offset));
      sizes.push_back(rewriter.getIndexAttr(size));
      strides.push_back(rewriter.getIndexAttr(std::abs(stride)));
    }
    Value slice = tensor::ExtractSliceOp::create(
        rewriter, loc, type, op.getInput(), offsets, sizes, strides);
    if (llvm::none_of(reversed, [](bool r) { return r; })) {
      rewriter.replaceOp(op, slice);
      return success();
    }
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d) {
      AffineExpr dim = rewriter.getAffineDimExpr(d);
      exprs.push_back(reversed[d] ? type.getDimSize(d) - 1 - dim : dim);
    }
    AffineMap map = AffineMap::get(rank, 0, exprs, rewriter.getContext());
    rewriter.replaceOp(
        op, createParallelGeneric(rewriter, loc, type, {slice}, {map},
                                  [](OpBuilder &, Location, ValueRange args) {
                                    return args[0];
                                  }));
    return success();
  }
};

struct ExpandLowering : OpRewritePattern<ExpandOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ExpandOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    rewriter.replaceOp(
        op,
        createElementwise(
            rewriter, op.getLoc(), op.getType(), {op.getInput()},
            [](OpBuilder &, Location, ValueRange args) { return args[0]; }));
    return success();
  }
};

/// Index into the input of a border-padded dimension of size `size`, for
/// the padded index `i` shifted by `low`.
static Value createBorderIndex(OpBuilder &b, Location loc, PadMode mode,
                               Value i, int64_t low, int64_t size) {
  Value shifted =
      arith::SubIOp::create(b, loc, i, createIndexConstant(b, loc, low));
  auto positiveMod = [&](Value v, int64_t m) -> Value {
    Value mv = createIndexConstant(b, loc, m);
    Value r = arith::RemSIOp::create(b, loc, v, mv);
    return arith::RemSIOp::create(b, loc, arith::AddIOp::create(b, loc, r, mv),
                                  mv);
  };
  switch (mode) {
  case PadMode::Edge: {
    Value clampedLow =
        arith::MaxSIOp::create(b, loc, shifted, createIndexConstant(b, loc, 0));
    return arith::MinSIOp::create(b, loc, clampedLow,
                                  createIndexConstant(b, loc, size - 1));
  }
  case PadMode::Wrap:
    return positiveMod(shifted, size);
  case PadMode::Reflect: {
    if (size == 1)
      return createIndexConstant(b, loc, 0);
    // Reflection has period 2 * (size - 1); the second half runs backwards.
    int64_t period = 2 * (size - 1);
    Value j = positiveMod(shifted, period);
    Value mirrored =
        arith::SubIOp::create(b, loc, createIndexConstant(b, loc, period), j);
    Value inSecondHalf =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, j,
                              createIndexConstant(b, loc, size));
    return arith::SelectOp::create(b, loc, inSecondHalf, mirrored, j);
  }
  case PadMode::Constant:
    break;
  }
  return shifted;
}

struct PadLowering : OpRewritePattern<PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PadOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    RankedTensorType inputType = op.getInput().getType();
    int64_t rank = type.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    Type elementType = type.getElementType();
    if (op.getMode() == PadMode::Constant) {
      SmallVector<OpFoldResult> low, high;
      for (int64_t d = 0; d < rank; ++d) {
        low.push_back(rewriter.getIndexAttr(pads[d]));
        high.push_back(rewriter.getIndexAttr(pads[d + rank]));
      }
      Value value = createScalarConstant(rewriter, loc, elementType,
                                         op.getValue().convertToDouble());
      rewriter.replaceOp(op, tensor::PadOp::create(rewriter, loc, type,
                                                   op.getInput(), low, high,
                                                   value));
      return success();
    }
    Value input = op.getInput();
    PadMode mode = op.getMode();
    Value result = createParallelGeneric(
        rewriter, loc, type, {}, {},
        [&](OpBuilder &b, Location nloc, ValueRange) -> Value {
          SmallVector<Value> indices;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(b, nloc, d);
            if (pads[d] == 0 && pads[d + rank] == 0)
              indices.push_back(i);
            else
              indices.push_back(createBorderIndex(b, nloc, mode, i, pads[d],
                                                  inputType.getDimSize(d)));
          }
          return tensor::ExtractOp::create(b, nloc, input, indices);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct TriluLowering : OpRewritePattern<TriluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TriluOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    int64_t k = static_cast<int64_t>(op.getK());
    bool upper = op.getUpper();
    Value result = createElementwise(
        rewriter, op.getLoc(), type, {op.getInput()},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value i = linalg::IndexOp::create(b, loc, rank - 2);
          Value j = linalg::IndexOp::create(b, loc, rank - 1);
          Value diff = arith::SubIOp::create(b, loc, j, i);
          Value keep = arith::CmpIOp::create(
              b, loc,
              upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
              diff, createIndexConstant(b, loc, k));
          Value zero = createScalarConstant(b, loc, args[0].getType(), 0);
          return arith::SelectOp::create(b, loc, keep, args[0], zero);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// out[.., i, ..] = sum over k of x[.., k, ..] where k is before i (or after,
/// reversed; strictly so when exclusive). Quadratic in the axis length, but a
/// plain reduction that every backend handles.
struct CumSumLowering : OpRewritePattern<CumSumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CumSumOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    Type elementType = type.getElementType();
    SmallVector<AffineExpr> inputExprs;
    for (int64_t d = 0; d < rank; ++d)
      inputExprs.push_back(rewriter.getAffineDimExpr(d == axis ? rank : d));
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank + 1, 0, inputExprs, ctx),
        AffineMap::get(rank + 1, 0,
                       AffineMap::getMultiDimIdentityMap(rank + 1, ctx)
                           .getResults()
                           .take_front(rank),
                       ctx)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    arith::CmpIPredicate predicate =
        op.getReverse() ? (op.getExclusive() ? arith::CmpIPredicate::sgt
                                             : arith::CmpIPredicate::sge)
                        : (op.getExclusive() ? arith::CmpIPredicate::slt
                                             : arith::CmpIPredicate::sle);
    bool isFloat = isa<FloatType>(elementType);
    Value init = createFilledTensor(rewriter, loc, type,
                                    rewriter.getZeroAttr(elementType));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{op.getInput()},
        ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value i = linalg::IndexOp::create(b, nloc, axis);
          Value k = linalg::IndexOp::create(b, nloc, rank);
          Value take = arith::CmpIOp::create(b, nloc, predicate, k, i);
          Value zero = createScalarConstant(b, nloc, elementType, 0);
          Value term = arith::SelectOp::create(b, nloc, take, args[0], zero);
          Value sum =
              isFloat ? Value(arith::AddFOp::create(b, nloc, args[1], term))
                      : Value(arith::AddIOp::create(b, nloc, args[1], term));
          linalg::YieldOp::create(b, nloc, sum);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlc::populateTensorOpsToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<SliceLowering, ExpandLowering, PadLowering, TriluLowering,
               CumSumLowering>(patterns.getContext());
}
