//===- ApproximateMath.cpp - Math functions without libdevice -------------===//

#include "CUDAPasses.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlc::cuda {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "CUDAPasses.h.inc"
} // namespace mlc::cuda

using namespace mlir;
using namespace mlc;

namespace {
struct ApproximateMathPass
    : cuda::impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Expansions first (tanh, powf, ... in terms of exp and log), then
    // polynomials for what is left; f16/bf16 go through f32.
    math::populateExpansionPatterns(patterns);
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
