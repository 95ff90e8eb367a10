//===- ParallelizeOps.cpp - The mlc-cpu-parallelize-ops pass --------------===//
//
// The linalg ops that no tile loop holds (elementwise chains, softmax and
// layer-norm reductions, pooling, im2col copies, transposes) otherwise run
// on one thread while the contractions around them use all: with 2 threads
// a model whose elementwise work is a third of its time scales by at most
// 1.5x. Each big one gets its outer parallel loop split into an scf.forall
// of a few chunks, which the pipeline lowers to an OpenMP worksharing loop
// like the contractions' tile loops.
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_PARALLELIZEOPS
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;

namespace {

/// Iterations (the product of the loop extents) below which an op stays on
/// one thread: an OpenMP region costs a few microseconds, about what 2^15
/// elementwise iterations take.
constexpr int64_t kMinParallelIterations = int64_t(1) << 15;
/// At least this many iterations per chunk, and at most kMaxChunks chunks
/// (enough to balance a few threads).
constexpr int64_t kMinChunkIterations = int64_t(1) << 14;
constexpr int64_t kMaxChunks = 8;

/// The tile sizes that split `op`'s first parallel loop of extent > 1 (not
/// the innermost loop of a nest) into chunks, or an empty vector when the
/// op is too small or not static.
SmallVector<int64_t> getChunkSizes(linalg::LinalgOp op) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t iterations = 1;
  for (int64_t r : ranges) {
    if (ShapedType::isDynamic(r))
      return {};
    iterations *= r;
  }
  if (iterations < kMinParallelIterations)
    return {};
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (auto [d, iterator] : llvm::enumerate(iterators)) {
    if (iterator != utils::IteratorType::parallel || ranges[d] < 2)
      continue;
    // The innermost loop of a nest is what LLVM vectorizes (the lanes of a
    // split reduction): it stays whole.
    if (d + 1 == iterators.size() && d != 0)
      return {};
    int64_t chunks =
        std::min({ranges[d], kMaxChunks, iterations / kMinChunkIterations});
    if (chunks < 2)
      return {};
    SmallVector<int64_t> sizes(ranges.size(), 0);
    sizes[d] = (ranges[d] + chunks - 1) / chunks;
    return sizes;
  }
  return {};
}

struct ParallelizeOpsPass
    : public mlc::cpu::impl::ParallelizeOpsBase<ParallelizeOpsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Only the ops directly in the function body: those in loops
    // (contraction tiles, control flow) are parallel or sequential by
    // their loops.
    SmallVector<linalg::LinalgOp> candidates;
    for (Block &block : func.getBody())
      for (Operation &op : block)
        if (auto linalgOp = dyn_cast<linalg::LinalgOp>(&op);
            linalgOp && linalgOp.hasPureTensorSemantics() &&
            !op.hasAttr(mlc::cpu::kVectorizeAttr))
          candidates.push_back(linalgOp);
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      SmallVector<int64_t> sizes = getChunkSizes(op);
      if (sizes.empty())
        continue;
      scf::SCFTilingOptions tiling;
      tiling.setTileSizes(getAsIndexOpFoldResult(&getContext(), sizes));
      tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> result = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), tiling);
      if (failed(result))
        continue;
      rewriter.replaceOp(op, result->replacements);
    }
  }
};

} // namespace
