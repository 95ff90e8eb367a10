//===- ParallelDimsFirst.cpp - Parallel loops of generics outermost -------===//
//
// convert-linalg-to-parallel-loops maps only the outermost run of parallel
// iterators onto scf.parallel; a reduction that comes before a parallel
// dimension (a global pool over NHWC: a linalg.reduce over h and w, then c)
// would run in one GPU thread. Interchanging the loops so that every
// parallel iterator precedes the reductions gives each output element its
// own thread.
//
//===----------------------------------------------------------------------===//

#include "CUDAPasses.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlc::cuda {
#define GEN_PASS_DEF_PARALLELDIMSFIRST
#include "CUDAPasses.h.inc"
} // namespace mlc::cuda

using namespace mlir;
using namespace mlc;

namespace {
struct ParallelDimsFirstPattern : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    SmallVector<unsigned> order;
    for (auto [i, type] : llvm::enumerate(iterators))
      if (type == utils::IteratorType::parallel)
        order.push_back(i);
    for (auto [i, type] : llvm::enumerate(iterators))
      if (type != utils::IteratorType::parallel)
        order.push_back(i);
    if (llvm::equal(order, llvm::seq<unsigned>(0, iterators.size())))
      return rewriter.notifyMatchFailure(op, "parallel loops already first");
    // Named ops (linalg.reduce, pooling) are generalized first.
    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    if (!generic) {
      FailureOr<linalg::GenericOp> generalized =
          linalg::generalizeNamedOp(rewriter, op);
      if (failed(generalized))
        return rewriter.notifyMatchFailure(op, "cannot generalize");
      generic = *generalized;
    }
    if (failed(linalg::interchangeGenericOp(rewriter, generic, order)))
      return rewriter.notifyMatchFailure(op, "interchange failed");
    return success();
  }
};
} // namespace

void cuda::populateParallelDimsFirstPatterns(RewritePatternSet &patterns) {
  patterns.add<ParallelDimsFirstPattern>(patterns.getContext());
}

namespace {
struct ParallelDimsFirstPass
    : cuda::impl::ParallelDimsFirstBase<ParallelDimsFirstPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    cuda::populateParallelDimsFirstPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
