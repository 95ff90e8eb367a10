//===- TileContractions.cpp - The mlc-cpu-tile-contractions pass ----------===//
//
// Cuts every contraction the tile strategy knows (matmul, batch matmul,
// NHWC convolution, depthwise convolution) into register tiles on tensors:
// the elementwise epilogue that consumes it and the ops that initialize its
// accumulator are fused into the tile loops, the reduction is cut into
// blocks and single steps, and windowed convolutions are decomposed to 1-D
// ones. mlc-cpu-vectorize-tiles then turns every marked op into vectors.
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"
#include "Strategy/TileStrategy.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_TILECONTRACTIONS
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;
using namespace mlc::cpu;

namespace {

/// The elementwise op that reads all of `op`'s result and nothing else
/// does, tile by tile over the same parallel loops: it is fused at the
/// register tile.
linalg::LinalgOp getEpilogue(linalg::LinalgOp op) {
  if (!op->hasOneUse())
    return {};
  OpOperand &use = *op->getUses().begin();
  auto epilogue = dyn_cast<linalg::LinalgOp>(use.getOwner());
  if (!epilogue || !epilogue.hasPureTensorSemantics() ||
      epilogue.getNumReductionLoops() != 0 ||
      epilogue.getNumLoops() != op.getNumParallelLoops() ||
      !epilogue.isDpsInput(&use) ||
      !epilogue.getMatchingIndexingMap(&use).isIdentity() ||
      llvm::any_of(epilogue.getIndexingMapsArray(),
                   [](AffineMap map) { return !map.isProjectedPermutation(); }))
    return {};
  for (OpOperand &init : epilogue.getDpsInitsMutable())
    if (!epilogue.getMatchingIndexingMap(&init).isIdentity())
      return {};
  return epilogue;
}

/// `sizes` restricted to the parallel loops of `op` (its output dims, in
/// order, for the named contractions the strategy tiles).
SmallVector<int64_t> getParallelPart(linalg::LinalgOp op,
                                     ArrayRef<int64_t> sizes) {
  SmallVector<int64_t> parallel;
  for (auto [size, iterator] : llvm::zip(sizes, op.getIteratorTypesArray()))
    if (iterator == utils::IteratorType::parallel)
      parallel.push_back(size);
  return parallel;
}

/// Tiles `op` by `sizes` (no-op when all are 0) and returns the tiled op.
FailureOr<linalg::LinalgOp> tile(RewriterBase &rewriter, linalg::LinalgOp op,
                                 ArrayRef<int64_t> sizes, StringRef loopMark) {
  if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
    return op;
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> result = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(result))
    return failure();
  rewriter.replaceOp(op, result->replacements);
  if (!loopMark.empty())
    for (LoopLikeOpInterface loop : result->loops)
      loop->setAttr(loopMark, rewriter.getUnitAttr());
  return cast<linalg::LinalgOp>(result->tiledOps.back());
}

/// The 2-D convolution tile with one output row and one filter row as a
/// 1-D convolution, which the vectorizer handles.
FailureOr<linalg::LinalgOp> decompose(linalg::LinalgOp op) {
  PatternRewriter rewriter(op->getContext());
  rewriter.setInsertionPoint(op);
  if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation())) {
    linalg::DownscaleSizeOneWindowed2DConvolution<linalg::Conv2DNhwcHwcfOp,
                                                  linalg::Conv1DNwcWcfOp>
        pattern(op->getContext());
    FailureOr<linalg::Conv1DNwcWcfOp> conv1d =
        pattern.returningMatchAndRewrite(conv, rewriter);
    if (failed(conv1d))
      return failure();
    return cast<linalg::LinalgOp>(conv1d->getOperation());
  }
  if (auto conv =
          dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(op.getOperation())) {
    linalg::DownscaleDepthwiseConv2DNhwcHwcOp pattern(op->getContext());
    FailureOr<linalg::DepthwiseConv1DNwcWcOp> conv1d =
        pattern.returningMatchAndRewrite(conv, rewriter);
    if (failed(conv1d))
      return failure();
    return cast<linalg::LinalgOp>(conv1d->getOperation());
  }
  return op;
}

/// Tiles `op` (and its epilogue) by `strategy`; leaves the IR unchanged and
/// fails when upstream tiling refuses.
LogicalResult tileContraction(RewriterBase &rewriter, linalg::LinalgOp op,
                              const TileStrategy &strategy, bool parallel) {
  // The register tile: the epilogue when there is one, else the
  // contraction itself, tiled over the parallel loops, with the
  // contraction and its accumulator's initialization fused in.
  linalg::LinalgOp root = getEpilogue(op);
  bool cacheTiled = !strategy.cacheTile.empty();
  // Read from `op` now: it is erased once its tiles replace it.
  SmallVector<int64_t> registerSizes =
      getParallelPart(op, strategy.registerTile);
  SmallVector<int64_t> sizes =
      cacheTiled ? strategy.cacheTile : strategy.registerTile;
  SmallVector<int64_t> interchange = strategy.interchange;
  if (root) {
    sizes = getParallelPart(op, sizes);
    if (!interchange.empty())
      interchange = getParallelPart(op, interchange);
  } else {
    root = op;
  }
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
  if (!interchange.empty())
    tiling.setInterchange(interchange);
  // The outer tiles write disjoint slices of the result: one scf.forall
  // over all of them when they are worth spreading over threads.
  if (parallel && strategy.parallel)
    tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  Operation *contraction = op.getOperation();
  Value accumulatorInit = op.getDpsInitOperand(0)->get();
  options.setFusionControlFn(
      [contraction, accumulatorInit](tensor::ExtractSliceOp, OpResult original,
                                     bool isDestination)
          -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        Operation *owner = original.getOwner();
        // The contraction and what initializes its accumulator (fill, bias
        // broadcast), which is the loops' destination without an epilogue
        // and the contraction's own init with one; never the producers of
        // its inputs, which the tiles would recompute.
        auto initializer = dyn_cast<linalg::LinalgOp>(owner);
        if (owner == contraction ||
            ((isDestination || original == accumulatorInit) && initializer &&
             initializer.getNumReductionLoops() == 0))
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        return std::nullopt;
      });
  OperationName contractionName = op->getName();
  rewriter.setInsertionPoint(root);
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(root.getOperation()), options);
  if (failed(result))
    return failure();
  for (auto [original, replacement] : result->replacements)
    rewriter.replaceAllUsesWith(original, replacement);
  if (root != op && root->use_empty())
    rewriter.eraseOp(root);
  if (op->use_empty())
    rewriter.eraseOp(op);

  linalg::LinalgOp tiled;
  for (Operation *fused : result->tiledAndFusedOps)
    if (fused->getName() == contractionName)
      tiled = cast<linalg::LinalgOp>(fused);
  if (!tiled || result->loops.empty())
    return failure();

  // The ops fused at the cache tile (accumulator initialization,
  // epilogue) are vectorized by register tiles too, not as one vector the
  // size of the cache tile. Collected before the contraction is tiled
  // again: that erases `tiled`, which tiledAndFusedOps still lists
  // (a use after free that ASan found).
  SmallVector<linalg::LinalgOp> cacheLevelOps;
  if (cacheTiled)
    for (Operation *fused : result->tiledAndFusedOps)
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(fused);
          linalgOp && fused->getName() != contractionName &&
          linalgOp.getNumReductionLoops() == 0 &&
          linalgOp.getNumLoops() == registerSizes.size())
        cacheLevelOps.push_back(linalgOp);

  // The reduction: blocks, then single steps whose terms are summed from
  // zero and added to the accumulator once per block.
  FailureOr<linalg::LinalgOp> blocked =
      tile(rewriter, tiled, strategy.reductionBlock, "");
  if (failed(blocked))
    return failure();
  if (cacheTiled) {
    blocked = tile(rewriter, *blocked, strategy.registerTile, "");
    if (failed(blocked))
      return failure();
    for (linalg::LinalgOp cacheLevelOp : cacheLevelOps)
      if (failed(tile(rewriter, cacheLevelOp, registerSizes, "")))
        return failure();
  }
  FailureOr<linalg::LinalgOp> stepped =
      tile(rewriter, *blocked, strategy.reductionStep, kPartialSumLoopAttr);
  if (failed(stepped))
    return failure();
  if (failed(decompose(*stepped)))
    return failure();

  result->loops.front()->walk([&](linalg::LinalgOp inner) {
    inner->setAttr(kVectorizeAttr, rewriter.getUnitAttr());
  });
  return success();
}

struct TileContractionsPass
    : public mlc::cpu::impl::TileContractionsBase<TileContractionsPass> {
  using TileContractionsBase::TileContractionsBase;

  void runOnOperation() override {
    FailureOr<CPUTarget> target = CPUTarget::fromIsaName(isa);
    if (failed(target)) {
      getOperation().emitError() << "unknown ISA '" << isa
                                 << "' (expected scalar, avx2, avx512 or neon)";
      return signalPassFailure();
    }
    std::vector<std::pair<linalg::LinalgOp, TileStrategy>> work;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (std::optional<TileStrategy> s = getTileStrategy(op, *target))
        work.push_back({op, *s});
    });
    IRRewriter rewriter(&getContext());
    for (auto &[op, strategy] : work) {
      // A refusal of upstream tiling leaves the op to the loop lowering:
      // slower, still correct.
      (void)tileContraction(rewriter, op, strategy, parallel);
    }
  }
};

} // namespace
