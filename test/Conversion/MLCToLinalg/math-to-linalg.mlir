// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @unary_chain
// CHECK: linalg.generic
// CHECK: math.roundeven
// CHECK: linalg.generic
// CHECK: math.erf
// CHECK: linalg.generic
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: arith.divf %[[ONE]], %{{.*}} : f32
// CHECK: linalg.generic
// CHECK: math.acosh
// CHECK-NOT: mlc.
func.func @unary_chain(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = mlc.round %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = mlc.erf %0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = mlc.reciprocal %1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = mlc.acosh %2 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}

// -----

// f16 and bf16 are computed in f32 and rounded once.
// CHECK-LABEL: func.func @narrow_float
// CHECK: ^bb0(%[[IN:.*]]: f16, %{{.*}}: f16):
// CHECK: %[[EXT:.*]] = arith.extf %[[IN]] : f16 to f32
// CHECK: %[[S:.*]] = math.sinh %[[EXT]] : f32
// CHECK: %[[T:.*]] = arith.truncf %[[S]] : f32 to f16
// CHECK: linalg.yield %[[T]] : f16
func.func @narrow_float(%x: tensor<4xf16>) -> tensor<4xf16> {
  %0 = mlc.sinh %x : (tensor<4xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// CHECK-LABEL: func.func @integer_unary
// CHECK: math.absi %{{.*}} : i32
// CHECK: arith.subi %{{.*}}, %{{.*}} : i32
// CHECK: arith.cmpi sgt
// CHECK: arith.cmpi slt
func.func @integer_unary(%x: tensor<4xi32>) -> tensor<4xi32> {
  %0 = mlc.abs %x : (tensor<4xi32>) -> tensor<4xi32>
  %1 = mlc.neg %0 : (tensor<4xi32>) -> tensor<4xi32>
  %2 = mlc.sign %1 : (tensor<4xi32>) -> tensor<4xi32>
  return %2 : tensor<4xi32>
}

// -----

// Attribute values reach the scalar body.
// CHECK-LABEL: func.func @activations
// CHECK: arith.cmpf olt
// CHECK: arith.constant 2.500000e-01 : f32
// CHECK: arith.select
// CHECK: linalg.generic
// CHECK: arith.constant 1.050701{{.*}} : f32
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK: arith.constant 7.500000e-01 : f32
// CHECK: arith.cmpf ogt
// CHECK: linalg.generic
// CHECK: math.erf
// CHECK: linalg.generic
// CHECK: math.tanh
func.func @activations(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = mlc.leaky_relu %x {alpha = 0.25 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = mlc.selu %0 : (tensor<4xf32>) -> tensor<4xf32>
  %2 = mlc.thresholded_relu %1 {alpha = 0.75 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %3 = mlc.gelu %2 : (tensor<4xf32>) -> tensor<4xf32>
  %4 = mlc.gelu %3 {approximate = "tanh"} : (tensor<4xf32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// The slope is read through a broadcasting map.
// CHECK: #[[SLOPE:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>
// CHECK-LABEL: func.func @prelu
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[SLOPE]], #{{.*}}]
// CHECK: arith.mulf
// CHECK: arith.select
func.func @prelu(%x: tensor<1x3x4x4xf32>, %s: tensor<3x1x1xf32>) -> tensor<1x3x4x4xf32> {
  %0 = mlc.prelu %x, %s : (tensor<1x3x4x4xf32>, tensor<3x1x1xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @max_min
// CHECK: arith.maximumf
// CHECK: arith.maxsi
// CHECK: arith.minui
func.func @max_min(%a: tensor<4xf32>, %b: tensor<4xf32>, %i: tensor<4xi8>, %j: tensor<4xi8>) -> (tensor<4xf32>, tensor<4xi8>, tensor<4xi8>) {
  %0 = mlc.max %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = mlc.max %i, %j : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %2 = mlc.min %i, %j {unsigned_ints} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xi8>, tensor<4xi8>
}

// -----

// Floored modulo adds the divisor when the remainder's sign differs from it.
// CHECK-LABEL: func.func @mod
// CHECK: %[[REM:.*]] = arith.remsi %[[X:.*]], %[[Y:.*]] : i32
// CHECK: arith.cmpi ne, %[[REM]]
// CHECK: arith.xori
// CHECK: %[[ADD:.*]] = arith.addi %[[REM]], %[[Y]]
// CHECK: arith.select %{{.*}}, %[[ADD]], %[[REM]]
// CHECK: linalg.generic
// CHECK: arith.remsi
// CHECK-NEXT: linalg.yield
// CHECK: linalg.generic
// CHECK: arith.remui
// CHECK: linalg.generic
// CHECK: arith.remf
func.func @mod(%a: tensor<4xi32>, %b: tensor<4xi32>, %f: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xf32>) {
  %0 = mlc.mod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = mlc.mod %a, %b {fmod = true} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %2 = mlc.mod %a, %b {unsigned_ints} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %3 = mlc.mod %f, %f {fmod = true} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3 : tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @pow
// CHECK: arith.sitofp %{{.*}} : i64 to f32
// CHECK: math.powf
// CHECK: linalg.generic
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: math.ipowi
// CHECK: linalg.generic
// CHECK: arith.sitofp %{{.*}} : i32 to f32
// CHECK: math.powf
// CHECK: arith.fptosi %{{.*}} : f32 to i32
func.func @pow(%x: tensor<4xf32>, %e: tensor<i64>, %i: tensor<4xi64>, %j: tensor<4xi32>, %f: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi64>, tensor<4xi32>) {
  %0 = mlc.pow %x, %e : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
  %1 = mlc.pow %i, %j : (tensor<4xi64>, tensor<4xi32>) -> tensor<4xi64>
  %2 = mlc.pow %j, %f : (tensor<4xi32>, tensor<4xf32>) -> tensor<4xi32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xi64>, tensor<4xi32>
}

// -----

// Softplus in its overflow-free form max(x, 0) + log1p(exp(-|x|)).
// CHECK-LABEL: func.func @softplus
// CHECK: math.absf
// CHECK: arith.negf
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: math.log1p
// CHECK: arith.addf
func.func @softplus(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = mlc.softplus %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
