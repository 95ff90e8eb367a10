// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// An i32 conv2d of a u8 activation (mlc.cast) and int8-range constant
// weights: im2col rows of the 8-bit input (padded with 0, K = 27 padded to
// 32), weights packed in 16x4 tiles at compile time (18 channels -> 2
// tiles), the bias as the accumulator's start, ext(u8) * sext(s8) in i32,
// sliced to 18 channels and read back in NCHW order.
// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[BIAS:.*]] = arith.constant dense<{{.*}}> : tensor<2x16xi32>
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<packed_weights> : tensor<2x8x16x4xi8>
// CHECK: tensor.pad %arg0 low
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x5x5x3x3x3xi8>)
// CHECK: tensor<25x27xi8> to tensor<25x32xi8>
// CHECK: %[[A:.*]] = tensor.expand_shape {{.*}} into tensor<25x8x4xi8>
// CHECK: %[[INIT:.*]] = linalg.broadcast ins(%[[BIAS]]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[A]], %[[W]] : tensor<25x8x4xi8>, tensor<2x8x16x4xi8>) outs(%[[INIT]] : tensor<25x2x16xi32>)
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [25, 18] [1, 1]
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x18x5x5xi32>)
// CHECK-NOT: linalg.conv_2d
func.func @conv(%xq: tensor<1x3x5x5xi8>) -> tensor<1x18x5x5xi32> {
  %w = mlc.constant dense<3> : tensor<18x3x3x3xi32>
  %b = mlc.constant dense<7> : tensor<18xi32>
  %x = mlc.cast %xq {unsigned_input} : (tensor<1x3x5x5xi8>) -> tensor<1x3x5x5xi32>
  %c = mlc.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x5x5xi32>, tensor<18x3x3x3xi32>, tensor<18xi32>) -> tensor<1x18x5x5xi32>
  return %c : tensor<1x18x5x5xi32>
}

// -----

// Weights outside int8 (w - zw = 200): the i32 convolution stays (this
// 1x1 one as an i32 matmul).
// CHECK-LABEL: func.func @wide_weights
// CHECK-NOT: "reduction", "reduction"
// CHECK: linalg.matmul {{.*}}tensor<1x1xi32>
func.func @wide_weights(%xq: tensor<1x1x4x4xi8>) -> tensor<1x1x4x4xi32> {
  %w = mlc.constant dense<200> : tensor<1x1x1x1xi32>
  %x = mlc.cast %xq {unsigned_input} : (tensor<1x1x4x4xi8>) -> tensor<1x1x4x4xi32>
  %c = mlc.conv2d %x, %w : (tensor<1x1x4x4xi32>, tensor<1x1x1x1xi32>) -> tensor<1x1x4x4xi32>
  return %c : tensor<1x1x4x4xi32>
}

// -----

// A signed activation in a 3-D matmul: rows collapsed, sext for both.
// CHECK-LABEL: func.func @matmul
// CHECK: tensor.collapse_shape %arg0 {{.*}} into tensor<6x5xi8>
// CHECK: linalg.generic
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: tensor.expand_shape {{.*}} into tensor<2x3x4xi32>
func.func @matmul(%xq: tensor<2x3x5xi8>) -> tensor<2x3x4xi32> {
  %w = mlc.constant dense<-2> : tensor<5x4xi32>
  %x = mlc.cast %xq : (tensor<2x3x5xi8>) -> tensor<2x3x5xi32>
  %y = mlc.matmul %x, %w : (tensor<2x3x5xi32>, tensor<5x4xi32>) -> tensor<2x3x4xi32>
  return %y : tensor<2x3x4xi32>
}

// -----

// A depthwise i32 conv2d (group = channels) of a u8 activation: the filters
// become an i8 constant [C, KH, KW] (never i32), the 8-bit input is padded
// with 0, and one window-sum generic reads NCHW as it is: ext(u8) *
// sext(s8) accumulated in i32 from the bias, no reshape, no named conv.
// The window reads (n, c, oh * 2 + kh, ow * 2 + kw), the filter (c, kh, kw).
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
// CHECK-DAG: #[[FI:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d4, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @depthwise
// CHECK-NOT: tensor<3x1x3x3xi32>
// CHECK-NOT: tensor<3x3x3xi32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[10, -20, 30]> : tensor<3xi32>
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}[1, -2, 3], [4, 5, 6], [7, 8, -128]], {{.*}}> : tensor<3x3x3xi8>
// CHECK: %[[X:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[INIT:.*]] = linalg.broadcast ins(%[[B]] : tensor<3xi32>) outs(%{{.*}} : tensor<1x3x3x3xi32>) dimensions = [0, 2, 3]
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[FI]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[X]], %[[W]] : tensor<1x3x7x7xi8>, tensor<3x3x3xi8>) outs(%[[INIT]] : tensor<1x3x3x3xi32>)
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK-NOT: linalg.conv
// CHECK-NOT: tensor.collapse_shape
// CHECK-NOT: tensor<3x1x3x3xi32>
// CHECK-NOT: tensor<3x3x3xi32>
func.func @depthwise(%xq: tensor<1x3x5x5xi8>) -> tensor<1x3x3x3xi32> {
  %w = mlc.constant dense<[[[[1, -2, 3], [4, 5, 6], [7, 8, -128]]], [[[1, 1, 1], [1, 1, 1], [1, 1, 1]]], [[[0, 0, 0], [0, 127, 0], [0, 0, 0]]]]> : tensor<3x1x3x3xi32>
  %b = mlc.constant dense<[10, -20, 30]> : tensor<3xi32>
  %x = mlc.cast %xq {unsigned_input} : (tensor<1x3x5x5xi8>) -> tensor<1x3x5x5xi32>
  %c = mlc.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, group = 3 : i64} : (tensor<1x3x5x5xi32>, tensor<3x1x3x3xi32>, tensor<3xi32>) -> tensor<1x3x3x3xi32>
  return %c : tensor<1x3x3x3xi32>
}

// -----

// Two groups of 2 input and 3 output channels, signed activation, no bias:
// the NGCHW form on 8 bits, filters an i8 constant [G, F/G, C/G, KH, KW].
// CHECK-LABEL: func.func @grouped
// CHECK-DAG: %[[W:.*]] = arith.constant dense<-3> : tensor<2x3x2x2x2xi8>
// CHECK-DAG: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%{{.*}} : tensor<1x2x3x3x3xi32>)
// CHECK-DAG: %[[X:.*]] = tensor.expand_shape %arg0 {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 2, 2, 4, 4]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[X]], %[[W]] : tensor<1x2x2x4x4xi8>, tensor<2x3x2x2x2xi8>) outs(%[[INIT]] : tensor<1x2x3x3x3xi32>)
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: tensor.collapse_shape {{.*}} into tensor<1x6x3x3xi32>
// CHECK-NOT: linalg.conv
func.func @grouped(%xq: tensor<1x4x4x4xi8>) -> tensor<1x6x3x3xi32> {
  %w = mlc.constant dense<-3> : tensor<6x2x2x2xi32>
  %x = mlc.cast %xq : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi32>
  %c = mlc.conv2d %x, %w {group = 2 : i64} : (tensor<1x4x4x4xi32>, tensor<6x2x2x2xi32>) -> tensor<1x6x3x3xi32>
  return %c : tensor<1x6x3x3xi32>
}

// -----

// A depthwise filter outside int8 (w - zw = 200) keeps the i32 grouped
// convolution.
// CHECK-LABEL: func.func @depthwise_wide_weights
// CHECK: linalg.conv_2d_ngchw_gfchw {{.*}}tensor<2x1x1x1x1xi32>
func.func @depthwise_wide_weights(%xq: tensor<1x2x4x4xi8>) -> tensor<1x2x4x4xi32> {
  %w = mlc.constant dense<200> : tensor<2x1x1x1xi32>
  %x = mlc.cast %xq {unsigned_input} : (tensor<1x2x4x4xi8>) -> tensor<1x2x4x4xi32>
  %c = mlc.conv2d %x, %w {group = 2 : i64} : (tensor<1x2x4x4xi32>, tensor<2x1x1x1xi32>) -> tensor<1x2x4x4xi32>
  return %c : tensor<1x2x4x4xi32>
}

// -----

// NHWC, 1x1 with unit strides: the activation itself is the GEMM's rows
// (no im2col copy) and the [pixels, F] result is the output (no transpose).
// CHECK-LABEL: func.func @conv_nhwc_1x1
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<packed_weights> : tensor<1x2x16x4xi8>
// CHECK: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2], [3]] : tensor<1x4x4x8xi8> into tensor<16x8xi8>
// CHECK: tensor.expand_shape %[[A]] {{.*}} into tensor<16x2x4xi8>
// CHECK: linalg.generic {{.*}}outs(%{{.*}} : tensor<16x1x16xi32>)
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [16, 5] [1, 1]
// CHECK: %[[R:.*]] = tensor.expand_shape %{{.*}} into tensor<1x4x4x5xi32>
// CHECK-NEXT: return %[[R]]
func.func @conv_nhwc_1x1(%xq: tensor<1x4x4x8xi8>) -> tensor<1x4x4x5xi32> {
  %w = mlc.constant dense<3> : tensor<5x1x1x8xi32>
  %x = mlc.cast %xq {unsigned_input} : (tensor<1x4x4x8xi8>) -> tensor<1x4x4x8xi32>
  %c = mlc.conv2d %x, %w {layout = "NHWC"} : (tensor<1x4x4x8xi32>, tensor<5x1x1x8xi32>) -> tensor<1x4x4x5xi32>
  return %c : tensor<1x4x4x5xi32>
}

// -----

// NHWC 3x3 with padding and stride 2: im2col rows (n, oh, ow, kh, kw, c),
// channels innermost, padded H and W (dims 1 and 2).
// CHECK-DAG: #[[IM:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d3, d2 * 2 + d4, d5)>
// CHECK-LABEL: func.func @conv_nhwc_3x3
// CHECK: %[[X:.*]] = tensor.pad %arg0 low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: linalg.generic {indexing_maps = [#[[IM]], {{.*}}} ins(%[[X]] : tensor<1x7x7x4xi8>) outs(%{{.*}} : tensor<1x3x3x3x3x4xi8>)
// CHECK: tensor.collapse_shape {{.*}} into tensor<9x36xi8>
// CHECK: tensor.expand_shape {{.*}} into tensor<1x3x3x16xi32>
func.func @conv_nhwc_3x3(%xq: tensor<1x5x5x4xi8>) -> tensor<1x3x3x16xi32> {
  %w = mlc.constant dense<-1> : tensor<16x3x3x4xi32>
  %x = mlc.cast %xq {unsigned_input} : (tensor<1x5x5x4xi8>) -> tensor<1x5x5x4xi32>
  %c = mlc.conv2d %x, %w {layout = "NHWC", pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x5x5x4xi32>, tensor<16x3x3x4xi32>) -> tensor<1x3x3x16xi32>
  return %c : tensor<1x3x3x16xi32>
}

// -----

// An NHWC conv whose i32 activation is a transpose of a widened 8-bit one
// (layout conversion leaves one at the graph's input): the 8-bit values
// are transposed, never the i32 ones.
// CHECK-LABEL: func.func @conv_transposed_input
// CHECK: linalg.transpose ins(%arg0 : tensor<1x4x5x5xi8>) outs(%{{.*}} : tensor<1x5x5x4xi8>) permutation = [0, 2, 3, 1]
// CHECK-NOT: xi32> to
// CHECK: tensor.collapse_shape {{.*}} into tensor<25x4xi8>
func.func @conv_transposed_input(%xq: tensor<1x4x5x5xi8>) -> tensor<1x5x5x16xi32> {
  %w = mlc.constant dense<2> : tensor<16x1x1x4xi32>
  %x = mlc.cast %xq {unsigned_input} : (tensor<1x4x5x5xi8>) -> tensor<1x4x5x5xi32>
  %t = mlc.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x4x5x5xi32>) -> tensor<1x5x5x4xi32>
  %c = mlc.conv2d %t, %w {layout = "NHWC"} : (tensor<1x5x5x4xi32>, tensor<16x1x1x4xi32>) -> tensor<1x5x5x16xi32>
  return %c : tensor<1x5x5x16xi32>
}

// -----

// A depthwise conv in NHWC ([C, KH, KW, 1] filters): an i8 filter constant
// [KH, KW, C], loops (n, oh, ow, kh, kw, c) with the channels innermost.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3, d2 + d4, d5)>
// CHECK-DAG: #[[FI:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
// CHECK-LABEL: func.func @depthwise_nhwc
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}[1, 1, 0], [-2, 1, 0]], {{.*}}> : tensor<2x2x3xi8>
// CHECK: %[[INIT:.*]] = linalg.broadcast {{.*}} dimensions = [0, 1, 2]
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[FI]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%arg0, %[[W]] : tensor<1x3x3x3xi8>, tensor<2x2x3xi8>) outs(%[[INIT]] : tensor<1x2x2x3xi32>)
func.func @depthwise_nhwc(%xq: tensor<1x3x3x3xi8>) -> tensor<1x2x2x3xi32> {
  %w = mlc.constant dense<[[[[1], [-2]], [[3], [4]]], [[[1], [1]], [[1], [1]]], [[[0], [0]], [[0], [127]]]]> : tensor<3x2x2x1xi32>
  %b = mlc.constant dense<[10, -20, 30]> : tensor<3xi32>
  %x = mlc.cast %xq {unsigned_input} : (tensor<1x3x3x3xi8>) -> tensor<1x3x3x3xi32>
  %c = mlc.conv2d %x, %w, %b {layout = "NHWC", group = 3 : i64} : (tensor<1x3x3x3xi32>, tensor<3x2x2x1xi32>, tensor<3xi32>) -> tensor<1x2x2x3xi32>
  return %c : tensor<1x2x2x3xi32>
}
