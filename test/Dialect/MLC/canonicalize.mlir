// RUN: mlc-opt %s -split-input-file --canonicalize | FileCheck %s
// RUN: mlc-opt %s -split-input-file --cse | FileCheck %s --check-prefix=CSE

// x + 0 and 0 + x fold to x when the zero does not broadcast x.
// CHECK-LABEL: func.func @add_zero
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: mlc.add
// CHECK: return %[[X]], %[[X]]
func.func @add_zero(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %z = mlc.constant dense<0.0> : tensor<3xf32>
  %0 = mlc.add %x, %z : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = mlc.add %z, %x : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Adding a zero of a bigger shape broadcasts x: it must stay.
// CHECK-LABEL: func.func @add_zero_broadcasts
// CHECK: mlc.add
func.func @add_zero_broadcasts(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %z = mlc.constant dense<0.0> : tensor<2x3xf32>
  %0 = mlc.add %x, %z : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A non-zero or non-splat constant is no identity.
// CHECK-LABEL: func.func @add_nonzero
// CHECK-COUNT-2: mlc.add
func.func @add_nonzero(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %one = mlc.constant dense<1.0> : tensor<2xf32>
  %mixed = mlc.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %0 = mlc.add %x, %one : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = mlc.add %x, %mixed : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// -----

// x * 1 folds for floats and integers; x * 0 does not (NaN * 0 is NaN).
// CHECK-LABEL: func.func @mul_one
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[I:.*]]: tensor<4xi32>)
// CHECK: %[[Z:.*]] = mlc.mul %[[X]]
// CHECK: return %[[X]], %[[I]], %[[Z]]
func.func @mul_one(%x: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>, tensor<4xf32>) {
  %one = mlc.constant dense<1.0> : tensor<4xf32>
  %ione = mlc.constant dense<1> : tensor<4xi32>
  %zero = mlc.constant dense<0.0> : tensor<4xf32>
  %0 = mlc.mul %one, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = mlc.mul %i, %ione : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %2 = mlc.mul %x, %zero : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xi32>, tensor<4xf32>
}

// -----

// Reshape: identity, of a dense constant, and of a reshape.
// CHECK-LABEL: func.func @reshapes
// CHECK-SAME: (%[[X:.*]]: tensor<2x6xf32>)
// CHECK-DAG: %[[C:.*]] = mlc.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi64>
// CHECK-DAG: %[[R:.*]] = mlc.reshape %[[X]] {shape = array<i64: 4, 3>} : (tensor<2x6xf32>) -> tensor<4x3xf32>
// CHECK: return %[[X]], %[[C]], %[[R]]
func.func @reshapes(%x: tensor<2x6xf32>) -> (tensor<2x6xf32>, tensor<2x2xi64>, tensor<4x3xf32>) {
  %0 = mlc.reshape %x {shape = array<i64: 2, 6>} : (tensor<2x6xf32>) -> tensor<2x6xf32>
  %c = mlc.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %1 = mlc.reshape %c {shape = array<i64: 2, 2>} : (tensor<4xi64>) -> tensor<2x2xi64>
  %2 = mlc.reshape %x {shape = array<i64: 12>} : (tensor<2x6xf32>) -> tensor<12xf32>
  %3 = mlc.reshape %2 {shape = array<i64: 4, 3>} : (tensor<12xf32>) -> tensor<4x3xf32>
  return %0, %1, %3 : tensor<2x6xf32>, tensor<2x2xi64>, tensor<4x3xf32>
}

// -----

// Identity transposes fold; real permutations stay.
// CHECK-LABEL: func.func @transposes
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[T:.*]] = mlc.transpose %[[X]] {perm = array<i64: 1, 0>}
// CHECK: return %[[X]], %[[T]]
func.func @transposes(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3x2xf32>) {
  %0 = mlc.transpose %x {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = mlc.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<3x2xf32>
}

// -----

// mlc ops are Pure: upstream CSE merges identical ops, and canonicalize
// drops unused ones.
// CSE-LABEL: func.func @cse_dce
// CSE-COUNT-1: mlc.relu
// CSE-NOT: mlc.relu
// CHECK-LABEL: func.func @cse_dce
// CHECK-NOT: mlc.sigmoid
func.func @cse_dce(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = mlc.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = mlc.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  %unused = mlc.sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}
