// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// Integer division must not trap (x86 idiv raises SIGFPE on x / 0 and on
// INT_MIN / -1): the divisor is replaced by 1 in both cases and the result
// chosen by select, 0 for x / 0 and the wrapping -x for x / -1. Float
// division stays a plain divf.
// CHECK-LABEL: func.func @div_i32
// CHECK: linalg.generic
// CHECK: ^bb0(%[[X:.*]]: i32, %[[D:.*]]: i32, %{{.*}}: i32):
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-DAG: %[[M1:.*]] = arith.constant -1 : i32
// CHECK-DAG: %[[ISZERO:.*]] = arith.cmpi eq, %[[D]], %[[ZERO]] : i32
// CHECK-DAG: %[[ISM1:.*]] = arith.cmpi eq, %[[D]], %[[M1]] : i32
// CHECK: %[[TRIVIAL:.*]] = arith.ori %[[ISZERO]], %[[ISM1]] : i1
// CHECK: %[[ONE:.*]] = arith.constant 1 : i32
// CHECK: %[[SAFE:.*]] = arith.select %[[TRIVIAL]], %[[ONE]], %[[D]] : i32
// CHECK: %[[Q:.*]] = arith.divsi %[[X]], %[[SAFE]] : i32
// CHECK: %[[NEG:.*]] = arith.subi %[[ZERO]], %[[X]] : i32
// CHECK: %[[R:.*]] = arith.select %[[ISM1]], %[[NEG]], %[[Q]] : i32
// CHECK: %[[OUT:.*]] = arith.select %[[ISZERO]], %[[ZERO]], %[[R]] : i32
// CHECK: linalg.yield %[[OUT]] : i32
func.func @div_i32(%a: tensor<2x3xi32>, %b: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %0 = mlc.div %a, %b : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @div_f32
// CHECK: linalg.generic
// CHECK-NOT: arith.select
// CHECK: arith.divf
// CHECK-NOT: arith.select
// CHECK: return
func.func @div_f32(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = mlc.div %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Unsigned division (unsigned_ints) uses divui; x / 0 is 0.
// CHECK-LABEL: func.func @div_unsigned
// CHECK: linalg.generic
// CHECK: %[[Z:.*]] = arith.cmpi eq
// CHECK: %[[SAFE:.*]] = arith.select %[[Z]]
// CHECK: arith.divui %{{.*}}, %[[SAFE]] : i8
// CHECK-NOT: arith.divsi
func.func @div_unsigned(%x: tensor<4xi8>, %d: tensor<4xi8>) -> tensor<4xi8> {
  %0 = mlc.div %x, %d {unsigned_ints} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
