// RUN: mlc-opt %s -split-input-file -verify-diagnostics

func.func @slice_out_of_bounds(%x: tensor<2x5xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{dimension 1 reads indices 4 to 6 outside [0, 5)}}
  %0 = mlc.slice %x {offsets = array<i64: 0, 4>, sizes = array<i64: 2, 3>, strides = array<i64: 1, 1>} : (tensor<2x5xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @slice_zero_stride(%x: tensor<2x5xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{stride of dimension 1 is zero}}
  %0 = mlc.slice %x {offsets = array<i64: 0, 0>, sizes = array<i64: 2, 3>, strides = array<i64: 1, 0>} : (tensor<2x5xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_axis(%x: tensor<2x5xf32>, %i: tensor<3xi64>) -> tensor<2x3xf32> {
  // expected-error @+2 {{gather axis out of range}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.gather %x, %i {axis = 2 : i64} : (tensor<2x5xf32>, tensor<3xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @expand_incompatible(%x: tensor<2x5xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{does not broadcast to the target shape}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.expand %x {shape = array<i64: 3, 5>} : (tensor<2x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @pad_negative(%x: tensor<2x5xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{pads must be non-negative}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.pad constant %x {pads = array<i64: 0, 0, 0, -1>} : (tensor<2x5xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @reduce_int_l2(%x: tensor<2x3xi32>) -> tensor<2x1xi32> {
  // expected-error @+1 {{reduction l2 needs a float input}}
  %0 = mlc.reduce l2 %x {axes = array<i64: 1>} : (tensor<2x3xi32>) -> tensor<2x1xi32>
  return %0 : tensor<2x1xi32>
}

// -----

func.func @arg_reduce_axis(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  // expected-error @+2 {{arg_reduce axis out of range}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.arg_reduce argmax %x {axis = -3 : i64, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @layer_norm_scale(%x: tensor<2x8xf32>, %s: tensor<4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{does not broadcast to the normalized dimensions}}
  %y, %m, %r = mlc.layer_norm %x scale(%s : tensor<4xf32>) {axis = 1 : i64} : tensor<2x8xf32> -> tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @log_softmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis 2 out of range}}
  %0 = mlc.log_softmax %x {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @trilu_rank(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{input must have rank >= 2}}
  %0 = mlc.trilu %x : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @gather_nd_batch(%x: tensor<2x3xf32>, %i: tensor<3x1xi64>) -> tensor<3xf32> {
  // expected-error @+2 {{gather_nd batch dimension 0 differs}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.gather_nd %x, %i {batch_dims = 1 : i64} : (tensor<2x3xf32>, tensor<3x1xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @scatter_nd_updates(%x: tensor<8xf32>, %i: tensor<4x1xi64>, %u: tensor<3xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{updates must have shape indices.shape[:-1] + input.shape[k:]}}
  %0 = mlc.scatter_nd none %x, %i, %u : (tensor<8xf32>, tensor<4x1xi64>, tensor<3xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @one_hot_values(%i: tensor<3xi64>, %v: tensor<3xf32>) -> tensor<3x4xf32> {
  // expected-error @+2 {{one_hot values must be a 2-element vector}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = mlc.one_hot %i, %v {depth = 4 : i64} : (tensor<3xi64>, tensor<3xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @roi_align_channels(%x: tensor<1x3x10x10xf32>, %rois: tensor<2x4xf32>, %idx: tensor<2xi64>) -> tensor<2x4x2x2xf32> {
  // expected-error @+1 {{region and channel counts of the rois, batch_indices and result differ}}
  %0 = mlc.roi_align %x, %rois, %idx : (tensor<1x3x10x10xf32>, tensor<2x4xf32>, tensor<2xi64>) -> tensor<2x4x2x2xf32>
  return %0 : tensor<2x4x2x2xf32>
}

// -----

func.func @roi_align_box(%x: tensor<1x3x10x10xf32>, %rois: tensor<2x5xf32>, %idx: tensor<2xi64>) -> tensor<2x3x2x2xf32> {
  // expected-error @+1 {{needs [R, 4] rois of the input's element type}}
  %0 = mlc.roi_align %x, %rois, %idx : (tensor<1x3x10x10xf32>, tensor<2x5xf32>, tensor<2xi64>) -> tensor<2x3x2x2xf32>
  return %0 : tensor<2x3x2x2xf32>
}

// -----

func.func @roi_align_ratio(%x: tensor<1x3x10x10xf32>, %rois: tensor<2x4xf32>, %idx: tensor<2xi64>) -> tensor<2x3x2x2xf32> {
  // expected-error @+1 {{sampling_ratio must be non-negative}}
  %0 = mlc.roi_align %x, %rois, %idx {sampling_ratio = -1 : i64} : (tensor<1x3x10x10xf32>, tensor<2x4xf32>, tensor<2xi64>) -> tensor<2x3x2x2xf32>
  return %0 : tensor<2x3x2x2xf32>
}
