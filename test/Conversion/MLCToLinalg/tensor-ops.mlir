// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// A forward slice is one tensor.extract_slice.
// CHECK-LABEL: func.func @slice_forward
// CHECK: tensor.extract_slice %{{.*}}[1, 0] [2, 3] [2, 1]
// CHECK-NOT: linalg.generic
// CHECK-NOT: mlc.
func.func @slice_forward(%x: tensor<6x5xf32>) -> tensor<2x3xf32> {
  %0 = mlc.slice %x {offsets = array<i64: 1, 0>, sizes = array<i64: 2, 3>, strides = array<i64: 2, 1>} : (tensor<6x5xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A backward slice reads forward from its last element, then reverses.
// CHECK-LABEL: func.func @slice_backward
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [2, 3] [1, 2]
// CHECK: linalg.generic {indexing_maps = [#[[REV:.*]], #{{.*}}]
func.func @slice_backward(%x: tensor<2x5xf32>) -> tensor<2x3xf32> {
  %0 = mlc.slice %x {offsets = array<i64: 0, 4>, sizes = array<i64: 2, 3>, strides = array<i64: 1, -2>} : (tensor<2x5xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @slice_empty
// CHECK: tensor.empty() : tensor<0x5xf32>
func.func @slice_empty(%x: tensor<2x5xf32>) -> tensor<0x5xf32> {
  %0 = mlc.slice %x {offsets = array<i64: 0, 0>, sizes = array<i64: 0, 5>, strides = array<i64: 1, 1>} : (tensor<2x5xf32>) -> tensor<0x5xf32>
  return %0 : tensor<0x5xf32>
}

// -----

// CHECK-LABEL: func.func @expand
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]]
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = mlc.expand %x {shape = array<i64: 2, 3, 4>} : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @pad_constant
// CHECK: %[[V:.*]] = arith.constant 2.500000e+00 : f32
// CHECK: tensor.pad %{{.*}} low[1, 0] high[0, 2]
// CHECK: tensor.yield %[[V]]
func.func @pad_constant(%x: tensor<3x4xf32>) -> tensor<4x6xf32> {
  %0 = mlc.pad constant %x {pads = array<i64: 1, 0, 0, 2>, value = 2.5 : f64} : (tensor<3x4xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

// Reflect: index j = (i - low) mod 2(n-1), mirrored in the second half.
// CHECK-LABEL: func.func @pad_reflect
// CHECK: linalg.generic
// CHECK: linalg.index 0
// CHECK: linalg.index 1
// CHECK: arith.remsi
// CHECK: arith.select
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<3x4xf32>
func.func @pad_reflect(%x: tensor<3x4xf32>) -> tensor<3x7xf32> {
  %0 = mlc.pad reflect %x {pads = array<i64: 0, 2, 0, 1>} : (tensor<3x4xf32>) -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// -----

// CHECK-LABEL: func.func @pad_edge
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: tensor.extract
func.func @pad_edge(%x: tensor<3xi32>) -> tensor<6xi32> {
  %0 = mlc.pad edge %x {pads = array<i64: 2, 1>} : (tensor<3xi32>) -> tensor<6xi32>
  return %0 : tensor<6xi32>
}

// -----

// CHECK-LABEL: func.func @trilu
// CHECK: linalg.index 0
// CHECK: linalg.index 1
// CHECK: arith.cmpi sle
// CHECK: arith.select
func.func @trilu(%x: tensor<4x5xf32>) -> tensor<4x5xf32> {
  %0 = mlc.trilu %x {upper = false, k = -1 : i64} : (tensor<4x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// The scanned axis gets a reduction twin: out[i] = sum_k (k < i ? x[k] : 0).
// CHECK-LABEL: func.func @cumsum_exclusive
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.cmpi slt
// CHECK: arith.addi
func.func @cumsum_exclusive(%x: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %0 = mlc.cumsum %x {axis = 1 : i64, exclusive = true} : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}
