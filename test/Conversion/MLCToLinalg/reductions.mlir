// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @reduce_sum_keepdims
// CHECK: linalg.reduce ins(%{{.*}} : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<2x4xf32>) dimensions = [1]
// CHECK: arith.addf
// CHECK: tensor.expand_shape
func.func @reduce_sum_keepdims(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xf32> {
  %0 = mlc.reduce sum %x {axes = array<i64: -2>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  return %0 : tensor<2x1x4xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_l2
// CHECK: arith.mulf
// CHECK: linalg.reduce
// CHECK: math.sqrt
func.func @reduce_l2(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %0 = mlc.reduce l2 %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Booleans: max is `or`, starting from false.
// CHECK-LABEL: func.func @reduce_max_bool
// CHECK: arith.constant false
// CHECK: linalg.reduce
// CHECK: arith.ori
func.func @reduce_max_bool(%x: tensor<2x3xi1>) -> tensor<2x1xi1> {
  %0 = mlc.reduce max %x {axes = array<i64: 1>} : (tensor<2x3xi1>) -> tensor<2x1xi1>
  return %0 : tensor<2x1xi1>
}

// -----

// All axes when none are given; stable log-sum-exp subtracts the max.
// CHECK-LABEL: func.func @reduce_log_sum_exp
// CHECK: linalg.reduce
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: linalg.reduce
// CHECK: math.log
func.func @reduce_log_sum_exp(%x: tensor<2x3xf32>) -> tensor<1x1xf32> {
  %0 = mlc.reduce log_sum_exp %x : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// CHECK-LABEL: func.func @argmax_last
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK: arith.cmpf oge
// CHECK: linalg.index 1
// CHECK: linalg.yield %{{.*}}, %{{.*}} : f32, i64
func.func @argmax_last(%x: tensor<2x3xf32>) -> tensor<2x1xi64> {
  %0 = mlc.arg_reduce argmax %x {axis = 1 : i64, select_last_index = true} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// CHECK-LABEL: func.func @log_softmax
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: math.log
// CHECK: arith.subf
func.func @log_softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = mlc.log_softmax %x {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @hardmax
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpi eq
// CHECK: arith.select
func.func @hardmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = mlc.hardmax %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @layer_norm
// CHECK: linalg.reduce
// CHECK: arith.divf
// CHECK: linalg.reduce
// CHECK: math.sqrt
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: return %{{.*}}, %{{.*}} : tensor<2x3x4xf32>, tensor<2x1x1xf32>
func.func @layer_norm(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>, %b: tensor<3x1xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>) {
  %y, %m, %r = mlc.layer_norm %x scale(%s : tensor<4xf32>) bias(%b : tensor<3x1xf32>) {axis = 1 : i64} : tensor<2x3x4xf32> -> tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>
  return %y, %r : tensor<2x3x4xf32>, tensor<2x1x1xf32>
}

// -----

// Normalizing over all dims (axis 0) gives rank-0 statistics.
// CHECK-LABEL: func.func @layer_norm_axis0
// CHECK: linalg.reduce
// CHECK-SAME: dimensions = [0, 1]
// CHECK: tensor.expand_shape %{{.*}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @layer_norm_axis0(%x: tensor<3x4xf32>) -> tensor<1x1xf32> {
  %y, %m, %r = mlc.layer_norm %x {axis = 0 : i64} : tensor<3x4xf32> -> tensor<3x4xf32>, tensor<1x1xf32>, tensor<1x1xf32>
  return %m : tensor<1x1xf32>
}
