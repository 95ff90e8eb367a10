//===- Passes.td - Conversion passes of MLC ----------------*- tablegen -*-===//

#ifndef MLC_CONVERSION_PASSES_TD
#define MLC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertMLCToLinalg : Pass<"convert-mlc-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower mlc ops to linalg, tensor, arith and math on tensors.";
  let description = [{
    Rewrites every `mlc` op into upstream dialects on tensors: named linalg
    ops for matmul, convolution and pooling (so that backends can tile and
    vectorize them), `linalg.generic` for elementwise math with broadcasting,
    `tensor` ops for data movement. Fails with a located error on an op it
    cannot lower (for instance one with dynamic shapes).

    ```mlir
    %y = mlc.relu %x : (tensor<4xf32>) -> tensor<4xf32>
    // becomes
    %e = tensor.empty() : tensor<4xf32>
    %y = linalg.generic {...} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
      ^bb0(%in: f32, %out: f32):
        %0 = arith.maximumf %in, %cst : f32
        linalg.yield %0 : f32
    } -> tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    // mlc: quant.dcast expands to mlc.dequantize_linear first.
    "mlc::MLCDialect",
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect"
  ];
}

#endif // MLC_CONVERSION_PASSES_TD
