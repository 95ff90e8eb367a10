//===- FuseEpilogues.cpp - The mlc-cpu-fuse-epilogues pass ----------------===//
//
// Turns a contraction (convolution, pooling, matmul) and its elementwise
// epilogue into one loop nest: the epilogue is tiled over its outer parallel
// loops and the contraction, with the ops that initialize its accumulator,
// is computed slice by slice inside the same loops.
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_FUSEEPILOGUES
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;

namespace {

/// The contraction whose whole result `epilogue` reads elementwise, when
/// nothing else reads it (fusing it then computes nothing twice).
linalg::LinalgOp getFusableProducer(linalg::LinalgOp epilogue) {
  if (!epilogue.hasPureTensorSemantics() ||
      epilogue.getNumReductionLoops() != 0 || epilogue.getNumLoops() < 2)
    return {};
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    auto producer = input->get().getDefiningOp<linalg::LinalgOp>();
    if (!producer || producer.getNumReductionLoops() == 0 ||
        !producer->hasOneUse() || producer->getNumResults() != 1)
      continue;
    if (!epilogue.getMatchingIndexingMap(input).isIdentity())
      continue;
    // Upstream tiling divides by the loop sizes: a reduction over an empty
    // dimension (static size 0) would crash it; it is cheap unfused anyway.
    if (llvm::is_contained(producer.getStaticLoopRanges(), 0))
      continue;
    return producer;
  }
  return {};
}

struct FuseEpiloguesPass
    : public mlc::cpu::impl::FuseEpiloguesBase<FuseEpiloguesPass> {
  void runOnOperation() override {
    SmallVector<std::pair<linalg::LinalgOp, linalg::LinalgOp>> groups;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (linalg::LinalgOp producer = getFusableProducer(op))
        groups.push_back({op, producer});
    });

    IRRewriter rewriter(&getContext());
    for (auto [epilogue, producer] : groups) {
      // One iteration per element of the outer loops; the innermost loop
      // stays whole so that it can be vectorized.
      SmallVector<int64_t> sizes(epilogue.getNumLoops(), 1);
      sizes.back() = 0;
      scf::SCFTilingOptions tiling;
      tiling.setTileSizes(getAsIndexOpFoldResult(&getContext(), sizes));
      scf::SCFTileAndFuseOptions options;
      options.setTilingOptions(tiling);
      Operation *root = producer.getOperation();
      options.setFusionControlFn(
          [root](tensor::ExtractSliceOp, OpResult original, bool isDestination)
              -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
            Operation *owner = original.getOwner();
            // The contraction, and what initializes its accumulator; never
            // the producers of its inputs (that would recompute them).
            if (owner == root ||
                (isDestination &&
                 isa<linalg::FillOp, linalg::BroadcastOp, linalg::GenericOp>(
                     owner) &&
                 cast<linalg::LinalgOp>(owner).getNumReductionLoops() == 0))
              return scf::SCFTileAndFuseOptions::ControlFnResult{};
            return std::nullopt;
          });
      rewriter.setInsertionPoint(epilogue);
      FailureOr<scf::SCFTileAndFuseResult> result =
          scf::tileConsumerAndFuseProducersUsingSCF(
              rewriter, cast<TilingInterface>(epilogue.getOperation()),
              options);
      if (failed(result)) {
        // Not fusing is correct, only slower: leave the ops as they are.
        continue;
      }
      for (auto [original, replacement] : result->replacements)
        rewriter.replaceAllUsesWith(original, replacement);
    }
  }
};

} // namespace
