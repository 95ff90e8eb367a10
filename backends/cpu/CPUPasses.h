//===- CPUPasses.h - Passes of the CPU backend ------------------*- C++ -*-===//
#ifndef MLC_BACKENDS_CPU_CPUPASSES_H
#define MLC_BACKENDS_CPU_CPUPASSES_H

#include "mlir/Pass/Pass.h"

namespace mlc::cpu {

#define GEN_PASS_DECL
#include "CPUPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "CPUPasses.h.inc"

void populateStridedCopyToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_CPUPASSES_H
