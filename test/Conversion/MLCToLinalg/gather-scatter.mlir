// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// Indices are a generic input; the data is read with tensor.extract after
// wrapping negative indices.
// CHECK-LABEL: func.func @gather
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<2x2xi64>)
// CHECK: arith.index_cast
// CHECK: arith.cmpi slt
// CHECK: arith.select
// CHECK: tensor.extract %{{.*}} : tensor<5x4x3xf32>
func.func @gather(%x: tensor<5x4x3xf32>, %i: tensor<2x2xi64>) -> tensor<5x2x2x3xf32> {
  %0 = mlc.gather %x, %i {axis = 1 : i64} : (tensor<5x4x3xf32>, tensor<2x2xi64>) -> tensor<5x2x2x3xf32>
  return %0 : tensor<5x2x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @gather_elements
// CHECK: linalg.generic
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: tensor.extract %{{.*}} : tensor<3x3xf32>
func.func @gather_elements(%x: tensor<3x3xf32>, %i: tensor<2x3xi32>) -> tensor<2x3xf32> {
  %0 = mlc.gather_elements %x, %i {axis = 0 : i64} : (tensor<3x3xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @gather_nd
// CHECK: linalg.generic
// CHECK: tensor.extract %{{.*}} : tensor<2x1xi64>
// CHECK: tensor.extract %{{.*}} : tensor<2x2xf32>
func.func @gather_nd(%x: tensor<2x2xf32>, %i: tensor<2x1xi64>) -> tensor<2x2xf32> {
  %0 = mlc.gather_nd %x, %i : (tensor<2x2xf32>, tensor<2x1xi64>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func.func @one_hot
// CHECK: tensor.extract %{{.*}} : tensor<2xf32>
// CHECK: tensor.extract %{{.*}} : tensor<2xf32>
// CHECK: linalg.generic
// CHECK: arith.fptosi
// CHECK: arith.cmpi eq
func.func @one_hot(%i: tensor<3xf32>, %v: tensor<2xf32>) -> tensor<4x3xf32> {
  %0 = mlc.one_hot %i, %v {depth = 4 : i64, axis = 0 : i64} : (tensor<3xf32>, tensor<2xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Scatters are sequential: a loop nest threading the result tensor.
// CHECK-LABEL: func.func @scatter_elements
// CHECK: scf.for
// CHECK: scf.for
// CHECK: tensor.extract
// CHECK: arith.maximumf
// CHECK: tensor.insert
func.func @scatter_elements(%x: tensor<3x3xf32>, %i: tensor<2x2xi64>, %u: tensor<2x2xf32>) -> tensor<3x3xf32> {
  %0 = mlc.scatter_elements max %x, %i, %u {axis = 1 : i64} : (tensor<3x3xf32>, tensor<2x2xi64>, tensor<2x2xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// CHECK-LABEL: func.func @scatter_nd
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.addf
// CHECK: tensor.insert
func.func @scatter_nd(%x: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) -> tensor<4x4xf32> {
  %0 = mlc.scatter_nd add %x, %i, %u : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
