// RUN: mlc-opt %s -split-input-file -verify-diagnostics

func.func @nonzero_scalar(%x: tensor<f32>) -> tensor<0x?xi64> {
  // expected-error @+1 {{input must not be a scalar}}
  %0 = mlc.nonzero %x : (tensor<f32>) -> tensor<0x?xi64>
  return %0 : tensor<0x?xi64>
}

// -----

func.func @nonzero_rank(%x: tensor<2x3xf32>) -> tensor<3x?xi64> {
  // expected-error @+1 {{result must be [2, ?]}}
  %0 = mlc.nonzero %x : (tensor<2x3xf32>) -> tensor<3x?xi64>
  return %0 : tensor<3x?xi64>
}

// -----

func.func @compress_other_dim(%x: tensor<2x3xf32>, %c: tensor<2xi1>) -> tensor<?x4xf32> {
  // expected-error @+1 {{result dimension 1 must be the input's}}
  %0 = mlc.compress %x, %c {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2xi1>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @topk_k_shape(%x: tensor<2x3xf32>, %k: tensor<2xi64>) -> (tensor<2x?xf32>, tensor<2x?xi64>) {
  // expected-error @+1 {{k must hold one element}}
  %v, %i = mlc.dynamic_topk %x, %k {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2xi64>) -> (tensor<2x?xf32>, tensor<2x?xi64>)
  return %v, %i : tensor<2x?xf32>, tensor<2x?xi64>
}

// -----

func.func @expand_static_mismatch(%x: tensor<3x2xf32>, %s: tensor<2xi64>) -> tensor<?x4xf32> {
  // expected-error @+1 {{result dimension 1 must be the input's 2}}
  %0 = mlc.dynamic_expand %x, %s : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @expand_rank(%x: tensor<3x2xf32>, %s: tensor<3xi64>) -> tensor<?x2xf32> {
  // expected-error @+1 {{result rank must be max(input rank, shape length)}}
  %0 = mlc.dynamic_expand %x, %s : (tensor<3x2xf32>, tensor<3xi64>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

func.func @tile_repeats(%x: tensor<3x2xf32>, %r: tensor<3xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{repeats must have one entry per dimension}}
  %0 = mlc.dynamic_tile %x, %r : (tensor<3x2xf32>, tensor<3xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @range_types(%a: tensor<f32>, %b: tensor<f32>, %c: tensor<i32>) -> tensor<?xf32> {
  // expected-error @+1 {{start, limit and delta must be one-element tensors of the result's (numeric) element type}}
  %0 = mlc.dynamic_range %a, %b, %c : (tensor<f32>, tensor<f32>, tensor<i32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
