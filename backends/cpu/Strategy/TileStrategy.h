//===- TileStrategy.h - Per-op tiling choices of the CPU backend -*- C++
//-*-===//
//
// The one place that reads the target to decide how a contraction is cut
// into tiles: the register tile that keeps the accumulators in vector
// registers, the reduction block summed before it joins the accumulator,
// and the order of the tile loops. The mechanics (tiling, vectorization)
// live in Transforms/ and never look at the target themselves.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKENDS_CPU_STRATEGY_TILESTRATEGY_H
#define MLC_BACKENDS_CPU_STRATEGY_TILESTRATEGY_H

#include "Target/CPUTarget.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace mlc::cpu {

/// The kinds of contraction the strategy has a register tile for.
enum class ContractionKind {
  /// linalg.matmul (m, n, k).
  Matmul,
  /// linalg.batch_matmul (b, m, n, k).
  BatchMatmul,
  /// linalg.conv_2d_nhwc_hwcf (n, oh, ow, f, kh, kw, c).
  ConvNhwcHwcf,
  /// linalg.depthwise_conv_2d_nhwc_hwc (n, oh, ow, c, kh, kw).
  DepthwiseNhwcHwc,
  /// Any other multiply-accumulate contraction (linalg.generic), with one
  /// reduction loop and the output columns (n) contiguous in the output
  /// and in the operand they come from: batched and broadcast matmuls.
  GenericContraction,
};

/// How one contraction is tiled; every vector has one entry per loop of
/// the op, 0 meaning "not tiled at this level".
struct TileStrategy {
  /// The parallel cache tile (its operand blocks stay in L1/L2 while the
  /// register tiles sweep it); the epilogue is fused at this level. Empty:
  /// the epilogue is fused at the register tile.
  llvm::SmallVector<int64_t> cacheTile;
  /// The parallel tile whose accumulators live in registers, inside a
  /// reduction block of the cache tile.
  llvm::SmallVector<int64_t> registerTile;
  /// The reduction block: its terms are summed from zero, then added to
  /// the accumulator (blocked summation, as BLAS kernels do).
  llvm::SmallVector<int64_t> reductionBlock;
  /// The innermost reduction step of one vectorized contraction.
  llvm::SmallVector<int64_t> reductionStep;
  /// Order of the register tile loops (a permutation of the op's loops),
  /// empty for the op's own order.
  llvm::SmallVector<int64_t> interchange;
  /// Whether the outermost tile loops are split over the context's threads
  /// (an scf.forall): only for ops with enough work per fork and join.
  bool parallel = false;
};

/// The tiling of `op` for `target`, or nothing when the op is not a
/// contraction with a register tile (dynamic shapes, a vector width that
/// does not divide the output channels, a scalar target): such ops keep
/// the generic loop lowering.
std::optional<TileStrategy> getTileStrategy(mlir::linalg::LinalgOp op,
                                            const CPUTarget &target);

/// Multiply-accumulates below which a tiled op stays on the calling thread:
/// a fork and join of warm OpenMP workers costs a few microseconds, about
/// the time of 2^18 MACs on one core.
constexpr int64_t kMinParallelMacs = int64_t(1) << 18;

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_STRATEGY_TILESTRATEGY_H
