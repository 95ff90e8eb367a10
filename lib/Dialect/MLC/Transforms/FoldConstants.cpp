//===- FoldConstants.cpp - The mlc-fold-constants pass --------------------===//
//
// Evaluates mlc ops whose operands are all constants on the host and
// replaces them by mlc.constant, to a fixpoint, so that constant subgraphs
// (shape arithmetic, weight transposes, elementwise math on weights)
// disappear from the compiled model.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

#include "mlc/Dialect/MLC/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlc {
#define GEN_PASS_DEF_FOLDCONSTANTS
#include "mlc/Dialect/MLC/Transforms/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

/// Replaces an mlc op with all-constant operands by its value.
struct FoldConstantOp : RewritePattern {
  FoldConstantOp(MLIRContext *context, int64_t maxElements)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context),
        maxElements(maxElements) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<MLCDialect>(op->getDialect()) || isa<ConstantOp>(op) ||
        op->getNumResults() != 1 || op->getNumRegions() != 0)
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "result shape is not static");
    if (resultType.getNumElements() > maxElements)
      return rewriter.notifyMatchFailure(op, "result above max-elements");
    SmallVector<ConstTensor> operands;
    for (Value operand : op->getOperands()) {
      FailureOr<ConstTensor> value = readConstant(operand);
      if (failed(value))
        return rewriter.notifyMatchFailure(op, "operand is not constant");
      operands.push_back(std::move(*value));
    }
    FailureOr<ConstTensor> result = evaluateOp(op, operands);
    if (failed(result))
      return rewriter.notifyMatchFailure(op, "not evaluated by this pass");
    std::string blobName = "folded";
    if (auto nameLoc = dyn_cast<NameLoc>(op->getLoc()))
      blobName = nameLoc.getName().str();
    rewriter.replaceOpWithNewOp<ConstantOp>(
        op, cast<TypedAttr>(result->toAttr(blobName)));
    return success();
  }

  int64_t maxElements;
};

struct FoldConstantsPass
    : public mlc::impl::FoldConstantsBase<FoldConstantsPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldConstantsPatterns(patterns, maxElements);
    // Not converging within the driver's limit leaves a correct, partly
    // folded module: no reason to fail the compilation.
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace

void mlc::populateFoldConstantsPatterns(RewritePatternSet &patterns,
                                        int64_t maxElements) {
  patterns.add<FoldConstantOp>(patterns.getContext(), maxElements);
}
