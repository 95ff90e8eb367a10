// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cpu-tile-contractions{isa=avx2},mlc-cpu-vectorize-tiles),canonicalize,cse)" | FileCheck %s

// The accumulators of a 6x16 tile live in registers across the k loop
// (a loop-carried vector from zero), are added to the initial tile after
// it, and ReLU is applied to the register tile before it is stored.
// CHECK-LABEL: func.func @matmul_relu
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<6x16xf32>
// CHECK: %[[INIT:.*]] = vector.transfer_read
// CHECK: %[[SUM:.*]] = scf.for %{{.*}} = %c0 to %c64 step %c1 iter_args(%{{.*}} = %[[ZERO]]) -> (vector<6x16xf32>)
// CHECK-COUNT-6: vector.fma {{.*}} : vector<16xf32>
// CHECK: arith.addf %[[INIT]], %[[SUM]] : vector<6x16xf32>
// CHECK: arith.maximumf {{.*}} : vector<6x16xf32>
// CHECK-NOT: linalg.matmul
// CHECK-NOT: vector.contract
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

// Per channel step, 3 taps x 4 pixels of FMAs on 16-lane rows.
// CHECK-LABEL: func.func @conv
// CHECK: scf.for {{.*}} -> (vector<4x16xf32>)
// CHECK: scf.for {{.*}} -> (vector<4x16xf32>)
// CHECK-COUNT-12: vector.fma {{.*}} : vector<16xf32>
// CHECK: arith.addf {{.*}} : vector<4x16xf32>
// CHECK-NOT: linalg.conv
func.func @conv(%x: tensor<1x6x10x4xf32>, %w: tensor<3x3x4x16xf32>, %init: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x10x4xf32>, tensor<3x3x4x16xf32>) outs(%init : tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
  return %0 : tensor<1x4x8x16xf32>
}

// -----

// CHECK-LABEL: func.func @depthwise
// CHECK: scf.for {{.*}} -> (vector<4x16xf32>)
// CHECK-COUNT-3: vector.fma {{.*}} : vector<4x16xf32>
// CHECK-NOT: linalg.depthwise
func.func @depthwise(%x: tensor<1x6x10x16xf32>, %w: tensor<3x3x16xf32>, %init: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %0 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x10x16xf32>, tensor<3x3x16xf32>) outs(%init : tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
  return %0 : tensor<1x4x8x16xf32>
}

// -----

// CHECK-LABEL: func.func @dynamic
// CHECK: linalg.matmul ins(
func.func @dynamic(%a: tensor<?x64xf32>, %b: tensor<64x32xf32>, %c: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %m = linalg.matmul ins(%a, %b : tensor<?x64xf32>, tensor<64x32xf32>) outs(%c : tensor<?x32xf32>) -> tensor<?x32xf32>
  return %m : tensor<?x32xf32>
}

// -----

// CHECK-LABEL: func.func @odd_columns
// CHECK: linalg.matmul ins(
func.func @odd_columns(%a: tensor<12x64xf32>, %b: tensor<64x12xf32>, %c: tensor<12x12xf32>) -> tensor<12x12xf32> {
  %m = linalg.matmul ins(%a, %b : tensor<12x64xf32>, tensor<64x12xf32>) outs(%c : tensor<12x12xf32>) -> tensor<12x12xf32>
  return %m : tensor<12x12xf32>
}

// -----

// A bias broadcast initializes the accumulators of a convolution tile with
// an epilogue: the broadcast vector feeds the reduction loop directly, not
// through a write into a tile buffer read back (which would allocate a
// buffer per tile).
// CHECK-LABEL: func.func @bias_init
// CHECK: %[[BIAS:.*]] = vector.transfer_read %{{.*}} : tensor<16xf32>, vector<16xf32>
// CHECK-NOT: vector.transfer_write
// CHECK: %[[ACC:.*]] = vector.broadcast %[[BIAS]] : vector<16xf32> to vector<4x16xf32>
// CHECK-NOT: vector.transfer_write
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ACC]])
func.func @bias_init(%x: tensor<1x6x10x4xf32>, %w: tensor<3x3x4x16xf32>, %bias: tensor<16xf32>) -> tensor<1x4x8x16xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x8x16xf32>
  %init = linalg.broadcast ins(%bias : tensor<16xf32>) outs(%e : tensor<1x4x8x16xf32>) dimensions = [0, 1, 2]
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x10x4xf32>, tensor<3x3x4x16xf32>) outs(%init : tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x4x8x16xf32>) outs(%e : tensor<1x4x8x16xf32>) {
  ^bb0(%v: f32, %o: f32):
    %t = arith.maximumf %v, %z : f32
    linalg.yield %t : f32
  } -> tensor<1x4x8x16xf32>
  return %r : tensor<1x4x8x16xf32>
}
