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

def ExpandSmallFloatCasts : Pass<"mlc-expand-small-float-casts"> {
  let summary = "Expand float8/float4 extf/truncf into integer operations.";
  let description = [{
    LLVM has no float8 or float4 types (it stores them as i8 / i4), so
    `arith.truncf` to and `arith.extf` from f8E4M3FN, f8E4M3FNUZ, f8E5M2,
    f8E5M2FNUZ and f4E2M1FN are rewritten into bit manipulation on i32:
    round to nearest even, overflow to infinity (f8E5M2) or NaN (types
    without infinity), no -0 in the FNUZ types, saturation at +-6 for
    f4E2M1FN; extension is exact. `convert-mlc-to-linalg` applies the same
    patterns after lowering; this pass runs them alone.

    ```mlir
    %y = arith.truncf %x : f32 to f8E4M3FN
    // becomes arith.bitcast/shrui/andi/addi/select ... on i32, then
    %t = arith.trunci %r : i32 to i8
    %y = arith.bitcast %t : i8 to f8E4M3FN
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

#endif // MLC_CONVERSION_PASSES_TD
