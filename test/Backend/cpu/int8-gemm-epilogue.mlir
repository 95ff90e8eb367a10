// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg --canonicalize | mlc-opt -split-input-file --mlc-cpu-int8-gemm=isa=x86-vnni512 | FileCheck %s
// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg --canonicalize | mlc-opt -split-input-file --mlc-cpu-int8-gemm=isa=x86-vnni512 --canonicalize | FileCheck %s --check-prefix=CLEAN

// An NHWC 8-bit conv with 40 channels (3 tiles) and its requantization
// (per-channel multipliers): the requantization runs on the register tile,
// bias + sums in i32 -> fixed point on the product's high word (shifts >=
// 33) -> i8, written straight into the
// [M, 40] i8 result; the i32 accumulators never reach memory and no
// requantization generic is left.
// CHECK-LABEL: func.func @conv_requant
// CHECK: %[[OUT:.*]] = tensor.empty() : tensor<36x40xi8>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[OUT]]) -> (tensor<36x40xi8>)
// CHECK: func.call @llvm.x86.avx512.vpdpbusd.512
// CHECK: vector.transfer_read %{{.*}} : tensor<48xi32>, vector<16xi32>
// CHECK: arith.addi %{{.*}} : vector<16xi32>
// CHECK: vector.transfer_read %{{.*}} : tensor<40xi32>, vector<16xi32>
// CHECK: arith.mulsi_extended %{{.*}} : vector<16xi32>
// CHECK: arith.shrsi %{{.*}} : vector<16xi32>
// CHECK: arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// CHECK: vector.transfer_write %{{.*}} : vector<16xi8>, tensor<?x?xi8>
// CHECK: tensor.expand_shape %{{.*}} output_shape [1, 6, 6, 40] : tensor<36x40xi8> into tensor<1x6x6x40xi8>
// After canonicalization, neither the bias broadcast into an i32 buffer
// nor a scalar requantization is left.
// CLEAN-LABEL: func.func @conv_requant
// CLEAN-NOT: linalg.broadcast
// CLEAN-NOT: : i64
// CLEAN-NOT: tensor<1x6x6x40xi32>
// CLEAN: return
func.func @conv_requant(%xq: tensor<1x6x6x8xi8>) -> tensor<1x6x6x40xi8> {
  %w = mlc.constant dense<3> : tensor<40x3x3x8xi32>
  %b = mlc.constant dense<7> : tensor<40xi32>
  %x = mlc.cast %xq {unsigned_input} : (tensor<1x6x6x8xi8>) -> tensor<1x6x6x8xi32>
  %c = mlc.conv2d %x, %w, %b {layout = "NHWC", pads = array<i64: 1, 1, 1, 1>} : (tensor<1x6x6x8xi32>, tensor<40x3x3x8xi32>, tensor<40xi32>) -> tensor<1x6x6x40xi32>
  %r = mlc.requantize %c {axis = 3 : i64, multipliers = array<i32: 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1500000000>, shifts = array<i64: 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 37>, output_zero_point = 3 : i64, min = 0 : i64, max = 255 : i64} : (tensor<1x6x6x40xi32>) -> tensor<1x6x6x40xi8>
  return %r : tensor<1x6x6x40xi8>
}

// -----

// A consumer that is no elementwise map of the accumulators (an NCHW
// transpose reads them) keeps the accumulators in memory: the kernel adds
// into the bias-initialized C as before.
// CHECK-LABEL: func.func @conv_nchw
// CHECK: vector.transfer_read %{{.*}} : tensor<?x?xi32>, vector<16xi32>
// CHECK: vector.transfer_write %{{.*}} : vector<16xi32>, tensor<?x?xi32>
func.func @conv_nchw(%xq: tensor<1x8x6x6xi8>) -> tensor<1x16x6x6xi32> {
  %w = mlc.constant dense<3> : tensor<16x8x3x3xi32>
  %b = mlc.constant dense<7> : tensor<16xi32>
  %x = mlc.cast %xq {unsigned_input} : (tensor<1x8x6x6xi8>) -> tensor<1x8x6x6xi32>
  %c = mlc.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x6x6xi32>, tensor<16x8x3x3xi32>, tensor<16xi32>) -> tensor<1x16x6x6xi32>
  return %c : tensor<1x16x6x6xi32>
}
