// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg --canonicalize --mlc-cpu-pipeline="opt-level=2" | FileCheck %s --check-prefix=LLVM
// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg --canonicalize -o - | mlc-opt -split-input-file --pass-pipeline="builtin.module(func.func(linalg-fuse-elementwise-ops,mlc-cpu-fuse-epilogues),canonicalize,cse)" | FileCheck %s

// A fused conv2d + bias + relu group becomes one loop nest: the convolution
// of one output row and its epilogue run in the same iteration, and no
// full-size convolution result is materialized outside the loops.
// CHECK-LABEL: func.func private @conv_bias_relu
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[C:.*]] = linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x1x1x8xf32>
// CHECK: %[[E:.*]] = linalg.generic {{.*}} ins(%[[C]], {{.*}}) outs({{.*}} : tensor<1x1x1x8xf32>)
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: tensor.insert_slice %[[E]]
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK: return
// LLVM-LABEL: llvm.func @mlc_entry
func.func @main(%x: tensor<1x3x8x8xf32> {mlc.name = "x"}) -> tensor<1x4x8x8xf32> {
  %w = mlc.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = mlc.constant dense<[[[1.0]], [[2.0]], [[3.0]], [[4.0]]]> : tensor<4x1x1xf32>
  %0 = func.call @conv_bias_relu(%x, %w, %b) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}
func.func private @conv_bias_relu(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32> {
  %0 = mlc.fused "conv2d_add_relu" (%x, %w, %b) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32> {
  ^bb0(%a: tensor<1x3x8x8xf32>, %f: tensor<4x3x3x3xf32>, %c: tensor<4x1x1xf32>):
    %1 = mlc.conv2d %a, %f {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
    %2 = mlc.add %1, %c : (tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32>
    %3 = mlc.relu %2 : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    mlc.yield %3 : tensor<1x4x8x8xf32>
  }
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// A convolution whose result is also returned is not fused (the epilogue
// loop would have to recompute it).
// CHECK-LABEL: func.func @main
// CHECK: %[[C:.*]] = linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x4x8x8xf32>
// CHECK-NOT: scf.for
// CHECK: linalg.generic {{.*}} ins(%[[C]]
func.func @main(%x: tensor<1x3x8x8xf32> {mlc.name = "x"}, %w: tensor<4x3x3x3xf32> {mlc.name = "w"}) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %1 = mlc.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %2 = mlc.relu %1 : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %1, %2 : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}
