// RUN: mlc-opt %s -split-input-file --mlc-convert-layout="layout=nhwc" | FileCheck %s
// RUN: mlc-opt %s -split-input-file --mlc-convert-layout="layout=nhwc" --mlc-convert-layout="layout=nchw" --canonicalize | FileCheck %s --check-prefix=BACK
// RUN: not mlc-opt %s -split-input-file --mlc-convert-layout="layout=nwhc" 2>&1 | FileCheck %s --check-prefix=BAD

// A residual block with a depthwise conv, a per-channel scale, max and
// global pooling: everything runs in NHWC, filters and the scale constant
// are transposed at compile time, and only the transpose of the graph input
// remains (the residual add reuses it; global pooling's [N, 1, 1, C] result
// flattens without a transpose).
// CHECK-LABEL: func.func @block
// CHECK-DAG: %[[SCALE:.*]] = mlc.constant dense<{{\[}}[{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]]]]> : tensor<1x1x1x4xf32>
// CHECK-DAG: %[[DW:.*]] = mlc.constant dense<2.500000e-01> : tensor<4x3x3x1xf32>
// CHECK-DAG: %[[W:.*]] = mlc.constant dense_resource<{{.*}}> : tensor<4x3x3x4xf32>
// CHECK: %[[X:.*]] = mlc.transpose %arg0 {perm = array<i64: 0, 2, 3, 1>}
// CHECK-NOT: mlc.transpose
// CHECK: %[[C1:.*]] = mlc.conv2d %[[X]], %[[W]], %{{.*}} {layout = "NHWC", pads = array<i64: 1, 1, 1, 1>} : {{.*}} -> tensor<1x8x8x4xf32>
// CHECK: %[[R1:.*]] = mlc.relu %[[C1]] : (tensor<1x8x8x4xf32>)
// CHECK: %[[C2:.*]] = mlc.conv2d %[[R1]], %[[DW]] {group = 4 : i64, layout = "NHWC"
// CHECK: %[[M:.*]] = mlc.mul %[[C2]], %[[SCALE]]
// CHECK: %[[A:.*]] = mlc.add %[[M]], %[[X]]
// CHECK: %[[R2:.*]] = mlc.relu %[[A]]
// CHECK: %[[P:.*]] = mlc.max_pool2d %[[R2]] {kernel_shape = array<i64: 2, 2>, layout = "NHWC"
// CHECK: %[[G:.*]] = mlc.global_avg_pool %[[P]] {layout = "NHWC"} : (tensor<1x4x4x4xf32>) -> tensor<1x1x1x4xf32>
// CHECK: mlc.flatten
// CHECK-NOT: mlc.transpose
// CHECK: mlc.gemm
// BACK-LABEL: func.func @block
// BACK-NOT: mlc.transpose
// BACK-NOT: "NHWC"
// BACK: mlc.gemm
func.func @block(%x: tensor<1x4x8x8xf32>) -> tensor<1x3xf32> {
  %w1 = mlc.constant dense<0.5> : tensor<4x4x3x3xf32>
  %b1 = mlc.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %w2 = mlc.constant dense<0.25> : tensor<4x1x3x3xf32>
  %s = mlc.constant dense<[[[1.0]], [[2.0]], [[3.0]], [[4.0]]]> : tensor<4x1x1xf32>
  %fc = mlc.constant dense<1.0> : tensor<3x4xf32>
  %c1 = mlc.conv2d %x, %w1, %b1 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %r1 = mlc.relu %c1 : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %c2 = mlc.conv2d %r1, %w2 {pads = array<i64: 1, 1, 1, 1>, group = 4 : i64} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x8x8xf32>
  %m = mlc.mul %c2, %s : (tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %a = mlc.add %m, %x : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %r2 = mlc.relu %a : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %p = mlc.max_pool2d %r2 {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %g = mlc.global_avg_pool %p : (tensor<1x4x4x4xf32>) -> tensor<1x4x1x1xf32>
  %f = mlc.flatten %g : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
  %y = mlc.gemm %f, %fc {trans_b = true} : (tensor<1x4xf32>, tensor<3x4xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// A transpose whose users are not all elementwise stays where it is; a conv
// result used by an unconvertible op (softmax) is transposed back for it.
// CHECK-LABEL: func.func @boundary
// CHECK: mlc.transpose %arg0 {perm = array<i64: 0, 2, 3, 1>}
// CHECK: mlc.conv2d {{.*}}layout = "NHWC"
// CHECK: %[[T:.*]] = mlc.transpose %{{.*}} {perm = array<i64: 0, 3, 1, 2>}
// CHECK: mlc.softmax %[[T]]
func.func @boundary(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %c = mlc.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = mlc.softmax %c {axis = 1 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %s : tensor<1x2x4x4xf32>
}

// -----

// BAD: error: unknown layout 'nwhc' (expected nhwc or nchw)
func.func @bad_option(%x: tensor<1xf32>) -> tensor<1xf32> {
  return %x : tensor<1xf32>
}

// -----

// Transposes sink through the activations of MLCMathOps.td like through
// relu: two NHWC convs with leaky_relu and hard_swish between them need no
// transpose in between.
// CHECK-LABEL: func.func @math_activations
// CHECK: mlc.transpose %arg0 {perm = array<i64: 0, 2, 3, 1>}
// CHECK-NOT: mlc.transpose
// CHECK: mlc.conv2d {{.*}}layout = "NHWC"
// CHECK-NEXT: mlc.leaky_relu %{{.*}} {alpha = 2.000000e-01 : f32} : (tensor<1x4x4x2xf32>)
// CHECK-NEXT: mlc.hard_swish %{{.*}} : (tensor<1x4x4x2xf32>)
// CHECK-NEXT: mlc.conv2d {{.*}}layout = "NHWC"
// CHECK-NEXT: mlc.gelu %{{.*}} : (tensor<1x4x4x2xf32>)
// CHECK-NEXT: mlc.transpose %{{.*}} {perm = array<i64: 0, 3, 1, 2>}
func.func @math_activations(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = mlc.constant dense<0.5> : tensor<2x2x1x1xf32>
  %c1 = mlc.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %l = mlc.leaky_relu %c1 {alpha = 0.2 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %h = mlc.hard_swish %l : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c2 = mlc.conv2d %h, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %g = mlc.gelu %c2 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %g : tensor<1x2x4x4xf32>
}

// -----

// A quantized residual block (what mlc-lower-quant makes): the integer
// convolutions convert too, and the transposes sink through the widening
// casts, the requantizations (their per-channel axis follows the channels
// to dim 3), the zero padding and the (de)quantizations, so that only the
// transposes at the graph's boundaries remain, on the 8-bit input and the
// float output.
// CHECK-LABEL: func.func @int_block
// CHECK: %[[Q:.*]] = mlc.quantize_linear %arg0
// CHECK: %[[P:.*]] = mlc.pad constant %[[Q]] {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>
// CHECK: %[[X:.*]] = mlc.cast %[[P]] {unsigned_input} : (tensor<1x4x10x10xi8>) -> tensor<1x4x10x10xi32>
// CHECK: %[[T:.*]] = mlc.transpose %[[X]] {perm = array<i64: 0, 2, 3, 1>}
// CHECK: %[[C1:.*]] = mlc.conv2d %[[T]], %{{.*}} {layout = "NHWC"} : (tensor<1x10x10x4xi32>, tensor<4x3x3x4xi32>) -> tensor<1x8x8x4xi32>
// CHECK: %[[R1:.*]] = mlc.requantize %[[C1]] {axis = 3 : i64, {{.*}}multipliers = array<i32: 1, 2, 3, 4>{{.*}} : (tensor<1x8x8x4xi32>) -> tensor<1x8x8x4xi8>
// CHECK: %[[P2:.*]] = mlc.pad constant %[[R1]] {pads = array<i64: 0, 1, 1, 0, 0, 1, 1, 0>
// CHECK-SAME: -> tensor<1x10x10x4xi8>
// CHECK: %[[X2:.*]] = mlc.cast %[[P2]] {unsigned_input} : (tensor<1x10x10x4xi8>) -> tensor<1x10x10x4xi32>
// CHECK: %[[C2:.*]] = mlc.conv2d %[[X2]], %{{.*}} {layout = "NHWC"}
// CHECK: %[[R2:.*]] = mlc.requantize %[[C2]] {max = 255
// CHECK: %[[D:.*]] = mlc.dequantize_linear %[[R2]], {{.*}} : (tensor<1x8x8x4xi8>, tensor<f32>, tensor<i8>) -> tensor<1x8x8x4xf32>
// CHECK: %[[OUT:.*]] = mlc.transpose %[[D]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NOT: mlc.transpose
// CHECK: return %[[OUT]]
// BACK-LABEL: func.func @int_block
// BACK-NOT: mlc.transpose
// BACK-NOT: "NHWC"
// BACK: return
func.func @int_block(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %s = mlc.constant dense<0.5> : tensor<f32>
  %z = mlc.constant dense<3> : tensor<i8>
  %w = mlc.constant dense<3> : tensor<4x4x3x3xi32>
  %q = mlc.quantize_linear %x, %s, %z {unsigned_result} : (tensor<1x4x8x8xf32>, tensor<f32>, tensor<i8>) -> tensor<1x4x8x8xi8>
  %p = mlc.pad constant %q {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x4x8x8xi8>) -> tensor<1x4x10x10xi8>
  %xi = mlc.cast %p {unsigned_input} : (tensor<1x4x10x10xi8>) -> tensor<1x4x10x10xi32>
  %c1 = mlc.conv2d %xi, %w : (tensor<1x4x10x10xi32>, tensor<4x4x3x3xi32>) -> tensor<1x4x8x8xi32>
  %r1 = mlc.requantize %c1 {multipliers = array<i32: 1, 2, 3, 4>, shifts = array<i64: 30, 30, 30, 30>, output_zero_point = 3 : i64, min = 0 : i64, max = 255 : i64} : (tensor<1x4x8x8xi32>) -> tensor<1x4x8x8xi8>
  %p2 = mlc.pad constant %r1 {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x4x8x8xi8>) -> tensor<1x4x10x10xi8>
  %x2 = mlc.cast %p2 {unsigned_input} : (tensor<1x4x10x10xi8>) -> tensor<1x4x10x10xi32>
  %c2 = mlc.conv2d %x2, %w : (tensor<1x4x10x10xi32>, tensor<4x4x3x3xi32>) -> tensor<1x4x8x8xi32>
  %r2 = mlc.requantize %c2 {multipliers = array<i32: 7>, shifts = array<i64: 30>, output_zero_point = 3 : i64, min = 0 : i64, max = 255 : i64} : (tensor<1x4x8x8xi32>) -> tensor<1x4x8x8xi8>
  %d = mlc.dequantize_linear %r2, %s, %z {unsigned_input} : (tensor<1x4x8x8xi8>, tensor<f32>, tensor<i8>) -> tensor<1x4x8x8xf32>
  return %d : tensor<1x4x8x8xf32>
}

// -----

// A grouped integer convolution that is not depthwise keeps NCHW: the 8-bit
// lowering has no NHWC form for it.
// CHECK-LABEL: func.func @int_grouped_conv
// CHECK-NOT: mlc.transpose
// CHECK: mlc.conv2d %arg0, %{{.*}} {group = 2 : i64} : (tensor<1x4x8x8xi32>, tensor<4x2x3x3xi32>) -> tensor<1x4x6x6xi32>
// BACK-LABEL: func.func @int_grouped_conv
func.func @int_grouped_conv(%x: tensor<1x4x8x8xi32>) -> tensor<1x4x6x6xi32> {
  %w = mlc.constant dense<3> : tensor<4x2x3x3xi32>
  %0 = mlc.conv2d %x, %w {group = 2 : i64} : (tensor<1x4x8x8xi32>, tensor<4x2x3x3xi32>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}
