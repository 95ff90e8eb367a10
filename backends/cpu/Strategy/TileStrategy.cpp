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

/// The widest tile of `size` elements that is a whole number of vector
/// registers, at most `maxVectors` of them; nothing when `size` is not a
/// multiple of the vector width.
std::optional<int64_t> getVectorTile(int64_t size, int64_t lanes,
                                     int64_t maxVectors) {
  for (int64_t v = maxVectors; v >= 1; --v)
    if (size % (v * lanes) == 0)
      return v * lanes;
  return std::nullopt;
}

/// Terms summed into one block before they join the accumulator: as
/// mlc-cpu-blocked-accumulation does for the loop lowering, at most 128.
constexpr int64_t kMaxBlockTerms = 128;

std::optional<ContractionKind> getKind(linalg::LinalgOp op) {
  if (isa<linalg::MatmulOp>(op)) {
    // A matmul with transposed or broadcast operands keeps the loops.
    auto matmul = cast<linalg::MatmulOp>(op);
    if (!matmul.hasUserDefinedMaps())
      return ContractionKind::Matmul;
    return std::nullopt;
  }
  if (auto bmm = dyn_cast<linalg::BatchMatmulOp>(op.getOperation()))
    return bmm.hasUserDefinedMaps()
               ? std::nullopt
               : std::optional(ContractionKind::BatchMatmul);
  if (isa<linalg::Conv2DNhwcHwcfOp>(op))
    return ContractionKind::ConvNhwcHwcf;
  if (isa<linalg::DepthwiseConv2DNhwcHwcOp>(op))
    return ContractionKind::DepthwiseNhwcHwc;
  return std::nullopt;
}

} // namespace

std::optional<TileStrategy>
mlc::cpu::getTileStrategy(linalg::LinalgOp op, const CPUTarget &target) {
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

  int64_t lanes = target.getF32Lanes();
  // Registers left for accumulators: the B row (two vectors) and the A
  // broadcast stay live beside them.
  int64_t accumulators = target.vectorRegisters - 4;
  TileStrategy s;
  s.kind = *kind;
  switch (*kind) {
  case ContractionKind::Matmul:
  case ContractionKind::BatchMatmul: {
    bool batched = *kind == ContractionKind::BatchMatmul;
    int64_t m = ranges[batched], n = ranges[batched + 1],
            k = ranges[batched + 2];
    std::optional<int64_t> nr = getVectorTile(n, lanes, 2);
    if (!nr)
      return std::nullopt;
    int64_t mr = largestDivisorAtMost(
        m, std::min<int64_t>(8, accumulators / (*nr / lanes)));
    int64_t kb = largestDivisorAtMost(k, kMaxBlockTerms);
    // Cache tile: whole register tiles, dividing the dims (a partial tile
    // would have dynamic sizes, which the vectorizer skips); its A block
    // (MC x KB) and B block (KB x NC) stay in L1/L2.
    int64_t mc = mr * largestDivisorAtMost(m / mr, std::max<int64_t>(1, 96 / mr));
    int64_t nc = *nr * largestDivisorAtMost(n / *nr, std::max<int64_t>(1, 128 / *nr));
    s.cacheTile = {mc, nc, 0};
    s.registerTile = {mr, *nr, 0};
    s.reductionBlock = {0, 0, kb};
    s.reductionStep = {0, 0, 1};
    if (batched)
      for (SmallVector<int64_t> *sizes : {&s.cacheTile, &s.registerTile,
                                          &s.reductionBlock, &s.reductionStep})
        sizes->insert(sizes->begin(), sizes == &s.cacheTile ? 1 : 0);
    return s;
  }
  case ContractionKind::ConvNhwcHwcf: {
    // Loops (n, oh, ow, f, kh, kw, c).
    int64_t ow = ranges[2], f = ranges[3], kw = ranges[5], c = ranges[6];
    std::optional<int64_t> fr = getVectorTile(f, lanes, 2);
    if (!fr)
      return std::nullopt;
    int64_t owr = largestDivisorAtMost(
        ow, std::max<int64_t>(1, target.vectorRegisters / 2 / (*fr / lanes)));
    int64_t cb = largestDivisorAtMost(c, std::max<int64_t>(1, kMaxBlockTerms / kw));
    s.registerTile = {1, 1, owr, *fr, 0, 0, 0};
    s.reductionBlock = {0, 0, 0, 0, 1, 0, cb};
    s.reductionStep = {0, 0, 0, 0, 0, 0, 1};
    return s;
  }
  case ContractionKind::DepthwiseNhwcHwc: {
    // Loops (n, oh, ow, c, kh, kw): no reduction over channels, the window
    // is short; one row of the window at a time.
    int64_t ow = ranges[2], c = ranges[3];
    std::optional<int64_t> cr = getVectorTile(c, lanes, 2);
    if (!cr)
      return std::nullopt;
    int64_t owr = largestDivisorAtMost(
        ow, std::max<int64_t>(1, target.vectorRegisters / 2 / (*cr / lanes)));
    s.registerTile = {1, 1, owr, *cr, 0, 0};
    s.reductionBlock = {0, 0, 0, 0, 1, 0};
    s.reductionStep = {};
    return s;
  }
  }
  return std::nullopt;
}
