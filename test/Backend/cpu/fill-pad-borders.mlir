// RUN: mlc-opt %s -split-input-file --mlc-cpu-fill-pad-borders | FileCheck %s

// A constant pad of H and W by one: the four border slabs are filled (rows
// 0 and 5 across W, columns 0 and 5 across H), then the source inserted at
// [0, 1, 1, 0]; no fill of the whole buffer.
// CHECK-LABEL: func.func @pad(
// CHECK-SAME: %[[X:.*]]: tensor<1x4x4x8xi8>)
// CHECK: %[[V:.*]] = arith.constant 3 : i8
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x6x6x8xi8>
// CHECK: %[[S0:.*]] = tensor.extract_slice %[[E]][0, 0, 0, 0] [1, 1, 6, 8] [1, 1, 1, 1]
// CHECK: %[[F0:.*]] = linalg.fill ins(%[[V]] : i8) outs(%[[S0]] : tensor<1x1x6x8xi8>)
// CHECK: %[[T0:.*]] = tensor.insert_slice %[[F0]] into %[[E]][0, 0, 0, 0] [1, 1, 6, 8]
// CHECK: tensor.extract_slice %[[T0]][0, 5, 0, 0] [1, 1, 6, 8]
// CHECK: linalg.fill ins(%[[V]] : i8)
// CHECK: %[[T1:.*]] = tensor.insert_slice %{{.*}} into %[[T0]][0, 5, 0, 0] [1, 1, 6, 8]
// CHECK: tensor.extract_slice %[[T1]][0, 0, 0, 0] [1, 6, 1, 8]
// CHECK: linalg.fill ins(%[[V]] : i8)
// CHECK: %[[T2:.*]] = tensor.insert_slice %{{.*}} into %[[T1]][0, 0, 0, 0] [1, 6, 1, 8]
// CHECK: tensor.extract_slice %[[T2]][0, 0, 5, 0] [1, 6, 1, 8]
// CHECK: linalg.fill ins(%[[V]] : i8)
// CHECK: %[[T3:.*]] = tensor.insert_slice %{{.*}} into %[[T2]][0, 0, 5, 0] [1, 6, 1, 8]
// CHECK: %[[R:.*]] = tensor.insert_slice %[[X]] into %[[T3]][0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]
// CHECK: return %[[R]]
// CHECK-NOT: tensor.pad
func.func @pad(%x: tensor<1x4x4x8xi8>) -> tensor<1x6x6x8xi8> {
  %c = arith.constant 3 : i8
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %e: index, %d: index):
    tensor.yield %c : i8
  } : tensor<1x4x4x8xi8> to tensor<1x6x6x8xi8>
  return %p : tensor<1x6x6x8xi8>
}

// -----

// Left alone: a pad by a value the region computes, a dynamic pad, and a
// pad inside a loop (a tile's).
// CHECK-LABEL: func.func @kept(
// CHECK-COUNT-3: tensor.pad
func.func @kept(%x: tensor<4xf32>, %y: tensor<?xf32>, %v: f32, %n: index) -> (tensor<6xf32>, tensor<?xf32>, tensor<6xf32>) {
  %p = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %v : f32
  } : tensor<4xf32> to tensor<6xf32>
  %zero = arith.constant 0.0 : f32
  %q = tensor.pad %y low[%n] high[1] {
  ^bb0(%i: index):
    tensor.yield %zero : f32
  } : tensor<?xf32> to tensor<?xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %c1 step %c1 iter_args(%acc = %p) -> tensor<6xf32> {
    %t = tensor.pad %x low[1] high[1] {
    ^bb0(%j: index):
      tensor.yield %zero : f32
    } : tensor<4xf32> to tensor<6xf32>
    scf.yield %t : tensor<6xf32>
  }
  return %p, %q, %r : tensor<6xf32>, tensor<?xf32>, tensor<6xf32>
}
