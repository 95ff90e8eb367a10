// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// Floats compare ordered, integers signed unless unsigned_ints, booleans
// unsigned.
// CHECK-LABEL: func.func @compare
// CHECK: arith.cmpf olt, %{{.*}}, %{{.*}} : f32
// CHECK: arith.cmpi sle, %{{.*}}, %{{.*}} : i32
// CHECK: arith.cmpi ugt, %{{.*}}, %{{.*}} : i32
// CHECK: arith.cmpi uge, %{{.*}}, %{{.*}} : i1
// CHECK: arith.cmpf oeq
func.func @compare(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %i: tensor<4xi32>, %p: tensor<4xi1>) -> (tensor<2x3xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<2x3xi1>) {
  %0 = mlc.less %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %1 = mlc.less_equal %i, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %2 = mlc.greater %i, %i {unsigned_ints} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %3 = mlc.greater_equal %p, %p : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %4 = mlc.equal %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %0, %1, %2, %3, %4 : tensor<2x3xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<2x3xi1>
}

// -----

// CHECK-LABEL: func.func @logic
// CHECK: arith.andi
// CHECK: arith.ori
// CHECK: arith.xori
// CHECK: %[[TRUE:.*]] = arith.constant true
// CHECK: arith.xori %{{.*}}, %[[TRUE]] : i1
func.func @logic(%p: tensor<2x3xi1>, %q: tensor<3xi1>) -> tensor<2x3xi1> {
  %0 = mlc.and %p, %q : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %1 = mlc.or %0, %q : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %2 = mlc.xor %1, %p : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %3 = mlc.not %2 : (tensor<2x3xi1>) -> tensor<2x3xi1>
  return %3 : tensor<2x3xi1>
}

// -----

// Shifts by the bit width or more give 0 (LLVM would give poison).
// CHECK-LABEL: func.func @bit_shift
// CHECK: ^bb0(%[[X:.*]]: i8, %[[N:.*]]: i8, %{{.*}}: i8):
// CHECK: %[[S:.*]] = arith.shli %[[X]], %[[N]] : i8
// CHECK: %[[W:.*]] = arith.constant 8 : i8
// CHECK: %[[OK:.*]] = arith.cmpi ult, %[[N]], %[[W]] : i8
// CHECK: %[[Z:.*]] = arith.constant 0 : i8
// CHECK: arith.select %[[OK]], %[[S]], %[[Z]] : i8
// CHECK: linalg.generic
// CHECK: arith.shrui
func.func @bit_shift(%x: tensor<4xi8>, %n: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi8>) {
  %0 = mlc.bit_shift %x, %n {direction = "left"} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %1 = mlc.bit_shift %x, %n {direction = "right"} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0, %1 : tensor<4xi8>, tensor<4xi8>
}

// -----

// CHECK-LABEL: func.func @predicates
// CHECK: arith.cmpf uno, %[[X:.*]], %[[X]] : f32
// CHECK: linalg.generic
// CHECK: arith.constant 0x7F800000 : f32
// CHECK: arith.cmpf oeq
// CHECK-NOT: 0xFF800000
// CHECK: linalg.generic
// CHECK: arith.constant 0x7F800000 : f32
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: arith.ori
func.func @predicates(%x: tensor<4xf32>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %0 = mlc.is_nan %x : (tensor<4xf32>) -> tensor<4xi1>
  %1 = mlc.is_inf %x {detect_negative = false} : (tensor<4xf32>) -> tensor<4xi1>
  %2 = mlc.is_inf %x : (tensor<4xf32>) -> tensor<4xi1>
  return %0, %1, %2 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// CHECK: #[[C:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK: #[[X:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK: #[[Y:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @where
// CHECK: linalg.generic {indexing_maps = [#[[C]], #[[X]], #[[Y]], #[[X]]]
// CHECK: arith.select
func.func @where(%c: tensor<2x1xi1>, %x: tensor<2x3xf32>, %y: tensor<f32>) -> tensor<2x3xf32> {
  %0 = mlc.where %c, %x, %y : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// On integers and/or/xor/not act bit by bit; not xors with all ones.
// CHECK-LABEL: func.func @bitwise
// CHECK: arith.andi %{{.*}}, %{{.*}} : i32
// CHECK: %[[ONES:.*]] = arith.constant -1 : i32
// CHECK: arith.xori %{{.*}}, %[[ONES]] : i32
func.func @bitwise(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = mlc.and %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = mlc.not %0 : (tensor<4xi32>) -> tensor<4xi32>
  return %1 : tensor<4xi32>
}
