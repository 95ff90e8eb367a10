//===- GraphOptPipeline.cpp - The mlc-graph-opt pipeline ------------------===//
//
// The graph passes in order, and their registration with mlc-opt.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlc;

namespace mlc {
#define GEN_PASS_REGISTRATION
#include "mlc/Dialect/MLC/Transforms/Passes.h.inc"
} // namespace mlc

void mlc::buildGraphOptPipeline(OpPassManager &pm,
                                const GraphOptOptions &options) {
  FoldConstantsOptions foldOptions;
  foldOptions.maxElements =
      std::min(foldOptions.maxElements, options.maxFoldElements);
  // Constants first, so that batch-norm parameters computed by small
  // subgraphs are plain constants when the batch norms are folded.
  pm.addPass(createFoldConstants(foldOptions));
  pm.addPass(createFoldBatchNorm());
  pm.addPass(createRaiseComposites());
  if (!options.layout.empty()) {
    ConvertLayoutOptions layoutOptions;
    layoutOptions.layout = options.layout;
    layoutOptions.maxFoldElements = options.maxFoldElements;
    pm.addPass(createConvertLayout(layoutOptions));
  }
  // Weight transposes made by layout conversion, scale-and-shift constants
  // of unfused batch norms: fold again, then clean up.
  pm.addPass(createFoldConstants(foldOptions));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (!options.floatPrecision.empty()) {
    ConvertFloatPrecisionOptions precisionOptions;
    precisionOptions.type = options.floatPrecision;
    pm.addPass(createConvertFloatPrecision(precisionOptions));
  }
  if (options.fuse)
    pm.addPass(createFuse());
  pm.addPass(createSymbolDCEPass());
}

void mlc::registerGraphPasses() {
  registerMLCTransformsPasses();

  struct Options : PassPipelineOptions<Options> {
    Option<std::string> layout{
        *this, "layout",
        llvm::cl::desc("Convert spatial ops to this layout: nhwc or nchw "
                       "(default: keep the imported layout)"),
        llvm::cl::init("")};
    Option<bool> fuse{*this, "fuse", llvm::cl::desc("Form mlc.fused groups"),
                      llvm::cl::init(true)};
    Option<std::string> floatPrecision{
        *this, "float-precision",
        llvm::cl::desc("Run f32 weights and activations in f16 or bf16 "
                       "(default: keep f32)"),
        llvm::cl::init("")};
  };
  PassPipelineRegistration<Options>(
      "mlc-graph-opt",
      "Graph optimizations on mlc: constant folding, batch-norm folding, "
      "layout conversion, canonicalization, CSE, fusion, DCE",
      [](OpPassManager &pm, const Options &options) {
        GraphOptOptions graphOptions;
        graphOptions.layout = options.layout;
        graphOptions.fuse = options.fuse;
        graphOptions.floatPrecision = options.floatPrecision;
        buildGraphOptPipeline(pm, graphOptions);
      });
}
