// RUN: mlc-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// mlc.fused round-trips.
// CHECK-LABEL: func.func @roundtrip
// CHECK: mlc.fused "conv2d_relu"(%arg0, %arg1) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
// CHECK: mlc.yield %{{.*}} : tensor<1x2x4x4xf32>
func.func @roundtrip(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %0 = mlc.fused "conv2d_relu" (%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  ^bb0(%a: tensor<1x2x4x4xf32>, %b: tensor<2x2x1x1xf32>):
    %c = mlc.conv2d %a, %b : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
    %r = mlc.relu %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
    mlc.yield %r : tensor<1x2x4x4xf32>
  }
  return %0 : tensor<1x2x4x4xf32>
}

// -----

func.func @arg_mismatch(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{input type 'tensor<4xf32>' does not match body argument type 'tensor<8xf32>'}}
  %0 = mlc.fused "relu" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<8xf32>):
    mlc.yield %x : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @yield_mismatch(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{yields 'tensor<2xf32>' but returns 'tensor<4xf32>'}}
  %0 = mlc.fused "relu" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %c = mlc.constant dense<1.0> : tensor<2xf32>
    mlc.yield %c : tensor<2xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @foreign_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = mlc.fused "relu" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    // expected-error @+1 {{cannot be part of an mlc.fused group}}
    %e = tensor.empty() : tensor<4xf32>
    mlc.yield %e : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}
