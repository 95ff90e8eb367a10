//===- RandomToLinalg.h - mlc.random to linalg ------------------*- C++ -*-===//
//
// Part of convert-mlc-to-linalg (populateMLCToLinalgPatterns adds them).
//
//===----------------------------------------------------------------------===//

#ifndef MLC_CONVERSION_MLCTOLINALG_RANDOMTOLINALG_H
#define MLC_CONVERSION_MLCTOLINALG_RANDOMTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace mlc {
/// mlc.random to a Philox 4x32-10 linalg.generic keyed and counted by the
/// runtime hooks of RuntimeHooks.h.
void populateRandomToLinalgPatterns(mlir::RewritePatternSet &patterns);
} // namespace mlc

#endif // MLC_CONVERSION_MLCTOLINALG_RANDOMTOLINALG_H
