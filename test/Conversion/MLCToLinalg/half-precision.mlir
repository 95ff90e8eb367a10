// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// f16 convolutions accumulate in f32: the bias is widened into the f32
// accumulator, the named op reads f16 and writes f32, and the result is
// rounded to f16 once.
// CHECK-LABEL: func.func @conv_f16
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: linalg.broadcast ins(%{{.*}} : tensor<2xf32>) outs(%{{.*}} : tensor<1x2x4x4xf32>)
// CHECK: %[[C:.*]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x1x6x6xf16>, tensor<2x1x3x3xf16>) outs(%{{.*}} : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[C]] : tensor<1x2x4x4xf32>) outs(%{{.*}} : tensor<1x2x4x4xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @conv_f16(%x: tensor<1x1x6x6xf16>, %w: tensor<2x1x3x3xf16>, %b: tensor<2xf16>) -> tensor<1x2x4x4xf16> {
  %y = mlc.conv2d %x, %w, %b : (tensor<1x1x6x6xf16>, tensor<2x1x3x3xf16>, tensor<2xf16>) -> tensor<1x2x4x4xf16>
  return %y : tensor<1x2x4x4xf16>
}

// -----

// CHECK-LABEL: func.func @matmul_bf16
// CHECK: %[[M:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x8xbf16>, tensor<8x4xbf16>) outs(%{{.*}} : tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[M]] : tensor<2x4xf32>) outs(%{{.*}} : tensor<2x4xbf16>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @matmul_bf16(%a: tensor<2x8xbf16>, %b: tensor<8x4xbf16>) -> tensor<2x4xbf16> {
  %y = mlc.matmul %a, %b : (tensor<2x8xbf16>, tensor<8x4xbf16>) -> tensor<2x4xbf16>
  return %y : tensor<2x4xbf16>
}

// -----

// A batched matmul (linalg.generic) widens each operand before the f32
// multiply-add.
// CHECK-LABEL: func.func @batch_matmul_f16
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<3x2x4xf32>)
// CHECK: ^bb0(%[[L:.*]]: f16, %[[R:.*]]: f16, %[[ACC:.*]]: f32):
// CHECK-DAG: %[[LW:.*]] = arith.extf %[[L]] : f16 to f32
// CHECK-DAG: %[[RW:.*]] = arith.extf %[[R]] : f16 to f32
// CHECK: %[[P:.*]] = arith.mulf %[[LW]], %[[RW]] : f32
// CHECK: arith.addf %[[ACC]], %[[P]] : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @batch_matmul_f16(%a: tensor<3x2x8xf16>, %b: tensor<3x8x4xf16>) -> tensor<3x2x4xf16> {
  %y = mlc.matmul %a, %b : (tensor<3x2x8xf16>, tensor<3x8x4xf16>) -> tensor<3x2x4xf16>
  return %y : tensor<3x2x4xf16>
}

// -----

// Gemm: the epilogue (alpha, beta * C) runs in f32, one rounding.
// CHECK-LABEL: func.func @gemm_f16
// CHECK: %[[M:.*]] = linalg.matmul {{.*}} outs(%{{.*}} : tensor<2x4xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[M]], %{{.*}} : tensor<2x4xf32>, tensor<4xf16>) outs(%{{.*}} : tensor<2x4xf16>)
// CHECK: ^bb0(%[[P:.*]]: f32, %[[C:.*]]: f16, %{{.*}}: f16):
// CHECK: arith.mulf %[[P]], %{{.*}} : f32
// CHECK: arith.extf %[[C]] : f16 to f32
// CHECK: arith.addf {{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @gemm_f16(%a: tensor<2x8xf16>, %b: tensor<8x4xf16>, %c: tensor<4xf16>) -> tensor<2x4xf16> {
  %y = mlc.gemm %a, %b, %c {alpha = 2.0 : f32} : (tensor<2x8xf16>, tensor<8x4xf16>, tensor<4xf16>) -> tensor<2x4xf16>
  return %y : tensor<2x4xf16>
}

// -----

// Average pooling sums in f32 and divides in f32 before rounding.
// CHECK-LABEL: func.func @avg_pool_f16
// CHECK: %[[S:.*]] = linalg.pooling_nchw_sum {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x2x4x4xf16>, tensor<2x2xf16>) outs(%{{.*}} : tensor<1x2x2x2xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[S]] : tensor<1x2x2x2xf32>) outs(%{{.*}} : tensor<1x2x2x2xf16>)
// CHECK: arith.divf %{{.*}}, %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @avg_pool_f16(%x: tensor<1x2x4x4xf16>) -> tensor<1x2x2x2xf16> {
  %y = mlc.avg_pool2d %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf16>) -> tensor<1x2x2x2xf16>
  return %y : tensor<1x2x2x2xf16>
}

// -----

// Sigmoid of bf16 runs exp in f32.
// CHECK-LABEL: func.func @sigmoid_bf16
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: math.exp %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @sigmoid_bf16(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  %y = mlc.sigmoid %x : (tensor<4xbf16>) -> tensor<4xbf16>
  return %y : tensor<4xbf16>
}
