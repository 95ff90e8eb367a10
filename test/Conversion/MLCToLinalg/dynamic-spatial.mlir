// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s
// Dynamic spatial sizes (a 1-D convolution of a dynamic-length signal, as in
// an STFT front end): the output width is (padded - window) / stride + 1 of
// the padded input's run-time width; a mean over a dynamic axis divides by
// its run-time size.

// CHECK-LABEL: func.func @conv_dynamic_width
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 0, 0, 2] high[0, 0, 0, 2]
// CHECK: } : tensor<1x1x1x?xf32> to tensor<1x1x1x?xf32>
// CHECK: %[[W:.*]] = tensor.dim %[[P]], %{{.*}} : tensor<1x1x1x?xf32>
// CHECK: %[[SPAN:.*]] = arith.subi %[[W]], %c5
// CHECK: %[[STEPS:.*]] = arith.divui %[[SPAN]], %c2
// CHECK: %[[OUT:.*]] = arith.addi %[[STEPS]], %c1
// CHECK: tensor.empty(%[[OUT]]) : tensor<1x6x1x?xf32>
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} strides = dense<[1, 2]>
// CHECK-SAME: -> tensor<1x6x1x?xf32>
func.func @conv_dynamic_width(%x: tensor<1x1x1x?xf32>, %w: tensor<6x1x1x5xf32>) -> tensor<1x6x1x?xf32> {
  %y = mlc.conv2d %x, %w {strides = array<i64: 1, 2>, pads = array<i64: 0, 2, 0, 2>, dilations = array<i64: 1, 1>} : (tensor<1x1x1x?xf32>, tensor<6x1x1x5xf32>) -> tensor<1x6x1x?xf32>
  return %y : tensor<1x6x1x?xf32>
}

// -----

// CHECK-LABEL: func.func @mean_dynamic_axis
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c2 : tensor<1x9x?xf32>
// CHECK: %[[N64:.*]] = arith.index_castui %[[N]] : index to i64
// CHECK: %[[NF:.*]] = arith.uitofp %[[N64]] : i64 to f32
// CHECK-NOT: arith.mulf
// CHECK: linalg.reduce
// CHECK: linalg.generic
// CHECK: arith.divf %{{.*}}, %[[NF]] : f32
func.func @mean_dynamic_axis(%x: tensor<1x9x?xf32>) -> tensor<1x9xf32> {
  %y = mlc.reduce_mean %x {axes = array<i64: 2>, keepdims = false} : (tensor<1x9x?xf32>) -> tensor<1x9xf32>
  return %y : tensor<1x9xf32>
}

// -----

// Static and dynamic reduced dimensions: the static count scales the
// run-time one.
// CHECK-LABEL: func.func @mean_mixed_axes
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c1 : tensor<3x?x4xf32>
// CHECK: %[[N64:.*]] = arith.index_castui %[[N]] : index to i64
// CHECK: %[[NF:.*]] = arith.uitofp %[[N64]] : i64 to f32
// CHECK: %[[D:.*]] = arith.mulf %[[NF]], %cst : f32
// CHECK: arith.divf %{{.*}}, %[[D]] : f32
func.func @mean_mixed_axes(%x: tensor<3x?x4xf32>) -> tensor<3x1x1xf32> {
  %y = mlc.reduce_mean %x {axes = array<i64: 1, 2>, keepdims = true} : (tensor<3x?x4xf32>) -> tensor<3x1x1xf32>
  return %y : tensor<3x1x1xf32>
}

// -----

// Concat with a dynamic dimension besides the axis: the result takes it
// from the first input; static offsets along the axis.
// CHECK-LABEL: func.func @concat_dynamic_batch
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c1 : tensor<1x?x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<2x?x4xf32>
// CHECK: %[[A:.*]] = tensor.insert_slice %arg0 into %[[E]][0, 0, 0] [1, %{{.*}}, 4] [1, 1, 1]
// CHECK: tensor.insert_slice %arg1 into %[[A]][1, 0, 0] [1, %{{.*}}, 4] [1, 1, 1]
func.func @concat_dynamic_batch(%a: tensor<1x?x4xf32>, %b: tensor<1x?x4xf32>) -> tensor<2x?x4xf32> {
  %y = mlc.concat %a, %b {axis = 0 : i64} : (tensor<1x?x4xf32>, tensor<1x?x4xf32>) -> tensor<2x?x4xf32>
  return %y : tensor<2x?x4xf32>
}

// -----

// Along a dynamic axis: the size is the sum, each offset the running sum.
// CHECK-LABEL: func.func @concat_dynamic_axis
// CHECK: %[[A:.*]] = tensor.dim %arg0, %c1 : tensor<2x?xf32>
// CHECK-NOT: arith.addi %c0
// CHECK: %[[SUM:.*]] = arith.addi %[[A]], %c3
// CHECK: tensor.empty(%[[SUM]]) : tensor<2x?xf32>
// CHECK: %[[D:.*]] = tensor.dim %arg0, %{{.*}} : tensor<2x?xf32>
// CHECK: tensor.insert_slice %arg0 into %{{.*}}[0, 0] [2, %[[D]]] [1, 1]
// CHECK: tensor.insert_slice %arg1 into %{{.*}}[0, %[[D]]] [2, 3] [1, 1]
func.func @concat_dynamic_axis(%a: tensor<2x?xf32>, %b: tensor<2x3xf32>) -> tensor<2x?xf32> {
  %y = mlc.concat %a, %b {axis = 1 : i64} : (tensor<2x?xf32>, tensor<2x3xf32>) -> tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}
