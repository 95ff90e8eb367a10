//===- Passes.h - Graph passes on the mlc dialect ---------------*- C++ -*-===//
#ifndef MLC_DIALECT_MLC_TRANSFORMS_PASSES_H
#define MLC_DIALECT_MLC_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlc {

#define GEN_PASS_DECL
#include "mlc/Dialect/MLC/Transforms/Passes.h.inc"

/// Patterns of the individual passes, for reuse in other pattern sets.
void populateFoldConstantsPatterns(mlir::RewritePatternSet &patterns,
                                   int64_t maxElements);
void populateFoldBatchNormPatterns(mlir::RewritePatternSet &patterns);
void populateRaiseCompositesPatterns(mlir::RewritePatternSet &patterns);
void populateLowerQuantPatterns(mlir::RewritePatternSet &patterns);
void populateFusePatterns(mlir::RewritePatternSet &patterns,
                          bool fuseElementwiseChains);

/// Options of the `mlc-graph-opt` pipeline.
struct GraphOptOptions {
  /// "" keeps the imported layout; "nhwc" or "nchw" converts spatial ops.
  std::string layout;
  bool fuse = true;
  /// "" keeps f32; "f16" or "bf16" runs mlc-convert-float-precision before
  /// fusion.
  std::string floatPrecision;
  /// The largest constant result the passes may compute: mlc-fold-constants
  /// keeps its own default (2^22 elements) below it, mlc-convert-layout
  /// (which folds weight transposes of any size) takes it as is.
  int64_t maxFoldElements = INT64_MAX;
};

/// Adds the graph passes in order: fold constants, fold batch norms,
/// raise composites, convert layout (when asked), canonicalize + CSE,
/// convert float precision (when asked), fuse, symbol DCE.
void buildGraphOptPipeline(mlir::OpPassManager &pm,
                           const GraphOptOptions &options);

/// Registers the passes and the `mlc-graph-opt` pipeline.
void registerGraphPasses();

} // namespace mlc

#endif // MLC_DIALECT_MLC_TRANSFORMS_PASSES_H
