// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cpu-tile-contractions{isa=avx2 parallel=true}),canonicalize,cse)" | FileCheck %s
// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cpu-tile-contractions{isa=avx2}),canonicalize,cse)" | FileCheck %s --check-prefix=SERIAL

// With parallel=true, the outer tile loops of a contraction with enough
// work (2^18 multiply-accumulates or more) are one scf.forall whose tiles
// write disjoint slices of the result; the reduction stays sequential
// inside. Without it, the same tiles are scf.for loops.
// CHECK-LABEL: func.func @big_matmul
// CHECK: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (192, 256) step (96, 128) shared_outs(
// CHECK: linalg.fill
// CHECK: scf.for
// CHECK: linalg.matmul {mlc.cpu.vectorize}
// CHECK: tensor.parallel_insert_slice
// SERIAL-LABEL: func.func @big_matmul
// SERIAL-NOT: scf.forall
// SERIAL: scf.for
func.func @big_matmul(%a: tensor<192x64xf32>, %b: tensor<64x256xf32>) -> tensor<192x256xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<192x256xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<192x256xf32>) -> tensor<192x256xf32>
  %m = linalg.matmul ins(%a, %b : tensor<192x64xf32>, tensor<64x256xf32>) outs(%f : tensor<192x256xf32>) -> tensor<192x256xf32>
  return %m : tensor<192x256xf32>
}

// -----

// A small matmul (12x64x32, 24576 multiply-accumulates) is not worth a
// fork and join: it stays on the calling thread.
// CHECK-LABEL: func.func @small_matmul
// CHECK-NOT: scf.forall
// CHECK: scf.for
func.func @small_matmul(%a: tensor<12x64xf32>, %b: tensor<64x32xf32>) -> tensor<12x32xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<12x32xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<12x32xf32>) -> tensor<12x32xf32>
  %m = linalg.matmul ins(%a, %b : tensor<12x64xf32>, tensor<64x32xf32>) outs(%f : tensor<12x32xf32>) -> tensor<12x32xf32>
  return %m : tensor<12x32xf32>
}

// -----

// A convolution with its ReLU epilogue: the register tiles of the epilogue
// (one row, 7 pixels x 8 channels on AVX2) are the forall's iterations,
// in the strategy's loop order (the filter outweighs the image: channel
// panels outermost), the convolution and its initialization fused into each.
// CHECK-LABEL: func.func @conv_relu
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) = (0, 0, 0) to (64, 14, 14) step (8, 1, 7) shared_outs(
// CHECK: linalg.fill
// CHECK: linalg.conv_1d_nwc_wcf
// CHECK: arith.maximumf
// CHECK: tensor.parallel_insert_slice
func.func @conv_relu(%x: tensor<1x16x16x32xf32>, %w: tensor<3x3x32x64xf32>) -> tensor<1x14x14x64xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x14x14x64xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x16x16x32xf32>, tensor<3x3x32x64xf32>) outs(%f : tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x14x14x64xf32>) outs(%e : tensor<1x14x14x64xf32>) {
  ^bb0(%v: f32, %o: f32):
    %t = arith.maximumf %v, %z : f32
    linalg.yield %t : f32
  } -> tensor<1x14x14x64xf32>
  return %r : tensor<1x14x14x64xf32>
}
