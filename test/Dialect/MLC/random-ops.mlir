// RUN: mlc-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// RUN: mlc-opt %s -split-input-file -verify-diagnostics --canonicalize --cse | FileCheck %s --check-prefix=OPT

// mlc.random prints and parses back, with and without `like`; two identical
// draws are two draws: neither CSE nor the canonicalizer merges or drops
// them (the op reads and advances the run's generator).
// CHECK-LABEL: func.func @roundtrip
// CHECK: mlc.random {a = 0.000000e+00 : f64, b = 1.000000e+00 : f64, distribution = "uniform", seed = 7 : i64} : tensor<2x3xf32>
// CHECK: mlc.random like %arg0 : tensor<?x4xf64> {a = 1.000000e+00 : f64, b = 2.000000e+00 : f64, distribution = "normal"} : tensor<?x4xf16>
// OPT-LABEL: func.func @roundtrip
// OPT-COUNT-4: mlc.random
// OPT-NOT: mlc.random
func.func @roundtrip(%x: tensor<?x4xf64>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<?x4xf16>) {
  %a = mlc.random {distribution = "uniform", a = 0.0, b = 1.0, seed = 7 : i64} : tensor<2x3xf32>
  %b = mlc.random {distribution = "uniform", a = 0.0, b = 1.0, seed = 7 : i64} : tensor<2x3xf32>
  %c = mlc.random like %x : tensor<?x4xf64> {distribution = "normal", a = 1.0, b = 2.0} : tensor<?x4xf16>
  %unused = mlc.random {distribution = "uniform", a = 0.0, b = 1.0} : tensor<5xf32>
  return %a, %b, %c : tensor<2x3xf32>, tensor<2x3xf32>, tensor<?x4xf16>
}

// -----

func.func @bad_distribution() -> tensor<2xf32> {
  // expected-error @+1 {{distribution must be 'uniform' or 'normal', got 'gamma'}}
  %a = mlc.random {distribution = "gamma", a = 0.0, b = 1.0} : tensor<2xf32>
  return %a : tensor<2xf32>
}

// -----

func.func @negative_scale() -> tensor<2xf32> {
  // expected-error @+1 {{a normal distribution needs a standard deviation >= 0}}
  %a = mlc.random {distribution = "normal", a = 0.0, b = -1.0} : tensor<2xf32>
  return %a : tensor<2xf32>
}

// -----

func.func @dynamic_without_like() -> tensor<?xf32> {
  // expected-error @+1 {{a result with dynamic sizes needs a 'like' operand}}
  %a = mlc.random {distribution = "uniform", a = 0.0, b = 1.0} : tensor<?xf32>
  return %a : tensor<?xf32>
}

// -----

func.func @like_shape(%x: tensor<3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{does not have the shape of 'like'}}
  %a = mlc.random like %x : tensor<3xf32> {distribution = "uniform", a = 0.0, b = 1.0} : tensor<2xf32>
  return %a : tensor<2xf32>
}

// -----

func.func @integer_result() -> tensor<2xi32> {
  // expected-error @+1 {{must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %a = mlc.random {distribution = "uniform", a = 0.0, b = 1.0} : tensor<2xi32>
  return %a : tensor<2xi32>
}
