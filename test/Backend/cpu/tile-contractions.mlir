// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cpu-tile-contractions{isa=avx2}),canonicalize,cse)" | FileCheck %s
// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cpu-tile-contractions{isa=avx512}),canonicalize,cse)" | FileCheck %s --check-prefix=AVX512
// RUN: not mlc-opt %s --pass-pipeline="builtin.module(func.func(mlc-cpu-tile-contractions{isa=sse9}))" 2>&1 | FileCheck %s --check-prefix=BADISA

// BADISA: unknown ISA 'sse9' (expected scalar, avx2, avx512 or neon)

// A matmul with a ReLU epilogue, AVX2: 6x16 register tiles, the k loop in
// single steps marked for blocked summation; the epilogue is cut into the
// same register tiles (never vectorized as one cache-tile-sized vector).
// CHECK-LABEL: func.func @matmul_relu
// AVX-512 (32 registers): 6 rows x 32 columns (two zmm) per tile.
// AVX512-LABEL: func.func @matmul_relu
// AVX512: linalg.matmul {mlc.cpu.vectorize} {{.*}} outs(%{{.*}} : tensor<6x32xf32>)
// CHECK: scf.for %{{.*}} = %c0 to %c12 step %c6
// CHECK: scf.for %{{.*}} = %c0 to %c32 step %c16
// CHECK: scf.for %{{.*}} = %c0 to %c64 step %c1
// CHECK: linalg.matmul {mlc.cpu.vectorize} ins(%{{.*}}, %{{.*}} : tensor<6x1xf32>, tensor<1x16xf32>) outs(%{{.*}} : tensor<6x16xf32>)
// CHECK: } {mlc.cpu.partial_sum}
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<6x16xf32>) outs(%{{.*}} : tensor<6x16xf32>) attrs = {mlc.cpu.vectorize}
// CHECK: arith.maximumf
// CHECK-NOT: linalg.matmul
func.func @matmul_relu(%a: tensor<12x64xf32>, %b: tensor<64x32xf32>) -> tensor<12x32xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<12x32xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<12x32xf32>) -> tensor<12x32xf32>
  %m = linalg.matmul ins(%a, %b : tensor<12x64xf32>, tensor<64x32xf32>) outs(%f : tensor<12x32xf32>) -> tensor<12x32xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<12x32xf32>) outs(%e : tensor<12x32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %t = arith.maximumf %x, %z : f32
    linalg.yield %t : f32
  } -> tensor<12x32xf32>
  return %r : tensor<12x32xf32>
}

// -----

// A 3x3 NHWC convolution: one output row, 4 pixels x 16 channels per
// register tile; per filter row (kh) the channels in single steps, each a
// 1-D convolution over the 3 taps of the row.
// CHECK-LABEL: func.func @conv
// AVX512-LABEL: func.func @conv
// AVX512: linalg.conv_1d_nwc_wcf {{.*}} outs(%{{.*}} : tensor<1x8x16xf32>)
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK: scf.for %{{.*}} = %c0 to %c8 step %c4
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK: linalg.conv_1d_nwc_wcf {{.*}}mlc.cpu.vectorize{{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x6x1xf32>, tensor<3x1x16xf32>) outs(%{{.*}} : tensor<1x4x16xf32>)
// CHECK: } {mlc.cpu.partial_sum}
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
func.func @conv(%x: tensor<1x6x10x4xf32>, %w: tensor<3x3x4x16xf32>, %init: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x10x4xf32>, tensor<3x3x4x16xf32>) outs(%init : tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
  return %0 : tensor<1x4x8x16xf32>
}

// -----

// A depthwise convolution: the same register tile, one filter row at a
// time as a 1-D depthwise convolution.
// CHECK-LABEL: func.func @depthwise
// CHECK: scf.for %{{.*}} = %c0 to %c8 step %c4
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1
// CHECK: linalg.depthwise_conv_1d_nwc_wc {{.*}}mlc.cpu.vectorize{{.*}} outs(%{{.*}} : tensor<1x4x16xf32>)
// CHECK-NOT: linalg.depthwise_conv_2d_nhwc_hwc
func.func @depthwise(%x: tensor<1x6x10x16xf32>, %w: tensor<3x3x16xf32>, %init: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %0 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x10x16xf32>, tensor<3x3x16xf32>) outs(%init : tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
  return %0 : tensor<1x4x8x16xf32>
}

// -----

// Dynamic shapes keep the loop lowering.
// CHECK-LABEL: func.func @dynamic
// CHECK-NOT: scf.for
// CHECK: linalg.matmul ins(
func.func @dynamic(%a: tensor<?x64xf32>, %b: tensor<64x32xf32>, %c: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %m = linalg.matmul ins(%a, %b : tensor<?x64xf32>, tensor<64x32xf32>) outs(%c : tensor<?x32xf32>) -> tensor<?x32xf32>
  return %m : tensor<?x32xf32>
}

// -----

// 12 columns are no whole number of 8-lane vectors: left alone.
// CHECK-LABEL: func.func @odd_columns
// CHECK-NOT: scf.for
// CHECK: linalg.matmul ins(
func.func @odd_columns(%a: tensor<12x64xf32>, %b: tensor<64x12xf32>, %c: tensor<12x12xf32>) -> tensor<12x12xf32> {
  %m = linalg.matmul ins(%a, %b : tensor<12x64xf32>, tensor<64x12xf32>) outs(%c : tensor<12x12xf32>) -> tensor<12x12xf32>
  return %m : tensor<12x12xf32>
}

// -----

// 24 output channels: one AVX2 vector wide tiles (3 x 8); on AVX-512 a
// 16-lane vector does not divide 24, so each row holds one half-width
// (8-lane) vector instead of falling back to the loop lowering.
// CHECK-LABEL: func.func @conv_24_channels
// CHECK: linalg.conv_1d_nwc_wcf {{.*}} outs(%{{.*}} : tensor<1x{{[0-9]+}}x8xf32>)
// AVX512-LABEL: func.func @conv_24_channels
// AVX512: linalg.conv_1d_nwc_wcf {{.*}} outs(%{{.*}} : tensor<1x8x8xf32>)
func.func @conv_24_channels(%x: tensor<1x8x8x16xf32>, %w: tensor<1x1x16x24xf32>, %init: tensor<1x8x8x24xf32>) -> tensor<1x8x8x24xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x8x8x16xf32>, tensor<1x1x16x24xf32>) outs(%init : tensor<1x8x8x24xf32>) -> tensor<1x8x8x24xf32>
  return %0 : tensor<1x8x8x24xf32>
}
