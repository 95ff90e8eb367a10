// RUN: mlc-opt %s -split-input-file --mlc-raise-composites | FileCheck %s

// LayerNorm as torch exports it before opset 17, with scale and bias.
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x8xf32>, %[[G:.*]]: tensor<8xf32>, %[[B:.*]]: tensor<8xf32>)
// CHECK: %[[Y:.*]], %{{.*}}, %{{.*}} = mlc.layer_norm %[[X]] scale(%[[G]] : tensor<8xf32>) bias(%[[B]] : tensor<8xf32>) {axis = 2 : i64, epsilon = 1.000000e-03 : f32}
// CHECK-NOT: mlc.reduce_mean
// CHECK-NOT: mlc.sqrt
// CHECK: return %[[Y]]
func.func @layer_norm(%x: tensor<2x4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x4x8xf32> {
  %two = mlc.constant dense<2.0> : tensor<f32>
  %eps = mlc.constant dense<1.0e-3> : tensor<f32>
  %m = mlc.reduce_mean %x {axes = array<i64: -1>} : (tensor<2x4x8xf32>) -> tensor<2x4x1xf32>
  %d = mlc.sub %x, %m : (tensor<2x4x8xf32>, tensor<2x4x1xf32>) -> tensor<2x4x8xf32>
  %p = mlc.pow %d, %two : (tensor<2x4x8xf32>, tensor<f32>) -> tensor<2x4x8xf32>
  %v = mlc.reduce_mean %p {axes = array<i64: -1>} : (tensor<2x4x8xf32>) -> tensor<2x4x1xf32>
  %ve = mlc.add %v, %eps : (tensor<2x4x1xf32>, tensor<f32>) -> tensor<2x4x1xf32>
  %s = mlc.sqrt %ve : (tensor<2x4x1xf32>) -> tensor<2x4x1xf32>
  %n = mlc.div %d, %s : (tensor<2x4x8xf32>, tensor<2x4x1xf32>) -> tensor<2x4x8xf32>
  %y = mlc.mul %n, %g : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  %z = mlc.add %y, %b : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  return %z : tensor<2x4x8xf32>
}

// -----

// Variance of something else than (x - mean(x)), or means over different
// axes: not a layer norm.
// CHECK-LABEL: func.func @not_layer_norm
// CHECK-NOT: mlc.layer_norm
// CHECK: mlc.div
func.func @not_layer_norm(%x: tensor<2x8xf32>, %other: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %two = mlc.constant dense<2.0> : tensor<f32>
  %eps = mlc.constant dense<1.0e-5> : tensor<f32>
  %m = mlc.reduce_mean %x {axes = array<i64: -1>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %d = mlc.sub %x, %m : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %p = mlc.pow %other, %two : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %v = mlc.reduce_mean %p {axes = array<i64: -1>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %ve = mlc.add %v, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %s = mlc.sqrt %ve : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %n = mlc.div %d, %s : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  return %n : tensor<2x8xf32>
}

// -----

// GELU as torch exports it: x * (1 + erf(x / sqrt(2))) * 0.5.
// CHECK-LABEL: func.func @gelu
// CHECK-SAME: (%[[X:.*]]: tensor<4x16xf32>)
// CHECK-NEXT: %[[G:.*]] = mlc.gelu %[[X]] : (tensor<4x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT: return %[[G]]
func.func @gelu(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %sqrt2 = mlc.constant dense<1.41421354> : tensor<f32>
  %one = mlc.constant dense<1.0> : tensor<f32>
  %half = mlc.constant dense<0.5> : tensor<f32>
  %d = mlc.div %x, %sqrt2 : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %e = mlc.erf %d : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %a = mlc.add %e, %one : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %m = mlc.mul %x, %a : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %r = mlc.mul %m, %half : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// The TF form 0.5 * x * (1 + erf(x * 0.70710678)) too; a wrong constant
// (erf(x / 2)) is left alone.
// CHECK-LABEL: func.func @gelu_tf
// CHECK: mlc.gelu
// CHECK-LABEL: func.func @not_gelu
// CHECK-NOT: mlc.gelu
func.func @gelu_tf(%x: tensor<8xf32>) -> tensor<8xf32> {
  %rsqrt2 = mlc.constant dense<0.707106769> : tensor<f32>
  %one = mlc.constant dense<1.0> : tensor<f32>
  %half = mlc.constant dense<0.5> : tensor<f32>
  %h = mlc.mul %half, %x : (tensor<f32>, tensor<8xf32>) -> tensor<8xf32>
  %d = mlc.mul %x, %rsqrt2 : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %e = mlc.erf %d : (tensor<8xf32>) -> tensor<8xf32>
  %a = mlc.add %one, %e : (tensor<f32>, tensor<8xf32>) -> tensor<8xf32>
  %r = mlc.mul %h, %a : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}
func.func @not_gelu(%x: tensor<8xf32>) -> tensor<8xf32> {
  %c2 = mlc.constant dense<2.0> : tensor<f32>
  %one = mlc.constant dense<1.0> : tensor<f32>
  %half = mlc.constant dense<0.5> : tensor<f32>
  %d = mlc.div %x, %c2 : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %e = mlc.erf %d : (tensor<8xf32>) -> tensor<8xf32>
  %a = mlc.add %e, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %m = mlc.mul %x, %a : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %r = mlc.mul %m, %half : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// Softmax spelled out over axis 1.
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.*]]: tensor<2x10xf32>)
// CHECK-NEXT: %[[S:.*]] = mlc.softmax %[[X]] {axis = 1 : i64}
// CHECK-NEXT: return %[[S]]
func.func @softmax(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  %m = mlc.reduce max %x {axes = array<i64: 1>} : (tensor<2x10xf32>) -> tensor<2x1xf32>
  %d = mlc.sub %x, %m : (tensor<2x10xf32>, tensor<2x1xf32>) -> tensor<2x10xf32>
  %e = mlc.exp %d : (tensor<2x10xf32>) -> tensor<2x10xf32>
  %s = mlc.reduce sum %e {axes = array<i64: 1>} : (tensor<2x10xf32>) -> tensor<2x1xf32>
  %r = mlc.div %e, %s : (tensor<2x10xf32>, tensor<2x1xf32>) -> tensor<2x10xf32>
  return %r : tensor<2x10xf32>
}
