// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// A `?` batch is sized with tensor.dim of the operand that has it.
// CHECK-LABEL: func.func @add_dynamic
// CHECK: %[[N:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x3xf32>
// CHECK: tensor.empty(%[[N]]) : tensor<?x3xf32>
// CHECK: linalg.generic
func.func @add_dynamic(%x: tensor<?x3xf32>, %b: tensor<3xf32>) -> tensor<?x3xf32> {
  %y = mlc.add %x, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// Slice bounds are read from their tensors and clamped in scalar code.
// CHECK-LABEL: func.func @slice_runtime
// CHECK: tensor.extract %arg1
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: tensor.empty(%{{.*}}) : tensor<?x10xf32>
// CHECK: linalg.generic
// CHECK: tensor.extract %arg0
func.func @slice_runtime(%x: tensor<20x10xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>, %a: tensor<1xi64>, %st: tensor<1xi64>) -> tensor<?x10xf32> {
  %y = mlc.dynamic_slice %x, %s, %e, %a, %st : (tensor<20x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x10xf32>
  return %y : tensor<?x10xf32>
}

// -----

// mlc.dim reads one size; dynamic_reshape resolves 0 and -1 and reshapes.
// CHECK-LABEL: func.func @dim_and_reshape
// CHECK: tensor.dim %arg0
// CHECK: tensor.from_elements %{{.*}} : tensor<1xi64>
// CHECK: arith.divsi
// CHECK: tensor.reshape %arg0(%{{.*}}) : (tensor<?x4x6xf32>, tensor<2xindex>) -> tensor<?x24xf32>
func.func @dim_and_reshape(%x: tensor<?x4x6xf32>, %s: tensor<2xi64>) -> (tensor<1xi64>, tensor<?x24xf32>) {
  %n = mlc.dim %x {index = 0 : i64} : (tensor<?x4x6xf32>) -> tensor<1xi64>
  %y = mlc.dynamic_reshape %x, %s : (tensor<?x4x6xf32>, tensor<2xi64>) -> tensor<?x24xf32>
  return %n, %y : tensor<1xi64>, tensor<?x24xf32>
}

// -----

// Convolutions take a dynamic batch: the accumulator is sized from it.
// CHECK-LABEL: func.func @conv_dynamic_batch
// CHECK: %[[N:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x3x8x8xf32>
// CHECK: tensor.empty(%[[N]]) : tensor<?x4x8x8xf32>
// CHECK: linalg.conv_2d_nchw_fchw
func.func @conv_dynamic_batch(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<?x4x8x8xf32> {
  %y = mlc.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x8x8xf32>
  return %y : tensor<?x4x8x8xf32>
}

// -----

// Expand resolves each extent in scalar code (a size-1 input dimension takes
// the shape entry) and reads index 0 along stretched dimensions.
// CHECK-LABEL: func.func @expand_runtime
// CHECK: tensor.extract %arg1
// CHECK: arith.select
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?x3xf32>
// CHECK: linalg.generic
// CHECK: tensor.extract %arg0
func.func @expand_runtime(%x: tensor<1x3xf32>, %s: tensor<3xi64>) -> tensor<?x?x3xf32> {
  %y = mlc.dynamic_expand %x, %s : (tensor<1x3xf32>, tensor<3xi64>) -> tensor<?x?x3xf32>
  return %y : tensor<?x?x3xf32>
}

// -----

// Tile: extents input * max(repeat, 0), reads at i mod input.
// CHECK-LABEL: func.func @tile_runtime
// CHECK: arith.maxsi
// CHECK: arith.muli
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
// CHECK: linalg.generic
// CHECK: arith.remui
func.func @tile_runtime(%x: tensor<2x3xf32>, %r: tensor<2xi64>) -> tensor<?x?xf32> {
  %y = mlc.dynamic_tile %x, %r : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// Range: an integer count by ceildivsi (0 for delta 0), a float one by ceil.
// CHECK-LABEL: func.func @range_runtime
// CHECK: arith.ceildivsi
// CHECK: tensor.empty(%{{.*}}) : tensor<?xi32>
// CHECK: math.ceil
// CHECK: arith.fptosi
// CHECK: tensor.empty(%{{.*}}) : tensor<?xf32>
// CHECK: arith.sitofp
func.func @range_runtime(%a: tensor<i32>, %b: tensor<i32>, %c: tensor<i32>, %f: tensor<f32>, %g: tensor<f32>, %h: tensor<f32>) -> (tensor<?xi32>, tensor<?xf32>) {
  %y = mlc.dynamic_range %a, %b, %c : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<?xi32>
  %z = mlc.dynamic_range %f, %g, %h : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  return %y, %z : tensor<?xi32>, tensor<?xf32>
}
