//===- BlockedAccumulation.cpp - The mlc-cpu-blocked-accumulation pass ----===//
//
// Splits the long float sums of convolutions, matmuls and reductions into
// blocks that each accumulate from zero, then adds the block sums to the
// accumulator: the rounding error of a sum of K terms then grows with the
// block length and the block count, not with K.
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_BLOCKEDACCUMULATION
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;

namespace {

/// How a sum is split: reduction loop `dim` (of static size `blocks *
/// blockSize`) becomes `blocks` blocks of `blockSize` iterations.
struct Split {
  unsigned dim;
  int64_t blocks;
  int64_t blockSize;
};

/// Whether the body of `op` (one float init) is `yield addf(acc, x)` (in
/// either operand order) with the accumulator used nowhere else and no
/// linalg.index (whose values the new loop numbering would change).
bool isSumOfTerms(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  BlockArgument acc = body->getArguments().back();
  if (!acc.hasOneUse() || !body->getOps<linalg::IndexOp>().empty())
    return false;
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  return add && add->getBlock() == body &&
         (add.getLhs() == acc || add.getRhs() == acc);
}

/// Whether every input that reads loop `dim` reads it as one whole tensor
/// dimension (the channels of a convolution, the K of a matmul), which can
/// then be reshaped into [blocks, blockSize]; a window loop read as `oh + kh`
/// cannot.
bool isSplittable(linalg::LinalgOp op, unsigned dim) {
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    int64_t plain = 0;
    for (AffineExpr e : map.getResults()) {
      if (auto d = dyn_cast<AffineDimExpr>(e)) {
        plain += d.getPosition() == dim;
        continue;
      }
      if (e.isFunctionOfDim(dim))
        return false;
    }
    if (plain > 1)
      return false;
  }
  return true;
}

/// The split of `op`'s outermost reduction loop into the most terms per block
/// (at most `maxBlock`), or nothing when the sum is short already or `op` is
/// not a float sum with static reduction loops.
std::optional<Split> getSplit(linalg::LinalgOp op, int64_t maxBlock) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
      op->getNumResults() != 1 || op.getNumReductionLoops() == 0 ||
      !isa<FloatType>(getElementTypeOrSelf(op->getResult(0).getType())) ||
      !isSumOfTerms(op))
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<unsigned> reductionDims;
  op.getReductionDims(reductionDims);
  int64_t terms = 1;
  for (unsigned d : reductionDims) {
    if (ShapedType::isDynamic(ranges[d]))
      return std::nullopt;
    terms *= ranges[d];
  }
  if (terms <= maxBlock)
    return std::nullopt;
  for (unsigned d : reductionDims) {
    int64_t size = ranges[d];
    if (size < 2 || !isSplittable(op, d))
      continue;
    int64_t inner = terms / size;
    int64_t blockSize = 1;
    for (int64_t b = size / 2; b >= 1; --b)
      if (size % b == 0 && b * inner <= maxBlock) {
        blockSize = b;
        break;
      }
    return Split{d, size / blockSize, blockSize};
  }
  return std::nullopt;
}

/// `map` over the loops of the split op (loop 0 the block, loop i + 1 the
/// original loop i), with the result that read the split loop replaced by
/// the two dims [block, index in block] of the reshaped operand.
AffineMap splitMap(AffineMap map, const Split &split) {
  MLIRContext *ctx = map.getContext();
  SmallVector<AffineExpr> results;
  for (AffineExpr e : map.getResults()) {
    if (auto d = dyn_cast<AffineDimExpr>(e); d && d.getPosition() == split.dim)
      results.push_back(getAffineDimExpr(0, ctx));
    results.push_back(e.shiftDims(map.getNumDims(), 1));
  }
  return AffineMap::get(map.getNumDims() + 1, 0, results, ctx);
}

/// `input` with the tensor dimension that `map` reads the split loop from
/// reshaped into [blocks, blockSize], or `input` when it does not read it.
Value splitOperand(OpBuilder &b, Location loc, Value input, AffineMap map,
                   const Split &split) {
  std::optional<unsigned> position =
      map.getResultPosition(getAffineDimExpr(split.dim, map.getContext()));
  if (!position)
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  SmallVector<ReassociationIndices> reassociation;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    ReassociationIndices group = {static_cast<int64_t>(shape.size())};
    if (i == *position) {
      shape.push_back(split.blocks);
      group.push_back(static_cast<int64_t>(shape.size()));
      shape.push_back(split.blockSize);
    } else {
      shape.push_back(type.getDimSize(i));
    }
    reassociation.push_back(group);
  }
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), input,
      reassociation);
}

/// Rewrites `op` into block sums partial[block, out...] = sum over the block
/// (from zero) and out = init + partial[0] + partial[1] + ...
LogicalResult splitAccumulation(RewriterBase &rewriter, linalg::LinalgOp op,
                                const Split &split) {
  rewriter.setInsertionPoint(op);
  linalg::GenericOp generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic) {
    FailureOr<linalg::GenericOp> generalized =
        linalg::generalizeNamedOp(rewriter, op);
    if (failed(generalized))
      return failure();
    generic = *generalized;
  }
  Location loc = generic.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  Value init = generic.getDpsInits()[0];
  auto initType = cast<RankedTensorType>(init.getType());
  Type elementType = initType.getElementType();

  // The block sums, one accumulator per block, zero-initialized.
  SmallVector<int64_t> partialShape = {split.blocks};
  llvm::append_range(partialShape, initType.getShape());
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < initType.getRank(); ++d)
    if (initType.isDynamicDim(d))
      dynamicSizes.push_back(tensor::DimOp::create(rewriter, loc, init, d));
  auto partialType = RankedTensorType::get(partialShape, elementType);
  Value empty =
      tensor::EmptyOp::create(rewriter, loc, partialType, dynamicSizes);
  Value zero = arith::ConstantOp::create(rewriter, loc,
                                         rewriter.getZeroAttr(elementType));
  Value partialInit =
      linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);

  SmallVector<AffineMap> maps;
  SmallVector<Value> inputs;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    AffineMap map = generic.getMatchingIndexingMap(input);
    inputs.push_back(splitOperand(rewriter, loc, input->get(), map, split));
    maps.push_back(splitMap(map, split));
  }
  AffineMap outMap =
      generic.getMatchingIndexingMap(generic.getDpsInitOperand(0));
  SmallVector<AffineExpr> partialExprs = {getAffineDimExpr(0, ctx)};
  for (AffineExpr e : outMap.getResults())
    partialExprs.push_back(e.shiftDims(outMap.getNumDims(), 1));
  maps.push_back(AffineMap::get(outMap.getNumDims() + 1, 0, partialExprs, ctx));
  SmallVector<utils::IteratorType> iterators = {utils::IteratorType::parallel};
  llvm::append_range(iterators, generic.getIteratorTypesArray());
  auto partial =
      linalg::GenericOp::create(rewriter, loc, TypeRange{partialType}, inputs,
                                ValueRange{partialInit}, maps, iterators);
  rewriter.cloneRegionBefore(generic.getRegion(), partial.getRegion(),
                             partial.getRegion().end());

  // init + partial[0] + partial[1] + ...: the block loop is the reduction.
  int64_t rank = initType.getRank();
  SmallVector<AffineExpr> blockFirst = {getAffineDimExpr(rank, ctx)};
  for (int64_t d = 0; d < rank; ++d)
    blockFirst.push_back(getAffineDimExpr(d, ctx));
  // The output map, built explicitly: getMajorSubMap(0) of a rank-0
  // output (a full reduction) is a null map.
  SmallVector<AffineExpr> outerDims;
  for (int64_t d = 0; d < rank; ++d)
    outerDims.push_back(getAffineDimExpr(d, ctx));
  AffineMap sumMaps[] = {AffineMap::get(rank + 1, 0, blockFirst, ctx),
                         AffineMap::get(rank + 1, 0, outerDims, ctx)};
  SmallVector<utils::IteratorType> sumIterators(rank,
                                                utils::IteratorType::parallel);
  sumIterators.push_back(utils::IteratorType::reduction);
  auto sum = linalg::GenericOp::create(
      rewriter, loc, TypeRange{initType}, ValueRange{partial.getResult(0)},
      ValueRange{init}, sumMaps, sumIterators,
      [](OpBuilder &b, Location nloc, ValueRange args) {
        Value added = arith::AddFOp::create(b, nloc, args[1], args[0]);
        linalg::YieldOp::create(b, nloc, added);
      });
  rewriter.replaceOp(generic, sum.getResult(0));
  return success();
}

struct BlockedAccumulationPass
    : public mlc::cpu::impl::BlockedAccumulationBase<BlockedAccumulationPass> {
  using BlockedAccumulationBase::BlockedAccumulationBase;

  void runOnOperation() override {
    SmallVector<std::pair<linalg::LinalgOp, Split>> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (std::optional<Split> split = getSplit(op, maxBlock))
        candidates.push_back({op, *split});
    });
    IRRewriter rewriter(&getContext());
    for (auto [op, split] : candidates)
      (void)splitAccumulation(rewriter, op,
                              split); // unsplit is only less exact
  }
};

} // namespace
