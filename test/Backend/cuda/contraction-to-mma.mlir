// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cuda-contraction-to-mma))" | FileCheck %s
// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cuda-contraction-to-mma{element-type=bf16}))" | FileCheck %s --check-prefix=BF16
// RUN: not mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cuda-contraction-to-mma{element-type=f8}))" 2>&1 | FileCheck %s --check-prefix=BADTYPE

// An unaligned matmul: operands padded to multiples of 16 and converted to
// f16, the accumulator padded in f32, the result gathered back.
// CHECK-LABEL: func.func @matmul
// CHECK: %[[A:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<32x32xf16>)
// CHECK: arith.truncf {{.*}} : f32 to f16
// CHECK: arith.select
// CHECK: %[[B:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<32x48xf16>)
// CHECK: %[[C:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<32x48xf32>)
// CHECK: %[[M:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<32x32xf16>, tensor<32x48xf16>) outs(%[[C]] : tensor<32x48xf32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<20x40xf32>)
// CHECK: tensor.extract %[[M]]
// BF16-LABEL: func.func @matmul
// BF16: linalg.matmul ins({{.*}} : tensor<32x32xbf16>, tensor<32x48xbf16>) outs({{.*}} : tensor<32x48xf32>)
// BADTYPE: unknown Tensor Core element type 'f8' (expected f16 or bf16)
func.func @matmul(%a: tensor<20x30xf32>, %b: tensor<30x40xf32>, %c: tensor<20x40xf32>) -> tensor<20x40xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<20x30xf32>, tensor<30x40xf32>) outs(%c : tensor<20x40xf32>) -> tensor<20x40xf32>
  return %r : tensor<20x40xf32>
}

// -----

// A matmul with a broadcast right operand, as a generic (the projections
// of attention): the dims the weight does not have are M dims, flattened
// (2*3*8 = 48), K = 64, N = 5 -> 16.
#lhs = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#rhs = affine_map<(b, h, m, n, k) -> (k, n)>
#out = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
// CHECK-LABEL: func.func @broadcast_batch_matmul
// CHECK: linalg.matmul ins({{.*}} : tensor<48x64xf16>, tensor<64x16xf16>) outs({{.*}} : tensor<48x16xf32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x3x8x5xf32>)
func.func @broadcast_batch_matmul(%a: tensor<2x3x8x64xf32>, %b: tensor<64x5xf32>, %c: tensor<2x3x8x5xf32>) -> tensor<2x3x8x5xf32> {
  %r = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<2x3x8x64xf32>, tensor<64x5xf32>) outs(%c : tensor<2x3x8x5xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x3x8x5xf32>
  return %r : tensor<2x3x8x5xf32>
}

// -----

// Batch dims shared by both operands (attention scores, Q x K^T as a
// generic reading K transposed): batch 2*3 = 6, M = 8 -> 16, K = 64,
// N = 8 -> 16.
#q = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#k = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#s = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
// CHECK-LABEL: func.func @attention_scores
// CHECK: linalg.batch_matmul ins({{.*}} : tensor<6x16x64xf16>, tensor<6x64x16xf16>) outs({{.*}} : tensor<6x16x16xf32>)
func.func @attention_scores(%q: tensor<2x3x8x64xf32>, %k: tensor<2x3x8x64xf32>, %c: tensor<2x3x8x8xf32>) -> tensor<2x3x8x8xf32> {
  %r = linalg.generic {indexing_maps = [#q, #k, #s], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %k : tensor<2x3x8x64xf32>, tensor<2x3x8x64xf32>) outs(%c : tensor<2x3x8x8xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %sum = arith.addf %acc, %p : f32
    linalg.yield %sum : f32
  } -> tensor<2x3x8x8xf32>
  return %r : tensor<2x3x8x8xf32>
}

// -----

// NHWC convolution as an im2col GEMM: M = 1*6*6 = 36 -> 48,
// K = 3*3*4 = 36 -> 48, N = 8 -> 16; the strided window is gathered.
// CHECK-LABEL: func.func @conv
// CHECK-NOT: linalg.conv_2d_nhwc_fhwc
// CHECK: linalg.matmul ins({{.*}} : tensor<48x48xf16>, tensor<48x16xf16>) outs({{.*}} : tensor<48x16xf32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x6x6x8xf32>)
func.func @conv(%x: tensor<1x13x13x4xf32>, %w: tensor<8x3x3x4xf32>, %c: tensor<1x6x6x8xf32>) -> tensor<1x6x6x8xf32> {
  %r = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %w : tensor<1x13x13x4xf32>, tensor<8x3x3x4xf32>) outs(%c : tensor<1x6x6x8xf32>) -> tensor<1x6x6x8xf32>
  return %r : tensor<1x6x6x8xf32>
}

// -----

// Already f16 operands and non-contractions are left alone.
// CHECK-LABEL: func.func @untouched
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<16x16xf16>, tensor<16x16xf16>)
// CHECK-NOT: linalg.generic
func.func @untouched(%a: tensor<16x16xf16>, %b: tensor<16x16xf16>, %c: tensor<16x16xf16>) -> tensor<16x16xf16> {
  %r = linalg.matmul ins(%a, %b : tensor<16x16xf16>, tensor<16x16xf16>) outs(%c : tensor<16x16xf16>) -> tensor<16x16xf16>
  return %r : tensor<16x16xf16>
}

// -----

// A constant operand (a weight) is padded and converted at compile time:
// the matmul reads an f16 constant, no gather kernel runs for it.
// CHECK-LABEL: func.func @constant_weight
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<mma_operand> : tensor<32x16xf16>
// CHECK: linalg.matmul ins(%{{.*}}, %[[W]] : tensor<16x32xf16>, tensor<32x16xf16>)
func.func @constant_weight(%a: tensor<4x20xf32>) -> tensor<4x3xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [1.0, 2.0, 3.0], [4.0, 5.0, 0.5]]> : tensor<20x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x3xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<4x3xf32>) -> tensor<4x3xf32>
  %r = linalg.matmul ins(%a, %w : tensor<4x20xf32>, tensor<20x3xf32>) outs(%c : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// -----

// The packed 8-bit GEMM of an integer layer (mlc-lower-quant: uint8
// activation zero-extended, int8 weights sign-extended, i32 accumulator):
// an i8 x i8 -> i32 matmul with K = 2 * 4 padded to 32 and N = 16. The
// activation enters as a - 128 (xor 0x80); the accumulator gets 128 times
// the column sums of the (constant, folded and padded) weights, folded
// at compile time.
// CHECK-LABEL: func.func @int8_packed
// CHECK-DAG: %[[W:.*]] = arith.constant {{.*}} : tensor<32x16xi8>
// CHECK-DAG: %[[SUMS:.*]] = arith.constant dense<[8, 52, 84, 116, 148, 180, 212, 244, 276, 308, 340, 372, 404, 436, 468, 371]> : tensor<16xi32>
// CHECK: linalg.generic
// CHECK: arith.xori %{{.*}}, %c-128_i8 : i8
// CHECK: } -> tensor<16x32xi8>
// CHECK: ins(%{{.*}}, %[[SUMS]] : tensor<16x16xi32>, tensor<16xi32>)
// CHECK: arith.muli %{{.*}}, %c128_i32 : i32
// CHECK: linalg.matmul ins(%{{.*}}, %[[W]] : tensor<16x32xi8>, tensor<32x16xi8>) outs(%{{.*}} : tensor<16x16xi32>) -> tensor<16x16xi32>
// CHECK: } -> tensor<3x1x16xi32>
// BF16-LABEL: func.func @int8_packed
// BF16: linalg.matmul ins({{.*}} : tensor<16x32xi8>, tensor<32x16xi8>)
#lhs = affine_map<(d0, d1, d2, d3, d4) -> (d0, d3, d4)>
#rhs = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d2, d4)>
#out = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
func.func @int8_packed(%a: tensor<3x2x4xi8>, %init: tensor<3x1x16xi32>) -> tensor<3x1x16xi32> {
  %w = arith.constant dense<[[[[1, -2, 3, -4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16], [17, 18, 19, 20], [21, 22, 23, 24], [25, 26, 27, 28], [29, 30, 31, 32], [33, 34, 35, 36], [37, 38, 39, 40], [41, 42, 43, 44], [45, 46, 47, 48], [49, 50, 51, 52], [53, 54, 55, 56], [57, 58, 59, 60], [61, 62, 63, -128]], [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16], [17, 18, 19, 20], [21, 22, 23, 24], [25, 26, 27, 28], [29, 30, 31, 32], [33, 34, 35, 36], [37, 38, 39, 40], [41, 42, 43, 44], [45, 46, 47, 48], [49, 50, 51, 52], [53, 54, 55, 56], [57, 58, 59, 60], [61, 62, 63, 127]]]]> : tensor<1x2x16x4xi8>
  %r = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%a, %w : tensor<3x2x4xi8>, tensor<1x2x16x4xi8>) outs(%init : tensor<3x1x16xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<3x1x16xi32>
  return %r : tensor<3x1x16xi32>
}

// -----

// Unsigned weights (zero-extended B) are not mapped (s8 x s8 Tensor Cores).
// CHECK-LABEL: func.func @int8_unsigned_weights
// CHECK-NOT: linalg.matmul
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.extui %{{.*}} : i8 to i32
func.func @int8_unsigned_weights(%a: tensor<16x32xi8>, %b: tensor<32x16xi8>, %init: tensor<16x16xi32>) -> tensor<16x16xi32> {
  %r = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<16x32xi8>, tensor<32x16xi8>) outs(%init : tensor<16x16xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extui %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<16x16xi32>
  return %r : tensor<16x16xi32>
}

// -----

// An i32 NHWC convolution of widened uint8 activations (extui in an
// elementwise generic, then the layout pass's transpose) by constant
// weights within int8, as mlc-lower-quant's convolutions arrive: an i8
// im2col GEMM (M = 2 * 2 * 2 = 8 -> 16, K = 2 * 2 * 2 = 8 -> 32,
// F = 3 -> 16) with the activation shifted and the accumulator corrected.
// CHECK-LABEL: func.func @int8_conv
// CHECK: arith.constant dense<[0, 68, 14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xi32>
// CHECK-NOT: linalg.conv_2d
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: arith.xori %{{.*}}, %c-128_i8 : i8
// CHECK: } -> tensor<16x32xi8>
// CHECK: ins(%{{.*}}, %[[SUMS:.*]] : tensor<16x16xi32>, tensor<16xi32>)
// CHECK: arith.muli %{{.*}}, %c128_i32 : i32
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<16x32xi8>, tensor<32x16xi8>) outs(%{{.*}} : tensor<16x16xi32>)
// CHECK-NOT: linalg.conv_2d
func.func @int8_conv(%x: tensor<2x2x3x3xi8>, %init: tensor<2x2x2x3xi32>) -> tensor<2x2x2x3xi32> {
  %e = tensor.empty() : tensor<2x2x3x3xi32>
  %wide = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<2x2x3x3xi8>) outs(%e : tensor<2x2x3x3xi32>) {
  ^bb0(%in: i8, %out: i32):
    %w = arith.extui %in : i8 to i32
    linalg.yield %w : i32
  } -> tensor<2x2x3x3xi32>
  %t = tensor.empty() : tensor<2x3x3x2xi32>
  %nhwc = linalg.transpose ins(%wide : tensor<2x2x3x3xi32>) outs(%t : tensor<2x3x3x2xi32>) permutation = [0, 2, 3, 1]
  %f = arith.constant dense<[[[[1, -1], [2, -2]], [[3, -3], [4, -4]]], [[[5, 6], [7, 8]], [[9, 10], [11, 12]]], [[[-128, 127], [0, 1]], [[2, 3], [4, 5]]]]> : tensor<3x2x2x2xi32>
  %r = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%nhwc, %f : tensor<2x3x3x2xi32>, tensor<3x2x2x2xi32>) outs(%init : tensor<2x2x2x3xi32>) -> tensor<2x2x2x3xi32>
  return %r : tensor<2x2x2x3xi32>
}

// -----

// Weights beyond int8 (or activations not known to be 8-bit) keep the i32
// convolution.
// CHECK-LABEL: func.func @int32_conv
// CHECK: linalg.conv_2d_nhwc_fhwc
// CHECK-NOT: linalg.matmul
func.func @int32_conv(%x: tensor<1x3x3x2xi32>, %init: tensor<1x2x2x1xi32>) -> tensor<1x2x2x1xi32> {
  %f = arith.constant dense<200> : tensor<1x2x2x2xi32>
  %r = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %f : tensor<1x3x3x2xi32>, tensor<1x2x2x2xi32>) outs(%init : tensor<1x2x2x1xi32>) -> tensor<1x2x2x1xi32>
  return %r : tensor<1x2x2x1xi32>
}
