// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cuda-mma-to-gpu))" | FileCheck %s

// One warp per 16x16 tile: grid M/16 x N/16 x 1, K walked in steps of 16.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : index
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %[[C2]], {{.*}} = %[[C3]], {{.*}}) threads({{.*}}) in ({{.*}} = %[[C32]]
// CHECK: gpu.subgroup_mma_load_matrix %arg2[{{.*}}] {leadDimension = 48 : index} : memref<32x48xf32> -> !gpu.mma_matrix<16x16xf32, "COp">
// CHECK: scf.for
// CHECK: gpu.subgroup_mma_load_matrix %arg0[{{.*}}] {leadDimension = 64 : index} : memref<32x64xf16> -> !gpu.mma_matrix<16x16xf16, "AOp">
// CHECK: gpu.subgroup_mma_load_matrix %arg1[{{.*}}] {leadDimension = 48 : index} : memref<64x48xf16> -> !gpu.mma_matrix<16x16xf16, "BOp">
// CHECK: gpu.subgroup_mma_compute
// CHECK: gpu.subgroup_mma_store_matrix
// CHECK-NOT: linalg.matmul
func.func @matmul(%a: memref<32x64xf16>, %b: memref<64x48xf16>, %c: memref<32x48xf32>) {
  linalg.matmul ins(%a, %b : memref<32x64xf16>, memref<64x48xf16>) outs(%c : memref<32x48xf32>)
  return
}

// -----

// Batched: the batch is the grid's z dimension and the first index.
// CHECK-LABEL: func.func @batch_matmul
// CHECK: gpu.launch
// CHECK: %[[LA:.*]] = gpu.subgroup_mma_load_matrix %arg2[%{{.*}}, %{{.*}}, %{{.*}}] {leadDimension = 16 : index} : memref<4x16x16xf32>
// CHECK: gpu.subgroup_mma_load_matrix %arg0[%{{.*}}, %{{.*}}, %{{.*}}] {leadDimension = 32 : index} : memref<4x16x32xf16> -> !gpu.mma_matrix<16x16xf16, "AOp">
func.func @batch_matmul(%a: memref<4x16x32xf16>, %b: memref<4x32x16xf16>, %c: memref<4x16x16xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<4x16x32xf16>, memref<4x32x16xf16>) outs(%c : memref<4x16x16xf32>)
  return
}

// -----

// Not tile multiples, or f32 inputs: left to the ordinary kernels. (bf16
// inputs, which WMMA in the gpu dialect cannot take, go to the mma.sync
// kernel: mma-sync.mlir.)
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: gpu.launch
// CHECK: linalg.matmul ins(%arg0, %arg1 : memref<20x32xf16>
// CHECK: linalg.matmul ins(%arg3, %arg4 : memref<16x16xf32>
// CHECK: gpu.launch
// CHECK: nvvm.mma.sync
// CHECK-NOT: linalg.matmul
func.func @left_alone(%a: memref<20x32xf16>, %b: memref<32x16xf16>, %c: memref<20x16xf32>,
                      %d: memref<16x16xf32>, %e: memref<16x16xf32>, %f: memref<16x16xf32>,
                      %g: memref<16x16xbf16>, %h: memref<16x16xbf16>, %i: memref<16x16xf32>) {
  linalg.matmul ins(%a, %b : memref<20x32xf16>, memref<32x16xf16>) outs(%c : memref<20x16xf32>)
  linalg.matmul ins(%d, %e : memref<16x16xf32>, memref<16x16xf32>) outs(%f : memref<16x16xf32>)
  linalg.matmul ins(%g, %h : memref<16x16xbf16>, memref<16x16xbf16>) outs(%i : memref<16x16xf32>)
  return
}

// -----

// M and N multiples of 64: blocks of four warps on 64x64 tiles, the A and
// B tiles of each K step staged in workgroup memory with cp.async.
// CHECK-LABEL: func.func @staged
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c2, {{.*}} = %c1, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c128, {{[^)]*}}) workgroup(%[[SA:[^ ]*]] : memref<64x16xf16, #gpu.address_space<workgroup>>, %[[SB:[^ ]*]] : memref<16x64xf16, #gpu.address_space<workgroup>>)
// CHECK-COUNT-4: gpu.subgroup_mma_load_matrix %arg2
// CHECK: scf.for
// CHECK: %[[TA:.*]] = nvgpu.device_async_copy %arg0[{{.*}}], %[[SA]][{{.*}}], 8
// CHECK: %[[TB:.*]] = nvgpu.device_async_copy %arg1[{{.*}}], %[[SB]][{{.*}}], 8
// CHECK: %[[G:.*]] = nvgpu.device_async_create_group %[[TA]], %[[TB]]
// CHECK: nvgpu.device_async_wait %[[G]]
// CHECK: gpu.barrier
// CHECK: gpu.subgroup_mma_load_matrix %[[SA]]{{.*}} {leadDimension = 16 : index}
// CHECK: gpu.subgroup_mma_load_matrix %[[SB]]{{.*}} {leadDimension = 64 : index}
// CHECK-COUNT-4: gpu.subgroup_mma_compute
// CHECK: gpu.barrier
// CHECK: scf.yield
// CHECK-COUNT-4: gpu.subgroup_mma_store_matrix
func.func @staged(%a: memref<128x32xf16>, %b: memref<32x64xf16>, %c: memref<128x64xf32>) {
  linalg.matmul ins(%a, %b : memref<128x32xf16>, memref<32x64xf16>) outs(%c : memref<128x64xf32>)
  return
}
