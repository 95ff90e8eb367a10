//===- CopyToLinalg.cpp - memref.copy to linalg.copy ----------------------===//
//
// Device buffers cannot be copied by the host: every memref.copy becomes a
// linalg.copy, which later becomes a parallel loop and a kernel.
//
//===----------------------------------------------------------------------===//

#include "CUDAPasses.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlc::cuda {
#define GEN_PASS_DEF_COPYTOLINALG
#include "CUDAPasses.h.inc"
} // namespace mlc::cuda

using namespace mlir;
using namespace mlc;

namespace {
struct CopyToLinalgCopy : OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::CopyOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<MemRefType>(op.getSource().getType());
    if (!type)
      return rewriter.notifyMatchFailure(op, "unranked copy");
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(op, op.getSource(),
                                                op.getTarget());
    return success();
  }
};
} // namespace

void cuda::populateCopyToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<CopyToLinalgCopy>(patterns.getContext());
}

namespace {
struct CopyToLinalgPass : cuda::impl::CopyToLinalgBase<CopyToLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    cuda::populateCopyToLinalgPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
