//===- GatherToLinalg.cpp - gather ops and one_hot to linalg --------------===//
//
// Data-dependent indexing: a linalg.generic over the result reads the
// indices as an input and the data through tensor.extract in its body
// (bufferized to a load). Negative indices are wrapped at run time.
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

/// Converts an integer (or float, truncated) index element to `index` and
/// adds `size` when it is negative.
static Value createWrappedIndex(OpBuilder &b, Location loc, Value element,
                                int64_t size) {
  Type i64 = b.getI64Type();
  Value v = element;
  if (isa<FloatType>(v.getType()))
    v = arith::FPToSIOp::create(b, loc, i64, v);
  else if (v.getType() != i64)
    v = arith::ExtSIOp::create(b, loc, i64, v);
  Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value isNegative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = arith::AddIOp::create(
      b, loc, index, arith::ConstantIndexOp::create(b, loc, size));
  return arith::SelectOp::create(b, loc, isNegative, wrapped, index);
}

static int64_t getAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

namespace {

/// r[i0.., j0.., k0..] = input[i0.., indices[j0..], k0..].
struct GatherLowering : OpRewritePattern<GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    RankedTensorType inputType = op.getInput().getType();
    int64_t axis =
        getAxis(static_cast<int64_t>(op.getAxis()), inputType.getRank());
    int64_t indicesRank = op.getIndices().getType().getRank();
    RankedTensorType type = op.getType();
    SmallVector<AffineExpr> indexExprs;
    for (int64_t j = 0; j < indicesRank; ++j)
      indexExprs.push_back(rewriter.getAffineDimExpr(axis + j));
    AffineMap indexMap =
        AffineMap::get(type.getRank(), 0, indexExprs, rewriter.getContext());
    Value input = op.getInput();
    Value result = createParallelGeneric(
        rewriter, op.getLoc(), type, {op.getIndices()}, {indexMap},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          SmallVector<Value> indices;
          for (int64_t d = 0; d < axis; ++d)
            indices.push_back(linalg::IndexOp::create(b, loc, d));
          indices.push_back(
              createWrappedIndex(b, loc, args[0], inputType.getDimSize(axis)));
          for (int64_t d = axis + 1; d < inputType.getRank(); ++d)
            indices.push_back(
                linalg::IndexOp::create(b, loc, d - 1 + indicesRank));
          return tensor::ExtractOp::create(b, loc, input, indices);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// r[i..] = input[i.. with i_axis replaced by indices[i..]].
struct GatherElementsLowering : OpRewritePattern<GatherElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherElementsOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    RankedTensorType inputType = op.getInput().getType();
    int64_t rank = inputType.getRank();
    int64_t axis = getAxis(static_cast<int64_t>(op.getAxis()), rank);
    Value input = op.getInput();
    Value result = createParallelGeneric(
        rewriter, op.getLoc(), op.getType(), {op.getIndices()},
        {rewriter.getMultiDimIdentityMap(rank)},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          SmallVector<Value> indices;
          for (int64_t d = 0; d < rank; ++d)
            indices.push_back(
                d == axis ? createWrappedIndex(b, loc, args[0],
                                               inputType.getDimSize(axis))
                          : Value(linalg::IndexOp::create(b, loc, d)));
          return tensor::ExtractOp::create(b, loc, input, indices);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// r[b.., i.., j..] = input[b.., indices[b.., i.., 0..k), j..]: both the
/// index tuple and the data are read with tensor.extract.
struct GatherNDLowering : OpRewritePattern<GatherNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherNDOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType indicesType = op.getIndices().getType();
    int64_t batchDims = static_cast<int64_t>(op.getBatchDims());
    int64_t q = indicesType.getRank();
    int64_t k = indicesType.getDimSize(q - 1);
    Value input = op.getInput(), indicesTensor = op.getIndices();
    Value result = createParallelGeneric(
        rewriter, op.getLoc(), op.getType(), {}, {},
        [&](OpBuilder &b, Location loc, ValueRange) -> Value {
          SmallVector<Value> tuplePrefix;
          for (int64_t d = 0; d < q - 1; ++d)
            tuplePrefix.push_back(linalg::IndexOp::create(b, loc, d));
          SmallVector<Value> indices(tuplePrefix.begin(),
                                     tuplePrefix.begin() + batchDims);
          for (int64_t t = 0; t < k; ++t) {
            SmallVector<Value> at(tuplePrefix);
            at.push_back(arith::ConstantIndexOp::create(b, loc, t));
            Value element =
                tensor::ExtractOp::create(b, loc, indicesTensor, at);
            indices.push_back(createWrappedIndex(
                b, loc, element, inputType.getDimSize(batchDims + t)));
          }
          for (int64_t d = batchDims + k; d < inputType.getRank(); ++d)
            indices.push_back(
                linalg::IndexOp::create(b, loc, q - 1 + d - batchDims - k));
          return tensor::ExtractOp::create(b, loc, input, indices);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// r[.., i_axis, ..] = i_axis == wrap(indices[..]) ? values[1] : values[0].
struct OneHotLowering : OpRewritePattern<OneHotOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(OneHotOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    int64_t axis = getAxis(static_cast<int64_t>(op.getAxis()), rank);
    int64_t depth = static_cast<int64_t>(op.getDepth());
    Value off = tensor::ExtractOp::create(
        rewriter, loc, op.getValues(),
        ValueRange{arith::ConstantIndexOp::create(rewriter, loc, 0)});
    Value on = tensor::ExtractOp::create(
        rewriter, loc, op.getValues(),
        ValueRange{arith::ConstantIndexOp::create(rewriter, loc, 1)});
    AffineMap indexMap = rewriter.getMultiDimIdentityMap(rank).dropResult(axis);
    Value result = createParallelGeneric(
        rewriter, loc, type, {op.getIndices()}, {indexMap},
        [&](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          Value index = createWrappedIndex(b, nloc, args[0], depth);
          Value position = linalg::IndexOp::create(b, nloc, axis);
          Value hit = arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::eq,
                                            index, position);
          return arith::SelectOp::create(b, nloc, hit, on, off);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlc::populateGatherToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<GatherLowering, GatherElementsLowering, GatherNDLowering,
               OneHotLowering>(patterns.getContext());
}
