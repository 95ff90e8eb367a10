// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg --canonicalize | mlc-opt -split-input-file --pass-pipeline='builtin.module(func.func(mlc-cpu-widen-bf16-contractions))' | FileCheck %s
// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg --canonicalize | mlc-opt -split-input-file --pass-pipeline='builtin.module(func.func(mlc-cpu-widen-bf16-contractions,mlc-cpu-pack-weights,mlc-cpu-tile-contractions{isa=avx512}))' | FileCheck %s --check-prefix=TILE

// Attention's activation x activation matmul: both operands are widened
// by an elementwise extf, the matmul body multiplies f32, and the f32
// tile strategy then gives it register tiles.
// CHECK-LABEL: func.func @batch_matmul
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<4x32x16xbf16>) outs(%{{.*}} : tensor<4x32x16xf32>)
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%arg1 : tensor<4x16x32xbf16>) outs(%{{.*}} : tensor<4x16x32xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<4x32x16xf32>, tensor<4x16x32xf32>) outs(%{{.*}} : tensor<4x32x32xf32>)
// TILE-LABEL: func.func @batch_matmul
// TILE: scf.for
// TILE: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x8x1xf32>, tensor<1x1x32xf32>)
func.func @batch_matmul(%a: tensor<4x32x16xbf16>, %b: tensor<4x16x32xbf16>) -> tensor<4x32x32xbf16> {
  %m = mlc.matmul %a, %b : (tensor<4x32x16xbf16>, tensor<4x16x32xbf16>) -> tensor<4x32x32xbf16>
  return %m : tensor<4x32x32xbf16>
}

// -----

// A constant weight is widened at compile time (no extf of it at run
// time), through the transpose of a Gemm's transB.
// CHECK-LABEL: func.func @gemm_const
// CHECK: %[[W:.*]] = arith.constant dense<5.000000e-01> : tensor<32x16xf32>
// CHECK: linalg.transpose ins(%[[W]] : tensor<32x16xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x16xf32>, tensor<16x32xf32>)
// CHECK-NOT: bf16 to f32{{.*}}tensor<16x32
func.func @gemm_const(%x: tensor<8x16xbf16>) -> tensor<8x32xbf16> {
  %w = mlc.constant dense<0.5> : tensor<32x16xbf16>
  %b = mlc.constant dense<0.25> : tensor<32xbf16>
  %y = mlc.gemm %x, %w, %b {trans_b = true} : (tensor<8x16xbf16>, tensor<32x16xbf16>, tensor<32xbf16>) -> tensor<8x32xbf16>
  return %y : tensor<8x32xbf16>
}

// -----

// Left alone: f32 contractions and pooling (its window operand is no
// data).
// CHECK-LABEL: func.func @left_alone
// CHECK: linalg.matmul ins(%{{.*}} : tensor<8x16xf32>, tensor<16x32xf32>)
// CHECK: linalg.pooling_nhwc_sum {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x8x8x16xbf16>, tensor<2x2xbf16>)
func.func @left_alone(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>, %p: tensor<1x8x8x16xbf16>) -> (tensor<8x32xf32>, tensor<1x4x4x16xbf16>) {
  %m = mlc.matmul %x, %w : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  %a = mlc.avg_pool2d %p {kernel_shape = array<i64: 2, 2>, layout = "NHWC", strides = array<i64: 2, 2>} : (tensor<1x8x8x16xbf16>) -> tensor<1x4x4x16xbf16>
  return %m, %a : tensor<8x32xf32>, tensor<1x4x4x16xbf16>
}
