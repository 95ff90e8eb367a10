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
