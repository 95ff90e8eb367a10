// RUN: mlc-opt %s -split-input-file -verify-diagnostics

// Window attributes whose dilated size or padded input overflows int64 are
// diagnosed, not computed with a wrapped (and undefined) product.
func.func @conv_dilation_overflow(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+2 {{conv2d window or padding overflows}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "mlc.conv2d"(%x, %w) <{strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 4611686018427387904, 1>, group = 1 : i64}> : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @pool_dilation_overflow(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+2 {{pooling window or padding overflows}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "mlc.max_pool2d"(%x) <{kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 4611686018427387904, 1>}> : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}
