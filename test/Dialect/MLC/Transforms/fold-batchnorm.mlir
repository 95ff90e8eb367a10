// RUN: mlc-opt %s -split-input-file --mlc-fold-batchnorm | FileCheck %s

// s = gamma / sqrt(var + eps) = [1, 0.5], t = beta - mean * s = [2, 2.5]:
// filters scaled by s, bias b * s + t = [4, 4.5].
// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[W:.*]] = mlc.constant dense<{{\[}}[{{\[}}[3.000000e+00]]], [{{\[}}[1.500000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = mlc.constant dense<[4.000000e+00, 4.500000e+00]> : tensor<2xf32>
// CHECK: %[[C:.*]] = mlc.conv2d %arg0, %[[W]], %[[B]]
// CHECK-NOT: mlc.batch_norm
// CHECK: return %[[C]]
func.func @conv(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = mlc.constant dense<3.0> : tensor<2x1x1x1xf32>
  %b = mlc.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %gamma = mlc.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = mlc.constant dense<[3.0, 4.0]> : tensor<2xf32>
  %mean = mlc.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %var = mlc.constant dense<[4.0, 4.0]> : tensor<2xf32>
  %c = mlc.conv2d %x, %w, %b : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y = mlc.batch_norm %c, %gamma, %beta, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A conv2d with another user keeps its weights: the batch norm becomes a
// scale and shift of shape [C, 1, 1] instead.
// CHECK-LABEL: func.func @conv_two_uses
// CHECK-DAG: %[[S:.*]] = mlc.constant dense<{{\[}}[{{\[}}1.000000e+00]], [{{\[}}5.000000e-01]]]> : tensor<2x1x1xf32>
// CHECK-DAG: %[[T:.*]] = mlc.constant dense<{{\[}}[{{\[}}2.000000e+00]], [{{\[}}2.500000e+00]]]> : tensor<2x1x1xf32>
// CHECK: %[[C:.*]] = mlc.conv2d
// CHECK: %[[M:.*]] = mlc.mul %[[C]], %[[S]]
// CHECK: %[[A:.*]] = mlc.add %[[M]], %[[T]]
// CHECK: return %[[A]], %[[C]]
func.func @conv_two_uses(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %gamma = mlc.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = mlc.constant dense<[3.0, 4.0]> : tensor<2xf32>
  %mean = mlc.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %var = mlc.constant dense<[4.0, 4.0]> : tensor<2xf32>
  %c = mlc.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = mlc.batch_norm %c, %gamma, %beta, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y, %c : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Gemm with transposed B: rows of B are output channels; beta * C folds in
// (beta = 2, C = [1, 2] -> [2, 4] * s + t = [4, 4.5]) and beta becomes 1.
// CHECK-LABEL: func.func @gemm
// CHECK-DAG: %[[B:.*]] = mlc.constant dense<{{\[}}[1.000000e+00, 1.000000e+00], [5.000000e-01, 5.000000e-01]]> : tensor<2x2xf32>
// CHECK-DAG: %[[C:.*]] = mlc.constant dense<[4.000000e+00, 4.500000e+00]> : tensor<2xf32>
// CHECK: mlc.gemm %arg0, %[[B]], %[[C]] {trans_b = true}
// CHECK-NOT: mlc.batch_norm
func.func @gemm(%a: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %b = mlc.constant dense<1.0> : tensor<2x2xf32>
  %c = mlc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %gamma = mlc.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = mlc.constant dense<[3.0, 4.0]> : tensor<2xf32>
  %mean = mlc.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %var = mlc.constant dense<[4.0, 4.0]> : tensor<2xf32>
  %g = mlc.gemm %a, %b, %c {trans_b = true, beta = 2.0 : f32} : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %y = mlc.batch_norm %g, %gamma, %beta, %mean, %var {epsilon = 0.0 : f32} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// 2-D matmul: columns of the weight scaled, the shift added after.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[W:.*]] = mlc.constant dense<{{\[}}[1.000000e+00, 5.000000e-01]]> : tensor<1x2xf32>
// CHECK-DAG: %[[T:.*]] = mlc.constant dense<[2.000000e+00, 2.500000e+00]> : tensor<2xf32>
// CHECK: %[[M:.*]] = mlc.matmul %arg0, %[[W]]
// CHECK: mlc.add %[[M]], %[[T]]
func.func @matmul(%a: tensor<3x1xf32>) -> tensor<3x2xf32> {
  %w = mlc.constant dense<1.0> : tensor<1x2xf32>
  %gamma = mlc.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = mlc.constant dense<[3.0, 4.0]> : tensor<2xf32>
  %mean = mlc.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %var = mlc.constant dense<[4.0, 4.0]> : tensor<2xf32>
  %m = mlc.matmul %a, %w : (tensor<3x1xf32>, tensor<1x2xf32>) -> tensor<3x2xf32>
  %y = mlc.batch_norm %m, %gamma, %beta, %mean, %var {epsilon = 0.0 : f32} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Parameters that are not constants: nothing to fold.
// CHECK-LABEL: func.func @dynamic_params
// CHECK: mlc.batch_norm
func.func @dynamic_params(%x: tensor<1x2x4x4xf32>, %gamma: tensor<2xf32>) -> tensor<1x2x4x4xf32> {
  %beta = mlc.constant dense<[3.0, 4.0]> : tensor<2xf32>
  %mean = mlc.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %var = mlc.constant dense<[4.0, 4.0]> : tensor<2xf32>
  %y = mlc.batch_norm %x, %gamma, %beta, %mean, %var : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}
