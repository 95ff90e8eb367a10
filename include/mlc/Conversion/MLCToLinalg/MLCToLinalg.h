//===- MLCToLinalg.h - Lowering of mlc to linalg on tensors -----*- C++ -*-===//
#ifndef MLC_CONVERSION_MLCTOLINALG_MLCTOLINALG_H
#define MLC_CONVERSION_MLCTOLINALG_MLCTOLINALG_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace mlc {

#define GEN_PASS_DECL_CONVERTMLCTOLINALG
#define GEN_PASS_DECL_EXPANDSMALLFLOATCASTS
#include "mlc/Conversion/Passes.h.inc"

void populateElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateContractionToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateConvPoolToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateReductionToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateShapeOpsToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateMathToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateLogicToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateCastToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateFusedToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateTensorOpsToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateGatherToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateNormalizationToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateScatterToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateDynamicShapeToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateQuantToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateDataDependentToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateRoiAlignToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// quant.qcast/scast/dcast chains (constant parameters in the quant types)
/// to mlc.quantize_linear / mlc.dequantize_linear; applied greedily by
/// convert-mlc-to-linalg before the conversion.
void populateExpandQuantCastsPatterns(mlir::RewritePatternSet &patterns);
/// i32 conv2d / matmul of an 8-bit activation (mlc.cast from i8) and
/// constant weights within int8 to an i8 x i8 -> i32 packed GEMM
/// (Int8ContractionToLinalg.cpp); applied with the quant-cast expansion,
/// before the conversion, while the mlc.cast is still there to be seen.
void populateInt8ContractionPatterns(mlir::RewritePatternSet &patterns);

/// arith.truncf / arith.extf to and from the float8 and float4 types
/// (f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ, f4E2M1FN) as integer bit
/// manipulation, which LLVM can lower (ExpandSmallFloatCasts.cpp). Not part
/// of populateMLCToLinalgPatterns: convert-mlc-to-linalg applies them after
/// the conversion.
void populateExpandSmallFloatCastsPatterns(mlir::RewritePatternSet &patterns);
/// All of the above.
void populateMLCToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace mlc

#endif // MLC_CONVERSION_MLCTOLINALG_MLCTOLINALG_H
