// RUN: mlc-opt %s --convert-mlc-to-linalg | FileCheck %s

// A fusion group is inlined and its ops lowered: the convolution and its
// epilogue become a chain of linalg ops with single uses.
// CHECK-LABEL: func.func @conv_relu
// CHECK-NOT: mlc.
// CHECK: %[[C:.*]] = linalg.conv_2d_nchw_fchw
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[C]] : tensor<1x2x4x4xf32>)
// CHECK: arith.maximumf
// CHECK: return %[[R]]
func.func @conv_relu(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x3x3xf32>) -> tensor<1x2x4x4xf32> {
  %0 = mlc.fused "conv2d_relu" (%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x4x4xf32> {
  ^bb0(%a: tensor<1x2x4x4xf32>, %b: tensor<2x2x3x3xf32>):
    %c = mlc.conv2d %a, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x4x4xf32>
    %r = mlc.relu %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
    mlc.yield %r : tensor<1x2x4x4xf32>
  }
  return %0 : tensor<1x2x4x4xf32>
}
