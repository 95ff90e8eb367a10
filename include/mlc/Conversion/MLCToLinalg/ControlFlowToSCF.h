//===- ControlFlowToSCF.h - mlc.if / mlc.loop to scf ------------*- C++ -*-===//
//
// Part of convert-mlc-to-linalg (populateMLCToLinalgPatterns adds them).
//
//===----------------------------------------------------------------------===//

#ifndef MLC_CONVERSION_MLCTOLINALG_CONTROLFLOWTOSCF_H
#define MLC_CONVERSION_MLCTOLINALG_CONTROLFLOWTOSCF_H

#include "mlir/IR/PatternMatch.h"

namespace mlc {
/// mlc.if / mlc.loop to scf.if / scf.while on tensors.
void populateControlFlowToSCFPatterns(mlir::RewritePatternSet &patterns);
} // namespace mlc

#endif // MLC_CONVERSION_MLCTOLINALG_CONTROLFLOWTOSCF_H
