// RUN: mlc-opt %s | mlc-opt | FileCheck %s
// Round trip of the ops in MLCTensorOps.td and their inferred types.

// CHECK-LABEL: func.func @data_movement
func.func @data_movement(%x: tensor<2x5xf32>, %i: tensor<3xi64>, %v: tensor<2xf32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<4x2x5xf32>, tensor<2x8xf32>, tensor<4x3xf32>) {
  // CHECK: mlc.slice %{{.*}} {offsets = array<i64: 0, 4>, sizes = array<i64: 2, 3>, strides = array<i64: 1, -2>}
  %0 = mlc.slice %x {offsets = array<i64: 0, 4>, sizes = array<i64: 2, 3>, strides = array<i64: 1, -2>} : (tensor<2x5xf32>) -> tensor<2x3xf32>
  // CHECK: mlc.gather %{{.*}}, %{{.*}} {axis = 1 : i64}
  %1 = mlc.gather %x, %i {axis = 1 : i64} : (tensor<2x5xf32>, tensor<3xi64>) -> tensor<2x3xf32>
  // CHECK: mlc.expand %{{.*}} {shape = array<i64: 4, 2, 5>}
  %2 = mlc.expand %x {shape = array<i64: 4, 2, 5>} : (tensor<2x5xf32>) -> tensor<4x2x5xf32>
  // CHECK: mlc.pad reflect %{{.*}} {pads = array<i64: 0, 2, 0, 1>}
  %3 = mlc.pad reflect %x {pads = array<i64: 0, 2, 0, 1>} : (tensor<2x5xf32>) -> tensor<2x8xf32>
  // CHECK: mlc.one_hot %{{.*}}, %{{.*}} {axis = 0 : i64, depth = 4 : i64} : (tensor<3xi64>, tensor<2xf32>) -> tensor<4x3xf32>
  %4 = mlc.one_hot %i, %v {depth = 4 : i64, axis = 0 : i64} : (tensor<3xi64>, tensor<2xf32>) -> tensor<4x3xf32>
  return %0, %1, %2, %3, %4 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<4x2x5xf32>, tensor<2x8xf32>, tensor<4x3xf32>
}

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<2x3xf32>) -> (tensor<2xf32>, tensor<1x3xi64>, tensor<2x3xf32>, tensor<2x3xf32>) {
  // CHECK: mlc.reduce log_sum_exp %{{.*}} {axes = array<i64: 1>, keepdims = false}
  %0 = mlc.reduce log_sum_exp %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  // CHECK: mlc.arg_reduce argmin %{{.*}} {axis = 0 : i64, select_last_index = true}
  %1 = mlc.arg_reduce argmin %x {axis = 0 : i64, select_last_index = true} : (tensor<2x3xf32>) -> tensor<1x3xi64>
  // CHECK: mlc.log_softmax
  %2 = mlc.log_softmax %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: mlc.hardmax
  %3 = mlc.hardmax %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<2xf32>, tensor<1x3xi64>, tensor<2x3xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @norm_and_scatter
func.func @norm_and_scatter(%x: tensor<2x8xf32>, %s: tensor<8xf32>, %i: tensor<2x1xi64>, %u: tensor<2x8xf32>)
    -> (tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) {
  // CHECK: mlc.layer_norm %{{.*}} scale(%{{.*}} : tensor<8xf32>) {axis = 1 : i64}
  %y, %m, %r = mlc.layer_norm %x scale(%s : tensor<8xf32>) {axis = 1 : i64} : tensor<2x8xf32> -> tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>
  // CHECK: mlc.scatter_nd add
  %0 = mlc.scatter_nd add %x, %i, %u : (tensor<2x8xf32>, tensor<2x1xi64>, tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: mlc.trilu %{{.*}} {k = 1 : i64, upper = false}
  %1 = mlc.trilu %x {upper = false, k = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: mlc.cumsum %{{.*}} {axis = -1 : i64, reverse = true}
  %2 = mlc.cumsum %x {axis = -1 : i64, reverse = true} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y, %m, %0, %1, %2 : tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>
}
