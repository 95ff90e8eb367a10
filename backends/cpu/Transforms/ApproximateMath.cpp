//===- ApproximateMath.cpp - The mlc-cpu-approximate-math pass ------------===//
//
// Replaces the f32 transcendental functions of activations (erf of GELU,
// exp of softmax and sigmoid) by upstream's polynomial approximations: plain
// arithmetic that stays in vector registers, where the libm calls they
// would become are scalar (a register tile's erf was 16 calls of erff, 13%
// of a transformer encoder).
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;

namespace {

struct ApproximateMathPass
    : public mlc::cpu::impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Upstream's approximations of erf and exp are within a few ulp of
    // libm's over the f32 range (exp saturates to 0 and +inf outside it);
    // the others it has (log, tanh, sin, ...) are less exact and stay
    // calls.
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      return name == math::ErfOp::getOperationName() ||
             name == math::ExpOp::getOperationName();
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
