//===- MLCToLinalg.cpp - The convert-mlc-to-linalg pass
//--------------------===//

#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Conversion/MLCToLinalg/ControlFlowToSCF.h"
#include "mlc/Conversion/MLCToLinalg/RandomToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlc {
#define GEN_PASS_DEF_CONVERTMLCTOLINALG
#include "mlc/Conversion/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

void mlc::populateMLCToLinalgPatterns(RewritePatternSet &patterns) {
  populateElementwiseToLinalgPatterns(patterns);
  populateContractionToLinalgPatterns(patterns);
  populateConvPoolToLinalgPatterns(patterns);
  populateReductionToLinalgPatterns(patterns);
  populateShapeOpsToLinalgPatterns(patterns);
  populateMathToLinalgPatterns(patterns);
  populateLogicToLinalgPatterns(patterns);
  populateCastToLinalgPatterns(patterns);
  populateFusedToLinalgPatterns(patterns);
  populateTensorOpsToLinalgPatterns(patterns);
  populateGatherToLinalgPatterns(patterns);
  populateNormalizationToLinalgPatterns(patterns);
  populateScatterToLinalgPatterns(patterns);
  populateDynamicShapeToLinalgPatterns(patterns);
  populateQuantToLinalgPatterns(patterns);
  populateControlFlowToSCFPatterns(patterns);
  populateDataDependentToLinalgPatterns(patterns);
  populateRoiAlignToLinalgPatterns(patterns);
  populateRandomToLinalgPatterns(patterns);
}

namespace {
struct ConvertMLCToLinalgPass
    : mlc::impl::ConvertMLCToLinalgBase<ConvertMLCToLinalgPass> {
  void runOnOperation() override {
    {
      RewritePatternSet quantPatterns(&getContext());
      populateExpandQuantCastsPatterns(quantPatterns);
      populateInt8ContractionPatterns(quantPatterns);
      if (failed(
              applyPatternsGreedily(getOperation(), std::move(quantPatterns))))
        return signalPassFailure();
    }
    ConversionTarget target(getContext());
    target.addIllegalDialect<MLCDialect, quant::QuantDialect>();
    target.addLegalDialect<arith::ArithDialect, func::FuncDialect,
                           linalg::LinalgDialect, math::MathDialect,
                           scf::SCFDialect, tensor::TensorDialect>();
    RewritePatternSet patterns(&getContext());
    populateMLCToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      return signalPassFailure();
    // float8/float4 conversions that the lowering created, as integer ops
    // (one walk: no folding or constant hoisting of the rest of the IR).
    RewritePatternSet smallFloatPatterns(&getContext());
    populateExpandSmallFloatCastsPatterns(smallFloatPatterns);
    walkAndApplyPatterns(getOperation(), std::move(smallFloatPatterns));
  }
};
} // namespace
