// RUN: mlc-opt %s -split-input-file --mlc-fold-constants | FileCheck %s
// RUN: mlc-opt %s -split-input-file --mlc-fold-constants="max-elements=4" | FileCheck %s --check-prefix=LIMIT

// A whole constant subgraph (transpose, broadcasting arithmetic, relu)
// becomes one constant.
// CHECK-LABEL: func.func @subgraph
// CHECK-NEXT: %[[C:.*]] = mlc.constant dense<{{\[}}[2.000000e+00, 0.000000e+00], [4.000000e+00, 1.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
// LIMIT-LABEL: func.func @subgraph
// LIMIT-NOT: mlc.transpose
// LIMIT-NOT: mlc.relu
func.func @subgraph() -> tensor<2x2xf32> {
  %w = mlc.constant dense<[[1.0, 3.0], [-5.0, 0.0]]> : tensor<2x2xf32>
  %b = mlc.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %t = mlc.transpose %w {perm = array<i64: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %a = mlc.add %t, %b : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %r = mlc.relu %a : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}

// -----

// Integer shape arithmetic: concat, mul, div and reshape.
// CHECK-LABEL: func.func @shape_math
// CHECK-NEXT: %[[C:.*]] = mlc.constant dense<{{\[}}[2, 18], [-2, 3]]> : tensor<2x2xi64>
// CHECK-NEXT: return %[[C]]
func.func @shape_math() -> tensor<2x2xi64> {
  %a = mlc.constant dense<[1, 3]> : tensor<2xi64>
  %b = mlc.constant dense<[-4, 6]> : tensor<2xi64>
  %two = mlc.constant dense<2> : tensor<i64>
  %m = mlc.mul %a, %two : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %d = mlc.div %b, %two : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %h = mlc.div %m, %two : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %x = mlc.mul %h, %m : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %c = mlc.concat %x, %d {axis = 0 : i64} : (tensor<2xi64>, tensor<2xi64>) -> tensor<4xi64>
  %r = mlc.reshape %c {shape = array<i64: 2, 2>} : (tensor<4xi64>) -> tensor<2x2xi64>
  return %r : tensor<2x2xi64>
}

// -----

// Integer division by zero is left for run time; ops with a non-constant
// operand stay.
// CHECK-LABEL: func.func @not_folded
// CHECK: mlc.div
// CHECK: mlc.add
func.func @not_folded(%x: tensor<2xf32>) -> (tensor<2xi32>, tensor<2xf32>) {
  %a = mlc.constant dense<[1, 2]> : tensor<2xi32>
  %z = mlc.constant dense<[1, 0]> : tensor<2xi32>
  %d = mlc.div %a, %z : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  %c = mlc.constant dense<1.0> : tensor<2xf32>
  %s = mlc.add %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %d, %s : tensor<2xi32>, tensor<2xf32>
}

// -----

// Above max-elements the op stays: a broadcast of a scalar to 8 elements.
// CHECK-LABEL: func.func @size_limit
// CHECK-NOT: mlc.add
// LIMIT-LABEL: func.func @size_limit
// LIMIT: mlc.add
func.func @size_limit() -> tensor<8xf32> {
  %a = mlc.constant dense<1.0> : tensor<8xf32>
  %b = mlc.constant dense<2.0> : tensor<f32>
  %s = mlc.add %a, %b : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  return %s : tensor<8xf32>
}

// -----

// Results above 64 elements become dense_resource blobs, named after the op.
// CHECK-LABEL: func.func @big
// CHECK: mlc.constant dense_resource<w_t> : tensor<10x8xf32>
func.func @big() -> tensor<10x8xf32> {
  %w = mlc.constant dense<0.5> : tensor<8x10xf32>
  %t = mlc.transpose %w {perm = array<i64: 1, 0>} : (tensor<8x10xf32>) -> tensor<10x8xf32> loc("w_t")
  return %t : tensor<10x8xf32>
}

// -----

// Shape-style subgraphs of the math ops fold: cast (with unsigned reads and
// wrapping: max(200, 300) = 300 is 44 in i8), comparisons, where and
// integer max/min.
// CHECK-LABEL: func.func @math_ops
// CHECK-DAG: mlc.constant dense<[2, -1, 3]> : tensor<3xi64>
// CHECK-DAG: mlc.constant dense<[200, 44]> : tensor<2xi32>
// CHECK-DAG: mlc.constant dense<[true, false]> : tensor<2xi1>
// CHECK-DAG: mlc.constant dense<[2, 4, 3]> : tensor<3xi64>
// CHECK-DAG: mlc.constant dense<44> : tensor<2xi8>
// CHECK-NOT: mlc.cast
// CHECK-NOT: mlc.where
// CHECK-NOT: mlc.max
func.func @math_ops() -> (tensor<3xi64>, tensor<2xi32>, tensor<2xi1>, tensor<3xi64>, tensor<2xi8>) {
  %f = mlc.constant dense<[2.7, -1.9, 3.0]> : tensor<3xf32>
  %i = mlc.cast %f : (tensor<3xf32>) -> tensor<3xi64>
  %u = mlc.constant dense<[-56, 44]> : tensor<2xi8>
  %w = mlc.cast %u {unsigned_input} : (tensor<2xi8>) -> tensor<2xi32>
  %k = mlc.constant dense<[100, 100]> : tensor<2xi8>
  %lt = mlc.greater %u, %k {unsigned_ints} : (tensor<2xi8>, tensor<2xi8>) -> tensor<2xi1>
  %m1 = mlc.constant dense<-1> : tensor<i64>
  %four = mlc.constant dense<4> : tensor<i64>
  %eq = mlc.equal %i, %m1 : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %sel = mlc.where %eq, %four, %i : (tensor<3xi1>, tensor<i64>, tensor<3xi64>) -> tensor<3xi64>
  %big = mlc.constant dense<300> : tensor<i32>
  %wide = mlc.max %w, %big {unsigned_ints} : (tensor<2xi32>, tensor<i32>) -> tensor<2xi32>
  %narrow = mlc.cast %wide : (tensor<2xi32>) -> tensor<2xi8>
  return %i, %w, %lt, %sel, %narrow : tensor<3xi64>, tensor<2xi32>, tensor<2xi1>, tensor<3xi64>, tensor<2xi8>
}

// -----

// Integer mod (sign of the divisor), logic and bitwise ops fold: shape
// subgraphs of Attention's function body use them.
// CHECK-LABEL: func.func @mod_and_logic
// CHECK-DAG: mlc.constant dense<[2, -1]> : tensor<2xi64>
// CHECK-DAG: mlc.constant dense<[false, true]> : tensor<2xi1>
// CHECK-DAG: mlc.constant dense<[-10, -2]> : tensor<2xi32>
// CHECK-NOT: mlc.mod
// CHECK-NOT: mlc.and
// CHECK-NOT: mlc.not
func.func @mod_and_logic() -> (tensor<2xi64>, tensor<2xi1>, tensor<2xi32>) {
  %a = mlc.constant dense<[5, 5]> : tensor<2xi64>
  %b = mlc.constant dense<[3, -3]> : tensor<2xi64>
  %m = mlc.mod %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %t = mlc.constant dense<[true, false]> : tensor<2xi1>
  %u = mlc.constant dense<[true, true]> : tensor<2xi1>
  %and = mlc.and %t, %u : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  %not = mlc.not %and : (tensor<2xi1>) -> tensor<2xi1>
  %x = mlc.constant dense<[12, 13]> : tensor<2xi32>
  %y = mlc.constant dense<[5, 12]> : tensor<2xi32>
  %xor = mlc.xor %x, %y : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  %c = mlc.not %xor : (tensor<2xi32>) -> tensor<2xi32>
  %one = mlc.constant dense<[-10, 0]> : tensor<2xi32>
  %or = mlc.or %c, %one : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %m, %not, %or : tensor<2xi64>, tensor<2xi1>, tensor<2xi32>
}
