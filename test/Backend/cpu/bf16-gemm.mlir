// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg --canonicalize | mlc-opt -split-input-file --pass-pipeline='builtin.module(func.func(mlc-cpu-fuse-elementwise),mlc-cpu-bf16-gemm{isa=x86-avx512bf16},canonicalize,cse)' | FileCheck %s
// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg --canonicalize | mlc-opt -split-input-file --pass-pipeline='builtin.module(func.func(mlc-cpu-fuse-elementwise),mlc-cpu-bf16-gemm{isa=x86-avx512bf16 parallel=true})' | FileCheck %s --check-prefix=PAR
// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg --canonicalize | mlc-opt -split-input-file --mlc-cpu-bf16-gemm=isa=none | FileCheck %s --check-prefix=NONE
// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg --canonicalize | mlc-opt -split-input-file --pass-pipeline='builtin.module(func.func(mlc-cpu-fuse-elementwise),mlc-cpu-bf16-gemm{isa=arm-bf16},canonicalize,cse)' | FileCheck %s --check-prefix=ARM

// A bf16 matmul with bias and ReLU, 72 channels (4.5 tiles: one tile per
// block, 16 rows per register block, the last 8 channels masked): the
// weights are packed at compile time ([5 tiles][32 pairs][16][2]), 16 f32
// zmm accumulators take one vdpbf16ps each per pair of K, and the
// elementwise consumer (rounding to bf16, bias, ReLU) runs on the register
// tile before the store; neither the matmul nor the f32 result is left.
// CHECK: func.func private @llvm.x86.avx512bf16.dpbf16ps.512(vector<16xf32>, vector<32xbf16>, vector<32xbf16>) -> vector<16xf32> attributes {mlc.intrinsic}
// CHECK-LABEL: func.func @matmul_bias_relu
// CHECK: %[[W:.*]] = arith.constant dense_resource<mlc_bf16_packed_weights> : tensor<5120xbf16>
// CHECK: %[[OUT:.*]] = tensor.empty() : tensor<30x72xbf16>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[OUT]]) -> (tensor<30x72xbf16>)
// CHECK: tensor.extract_slice {{.*}} to tensor<30x?xbf16>
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>
// CHECK: vector.transfer_read %[[W]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<5120xbf16>, vector<32xbf16>
// CHECK: vector.transfer_read %arg0[%{{.*}}, %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<30x64xbf16>, vector<2xbf16>
// CHECK: vector.bitcast %{{.*}} : vector<2xbf16> to vector<1xi32>
// CHECK: vector.broadcast %{{.*}} : i32 to vector<16xi32>
// CHECK: vector.bitcast %{{.*}} : vector<16xi32> to vector<32xbf16>
// CHECK-COUNT-16: func.call @llvm.x86.avx512bf16.dpbf16ps.512
// CHECK: scf.yield
// CHECK: arith.truncf %{{.*}} : vector<16xf32> to vector<16xbf16>
// CHECK: arith.addf %{{.*}} : vector<16xbf16>
// CHECK: arith.maximumf %{{.*}} : vector<16xbf16>
// CHECK: vector.transfer_write %{{.*}} : vector<16xbf16>, tensor<30x?xbf16>
// CHECK-NOT: linalg.matmul
// CHECK-NOT: linalg.generic
// CHECK: return
// AArch64 BF16: the same packed weights, 6 rows x 1 tile of 4 bfdot
// accumulators (4 lanes each, the pair broadcast to 4 lanes), joined into
// the tile's 16 channels for the epilogue.
// ARM: func.func private @llvm.aarch64.neon.bfdot.v4f32.v8bf16(vector<4xf32>, vector<8xbf16>, vector<8xbf16>) -> vector<4xf32> attributes {mlc.intrinsic}
// ARM-LABEL: func.func @matmul_bias_relu
// ARM: arith.constant dense_resource<mlc_bf16_packed_weights> : tensor<5120xbf16>
// ARM: scf.for %{{.*}} = %c0 to %{{.*}} step %c6
// ARM: vector.transfer_read %{{.*}} : tensor<5120xbf16>, vector<8xbf16>
// ARM: vector.broadcast %{{.*}} : i32 to vector<4xi32>
// ARM: vector.bitcast %{{.*}} : vector<4xi32> to vector<8xbf16>
// ARM-COUNT-24: func.call @llvm.aarch64.neon.bfdot.v4f32.v8bf16
// ARM: vector.shuffle %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7] : vector<4xf32>, vector<4xf32>
// ARM: vector.shuffle %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<8xf32>, vector<8xf32>
// ARM: arith.truncf %{{.*}} : vector<16xf32> to vector<16xbf16>
// NONE-LABEL: func.func @matmul_bias_relu
// NONE: linalg.matmul ins(%{{.*}} : tensor<30x64xbf16>, tensor<64x72xbf16>) outs(%{{.*}} : tensor<30x72xf32>)
// NONE-NOT: dpbf16ps
func.func @matmul_bias_relu(%x: tensor<30x64xbf16>) -> tensor<30x72xbf16> {
  %w = mlc.constant dense<0.5> : tensor<64x72xbf16>
  %b = mlc.constant dense<0.25> : tensor<72xbf16>
  %m = mlc.matmul %x, %w : (tensor<30x64xbf16>, tensor<64x72xbf16>) -> tensor<30x72xbf16>
  %a = mlc.add %m, %b : (tensor<30x72xbf16>, tensor<72xbf16>) -> tensor<30x72xbf16>
  %r = mlc.relu %a : (tensor<30x72xbf16>) -> tensor<30x72xbf16>
  return %r : tensor<30x72xbf16>
}

// -----

// An NHWC 3x3 conv with bias, a residual add and ReLU, 64 channels: one
// block of 4 tiles, 6 pixels x 4 tiles = 24 accumulators per pair of
// input channels, over the 9 filter taps; the bias (broadcast into the
// accumulator) is read per channel in f32, the residual per pixel and
// channel, both on the register tile; the result [64 pixels, 64] is
// expanded back to NHWC. The 8 groups (output rows) are worth threads;
// the weights (72 KiB) outweigh the image (8 KiB), so the column block
// loop is the outermost (its weights stay in cache for every row).
// CHECK-LABEL: func.func @conv_residual
// CHECK: arith.constant dense_resource<mlc_bf16_packed_weights> : tensor<36864xbf16>
// CHECK: tensor.collapse_shape %arg0 {{.*}} into tensor<64x64xbf16>
// CHECK: tensor.empty() : tensor<64x64xbf16>
// CHECK: scf.for %{{.*}} = %c0 to %c9 step %c1 iter_args
// CHECK: scf.for %{{.*}} = %c0 to %c32 step %c1 iter_args
// CHECK: vector.transfer_read %{{.*}} : tensor<1x10x10x64xbf16>, vector<2xbf16>
// CHECK-COUNT-24: func.call @llvm.x86.avx512bf16.dpbf16ps.512
// CHECK: vector.transfer_read %{{.*}} : tensor<64xf32>, vector<16xf32>
// CHECK: arith.addf %{{.*}} : vector<16xf32>
// CHECK: vector.transfer_read %{{.*}} : tensor<64x64xbf16>, vector<16xbf16>
// CHECK: arith.truncf %{{.*}} : vector<16xf32> to vector<16xbf16>
// CHECK: arith.addf %{{.*}} : vector<16xbf16>
// CHECK: arith.maximumf %{{.*}} : vector<16xbf16>
// CHECK: vector.transfer_write %{{.*}} : vector<16xbf16>, tensor<8x64xbf16>
// CHECK: tensor.expand_shape %{{.*}} output_shape [1, 8, 8, 64] : tensor<64x64xbf16> into tensor<1x8x8x64xbf16>
// CHECK-NOT: linalg.conv_2d
// CHECK: return
// PAR-LABEL: func.func @conv_residual
// PAR: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 8, 1) shared_outs
// PAR: tensor.parallel_insert_slice
func.func @conv_residual(%x: tensor<1x8x8x64xbf16>) -> tensor<1x8x8x64xbf16> {
  %w = mlc.constant dense<0.5> : tensor<64x3x3x64xbf16>
  %b = mlc.constant dense<0.25> : tensor<64xbf16>
  %c = mlc.conv2d %x, %w, %b {layout = "NHWC", pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x64xbf16>, tensor<64x3x3x64xbf16>, tensor<64xbf16>) -> tensor<1x8x8x64xbf16>
  %a = mlc.add %c, %x : (tensor<1x8x8x64xbf16>, tensor<1x8x8x64xbf16>) -> tensor<1x8x8x64xbf16>
  %r = mlc.relu %a : (tensor<1x8x8x64xbf16>) -> tensor<1x8x8x64xbf16>
  return %r : tensor<1x8x8x64xbf16>
}

// -----

// 3 input channels (an odd reduction): one full pair, then the last
// channel alone, its pair read masked (no in_bounds) so that the next
// pixel's first channel never enters the sum ([2 tiles][9 taps][2 pairs]
// [16][2] packed weights). The consumer is the rounding to bf16 alone
// (the NCHW transpose stays outside).
// CHECK-LABEL: func.func @conv_odd_channels
// CHECK: arith.constant dense_resource<mlc_bf16_packed_weights> : tensor<1152xbf16>
// CHECK: scf.for %{{.*}} = %c0 to %c9 step %c1 iter_args
// CHECK: vector.transfer_read %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %c0], %{{.*}} {in_bounds = [true]} : tensor<1x9x9x3xbf16>, vector<2xbf16>
// CHECK-COUNT-2: func.call @llvm.x86.avx512bf16.dpbf16ps.512
// CHECK: vector.transfer_read %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %c2], %{{.*}} : tensor<1x9x9x3xbf16>, vector<2xbf16>
// CHECK-COUNT-2: func.call @llvm.x86.avx512bf16.dpbf16ps.512
// CHECK: arith.truncf %{{.*}} : vector<16xf32> to vector<16xbf16>
// CHECK: tensor.expand_shape %{{.*}} output_shape [1, 4, 4, 32] : tensor<16x32xbf16> into tensor<1x4x4x32xbf16>
func.func @conv_odd_channels(%x: tensor<1x3x9x9xf32>) -> tensor<1x32x4x4xf32> {
  %w = mlc.constant dense<0.5> : tensor<32x3x3x3xbf16>
  %xb = mlc.cast %x : (tensor<1x3x9x9xf32>) -> tensor<1x3x9x9xbf16>
  %xt = mlc.transpose %xb {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x9x9xbf16>) -> tensor<1x9x9x3xbf16>
  %c = mlc.conv2d %xt, %w {layout = "NHWC", strides = array<i64: 2, 2>} : (tensor<1x9x9x3xbf16>, tensor<32x3x3x3xbf16>) -> tensor<1x4x4x32xbf16>
  %ct = mlc.transpose %c {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x32xbf16>) -> tensor<1x32x4x4xbf16>
  %r = mlc.cast %ct : (tensor<1x32x4x4xbf16>) -> tensor<1x32x4x4xf32>
  return %r : tensor<1x32x4x4xf32>
}

// -----

// A 1x1 stride-1 conv over 7x7 pixels is a matmul of [49, 64] pixels: its
// 6-row register blocks run across image rows (8 of them, then one row)
// instead of 6 + 1 per image row.
// CHECK-LABEL: func.func @conv_1x1
// CHECK: tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2], [3]] : tensor<1x7x7x64xbf16> into tensor<49x64xbf16>
// CHECK: scf.for %{{.*}} = %c0 to %c48 step %c6
// CHECK: vector.transfer_read %{{.*}} : tensor<49x64xbf16>, vector<2xbf16>
// CHECK-COUNT-24: func.call @llvm.x86.avx512bf16.dpbf16ps.512
// CHECK: tensor.expand_shape %{{.*}} output_shape [1, 7, 7, 64] : tensor<49x64xbf16> into tensor<1x7x7x64xbf16>
func.func @conv_1x1(%x: tensor<1x7x7x64xbf16>) -> tensor<1x7x7x64xbf16> {
  %w = mlc.constant dense<0.5> : tensor<64x1x1x64xbf16>
  %c = mlc.conv2d %x, %w {layout = "NHWC"} : (tensor<1x7x7x64xbf16>, tensor<64x1x1x64xbf16>) -> tensor<1x7x7x64xbf16>
  return %c : tensor<1x7x7x64xbf16>
}

// -----

// A transformer's MatMul of [1, 128, 4] activations by a constant [4, 32]
// (a generic over (b, m, n, k) after elementwise fusion): its 128 rows are
// rows of the kernel (12 rows x 2 tiles); the bias add is the epilogue.
// CHECK-LABEL: func.func @matmul_3d
// CHECK: arith.constant dense_resource<mlc_bf16_packed_weights> : tensor<128xbf16>
// CHECK: tensor.collapse_shape %arg0 {{.*}} into tensor<128x4xbf16>
// CHECK-COUNT-24: func.call @llvm.x86.avx512bf16.dpbf16ps.512
// CHECK: tensor.expand_shape %{{.*}} output_shape [1, 128, 32] : tensor<128x32xbf16> into tensor<1x128x32xbf16>
// CHECK-NOT: linalg.generic
func.func @matmul_3d(%x: tensor<1x128x4xbf16>) -> tensor<1x128x32xbf16> {
  %w = mlc.constant dense<[[-0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375], [-0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5], [0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0], [-0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5]]> : tensor<4x32xbf16>
  %b = mlc.constant dense<0.25> : tensor<32xbf16>
  %m = mlc.matmul %x, %w : (tensor<1x128x4xbf16>, tensor<4x32xbf16>) -> tensor<1x128x32xbf16>
  %a = mlc.add %m, %b : (tensor<1x128x32xbf16>, tensor<32xbf16>) -> tensor<1x128x32xbf16>
  return %a : tensor<1x128x32xbf16>
}

// -----

// Left alone: f32 matmuls (the f32 tile strategy's), activation x
// activation matmuls (no constant weights to pack) and dynamic shapes.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: dpbf16ps
// CHECK: linalg.matmul ins(%{{.*}} : tensor<4x64xf32>, tensor<64x32xf32>)
// CHECK: linalg.matmul ins(%{{.*}} : tensor<4x64xbf16>, tensor<64x32xbf16>)
// CHECK: linalg.matmul ins(%{{.*}} : tensor<?x64xbf16>, tensor<64x32xbf16>)
// CHECK-NOT: dpbf16ps
// CHECK: return
func.func @left_alone(%f: tensor<4x64xf32>, %a: tensor<4x64xbf16>, %b: tensor<64x32xbf16>, %d: tensor<?x64xbf16>) -> (tensor<4x32xf32>, tensor<4x32xbf16>, tensor<?x32xbf16>) {
  %wf = mlc.constant dense<0.5> : tensor<64x32xf32>
  %wb = mlc.constant dense<0.5> : tensor<64x32xbf16>
  %0 = mlc.matmul %f, %wf : (tensor<4x64xf32>, tensor<64x32xf32>) -> tensor<4x32xf32>
  %1 = mlc.matmul %a, %b : (tensor<4x64xbf16>, tensor<64x32xbf16>) -> tensor<4x32xbf16>
  %2 = mlc.matmul %d, %wb : (tensor<?x64xbf16>, tensor<64x32xbf16>) -> tensor<?x32xbf16>
  return %0, %1, %2 : tensor<4x32xf32>, tensor<4x32xbf16>, tensor<?x32xbf16>
}
