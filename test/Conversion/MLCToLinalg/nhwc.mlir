// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @conv
// CHECK: tensor.pad %arg0 low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: linalg.broadcast ins(%arg2 : tensor<8xf32>) {{.*}} dimensions = [0, 1, 2]
// CHECK: linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} {{.*}} -> tensor<1x4x4x8xf32>
func.func @conv(%x: tensor<1x8x8x3xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x4x4x8xf32> {
  %0 = mlc.conv2d %x, %w, %b {layout = "NHWC", pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x8x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

// Groups: [N, H, W, G, C/G] x [G, F/G, KH, KW, C/G].
// CHECK-LABEL: func.func @grouped
// CHECK: tensor.expand_shape %arg0 {{\[}}[0], [1], [2], [3, 4]] {{.*}} into tensor<1x6x6x4x1xf32>
// CHECK: tensor.expand_shape %arg1 {{\[}}[0, 1], [2], [3], [4]] {{.*}} into tensor<4x1x3x3x1xf32>
// CHECK: linalg.conv_2d_nhwgc_gfhwc {{.*}} -> tensor<1x4x4x4x1xf32>
// CHECK: tensor.collapse_shape {{.*}} {{\[}}[0], [1], [2], [3, 4]] : tensor<1x4x4x4x1xf32> into tensor<1x4x4x4xf32>
func.func @grouped(%x: tensor<1x6x6x4xf32>, %w: tensor<4x3x3x1xf32>) -> tensor<1x4x4x4xf32> {
  %0 = mlc.conv2d %x, %w {layout = "NHWC", group = 4 : i64} : (tensor<1x6x6x4xf32>, tensor<4x3x3x1xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @pools
// CHECK: linalg.pooling_nhwc_max {{.*}} -> tensor<1x4x4x3xf32>
// CHECK: linalg.pooling_nhwc_sum {{.*}} -> tensor<1x4x4x3xf32>
// Excluded padding divides by a [OH, OW, 1] table of window sizes.
// CHECK: arith.constant dense<{{.*}}> : tensor<4x4x1xf32>
// CHECK: linalg.reduce {{.*}} dimensions = [1, 2]
func.func @pools(%x: tensor<1x8x8x3xf32>) -> (tensor<1x4x4x3xf32>, tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>) {
  %0 = mlc.max_pool2d %x {layout = "NHWC", kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x8x8x3xf32>) -> tensor<1x4x4x3xf32>
  %1 = mlc.avg_pool2d %x {layout = "NHWC", kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>} : (tensor<1x8x8x3xf32>) -> tensor<1x4x4x3xf32>
  %2 = mlc.global_avg_pool %x {layout = "NHWC"} : (tensor<1x8x8x3xf32>) -> tensor<1x1x1x3xf32>
  return %0, %1, %2 : tensor<1x4x4x3xf32>, tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>
}

// -----

// A pointwise NCHW convolution of one image is a matmul over whole feature
// maps: [F, C] x [C, H * W]; strided, padded, grouped or batched ones are not.
// CHECK-LABEL: func.func @pointwise
// CHECK: %[[X:.*]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2, 3]] : tensor<1x8x4x4xf32> into tensor<8x16xf32>
// CHECK: %[[W:.*]] = tensor.collapse_shape %arg1 {{\[}}[0], [1, 2, 3]] : tensor<6x8x1x1xf32> into tensor<6x8xf32>
// CHECK: %[[B:.*]] = linalg.broadcast ins(%arg2 : tensor<6xf32>) {{.*}} dimensions = [1]
// CHECK: %[[M:.*]] = linalg.matmul ins(%[[W]], %[[X]] : tensor<6x8xf32>, tensor<8x16xf32>) outs(%[[B]] : tensor<6x16xf32>)
// CHECK: tensor.expand_shape %[[M]] {{\[}}[0, 1], [2, 3]] {{.*}} into tensor<1x6x4x4xf32>
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x6x2x2xf32>
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<2x6x4x4xf32>
func.func @pointwise(%x: tensor<1x8x4x4xf32>, %w: tensor<6x8x1x1xf32>, %b: tensor<6xf32>, %x2: tensor<2x8x4x4xf32>) -> (tensor<1x6x4x4xf32>, tensor<1x6x2x2xf32>, tensor<2x6x4x4xf32>) {
  %0 = mlc.conv2d %x, %w, %b : (tensor<1x8x4x4xf32>, tensor<6x8x1x1xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  %1 = mlc.conv2d %x, %w {strides = array<i64: 2, 2>} : (tensor<1x8x4x4xf32>, tensor<6x8x1x1xf32>) -> tensor<1x6x2x2xf32>
  %2 = mlc.conv2d %x2, %w : (tensor<2x8x4x4xf32>, tensor<6x8x1x1xf32>) -> tensor<2x6x4x4xf32>
  return %0, %1, %2 : tensor<1x6x4x4xf32>, tensor<1x6x2x2xf32>, tensor<2x6x4x4xf32>
}
