// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cuda-mma-to-gpu))" | FileCheck %s
// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cuda-mma-to-gpu{mma-sync=1}))" | FileCheck %s --check-prefix=SYNC

// bf16 x bf16 -> f32 (no WMMA for bf16): the mma.sync kernel, 64x64 block
// tiles of four warps (grid 2 x 1), A/B tiles of 64x16 / 16x64 staged by
// cp.async (8 elements = 16 bytes a thread, unmasked: M, N multiples of
// 64), 2 x 4 nvvm.mma.sync m16n8k16 bf16 per warp and K step, the
// accumulators carried by the K loop as vector<2x2xf32>.
// CHECK-LABEL: func.func @bf16
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C128:.*]] = arith.constant 128 : index
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %[[C2]], {{.*}}) threads({{.*}}) in ({{.*}} = %[[C128]], {{.*}}) workgroup({{.*}} : memref<64x16xbf16, #gpu.address_space<workgroup>>, {{.*}} : memref<16x64xbf16, #gpu.address_space<workgroup>>)
// CHECK-COUNT-16: vector.load %arg2{{.*}} : memref<128x64xf32>, vector<2xf32>
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>)
// CHECK: nvgpu.device_async_copy %arg0[{{.*}}], {{.*}}[{{.*}}], 8 : memref<128x64xbf16> to memref<64x16xbf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_copy %arg1[{{.*}}], {{.*}}[{{.*}}], 8 : memref<64x64xbf16> to memref<16x64xbf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_wait
// CHECK: gpu.barrier
// CHECK-COUNT-8: vector.load {{.*}} : memref<64x16xbf16, #gpu.address_space<workgroup>>, vector<2xbf16>
// CHECK-COUNT-8: nvvm.mma.sync A[{{.*}}, {{.*}}, {{.*}}, {{.*}}]  B[{{.*}}, {{.*}}]  C[{{.*}}, {{.*}}, {{.*}}, {{.*}}]  {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK: gpu.barrier
// CHECK: scf.yield
// CHECK-COUNT-16: vector.store {{.*}}, %arg2{{.*}} : memref<128x64xf32>, vector<2xf32>
// CHECK-NOT: linalg.matmul
// SYNC-LABEL: func.func @bf16
// SYNC: nvvm.mma.sync
func.func @bf16(%a: memref<128x64xbf16>, %b: memref<64x64xbf16>, %c: memref<128x64xf32>) {
  linalg.matmul ins(%a, %b : memref<128x64xbf16>, memref<64x64xbf16>) outs(%c : memref<128x64xf32>)
  return
}

// -----

// i8 x i8 -> i32 (K a multiple of 32): nvgpu.mma.sync m16n8k32 on
// vector<4x4xi8> / vector<2x4xi8> fragments; A/B tiles 64x32 / 32x64 i8
// (16 elements = 16 bytes a thread). M = 48 and N = 80 are not multiples
// of 64: grid 1 x 2, the copies of rows/columns beyond M/N read 0 bytes
// (the source-size operand), and the C tiles outside are skipped (scf.if).
// CHECK-LABEL: func.func @int8
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %[[C1]], {{.*}} = %[[C2]], {{.*}}) threads({{.*}}) workgroup({{.*}} : memref<64x32xi8, #gpu.address_space<workgroup>>, {{.*}} : memref<32x64xi8, #gpu.address_space<workgroup>>)
// CHECK: scf.if
// CHECK: vector.load %arg2{{.*}} : memref<48x80xi32>, vector<2xi32>
// CHECK: scf.for {{.*}} -> (vector<2x2xi32>,
// CHECK: nvgpu.device_async_copy %arg0[{{.*}}], {{.*}}[{{.*}}], 16, %{{.*}} : memref<48x64xi8> to memref<64x32xi8, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_copy %arg1[{{.*}}], {{.*}}[{{.*}}], 16, %{{.*}} : memref<64x80xi8> to memref<32x64xi8, #gpu.address_space<workgroup>>
// CHECK-COUNT-8: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 32]} : (vector<4x4xi8>, vector<2x4xi8>, vector<2x2xi32>) -> vector<2x2xi32>
// CHECK: scf.if
// CHECK: vector.store {{.*}}, %arg2{{.*}} : memref<48x80xi32>, vector<2xi32>
// CHECK-NOT: linalg.matmul
func.func @int8(%a: memref<48x64xi8>, %b: memref<64x80xi8>, %c: memref<48x80xi32>) {
  linalg.matmul ins(%a, %b : memref<48x64xi8>, memref<64x80xi8>) outs(%c : memref<48x80xi32>)
  return
}

// -----

// An 8-bit matmul whose K is not a multiple of 32 is left alone.
// CHECK-LABEL: func.func @int8_k16
// CHECK-NOT: gpu.launch
// CHECK: linalg.matmul
func.func @int8_k16(%a: memref<16x16xi8>, %b: memref<16x16xi8>, %c: memref<16x16xi32>) {
  linalg.matmul ins(%a, %b : memref<16x16xi8>, memref<16x16xi8>) outs(%c : memref<16x16xi32>)
  return
}

// -----

// f16 stays on WMMA unless mma-sync=1 (--cuda-gemm=mma), which gives
// nvgpu.mma.sync m16n8k16 with a batch dimension (grid z = 3).
// CHECK-LABEL: func.func @f16_batched
// CHECK-NOT: mma.sync
// CHECK: gpu.subgroup_mma_compute
// SYNC-LABEL: func.func @f16_batched
// SYNC-DAG: %[[C3:.*]] = arith.constant 3 : index
// SYNC: gpu.launch blocks({{.*}}) in ({{.*}}, {{.*}}, {{.*}} = %[[C3]]) threads
// SYNC-COUNT-8: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// SYNC-NOT: subgroup_mma
func.func @f16_batched(%a: memref<3x64x32xf16>, %b: memref<3x32x64xf16>, %c: memref<3x64x64xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x64x32xf16>, memref<3x32x64xf16>) outs(%c : memref<3x64x64xf32>)
  return
}
