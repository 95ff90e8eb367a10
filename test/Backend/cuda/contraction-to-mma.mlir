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
