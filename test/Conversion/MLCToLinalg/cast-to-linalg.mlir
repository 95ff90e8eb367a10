// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @float_to_int
// CHECK: arith.fptosi %{{.*}} : f32 to i64
// CHECK: arith.fptoui %{{.*}} : f32 to i8
// CHECK: %[[E:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: arith.fptosi %[[E]] : f32 to i32
// CHECK: arith.cmpf une
func.func @float_to_int(%x: tensor<4xf32>, %h: tensor<4xf16>) -> (tensor<4xi64>, tensor<4xi8>, tensor<4xi32>, tensor<4xi1>) {
  %0 = mlc.cast %x : (tensor<4xf32>) -> tensor<4xi64>
  %1 = mlc.cast %x {unsigned_result} : (tensor<4xf32>) -> tensor<4xi8>
  %2 = mlc.cast %h : (tensor<4xf16>) -> tensor<4xi32>
  %3 = mlc.cast %x : (tensor<4xf32>) -> tensor<4xi1>
  return %0, %1, %2, %3 : tensor<4xi64>, tensor<4xi8>, tensor<4xi32>, tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @int_to_float
// CHECK: arith.sitofp %{{.*}} : i8 to f32
// CHECK: arith.uitofp %{{.*}} : i8 to f32
// CHECK: arith.uitofp %{{.*}} : i1 to f64
func.func @int_to_float(%i: tensor<4xi8>, %b: tensor<4xi1>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf64>) {
  %0 = mlc.cast %i : (tensor<4xi8>) -> tensor<4xf32>
  %1 = mlc.cast %i {unsigned_input} : (tensor<4xi8>) -> tensor<4xf32>
  %2 = mlc.cast %b : (tensor<4xi1>) -> tensor<4xf64>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf64>
}

// -----

// CHECK-LABEL: func.func @int_to_int
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: arith.cmpi ne
// CHECK: arith.extui %{{.*}} : i1 to i32
func.func @int_to_int(%i: tensor<4xi8>, %j: tensor<4xi32>, %b: tensor<4xi1>) -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi8>, tensor<4xi1>, tensor<4xi32>) {
  %0 = mlc.cast %i : (tensor<4xi8>) -> tensor<4xi32>
  %1 = mlc.cast %i {unsigned_input} : (tensor<4xi8>) -> tensor<4xi32>
  %2 = mlc.cast %j : (tensor<4xi32>) -> tensor<4xi8>
  %3 = mlc.cast %j : (tensor<4xi32>) -> tensor<4xi1>
  %4 = mlc.cast %b : (tensor<4xi1>) -> tensor<4xi32>
  return %0, %1, %2, %3, %4 : tensor<4xi32>, tensor<4xi32>, tensor<4xi8>, tensor<4xi1>, tensor<4xi32>
}

// -----

// bf16 <-> f16 goes through f32: neither type holds the other.
// CHECK-LABEL: func.func @float_to_float
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: %[[E:.*]] = arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.truncf %[[E]] : f32 to f16
func.func @float_to_float(%x: tensor<4xf32>, %b: tensor<4xbf16>) -> (tensor<4xf64>, tensor<4xbf16>, tensor<4xf16>) {
  %0 = mlc.cast %x : (tensor<4xf32>) -> tensor<4xf64>
  %1 = mlc.cast %x : (tensor<4xf32>) -> tensor<4xbf16>
  %2 = mlc.cast %b : (tensor<4xbf16>) -> tensor<4xf16>
  return %0, %1, %2 : tensor<4xf64>, tensor<4xbf16>, tensor<4xf16>
}

// -----

// Casts to float8 clamp to +-448 (saturate, the default) before the rounding,
// which the small-float expansion turns into integer ops ending in a bitcast;
// saturate = false converts directly; float8 sources are widened exactly.
// CHECK-LABEL: func.func @float8
// CHECK: linalg.generic
// CHECK: %[[MIN:.*]] = arith.constant -4.480000e+02 : f32
// CHECK: %[[MAX:.*]] = arith.constant 4.480000e+02 : f32
// CHECK: %[[LO:.*]] = arith.maximumf %{{.*}}, %[[MIN]] : f32
// CHECK: %[[HI:.*]] = arith.minimumf %[[LO]], %[[MAX]] : f32
// CHECK: arith.bitcast %[[HI]] : f32 to i32
// CHECK: arith.bitcast %{{.*}} : i8 to f8E4M3FN
// CHECK: linalg.generic
// CHECK: %[[F:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK-NOT: arith.maximumf
// CHECK: arith.bitcast %[[F]] : f32 to i32
// CHECK: arith.bitcast %{{.*}} : i8 to f8E5M2
// CHECK: linalg.generic
// CHECK: arith.bitcast %{{.*}} : f8E4M3FN to i8
// CHECK-NOT: arith.truncf
// CHECK-NOT: arith.extf
// CHECK: return
func.func @float8(%x: tensor<4xf32>, %i: tensor<4xi64>) -> (tensor<4xf8E4M3FN>, tensor<4xf8E5M2>, tensor<4xf32>) {
  %0 = mlc.cast %x : (tensor<4xf32>) -> tensor<4xf8E4M3FN>
  %1 = mlc.cast %i {saturate = false} : (tensor<4xi64>) -> tensor<4xf8E5M2>
  %2 = mlc.cast %0 : (tensor<4xf8E4M3FN>) -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xf8E4M3FN>, tensor<4xf8E5M2>, tensor<4xf32>
}
