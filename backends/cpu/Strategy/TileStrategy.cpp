//===- TileStrategy.cpp - Per-op tiling choices of the CPU backend --------===//
//
// Register tiles follow the measurements of shared/cpu-codegen: a matmul
// tile of MR rows x NR columns (NR two vector registers wide) holds MR * 2
// accumulators, leaving registers for the B row and the A broadcast; a
// direct convolution keeps half the register file in accumulators because
// its window loop (kw) reads a different input vector per tap.
//
//===----------------------------------------------------------------------===//

#include "Strategy/TileStrategy.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlc::cpu;

namespace {

/// The largest divisor of `size` that is at most `limit` (1 at least).
int64_t largestDivisorAtMost(int64_t size, int64_t limit) {
  for (int64_t d = std::min(size, limit); d > 1; --d)
    if (size % d == 0)
      return d;
  return 1;
}

/// A register tile of rows x cols accumulators: `cols` a whole number of
/// vector registers (at most two) dividing `colSize`, `rows` dividing
/// `rowSize`, at most `budget` accumulator registers in all. The tile with
/// the most accumulators wins (more FMAs per load), the wider on a tie.
/// Failing that, on 16-lane ISAs, one half-width vector per row.
struct RegisterTile {
  int64_t rows, cols;
};
std::optional<RegisterTile> getRegisterTile(int64_t rowSize, int64_t colSize,
                                            int64_t lanes, int64_t budget,
                                            int64_t maxRows) {
  std::optional<RegisterTile> best;
  int64_t bestAccumulators = 0;
  for (int64_t vectors = 2; vectors >= 1; --vectors) {
    if (colSize % (vectors * lanes) != 0)
      continue;
    int64_t rows = largestDivisorAtMost(
        rowSize, std::min(maxRows, std::max<int64_t>(1, budget / vectors)));
    if (rows * vectors > bestAccumulators) {
      best = RegisterTile{rows, vectors * lanes};
      bestAccumulators = rows * vectors;
    }
  }
  // Channels that are a multiple of half a vector only (24 on AVX-512):
  // half-width vectors (ymm), one per row, rather than the loop lowering.
  if (!best && lanes >= 16 && colSize % (lanes / 2) == 0)
    best = RegisterTile{
        largestDivisorAtMost(rowSize,
                             std::min(maxRows, std::max<int64_t>(1, budget))),
        lanes / 2};
  return best;
}

/// Terms summed into one block before they join the accumulator: as
/// mlc-cpu-blocked-accumulation does for the loop lowering, at most 128.
constexpr int64_t kMaxBlockTerms = 128;

std::optional<ContractionKind> getKind(linalg::LinalgOp op) {
  // A named matmul with transposed or broadcast operands keeps the loops.
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) &&
      op.hasUserDefinedMaps())
    return std::nullopt;
  if (isa<linalg::MatmulOp>(op))
    return ContractionKind::Matmul;
  if (isa<linalg::BatchMatmulOp>(op))
    return ContractionKind::BatchMatmul;
  if (isa<linalg::Conv2DNhwcHwcfOp>(op))
    return ContractionKind::ConvNhwcHwcf;
  if (isa<linalg::DepthwiseConv2DNhwcHwcOp>(op))
    return ContractionKind::DepthwiseNhwcHwc;
  if (isa<linalg::GenericOp>(op) && linalg::isaContractionOpInterface(op))
    return ContractionKind::GenericContraction;
  return std::nullopt;
}

} // namespace

namespace {
/// The tiles of `op`, a contraction of `kind` with static loop `ranges`.
std::optional<TileStrategy> chooseTiles(linalg::LinalgOp op,
                                        ContractionKind kind,
                                        ArrayRef<int64_t> ranges,
                                        const CPUTarget &target);
} // namespace

std::optional<TileStrategy> mlc::cpu::getTileStrategy(linalg::LinalgOp op,
                                                      const CPUTarget &target) {
  if (target.isa == VectorIsa::Scalar || !op.hasPureTensorSemantics() ||
      op->getNumResults() != 1)
    return std::nullopt;
  std::optional<ContractionKind> kind = getKind(op);
  if (!kind)
    return std::nullopt;
  // Only f32 has register tiles so far; f16/bf16 inputs widen to f32
  // accumulators in the loop lowering.
  for (Value operand : op->getOperands())
    if (!getElementTypeOrSelf(operand.getType()).isF32())
      return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, [](int64_t r) { return r <= 0; }))
    return std::nullopt; // dynamic (or empty) loops keep the loop lowering
  std::optional<TileStrategy> s = chooseTiles(op, *kind, ranges, target);
  if (!s)
    return std::nullopt;
  // The outer tile loops go parallel when the op has work enough and
  // more than one outer tile.
  uint64_t macs = 1;
  for (int64_t r : ranges)
    macs = llvm::SaturatingMultiply<uint64_t>(macs, r);
  ArrayRef<int64_t> outer =
      s->cacheTile.empty() ? s->registerTile : s->cacheTile;
  int64_t outerTiles = 1;
  for (auto [range, size] : llvm::zip(ranges, outer))
    if (size != 0)
      outerTiles *= range / size;
  s->parallel = macs >= uint64_t(kMinParallelMacs) && outerTiles > 1;
  return s;
}

namespace {
std::optional<TileStrategy> chooseTiles(linalg::LinalgOp op,
                                        ContractionKind kind,
                                        ArrayRef<int64_t> ranges,
                                        const CPUTarget &target) {
  int64_t lanes = target.getF32Lanes();
  // Registers left for accumulators: the B row (two vectors) and the A
  // broadcast stay live beside them.
  int64_t accumulators = target.vectorRegisters - 4;
  TileStrategy s;
  switch (kind) {
  case ContractionKind::Matmul:
  case ContractionKind::BatchMatmul: {
    bool batched = kind == ContractionKind::BatchMatmul;
    int64_t m = ranges[batched], n = ranges[batched + 1],
            k = ranges[batched + 2];
    std::optional<RegisterTile> tile =
        getRegisterTile(m, n, lanes, accumulators, /*maxRows=*/8);
    if (!tile)
      return std::nullopt;
    int64_t mr = tile->rows;
    std::optional<int64_t> nr = tile->cols;
    int64_t kb = largestDivisorAtMost(k, kMaxBlockTerms);
    // Cache tile: whole register tiles, dividing the dims (a partial tile
    // would have dynamic sizes, which the vectorizer skips); its A block
    // (MC x KB) and B block (KB x NC) stay in L1/L2.
    int64_t mc =
        mr * largestDivisorAtMost(m / mr, std::max<int64_t>(1, 96 / mr));
    int64_t nc =
        *nr * largestDivisorAtMost(n / *nr, std::max<int64_t>(1, 128 / *nr));
    s.cacheTile = {mc, nc, 0};
    s.registerTile = {mr, *nr, 0};
    s.reductionBlock = {0, 0, kb};
    s.reductionStep = {0, 0, 1};
    if (batched)
      for (SmallVector<int64_t> *sizes :
           {&s.cacheTile, &s.registerTile, &s.reductionBlock, &s.reductionStep})
        sizes->insert(sizes->begin(), sizes == &s.cacheTile ? 1 : 0);
    return s;
  }
  case ContractionKind::ConvNhwcHwcf: {
    // Loops (n, oh, ow, f, kh, kw, c).
    int64_t oh = ranges[1], ow = ranges[2], f = ranges[3], kh = ranges[4],
            kw = ranges[5], c = ranges[6];
    std::optional<RegisterTile> tile = getRegisterTile(
        ow, f, lanes, target.vectorRegisters / 2, /*maxRows=*/8);
    if (!tile)
      return std::nullopt;
    int64_t cb =
        largestDivisorAtMost(c, std::max<int64_t>(1, kMaxBlockTerms / kw));
    s.registerTile = {1, 1, tile->rows, tile->cols, 0, 0, 0};
    s.reductionBlock = {0, 0, 0, 0, 1, 0, cb};
    s.reductionStep = {0, 0, 0, 0, 0, 0, 1};
    // When the filter outweighs the image (the deep layers), sweep every
    // pixel for one panel of output channels, which then stays in cache,
    // instead of reading the whole filter again for every row of pixels.
    if (kh * kw * c * f > oh * ow * c)
      s.interchange = {0, 3, 1, 2, 4, 5, 6};
    return s;
  }
  case ContractionKind::GenericContraction: {
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (failed(dims) || dims->k.size() != 1 || dims->n.empty() ||
        dims->m.empty())
      return std::nullopt;
    // The output is stored row-major in loop order, its last dim is the n
    // of the tile (other n dims, from unit dims of B, must be unit), and
    // the operand that reads n reads it contiguously.
    AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    if (!out.isProjectedPermutation() || out.getNumResults() == 0)
      return std::nullopt;
    unsigned n = cast<AffineDimExpr>(out.getResults().back()).getPosition();
    unsigned k = dims->k.front();
    if (!llvm::is_contained(dims->n, n) ||
        llvm::any_of(dims->n,
                     [&](unsigned d) { return d != n && ranges[d] != 1; }))
      return std::nullopt;
    for (OpOperand *input : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(input);
      if (!map.isProjectedPermutation())
        return std::nullopt;
      if (map.getResultPosition(getAffineDimExpr(n, op.getContext())) &&
          map.getResults().back() != getAffineDimExpr(n, op.getContext()))
        return std::nullopt;
    }
    // The innermost m loop (in output order) longer than 1 gives the rows
    // of the tile.
    unsigned m = dims->m.front();
    for (AffineExpr e : out.getResults()) {
      unsigned d = cast<AffineDimExpr>(e).getPosition();
      if (llvm::is_contained(dims->m, d) && (ranges[d] > 1 || ranges[m] == 1))
        m = d;
    }
    std::optional<RegisterTile> tile = getRegisterTile(
        ranges[m], ranges[n], lanes, accumulators, /*maxRows=*/8);
    if (!tile)
      return std::nullopt;
    int64_t loops = ranges.size();
    s.registerTile.assign(loops, 0);
    s.reductionBlock.assign(loops, 0);
    s.reductionStep.assign(loops, 0);
    for (unsigned d : dims->batch)
      s.registerTile[d] = 1;
    for (unsigned d : dims->m)
      s.registerTile[d] = 1;
    for (unsigned d : dims->n)
      s.registerTile[d] = 1;
    s.registerTile[m] = tile->rows;
    s.registerTile[n] = tile->cols;
    s.reductionBlock[k] = largestDivisorAtMost(ranges[k], kMaxBlockTerms);
    s.reductionStep[k] = 1;
    return s;
  }
  case ContractionKind::DepthwiseNhwcHwc: {
    // Loops (n, oh, ow, c, kh, kw): no reduction over channels, the window
    // is short; one row of the window at a time.
    int64_t ow = ranges[2], c = ranges[3];
    std::optional<RegisterTile> tile = getRegisterTile(
        ow, c, lanes, target.vectorRegisters / 2, /*maxRows=*/8);
    if (!tile)
      return std::nullopt;
    s.registerTile = {1, 1, tile->rows, tile->cols, 0, 0};
    s.reductionBlock = {0, 0, 0, 0, 1, 0};
    s.reductionStep = {};
    return s;
  }
  }
  return std::nullopt;
}
} // namespace
