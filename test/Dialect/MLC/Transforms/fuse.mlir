// RUN: mlc-opt %s -split-input-file --mlc-fuse | FileCheck %s
// RUN: mlc-opt %s -split-input-file --mlc-fuse="elementwise-chains=false" | FileCheck %s --check-prefix=NOCHAIN

// Conv + bias add + residual add + relu: one group, the root first.
// CHECK-LABEL: func.func @conv_epilogue
// CHECK: %[[F:.*]] = mlc.fused "conv2d_add_add_relu"(%arg0, %arg1, %arg2, %arg3)
// CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<1x2x4x4xf32>, %[[W:.*]]: tensor<2x2x1x1xf32>, %[[B:.*]]: tensor<2x1x1xf32>, %[[R:.*]]: tensor<1x2x4x4xf32>):
// CHECK-NEXT: %[[C:.*]] = mlc.conv2d %[[X]], %[[W]]
// CHECK-NEXT: %[[A:.*]] = mlc.add %[[C]], %[[B]]
// CHECK-NEXT: %[[S:.*]] = mlc.add %[[R]], %[[A]]
// CHECK-NEXT: %[[Y:.*]] = mlc.relu %[[S]]
// CHECK-NEXT: mlc.yield %[[Y]]
// CHECK: return %[[F]]
func.func @conv_epilogue(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>, %b: tensor<2x1x1xf32>, %res: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %c = mlc.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %a = mlc.add %c, %b : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = mlc.add %res, %a : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %y = mlc.relu %s : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Gemm + clip (relu6); matmul + bias + sigmoid.
// CHECK-LABEL: func.func @contractions
// CHECK: mlc.fused "gemm_clip"
// CHECK: mlc.fused "matmul_add_sigmoid"
func.func @contractions(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>, %w: tensor<3x4xf32>, %bias: tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %g = mlc.gemm %a, %b {trans_b = true} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  %c = mlc.clip %g {min = 0.0 : f32, max = 6.0 : f32} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %m = mlc.matmul %a, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %ab = mlc.add %m, %bias : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %s = mlc.sigmoid %ab : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %c, %s : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Activations of MLCMathOps.td join epilogues: matmul + bias + gelu, conv +
// leaky_relu + hard_swish; a comparison (i1 result) ends the group.
// CHECK-LABEL: func.func @math_epilogues
// CHECK: mlc.fused "matmul_add_gelu"
// CHECK: %[[F:.*]] = mlc.fused "conv2d_leaky_relu_hard_swish"
// CHECK: mlc.less %[[F]]
func.func @math_epilogues(%a: tensor<2x3xf32>, %w: tensor<3x4xf32>, %bias: tensor<4xf32>, %x: tensor<1x2x4x4xf32>, %k: tensor<2x2x1x1xf32>) -> (tensor<2x4xf32>, tensor<1x2x4x4xi1>) {
  %m = mlc.matmul %a, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %ab = mlc.add %m, %bias : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %g = mlc.gelu %ab : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %c = mlc.conv2d %x, %k : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %l = mlc.leaky_relu %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %h = mlc.hard_swish %l : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %lt = mlc.less %h, %x : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xi1>
  return %g, %lt : tensor<2x4xf32>, tensor<1x2x4x4xi1>
}

// -----

// A conv2d whose result has two users is not fused (the epilogue would
// have to be computed next to a second copy of the conv).
// CHECK-LABEL: func.func @multiple_uses
// CHECK-NOT: mlc.fused "conv2d
// CHECK: %[[C:.*]] = mlc.conv2d
// CHECK: mlc.relu %[[C]]
// CHECK: return
func.func @multiple_uses(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %c = mlc.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = mlc.relu %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %y, %c : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// An epilogue that broadcasts the value to a bigger shape ends the group.
// CHECK-LABEL: func.func @broadcasting_epilogue
// CHECK: mlc.fused "matmul_relu"
// CHECK-NOT: mlc.add
// CHECK: } 
// CHECK-NEXT: mlc.add
func.func @broadcasting_epilogue(%a: tensor<1x3xf32>, %w: tensor<3x4xf32>, %big: tensor<5x4xf32>) -> tensor<5x4xf32> {
  %m = mlc.matmul %a, %w : (tensor<1x3xf32>, tensor<3x4xf32>) -> tensor<1x4xf32>
  %r = mlc.relu %m : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %s = mlc.add %r, %big : (tensor<1x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  return %s : tensor<5x4xf32>
}

// -----

// Elementwise chains fuse on their own; a lone op does not.
// CHECK-LABEL: func.func @elementwise_chain
// CHECK: mlc.fused "sub_mul_tanh"
// CHECK: }
// CHECK-NEXT: mlc.sigmoid %arg1
// NOCHAIN-LABEL: func.func @elementwise_chain
// NOCHAIN-NOT: mlc.fused
func.func @elementwise_chain(%x: tensor<8xf32>, %y: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %a = mlc.sub %x, %y : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %b = mlc.mul %a, %a : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %c = mlc.tanh %b : (tensor<8xf32>) -> tensor<8xf32>
  %d = mlc.sigmoid %y : (tensor<8xf32>) -> tensor<8xf32>
  return %c, %d : tensor<8xf32>, tensor<8xf32>
}

// -----

// Dynamic shapes are left alone.
// CHECK-LABEL: func.func @dynamic
// CHECK-NOT: mlc.fused
func.func @dynamic(%a: tensor<?x3xf32>, %w: tensor<3x4xf32>) -> tensor<?x4xf32> {
  %m = mlc.matmul %a, %w : (tensor<?x3xf32>, tensor<3x4xf32>) -> tensor<?x4xf32>
  %r = mlc.relu %m : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
