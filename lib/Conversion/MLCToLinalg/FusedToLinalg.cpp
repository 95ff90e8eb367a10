//===- FusedToLinalg.cpp - mlc.fused groups to linalg ---------------------===//
//
// A fusion group is lowered by inlining its body, whose mlc ops the other
// patterns then lower. The ops of one group become producer-consumer chains
// of linalg ops on tensors with single uses, which is exactly what a
// backend's tile-and-fuse turns into one loop nest (the CPU backend's
// mlc-cpu-fuse-epilogues does).
//
//===----------------------------------------------------------------------===//

#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlc;

namespace {

struct FusedOpLowering : OpRewritePattern<FusedOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(FusedOp op,
                                PatternRewriter &rewriter) const override {
    Block &body = op.getBody().front();
    auto yield = cast<YieldOp>(body.getTerminator());
    SmallVector<Value> results(yield.getValues());
    rewriter.eraseOp(yield);
    rewriter.inlineBlockBefore(&body, op, op.getInputs());
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void mlc::populateFusedToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<FusedOpLowering>(patterns.getContext());
}
