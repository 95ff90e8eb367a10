//===- InnermostParallelLoop.cpp - The mlc-cpu-innermost-parallel-loop pass
//===//
//
// Puts the output's contiguous dimension innermost in reduction loop nests,
// so that the loops convert-linalg-to-loops emits are vectorizable by LLVM.
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_INNERMOSTPARALLELLOOP
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;

namespace {

/// The interchange vector [parallel dims but the last, reduction dims, last
/// parallel dim], or an empty vector when the innermost loop already is
/// parallel or there is nothing to move.
SmallVector<unsigned> getInterchange(linalg::LinalgOp op) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  if (iterators.empty() || iterators.back() == utils::IteratorType::parallel ||
      op.getNumReductionLoops() == 0 || op.getNumParallelLoops() == 0)
    return {};
  SmallVector<unsigned> parallel, reduction;
  for (auto [i, iterator] : llvm::enumerate(iterators))
    (iterator == utils::IteratorType::parallel ? parallel : reduction)
        .push_back(i);
  SmallVector<unsigned> order(parallel.begin(), parallel.end() - 1);
  llvm::append_range(order, reduction);
  order.push_back(parallel.back());
  return order;
}

struct InnermostParallelLoopPass
    : public mlc::cpu::impl::InnermostParallelLoopBase<
          InnermostParallelLoopPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!getInterchange(op).empty())
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      SmallVector<unsigned> order = getInterchange(op);
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue; // keeps its loop order: correct, only slower
        generic = *generalized;
      }
      (void)linalg::interchangeGenericOp(rewriter, generic, order);
    }
  }
};

} // namespace
