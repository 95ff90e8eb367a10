// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// NonZero counts the non-zeros in one loop, fills their flat positions in a
// second one, and sizes the result with that count.
// CHECK-LABEL: func.func @nonzero
// CHECK: %[[COUNT:.*]] = scf.for {{.*}} -> (index)
// CHECK: arith.cmpf une
// CHECK: %[[EMPTY:.*]] = tensor.empty(%[[COUNT]]) : tensor<?xi64>
// CHECK: %[[POS:.*]]:2 = scf.for {{.*}} iter_args(%{{.*}} = %[[EMPTY]]
// CHECK: scf.if
// CHECK: tensor.insert
// CHECK: %[[N:.*]] = tensor.dim %[[POS]]#0
// CHECK: tensor.empty(%[[N]]) : tensor<2x?xi64>
// CHECK: linalg.generic
// CHECK: arith.remui
func.func @nonzero(%x: tensor<2x3xf32>) -> tensor<2x?xi64> {
  %y = mlc.nonzero %x : (tensor<2x3xf32>) -> tensor<2x?xi64>
  return %y : tensor<2x?xi64>
}

// -----

// Compress selects along the axis up to the shorter of condition and axis.
// CHECK-LABEL: func.func @compress
// CHECK: arith.minui
// CHECK: scf.for
// CHECK: tensor.extract %arg1
// CHECK: tensor.empty(%{{.*}}) : tensor<3x?xf32>
// CHECK: linalg.generic
// CHECK: tensor.extract %arg0
func.func @compress(%x: tensor<3x4xf32>, %c: tensor<5xi1>) -> tensor<3x?xf32> {
  %y = mlc.compress %x, %c {axis = 1 : i64} : (tensor<3x4xf32>, tensor<5xi1>) -> tensor<3x?xf32>
  return %y : tensor<3x?xf32>
}

// -----

// TopK clamps k to [0, n], ranks each element against the axis (a reduction
// generic), then picks rank j into slot j.
// CHECK-LABEL: func.func @topk
// CHECK: %[[K:.*]] = tensor.extract %arg1
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf oeq
// CHECK: tensor.empty(%{{.*}}) : tensor<3x?xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: outs(%{{.*}}, %{{.*}} : tensor<3x?xf32>, tensor<3x?xi64>)
func.func @topk(%x: tensor<3x4xf32>, %k: tensor<1xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>) {
  %v, %i = mlc.dynamic_topk %x, %k {axis = 1 : i64, largest} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>)
  return %v, %i : tensor<3x?xf32>, tensor<3x?xi64>
}

// -----

// Smallest first compares with olt; integers with signed predicates.
// CHECK-LABEL: func.func @topk_smallest_int
// CHECK: arith.cmpi slt
func.func @topk_smallest_int(%x: tensor<5xi32>, %k: tensor<1xi64>) -> (tensor<?xi32>, tensor<?xi64>) {
  %v, %i = mlc.dynamic_topk %x, %k {axis = 0 : i64} : (tensor<5xi32>, tensor<1xi64>) -> (tensor<?xi32>, tensor<?xi64>)
  return %v, %i : tensor<?xi32>, tensor<?xi64>
}
