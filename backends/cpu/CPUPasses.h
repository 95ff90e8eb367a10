//===- CPUPasses.h - Passes of the CPU backend ------------------*- C++ -*-===//
#ifndef MLC_BACKENDS_CPU_CPUPASSES_H
#define MLC_BACKENDS_CPU_CPUPASSES_H

#include "mlir/Pass/Pass.h"

namespace mlc::cpu {

/// Marks the linalg ops of a register tile for mlc-cpu-vectorize-tiles.
inline constexpr llvm::StringLiteral kVectorizeAttr = "mlc.cpu.vectorize";
/// Marks the reduction-step loop of a tile, whose sum starts from zero.
inline constexpr llvm::StringLiteral kPartialSumLoopAttr =
    "mlc.cpu.partial_sum";

#define GEN_PASS_DECL
#include "CPUPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "CPUPasses.h.inc"

void populateStridedCopyToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateFillPadBordersPatterns(mlir::RewritePatternSet &patterns);

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_CPUPASSES_H
