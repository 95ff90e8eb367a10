// RUN: mlc-opt %s --convert-mlc-to-linalg --canonicalize | mlc-opt --mlc-cpu-int8-depthwise="isa=avx512 parallel=true" | FileCheck %s
// RUN: mlc-opt %s --convert-mlc-to-linalg --canonicalize | mlc-opt --mlc-cpu-int8-depthwise="isa=avx2" | FileCheck %s --check-prefix=AVX2
// RUN: mlc-opt %s --convert-mlc-to-linalg --canonicalize | mlc-opt --mlc-cpu-int8-depthwise="isa=scalar" | FileCheck %s --check-prefix=SCALAR

// An 8-bit depthwise 3x3 conv, stride 2, 24 channels, 7 output columns in
// NHWC: the output rows (n, oh) as an scf.forall; per row, tiles of 4
// pixels (then single pixels) x 16 channels (the last 8 masked: 24 is no
// multiple of 16) whose i32 accumulators take the 9 window steps in
// registers: ext(u8) * sext(s8) added, and written once. They start from
// the bias vector of their channels (the accumulator's initial value is
// the bias broadcast), not from memory.
// CHECK-LABEL: func.func @depthwise
// CHECK: scf.forall (%[[I:.*]]) in (4) shared_outs(%[[O:.*]] = %{{.*}}) -> (tensor<1x4x7x24xi32>)
// CHECK: tensor.extract_slice %[[O]]{{.*}} to tensor<1x1x7x24xi32>
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c4{{.*}} step %c4
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c24{{.*}} step %c16
// CHECK: vector.transfer_read {{.*}} : tensor<24xi32>, vector<16xi32>
// CHECK-NOT: vector.transfer_read {{.*}} : tensor<1x1x7x24xi32>
// CHECK: arith.extsi %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK: arith.extui %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK: arith.muli %{{.*}} : vector<16xi32>
// CHECK-COUNT-4: vector.transfer_write {{.*}} : vector<16xi32>, tensor<1x1x7x24xi32>
// CHECK: scf.for %{{.*}} = %c4{{.*}} to %c7{{.*}} step %c1
// CHECK: scf.forall.in_parallel
// CHECK-NOT: linalg.generic {{.*}}"reduction"
// AVX2-LABEL: func.func @depthwise
// AVX2: scf.for
// AVX2: step %c8
// AVX2: vector<8xi32>
// SCALAR: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]
func.func @depthwise(%xq: tensor<1x9x14x24xi8>) -> tensor<1x4x7x24xi32> {
  %w = mlc.constant dense<3> : tensor<24x3x3x1xi32>
  %b = mlc.constant dense<7> : tensor<24xi32>
  %x = mlc.cast %xq {unsigned_input} : (tensor<1x9x14x24xi8>) -> tensor<1x9x14x24xi32>
  %c = mlc.conv2d %x, %w, %b {layout = "NHWC", group = 24 : i64, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>} : (tensor<1x9x14x24xi32>, tensor<24x3x3x1xi32>, tensor<24xi32>) -> tensor<1x4x7x24xi32>
  return %c : tensor<1x4x7x24xi32>
}

// The requantization that follows is applied to the accumulators in
// registers (its per-channel multipliers and shifts read along the
// channels), and the tiles write its i8 result: no i32 tensor, no second
// pass over the output.
// CHECK-LABEL: func.func @requantized
// CHECK: scf.forall (%{{.*}}) in (4) shared_outs(%[[O:.*]] = %{{.*}}) -> (tensor<1x4x7x24xi8>)
// CHECK: tensor.extract_slice %[[O]]{{.*}} to tensor<1x1x7x24xi8>
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c24{{.*}} step %c16
// CHECK: arith.muli %{{.*}} : vector<16xi32>
// CHECK: arith.mulsi_extended %{{.*}} : vector<16xi32>
// CHECK: arith.shrsi %{{.*}} : vector<16xi32>
// CHECK: arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// CHECK: vector.transfer_write %{{.*}} : vector<16xi8>, tensor<1x1x7x24xi8>
// CHECK-NOT: linalg.generic
// CHECK-NOT: tensor<1x4x7x24xi32>
func.func @requantized(%xq: tensor<1x9x14x24xi8>) -> tensor<1x4x7x24xi8> {
  %w = mlc.constant dense<3> : tensor<24x3x3x1xi32>
  %b = mlc.constant dense<7> : tensor<24xi32>
  %x = mlc.cast %xq {unsigned_input} : (tensor<1x9x14x24xi8>) -> tensor<1x9x14x24xi32>
  %c = mlc.conv2d %x, %w, %b {layout = "NHWC", group = 24 : i64, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>} : (tensor<1x9x14x24xi32>, tensor<24x3x3x1xi32>, tensor<24xi32>) -> tensor<1x4x7x24xi32>
  %r = mlc.requantize %c {multipliers = array<i32: 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1518500250, 1073741824>, shifts = array<i64: 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 37>, axis = 3 : i64, output_zero_point = 3 : i64, min = -128 : i64, max = 127 : i64} : (tensor<1x4x7x24xi32>) -> tensor<1x4x7x24xi8>
  return %r : tensor<1x4x7x24xi8>
}
