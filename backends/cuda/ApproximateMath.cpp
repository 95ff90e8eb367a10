//===- ApproximateMath.cpp - Math functions without libdevice -------------===//
//
// Expansions and polynomial approximations for transcendental functions;
// the functions PTX has instructions for (sqrt, fabs, floor, ceil, trunc,
// round-to-even, fma, copysign) become calls of the generic LLVM intrinsics,
// which convert-gpu-to-nvvm leaves alone and the NVPTX backend selects
// natively.
//
//===----------------------------------------------------------------------===//

#include "CUDAPasses.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlc::cuda {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "CUDAPasses.h.inc"
} // namespace mlc::cuda

using namespace mlir;
using namespace mlc;

namespace {
/// `math.<op>` on f32/f64 scalars to `llvm.call_intrinsic "llvm.<name>"`.
template <typename OpTy> struct MathToIntrinsic : OpRewritePattern<OpTy> {
  MathToIntrinsic(MLIRContext *ctx, StringRef name)
      : OpRewritePattern<OpTy>(ctx), name(name) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!type.isF32() && !type.isF64())
      return rewriter.notifyMatchFailure(op, "not a scalar f32/f64");
    std::string intrinsic = "llvm." + name + (type.isF32() ? ".f32" : ".f64");
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, type, rewriter.getStringAttr(intrinsic), op->getOperands());
    return success();
  }

  std::string name;
};
} // namespace

namespace {
struct ApproximateMathPass
    : cuda::impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    // Expansions first (tanh, powf, rsqrt, ... in terms of exp, log and
    // sqrt), then polynomials for what is left; f16/bf16 go through f32.
    math::populateExpansionPatterns(patterns);
    populateMathPolynomialApproximationPatterns(patterns);
    patterns.add<MathToIntrinsic<math::SqrtOp>>(ctx, "sqrt");
    patterns.add<MathToIntrinsic<math::AbsFOp>>(ctx, "fabs");
    patterns.add<MathToIntrinsic<math::FloorOp>>(ctx, "floor");
    patterns.add<MathToIntrinsic<math::CeilOp>>(ctx, "ceil");
    patterns.add<MathToIntrinsic<math::TruncOp>>(ctx, "trunc");
    patterns.add<MathToIntrinsic<math::RoundEvenOp>>(ctx, "roundeven");
    patterns.add<MathToIntrinsic<math::FmaOp>>(ctx, "fma");
    // The requantization of integer layers rounds with copysign: without
    // this, convert-gpu-to-nvvm calls libdevice's __nv_copysignf, which
    // ptxas cannot resolve unless libdevice was found (CUDA_HOME) and linked.
    patterns.add<MathToIntrinsic<math::CopySignOp>>(ctx, "copysign");
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
