// RUN: mlc-opt %s -split-input-file --mlc-lower-quant | FileCheck %s

// Conv2d with per-channel weights (quant type), a float bias and a fused
// ReLU: the activation's storage integers widened to i32 (no run-time
// zero-point subtraction), the weights minus theirs folded
// (w = [[1], [-2]] - [1, -1] = [[0], [-1]]), the bias quantized at
// sx * sw = [0.5, 1.0] ([1.0, -3.0] -> [2, -3]) plus the zero-point term
// -zx * sum(w) = [0, 128], i32 accumulation, and a
// fixed-point requantize whose lower bound is the output zero point (ReLU).
// M = [0.5 * 1 / 0.25, 0.5 * 2 / 0.25] = [2, 4] = 2^30 * 2^-29, 2^30 * 2^-28.
// CHECK-LABEL: func.func @conv_relu
// CHECK-DAG: %[[W:.*]] = mlc.constant dense<{{\[\[\[\[}}0]]], {{\[\[\[}}-1]]]]> : tensor<2x1x1x1xi32>
// CHECK-DAG: %[[B:.*]] = mlc.constant dense<[2, 125]> : tensor<2xi32>
// CHECK: %[[X:.*]] = mlc.cast %arg0 {unsigned_input} : (tensor<1x1x2x2xi8>) -> tensor<1x1x2x2xi32>
// CHECK-NOT: mlc.sub
// CHECK: %[[ACC:.*]] = mlc.conv2d %[[X]], %[[W]], %[[B]] {{.*}} -> tensor<1x2x2x2xi32>
// CHECK: mlc.requantize %[[ACC]] {max = 255 : i64, min = 10 : i64, multipliers = array<i32: 1073741824, 1073741824>, output_zero_point = 10 : i64, shifts = array<i64: 29, 28>}
// CHECK-NOT: mlc.relu
// CHECK-NOT: mlc.quantize_linear
func.func @conv_relu(%xq: tensor<1x1x2x2xi8>, %wq: tensor<2x1x1x1xi8>) -> tensor<1x2x2x2xi8> {
  %sx = mlc.constant dense<0.5> : tensor<f32>
  %zx = mlc.constant dense<-128> : tensor<i8>
  %x = mlc.dequantize_linear %xq, %sx, %zx {unsigned_input} : (tensor<1x1x2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x2x2xf32>
  %wi = mlc.constant dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>
  %wt = quant.scast %wi : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8:f32:0, {1.0:1, 2.0:-1}>>
  %w = quant.dcast %wt : tensor<2x1x1x1x!quant.uniform<i8:f32:0, {1.0:1, 2.0:-1}>> to tensor<2x1x1x1xf32>
  %b = mlc.constant dense<[1.0, -3.0]> : tensor<2xf32>
  %c = mlc.conv2d %x, %w, %b : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %r = mlc.relu %c : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %sy = mlc.constant dense<0.25> : tensor<f32>
  %zy = mlc.constant dense<10> : tensor<i8>
  %y = mlc.quantize_linear %r, %sy, %zy {unsigned_result} : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<i8>) -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

// Matmul with per-tensor int8 weights and Clip(0, 6) fused: the clamp is
// [max(-128, 0 + 0), min(127, 0 + round(6 / 0.1))] = [0, 60]. The activation
// zero point is 0: no subtraction.
// CHECK-LABEL: func.func @matmul_clip
// CHECK: %[[X:.*]] = mlc.cast %arg0 : (tensor<2x3xi8>) -> tensor<2x3xi32>
// CHECK-NOT: mlc.sub
// CHECK: %[[ACC:.*]] = mlc.matmul %[[X]], %{{.*}} : (tensor<2x3xi32>, tensor<3x4xi32>) -> tensor<2x4xi32>
// CHECK: mlc.requantize %[[ACC]] {max = 60 : i64, min = 0 : i64, multipliers = array<i32: {{[0-9]+}}>, output_zero_point = 0 : i64, shifts = array<i64: {{[0-9]+}}>} : (tensor<2x4xi32>) -> tensor<2x4xi8>
func.func @matmul_clip(%xq: tensor<2x3xi8>) -> tensor<2x4xi8> {
  %s = mlc.constant dense<0.1> : tensor<f32>
  %z = mlc.constant dense<0> : tensor<i8>
  %x = mlc.dequantize_linear %xq, %s, %z : (tensor<2x3xi8>, tensor<f32>, tensor<i8>) -> tensor<2x3xf32>
  %wi = mlc.constant dense<3> : tensor<3x4xi8>
  %w = mlc.dequantize_linear %wi, %s, %z : (tensor<3x4xi8>, tensor<f32>, tensor<i8>) -> tensor<3x4xf32>
  %m = mlc.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %c = mlc.clip %m {min = 0.0 : f32, max = 6.0 : f32} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %y = mlc.quantize_linear %c, %s, %z : (tensor<2x4xf32>, tensor<f32>, tensor<i8>) -> tensor<2x4xi8>
  return %y : tensor<2x4xi8>
}

// -----

// Not quantizable: the weights are not constant, so the layer stays in float
// with its DQ and Q.
// CHECK-LABEL: func.func @runtime_weights
// CHECK: mlc.matmul {{.*}} -> tensor<2x4xf32>
// CHECK: mlc.quantize_linear
// CHECK-NOT: mlc.requantize
func.func @runtime_weights(%xq: tensor<2x3xi8>, %wq: tensor<3x4xi8>) -> tensor<2x4xi8> {
  %s = mlc.constant dense<0.1> : tensor<f32>
  %z = mlc.constant dense<0> : tensor<i8>
  %x = mlc.dequantize_linear %xq, %s, %z : (tensor<2x3xi8>, tensor<f32>, tensor<i8>) -> tensor<2x3xf32>
  %w = mlc.dequantize_linear %wq, %s, %z : (tensor<3x4xi8>, tensor<f32>, tensor<i8>) -> tensor<3x4xf32>
  %m = mlc.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %y = mlc.quantize_linear %m, %s, %z : (tensor<2x4xf32>, tensor<f32>, tensor<i8>) -> tensor<2x4xi8>
  return %y : tensor<2x4xi8>
}

// -----

// A padded convolution: the padding moves to an mlc.pad of the storage
// integers with the zero point (a padded element then contributes
// (zx - zx) * w = 0), the conv2d is unpadded, and the bias is the zero-point
// term -zx * sum(w') = -3 * (1 + 2) = -9. A matmul with zx = 3 gets the same
// term as an i32 addition: -3 * [1 + 1, 2 + 2] = [-6, -12].
// CHECK-LABEL: func.func @padded_conv
// CHECK-DAG: %[[B:.*]] = mlc.constant dense<-9> : tensor<1xi32>
// CHECK: %[[P:.*]] = mlc.pad constant %arg0 {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 3.000000e+00 : f64} : (tensor<1x1x2x2xi8>) -> tensor<1x1x4x4xi8>
// CHECK: %[[X:.*]] = mlc.cast %[[P]] {unsigned_input} : (tensor<1x1x4x4xi8>) -> tensor<1x1x4x4xi32>
// CHECK-NOT: pads = array<i64: 1
// CHECK: mlc.conv2d %[[X]], %{{.*}}, %[[B]] : (tensor<1x1x4x4xi32>, tensor<1x1x1x2xi32>, tensor<1xi32>) -> tensor<1x1x4x3xi32>
func.func @padded_conv(%xq: tensor<1x1x2x2xi8>) -> tensor<1x1x4x3xi8> {
  %sx = mlc.constant dense<0.5> : tensor<f32>
  %zx = mlc.constant dense<3> : tensor<i8>
  %x = mlc.dequantize_linear %xq, %sx, %zx {unsigned_input} : (tensor<1x1x2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x2x2xf32>
  %wi = mlc.constant dense<[[[[1, 2]]]]> : tensor<1x1x1x2xi8>
  %z0 = mlc.constant dense<0> : tensor<i8>
  %w = mlc.dequantize_linear %wi, %sx, %z0 : (tensor<1x1x1x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x1x2xf32>
  %c = mlc.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x1x4x3xf32>
  %y = mlc.quantize_linear %c, %sx, %zx {unsigned_result} : (tensor<1x1x4x3xf32>, tensor<f32>, tensor<i8>) -> tensor<1x1x4x3xi8>
  return %y : tensor<1x1x4x3xi8>
}

// CHECK-LABEL: func.func @matmul_zero_point
// CHECK: %[[C:.*]] = mlc.constant dense<[-6, -12]> : tensor<2xi32>
// CHECK: %[[M:.*]] = mlc.matmul
// CHECK: mlc.add %[[M]], %[[C]]
func.func @matmul_zero_point(%xq: tensor<3x2xi8>) -> tensor<3x2xi8> {
  %s = mlc.constant dense<0.5> : tensor<f32>
  %zx = mlc.constant dense<3> : tensor<i8>
  %x = mlc.dequantize_linear %xq, %s, %zx {unsigned_input} : (tensor<3x2xi8>, tensor<f32>, tensor<i8>) -> tensor<3x2xf32>
  %wi = mlc.constant dense<[[1, 2], [1, 2]]> : tensor<2x2xi8>
  %z0 = mlc.constant dense<0> : tensor<i8>
  %w = mlc.dequantize_linear %wi, %s, %z0 : (tensor<2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<2x2xf32>
  %m = mlc.matmul %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %y = mlc.quantize_linear %m, %s, %zx {unsigned_result} : (tensor<3x2xf32>, tensor<f32>, tensor<i8>) -> tensor<3x2xi8>
  return %y : tensor<3x2xi8>
}
