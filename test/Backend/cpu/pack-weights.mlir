// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cpu-pack-weights))" | FileCheck %s

// A constant FHWC filter is permuted to HWCF at compile time: element
// [f, h, w, c] of the old constant is [h, w, c, f] of the new one.
// CHECK-LABEL: func.func @const_filter
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[0.000000e+00, 3.000000e+00], [1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00]]]]> : tensor<1x1x3x2xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %[[W]] : tensor<1x4x4x3xf32>, tensor<1x1x3x2xf32>)
// CHECK-NOT: linalg.conv_2d_nhwc_fhwc
func.func @const_filter(%x: tensor<1x4x4x3xf32>, %init: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = arith.constant dense<[[[[0.0, 1.0, 2.0]]], [[[3.0, 4.0, 5.0]]]]> : tensor<2x1x1x3xf32>
  %0 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x4x4x3xf32>, tensor<2x1x1x3xf32>) outs(%init : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %0 : tensor<1x4x4x2xf32>
}

// -----

// A filter computed at run time is transposed at run time; strides and
// dilations carry over.
// CHECK-LABEL: func.func @dynamic_filter
// CHECK: %[[T:.*]] = linalg.transpose ins(%{{.*}} : tensor<8x3x3x4xf32>) outs(%{{.*}} : tensor<3x3x4x8xf32>) permutation = [1, 2, 3, 0]
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%{{.*}}, %[[T]] :
func.func @dynamic_filter(%x: tensor<1x9x9x4xf32>, %w: tensor<8x3x3x4xf32>, %init: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %0 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
         ins(%x, %w : tensor<1x9x9x4xf32>, tensor<8x3x3x4xf32>) outs(%init : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

// One input and one output channel per group: a depthwise convolution,
// with the filter [G, 1, KH, KW, 1] stored as [KH, KW, G].
// CHECK-LABEL: func.func @depthwise
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}[0.000000e+00, 2.000000e+00], [1.000000e+00, 3.000000e+00]]]> : tensor<1x2x2xf32>
// CHECK: %[[D:.*]] = linalg.depthwise_conv_2d_nhwc_hwc {{.*}} ins(%{{.*}}, %[[W]] : tensor<1x4x4x2xf32>, tensor<1x2x2xf32>) outs(%{{.*}} : tensor<1x4x3x2xf32>)
// CHECK: tensor.expand_shape %[[D]] {{\[}}[0], [1], [2], [3, 4]]
// CHECK-NOT: linalg.conv_2d_nhwgc_gfhwc
func.func @depthwise(%x: tensor<1x4x4x2x1xf32>, %init: tensor<1x4x3x2x1xf32>) -> tensor<1x4x3x2x1xf32> {
  %w = arith.constant dense<[[[[[0.0], [1.0]]]], [[[[2.0], [3.0]]]]]> : tensor<2x1x1x2x1xf32>
  %0 = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x4x4x2x1xf32>, tensor<2x1x1x2x1xf32>) outs(%init : tensor<1x4x3x2x1xf32>) -> tensor<1x4x3x2x1xf32>
  return %0 : tensor<1x4x3x2x1xf32>
}

// -----

// Two channels per group stay a grouped convolution.
// CHECK-LABEL: func.func @grouped
// CHECK: linalg.conv_2d_nhwgc_gfhwc
// CHECK-NOT: linalg.depthwise_conv_2d_nhwc_hwc
func.func @grouped(%x: tensor<1x4x4x2x2xf32>, %w: tensor<2x2x1x1x2xf32>, %init: tensor<1x4x4x2x2xf32>) -> tensor<1x4x4x2x2xf32> {
  %0 = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x4x4x2x2xf32>, tensor<2x2x1x1x2xf32>) outs(%init : tensor<1x4x4x2x2xf32>) -> tensor<1x4x4x2x2xf32>
  return %0 : tensor<1x4x4x2x2xf32>
}
