//===- VectorizeTiles.cpp - The mlc-cpu-vectorize-tiles pass --------------===//
//
// Turns the register tiles that mlc-cpu-tile-contractions marked into
// vector code: every marked linalg op is vectorized (contractions become
// vector.contract), the accumulator tile is hoisted out of the reduction
// loops into registers (loop-carried vectors, on tensors), each reduction
// block sums from zero before it joins the accumulator, and contractions
// are lowered to outer products (broadcast + FMA).
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_VECTORIZETILES
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;
using namespace mlc::cpu;

namespace {

/// Every canonicalization pattern of the context, as `canonicalize` has.
void addCanonicalizationPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
}

/// Whether every use of `acc` adds to it: it is the accumulator of
/// contractions (through shape casts), so the loop may start from zero and
/// add its result to `acc`'s initial value afterwards.
bool isOnlyAccumulated(Value acc) {
  for (OpOperand &use : acc.getUses()) {
    Operation *user = use.getOwner();
    if (auto contract = dyn_cast<vector::ContractionOp>(user)) {
      if (use.getOperandNumber() != 2)
        return false;
      continue;
    }
    if (auto cast = dyn_cast<vector::ShapeCastOp>(user)) {
      if (!isOnlyAccumulated(cast.getResult()))
        return false;
      continue;
    }
    if (isa<scf::YieldOp>(user))
      continue;
    return false;
  }
  return true;
}

/// Blocked summation: a reduction-step loop marked by the tiling carries
/// its accumulator from zero and adds it to the incoming accumulator once,
/// after the loop.
void sumBlocksFromZero(RewriterBase &rewriter, scf::ForOp loop) {
  for (auto [index, arg] : llvm::enumerate(loop.getRegionIterArgs())) {
    auto type = dyn_cast<VectorType>(arg.getType());
    if (!type || !isa<FloatType>(type.getElementType()) ||
        !isOnlyAccumulated(arg))
      continue;
    // The loop must yield what the contractions made of the argument.
    Value yielded = loop.getYieldedValues()[index];
    if (yielded == arg)
      continue;
    OpOperand &init = loop.getInitArgsMutable()[index];
    Value incoming = init.get();
    rewriter.setInsertionPoint(loop);
    Value zero = arith::ConstantOp::create(
        rewriter, loop.getLoc(), type,
        DenseElementsAttr::get(type,
                               rewriter.getZeroAttr(type.getElementType())));
    rewriter.modifyOpInPlace(loop, [&] { init.set(zero); });
    rewriter.setInsertionPointAfter(loop);
    Value result = loop.getResult(index);
    auto sum = arith::AddFOp::create(rewriter, loop.getLoc(), incoming, result);
    rewriter.replaceAllUsesExcept(result, sum.getResult(), sum);
  }
}

/// A read of a whole tile just written: `transfer_read(transfer_write(%v,
/// %tile))` where the write covers all of %tile and the read takes its
/// elements back in order, only without leading unit dims, is %v reshaped.
/// Such pairs initialize the accumulators of a tile (a bias broadcast
/// written into the tile, read back as the rank-reduced accumulator);
/// without this fold each tile would allocate a buffer for the round trip.
struct ForwardWholeTileWrite : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    auto write = read.getBase().getDefiningOp<vector::TransferWriteOp>();
    if (!write || write.getMask() || read.getMask())
      return failure();
    auto tile = dyn_cast<RankedTensorType>(write.getBase().getType());
    VectorType written = write.getVectorType();
    VectorType readType = read.getVectorType();
    if (!tile || written.getShape() != tile.getShape() ||
        !write.getPermutationMap().isIdentity() ||
        !read.getPermutationMap().isMinorIdentity() ||
        readType.getNumElements() != written.getNumElements() ||
        readType.getShape() != tile.getShape().take_back(readType.getRank()))
      return failure();
    auto isZero = [](Value v) { return isConstantIntValue(v, 0); };
    if (!llvm::all_of(write.getIndices(), isZero) ||
        !llvm::all_of(read.getIndices(), isZero))
      return failure();
    rewriter.replaceOpWithNewOp<vector::ShapeCastOp>(read, readType,
                                                     write.getValueToStore());
    return success();
  }
};

struct VectorizeTilesPass
    : public mlc::cpu::impl::VectorizeTilesBase<VectorizeTilesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);

    SmallVector<linalg::LinalgOp> marked;
    func.walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kVectorizeAttr))
        marked.push_back(op);
    });
    if (marked.empty())
      return;
    for (linalg::LinalgOp op : marked) {
      op->removeAttr(kVectorizeAttr);
      if (op.hasDynamicShape())
        continue; // a tile of a non-dividing size keeps its loops
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::VectorizationResult> result =
          linalg::vectorize(rewriter, op);
      if (failed(result))
        continue; // the loop lowering still computes it
      if (op->getNumResults() == 0)
        rewriter.eraseOp(op);
      else
        rewriter.replaceOp(op, result->replacements);
    }

    // Reads and writes of the tiles folded into plain vector transfers,
    // reductions into contractions, unit dims dropped.
    {
      RewritePatternSet patterns(ctx);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      vector::populateVectorReductionToContractPatterns(patterns);
      vector::populateSinkVectorOpsPatterns(patterns);
      tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
      vector::populateDropUnitDimWithShapeCastPatterns(patterns);
      patterns.add<ForwardWholeTileWrite>(ctx);
      addCanonicalizationPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    {
      DominanceInfo dominance(func);
      eliminateCommonSubExpressions(rewriter, dominance, func);
    }

    // The accumulator tile out of the reduction loops, innermost first.
    func.walk([&](scf::ForOp loop) {
      (void)hoistLoopInvariantSubsets(
          rewriter, cast<LoopLikeOpInterface>(loop.getOperation()));
    });
    func.walk([&](scf::ForOp loop) {
      if (loop->hasAttr(kPartialSumLoopAttr)) {
        loop->removeAttr(kPartialSumLoopAttr);
        sumBlocksFromZero(rewriter, loop);
      }
    });

    // Contractions -> outer products -> broadcasts and FMAs.
    {
      RewritePatternSet patterns(ctx);
      vector::populateVectorContractLoweringPatterns(
          patterns, vector::VectorContractLowering::OuterProduct);
      vector::populateVectorOuterProductLoweringPatterns(patterns);
      vector::populateDropUnitDimWithShapeCastPatterns(patterns);
      // The accumulators read back after hoisting.
      patterns.add<ForwardWholeTileWrite>(ctx);
      addCanonicalizationPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
  }
};

} // namespace
