//===- FuseElementwise.cpp - The mlc-cpu-fuse-elementwise pass ------------===//
//
// Upstream's elementwise fusion (linalg-fuse-elementwise-ops), with one rule
// more: an elementwise producer is never fused into a consumer that reads
// it with a broadcast (an operand map that skips some of the consumer's
// loops), such as the A operand of a matmul, because the fused body would
// then recompute each producer element once per skipped iteration (the
// GELU of a feed-forward layer recomputed for every output column).
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;

namespace {

/// Fuse a single-use producer unless the consumer reads it with a
/// broadcast.
bool shouldFuse(OpOperand *fusedOperand) {
  Operation *producer = fusedOperand->get().getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return false;
  auto consumer = dyn_cast<linalg::LinalgOp>(fusedOperand->getOwner());
  if (!consumer)
    return true;
  AffineMap map = consumer.getMatchingIndexingMap(fusedOperand);
  return map.getNumResults() == map.getNumDims() || map.isPermutation();
}

struct FuseElementwisePass
    : public mlc::cpu::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns, shouldFuse);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, shouldFuse);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
        patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
