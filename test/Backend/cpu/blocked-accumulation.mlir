// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cpu-blocked-accumulation))" | FileCheck %s
// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cpu-blocked-accumulation{max-block=512}))" | FileCheck %s --check-prefix=WIDE

// A 512-term matmul: K becomes 4 blocks of 128 summed from zero into
// partial[block, m, n], then added to the accumulator block by block.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d3)>
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[P:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[PIN:.+]] = affine_map<(d0, d1, d2) -> (d2, d0, d1)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[X:.+]]: tensor<4x512xf32>, %[[W:.+]]: tensor<512x8xf32>, %[[C:.+]]: tensor<4x8xf32>)
// CHECK: %[[ZERO:.+]] = linalg.fill {{.*}} -> tensor<4x4x8xf32>
// CHECK: %[[XS:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2]] output_shape [4, 4, 128]
// CHECK: %[[WS:.+]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2]] output_shape [4, 128, 8]
// CHECK: %[[PART:.+]] = linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[P]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[XS]], %[[WS]] : {{.*}}) outs(%[[ZERO]] : tensor<4x4x8xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[PIN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[PART]] : tensor<4x4x8xf32>) outs(%[[C]] : tensor<4x8xf32>)
// CHECK: return %[[SUM]]
// WIDE-LABEL: func.func @matmul
// WIDE-NEXT: linalg.matmul
func.func @matmul(%a: tensor<4x512xf32>, %b: tensor<512x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x512xf32>, tensor<512x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// A 3x3 convolution over 64 channels (576 terms, dynamic batch): the
// channels split into 8 blocks of 8 (72 terms each); the window loops,
// read as oh + kh, stay whole.
// CHECK-LABEL: func.func @conv
// CHECK: %[[N:.+]] = tensor.dim %{{.*}}, %c0 : tensor<?x16x8x8xf32>
// CHECK: tensor.empty(%[[N]]) : tensor<8x?x16x8x8xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<?x8x8x10x10xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<16x8x8x3x3xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK: } -> tensor<8x?x16x8x8xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK: } -> tensor<?x16x8x8xf32>
// WIDE-LABEL: func.func @conv
// WIDE: tensor<2x?x16x8x8xf32>
func.func @conv(%x: tensor<?x64x10x10xf32>, %w: tensor<16x64x3x3xf32>, %c: tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32> {
  %r = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<?x64x10x10xf32>, tensor<16x64x3x3xf32>) outs(%c : tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
  return %r : tensor<?x16x8x8xf32>
}

// -----

// Left alone: a sum that fits one block, integer sums (exact anyway), a
// max (no rounding error grows), and a pooling window (read as oh + kh).
// CHECK-LABEL: func.func @short
// CHECK-NEXT: linalg.matmul
func.func @short(%a: tensor<4x128xf32>, %b: tensor<128x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x128xf32>, tensor<128x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
// CHECK-LABEL: func.func @integer
// CHECK-NEXT: linalg.matmul
func.func @integer(%a: tensor<4x512xi32>, %b: tensor<512x8xi32>, %c: tensor<4x8xi32>) -> tensor<4x8xi32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x512xi32>, tensor<512x8xi32>) outs(%c : tensor<4x8xi32>) -> tensor<4x8xi32>
  return %r : tensor<4x8xi32>
}
// CHECK-LABEL: func.func @max
// CHECK-NEXT: linalg.reduce
func.func @max(%a: tensor<4x512xf32>, %c: tensor<4xf32>) -> tensor<4xf32> {
  %r = linalg.reduce ins(%a : tensor<4x512xf32>) outs(%c : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %m = arith.maximumf %in, %acc : f32
      linalg.yield %m : f32
    }
  return %r : tensor<4xf32>
}
// CHECK-LABEL: func.func @pool
// CHECK-NEXT: tensor.empty
// CHECK-NEXT: linalg.pooling_nchw_sum
func.func @pool(%x: tensor<1x4x40x40xf32>, %c: tensor<1x4x1x1xf32>) -> tensor<1x4x1x1xf32> {
  %win = tensor.empty() : tensor<40x40xf32>
  %r = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%x, %win : tensor<1x4x40x40xf32>, tensor<40x40xf32>) outs(%c : tensor<1x4x1x1xf32>) -> tensor<1x4x1x1xf32>
  return %r : tensor<1x4x1x1xf32>
}

// -----

// A full reduction to a rank-0 tensor (ReduceMean over every axis) splits
// too: the block sums are added into the scalar.
// CHECK-LABEL: func.func @full_reduction
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction"]
func.func @full_reduction(%x: tensor<1024xf32>, %init: tensor<f32>) -> tensor<f32> {
  %r = linalg.reduce ins(%x : tensor<1024xf32>) outs(%init : tensor<f32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return %r : tensor<f32>
}
