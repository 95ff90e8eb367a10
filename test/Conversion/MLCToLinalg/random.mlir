// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// A seeded uniform draw: the counter hook reserves one Philox block per
// element (6), the key is the seed's SplitMix64 (a constant), and the
// generic runs the 10 rounds on (base + row-major index, 0, 0) and scales
// 24 bits of the first word into [low, high).
// CHECK-LABEL: func.func private @__mlc_random_counter(i64) -> i64
// CHECK-NOT: @__mlc_random_seed
// CHECK-LABEL: func.func @uniform
// CHECK: %[[COUNT:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK: %[[BASE:.*]] = call @__mlc_random_counter(%[[COUNT]]) : (i64) -> i64
// CHECK: %[[KEY:.*]] = arith.constant {{-?[0-9]+}} : i64
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: linalg.index 0
// CHECK: linalg.index 1
// CHECK: arith.addi %[[BASE]]
// CHECK-COUNT-20: arith.mului_extended
// CHECK-NOT: arith.mului_extended
// CHECK: arith.shrui %{{.*}}, %{{.*}} : i32
// CHECK: arith.uitofp %{{.*}} : i64 to f32
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: linalg.yield
func.func @uniform() -> tensor<2x3xf32> {
  %u = mlc.random {distribution = "uniform", a = -1.0, b = 3.0, seed = 5 : i64} : tensor<2x3xf32>
  return %u : tensor<2x3xf32>
}

// -----

// Without a seed the key is the context's (the seed hook); a dynamic size
// comes from `like`; a normal draw is Box-Muller (log, sqrt, cos) in f32,
// truncated to f16.
// CHECK-LABEL: func.func @normal_like
// CHECK: %[[D:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x4xf64>
// CHECK: %[[N:.*]] = arith.muli %{{.*}}, %[[D]] : index
// CHECK: call @__mlc_random_counter
// CHECK: %[[KEY:.*]] = call @__mlc_random_seed() : () -> i64
// CHECK: %[[INIT:.*]] = tensor.empty(%[[D]]) : tensor<?x4xf16>
// CHECK: linalg.generic {{.*}} outs(%[[INIT]] : tensor<?x4xf16>)
// CHECK: math.log %{{.*}} : f32
// CHECK: math.sqrt %{{.*}} : f32
// CHECK: math.cos %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @normal_like(%x: tensor<?x4xf64>) -> tensor<?x4xf16> {
  %n = mlc.random like %x : tensor<?x4xf64> {distribution = "normal", a = 0.0, b = 2.0} : tensor<?x4xf16>
  return %n : tensor<?x4xf16>
}

// -----

// f64 draws take 53 bits from two words.
// CHECK-LABEL: func.func @uniform_f64
// CHECK: arith.shli %{{.*}}, %{{.*}} : i64
// CHECK: arith.shrui %{{.*}}, %{{.*}} : i64
// CHECK: arith.uitofp %{{.*}} : i64 to f64
func.func @uniform_f64() -> tensor<8xf64> {
  %u = mlc.random {distribution = "uniform", a = 0.0, b = 1.0} : tensor<8xf64>
  return %u : tensor<8xf64>
}
