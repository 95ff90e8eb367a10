//===- FillPadBorders.cpp - The mlc-cpu-fill-pad-borders pass -------------===//
//
// A tensor.pad bufferizes into a buffer filled whole with the padding value
// and then overwritten by the source: for the padded input of a 3x3
// convolution that is twice the writes it needs (mobilenet_v2 in INT8 pads
// 4.4 MB of activations per run). A statically shaped pad by a constant
// becomes fills of its borders only, then the source inserted between
// them; each fill and the insertion bufferize in place into one buffer.
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_FILLPADBORDERS
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;

namespace {

struct FillPadBordersPattern : OpRewritePattern<tensor::PadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::PadOp pad,
                                PatternRewriter &rewriter) const override {
    if (!isa<FunctionOpInterface>(pad->getParentOp()))
      return rewriter.notifyMatchFailure(pad, "inside a loop or region");
    RankedTensorType type = pad.getResultType();
    RankedTensorType sourceType = pad.getSourceType();
    if (!type.hasStaticShape() || !sourceType.hasStaticShape() ||
        !pad.getLow().empty() || !pad.getHigh().empty())
      return rewriter.notifyMatchFailure(pad, "dynamic shape or padding");
    Value value = pad.getConstantPaddingValue();
    if (!value || !matchPattern(value, m_Constant()))
      return rewriter.notifyMatchFailure(pad, "padding value not constant");

    Location loc = pad.getLoc();
    ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
    ArrayRef<int64_t> shape = type.getShape();
    int64_t rank = type.getRank();
    auto asFoldResults = [&](ArrayRef<int64_t> values) {
      return getAsIndexOpFoldResult(rewriter.getContext(), values);
    };
    SmallVector<OpFoldResult> ones =
        asFoldResults(SmallVector<int64_t>(rank, 1));
    Value result =
        tensor::EmptyOp::create(rewriter, loc, shape, type.getElementType());
    // The slab of dimension `d` from `offset`, `size` wide, across the
    // whole of the other dimensions, filled with the padding value.
    auto fill = [&](int64_t d, int64_t offset, int64_t size) {
      SmallVector<int64_t> offsets(rank, 0), sizes(shape);
      offsets[d] = offset;
      sizes[d] = size;
      SmallVector<OpFoldResult> offsetsOf = asFoldResults(offsets),
                                sizesOf = asFoldResults(sizes);
      Value slab = tensor::ExtractSliceOp::create(rewriter, loc, result,
                                                  offsetsOf, sizesOf, ones);
      Value filled =
          linalg::FillOp::create(rewriter, loc, value, slab).getResult(0);
      result = tensor::InsertSliceOp::create(rewriter, loc, filled, result,
                                             offsetsOf, sizesOf, ones);
    };
    for (int64_t d = 0; d < rank; ++d) {
      if (low[d] > 0)
        fill(d, 0, low[d]);
      if (high[d] > 0)
        fill(d, shape[d] - high[d], high[d]);
    }
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
        pad, pad.getSource(), result, asFoldResults(low),
        asFoldResults(sourceType.getShape()), ones);
    return success();
  }
};

struct FillPadBordersPass
    : mlc::cpu::impl::FillPadBordersBase<FillPadBordersPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    mlc::cpu::populateFillPadBordersPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlc::cpu::populateFillPadBordersPatterns(RewritePatternSet &patterns) {
  patterns.add<FillPadBordersPattern>(patterns.getContext());
}
