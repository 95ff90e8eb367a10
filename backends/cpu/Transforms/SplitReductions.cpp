//===- SplitReductions.cpp - The mlc-cpu-split-reductions pass ------------===//
//
// A reduction of a whole tensor to one scalar (the min and max of dynamic
// quantization, a global sum) lowers to a scalar loop whose accumulator
// LLVM cannot vectorize: a float min/max is no reassociable reduction for
// it. Splitting the reduction into `lanes` partial results that the
// innermost loop updates side by side (linalg::splitReduction with an inner
// parallel dim) gives LLVM an elementwise innermost loop instead, and a
// small final reduction of the partials.
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"
#include "Target/CPUTarget.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_SPLITREDUCTIONS
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;

namespace {

/// Elements below which a full reduction stays as it is.
constexpr int64_t kMinSplitElements = 1024;

/// Whether `op` (linalg.reduce or a generic) reduces all its loops to one
/// scalar result, statically
/// shaped, reading its inputs contiguously (identity maps).
bool isFullReduction(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumParallelLoops() != 0 ||
      op.getNumReductionLoops() == 0 || !op.hasPureTensorSemantics())
    return false;
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  if (resultType.getRank() != 0)
    return false;
  for (OpOperand *in : op.getDpsInputOperands())
    if (!op.getMatchingIndexingMap(in).isIdentity())
      return false;
  int64_t elements = 1;
  for (int64_t r : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(r))
      return false;
    elements *= r;
  }
  return elements >= kMinSplitElements;
}

struct SplitReductionsPass
    : public mlc::cpu::impl::SplitReductionsBase<SplitReductionsPass> {
  using SplitReductionsBase::SplitReductionsBase;

  void runOnOperation() override {
    FailureOr<mlc::cpu::CPUTarget> target =
        mlc::cpu::CPUTarget::fromIsaName(isa);
    if (failed(target) || target->isa == mlc::cpu::VectorIsa::Scalar)
      return;
    int64_t lanes = target->getF32Lanes();
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isFullReduction(op))
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp named : candidates) {
      rewriter.setInsertionPoint(named);
      FailureOr<linalg::GenericOp> generic =
          linalg::generalizeNamedOp(rewriter, named);
      if (failed(generic))
        continue;
      linalg::GenericOp op = *generic;
      linalg::LinalgOp reduction = op;
      // One reduction loop over all the elements.
      if (op.getNumLoops() > 1) {
        ReassociationIndices all;
        for (unsigned d = 0; d < op.getNumLoops(); ++d)
          all.push_back(d);
        FailureOr<linalg::CollapseResult> collapsed =
            linalg::collapseOpIterationDims(op, {all}, rewriter);
        if (failed(collapsed))
          continue;
        rewriter.replaceOp(op, collapsed->results);
        reduction = collapsed->collapsedOp;
      }
      int64_t elements = reduction.getStaticLoopRanges()[0];
      if (elements % lanes != 0)
        continue;
      rewriter.setInsertionPoint(reduction);
      (void)linalg::splitReduction(rewriter, reduction, [&](linalg::LinalgOp) {
        return linalg::SplitReductionOptions{lanes, 0,
                                             /*innerParallel=*/true};
      });
    }
  }
};

} // namespace
