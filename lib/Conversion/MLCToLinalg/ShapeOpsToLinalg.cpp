//===- ShapeOpsToLinalg.cpp - mlc data movement ops to tensor/linalg ------===//
//
// reshape and flatten become collapse/expand_shape, transpose a
// linalg.transpose, concat a chain of tensor.insert_slice.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlc;

namespace {

template <typename SrcOp> struct ReshapeLikeLowering : OpRewritePattern<SrcOp> {
  using OpRewritePattern<SrcOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(SrcOp op,
                                PatternRewriter &rewriter) const override {
    Value reshaped = createStaticReshape(rewriter, op.getLoc(), op.getInput(),
                                         op.getType().getShape());
    if (!reshaped)
      return rewriter.notifyMatchFailure(
          op, "a reshape of dynamic sizes that is no regrouping of dims");
    rewriter.replaceOp(op, reshaped);
    return success();
  }
};

struct TransposeLowering : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    SmallVector<Value> sizes;
    for (auto [d, p] : llvm::enumerate(op.getPerm()))
      if (type.isDynamicDim(d))
        sizes.push_back(
            tensor::DimOp::create(rewriter, op.getLoc(), op.getInput(), p));
    Value init = createEmpty(rewriter, op.getLoc(), type, sizes);
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(),
                                                       op.getInput(), init,
                                                       op.getPerm())
                               .getResult()[0]);
    return success();
  }
};

struct ConcatLowering : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  /// Dynamic dimensions are sized at run time: a dimension other than the
  /// axis from the first input (the inputs agree there), the axis as the
  /// sum of the inputs' sizes, and each input's offset as the running sum.
  LogicalResult matchAndRewrite(ConcatOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    // I64Attr getters return uint64_t: read the axis as signed first.
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    auto dimOf = [&](Value v, int64_t d) -> OpFoldResult {
      auto t = cast<RankedTensorType>(v.getType());
      if (!t.isDynamicDim(d))
        return rewriter.getIndexAttr(t.getDimSize(d));
      return tensor::DimOp::create(rewriter, loc, v, d).getResult();
    };
    auto add = [&](OpFoldResult a, OpFoldResult b) -> OpFoldResult {
      std::optional<int64_t> x = getConstantIntValue(a),
                             y = getConstantIntValue(b);
      if (x && y)
        return rewriter.getIndexAttr(*x + *y);
      if (x == 0)
        return b;
      if (y == 0)
        return a;
      return arith::AddIOp::create(
                 rewriter, loc,
                 getValueOrCreateConstantIndexOp(rewriter, loc, a),
                 getValueOrCreateConstantIndexOp(rewriter, loc, b))
          .getResult();
    };
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < rank; ++d) {
      if (!type.isDynamicDim(d))
        continue;
      if (d != axis) {
        dynamicSizes.push_back(getValueOrCreateConstantIndexOp(
            rewriter, loc, dimOf(op.getInputs().front(), d)));
        continue;
      }
      OpFoldResult total = rewriter.getIndexAttr(0);
      for (Value input : op.getInputs())
        total = add(total, dimOf(input, axis));
      dynamicSizes.push_back(
          getValueOrCreateConstantIndexOp(rewriter, loc, total));
    }
    Value result = tensor::EmptyOp::create(rewriter, loc, type, dynamicSizes);
    OpFoldResult offset = rewriter.getIndexAttr(0);
    for (Value input : op.getInputs()) {
      auto inputType = cast<RankedTensorType>(input.getType());
      // An empty input adds nothing, and its offset may be the axis' end,
      // which tensor.insert_slice rejects as out of bounds.
      if (inputType.hasStaticShape() && inputType.getNumElements() == 0)
        continue;
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      offsets[axis] = offset;
      SmallVector<OpFoldResult> sizes;
      for (int64_t d = 0; d < rank; ++d)
        sizes.push_back(dimOf(input, d));
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             offsets, sizes, strides);
      offset = add(offset, sizes[axis]);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlc::populateShapeOpsToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeLikeLowering<ReshapeOp>, ReshapeLikeLowering<FlattenOp>,
               TransposeLowering, ConcatLowering>(patterns.getContext());
}
