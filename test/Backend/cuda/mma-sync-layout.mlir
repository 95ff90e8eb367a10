// RUN: mlc-opt %s --pass-pipeline="builtin.module(func.func(convert-vector-to-gpu{use-nvgpu=true}))" | FileCheck %s

// The reference for the lane -> element mapping of MMASyncGEMM.cpp:
// upstream MLIR's own vector-to-gpu lowering of one m16n8k32 (i8) and one
// m16n8k16 (f16) vector.contract to nvgpu.mma.sync loads, per lane l (g =
// l / 4, t = l % 4), A register j from row g + 8 (j % 2), columns
// t P + H (j / 2); B (read as N x K) register j from row g, columns
// t P + H j; C row half h from row g + 8 h, columns 2t, 2t + 1 - the
// mapping the kernel uses (P = 4, H = 16 for i8; P = 2, H = 8 for f16).
// If MLIR's mapping ever changed, this test fails and the kernel must be
// re-checked against it.
// CHECK-DAG: #[[G:.*]] = affine_map<()[s0] -> (s0 floordiv 4)>
// CHECK-DAG: #[[G8:.*]] = affine_map<()[s0] -> (s0 floordiv 4 + 8)>
// CHECK-DAG: #[[T4:.*]] = affine_map<()[s0] -> (s0 * 4 - (s0 floordiv 4) * 16)>
// CHECK-DAG: #[[T4H:.*]] = affine_map<()[s0] -> (s0 * 4 - (s0 floordiv 4) * 16 + 16)>
// CHECK-DAG: #[[T2:.*]] = affine_map<()[s0] -> (s0 * 2 - (s0 floordiv 4) * 8)>
// CHECK-DAG: #[[T2H:.*]] = affine_map<()[s0] -> (s0 * 2 - (s0 floordiv 4) * 8 + 8)>

// CHECK-LABEL: func.func @i8
// CHECK: %[[L:.*]] = gpu.lane_id
// CHECK: affine.apply #[[G]]()[%[[L]]]
// CHECK: affine.apply #[[T4]]()[%[[L]]]
// CHECK: vector.insert %{{.*}}, %{{.*}} [0] : vector<4xi8> into vector<4x4xi8>
// CHECK: affine.apply #[[G8]]()[%[[L]]]
// CHECK: affine.apply #[[T4]]()[%[[L]]]
// CHECK: vector.insert %{{.*}}, %{{.*}} [1] : vector<4xi8> into vector<4x4xi8>
// CHECK: affine.apply #[[G]]()[%[[L]]]
// CHECK: affine.apply #[[T4H]]()[%[[L]]]
// CHECK: vector.insert %{{.*}}, %{{.*}} [2] : vector<4xi8> into vector<4x4xi8>
// CHECK: affine.apply #[[G8]]()[%[[L]]]
// CHECK: affine.apply #[[T4H]]()[%[[L]]]
// CHECK: vector.insert %{{.*}}, %{{.*}} [3] : vector<4xi8> into vector<4x4xi8>
// CHECK: %[[LB:.*]] = gpu.lane_id
// CHECK: affine.apply #[[G]]()[%[[LB]]]
// CHECK: affine.apply #[[T4]]()[%[[LB]]]
// CHECK: vector.insert %{{.*}}, %{{.*}} [0] : vector<4xi8> into vector<2x4xi8>
// CHECK: affine.apply #[[G]]()[%[[LB]]]
// CHECK: affine.apply #[[T4H]]()[%[[LB]]]
// CHECK: vector.insert %{{.*}}, %{{.*}} [1] : vector<4xi8> into vector<2x4xi8>
// CHECK: %[[LC:.*]] = gpu.lane_id
// CHECK: affine.apply #[[G]]()[%[[LC]]]
// CHECK: affine.apply #[[T2]]()[%[[LC]]]
// CHECK: vector.insert %{{.*}}, %{{.*}} [0] : vector<2xi32> into vector<2x2xi32>
// CHECK: affine.apply #[[G8]]()[%[[LC]]]
// CHECK: affine.apply #[[T2]]()[%[[LC]]]
// CHECK: vector.insert %{{.*}}, %{{.*}} [1] : vector<2xi32> into vector<2x2xi32>
// CHECK: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 32]}

// CHECK-LABEL: func.func @f16
// CHECK: %[[L:.*]] = gpu.lane_id
// CHECK: affine.apply #[[G]]()[%[[L]]]
// CHECK: affine.apply #[[T2]]()[%[[L]]]
// CHECK: vector.insert %{{.*}}, %{{.*}} [0] : vector<2xf16> into vector<4x2xf16>
// CHECK: affine.apply #[[G8]]()[%[[L]]]
// CHECK: affine.apply #[[T2]]()[%[[L]]]
// CHECK: vector.insert %{{.*}}, %{{.*}} [1] : vector<2xf16> into vector<4x2xf16>
// CHECK: affine.apply #[[G]]()[%[[L]]]
// CHECK: affine.apply #[[T2H]]()[%[[L]]]
// CHECK: vector.insert %{{.*}}, %{{.*}} [2] : vector<2xf16> into vector<4x2xf16>
// CHECK: affine.apply #[[G8]]()[%[[L]]]
// CHECK: affine.apply #[[T2H]]()[%[[L]]]
// CHECK: vector.insert %{{.*}}, %{{.*}} [3] : vector<2xf16> into vector<4x2xf16>
// CHECK: %[[LB:.*]] = gpu.lane_id
// CHECK: affine.apply #[[G]]()[%[[LB]]]
// CHECK: affine.apply #[[T2]]()[%[[LB]]]
// CHECK: vector.insert %{{.*}}, %{{.*}} [0] : vector<2xf16> into vector<2x2xf16>
// CHECK: affine.apply #[[G]]()[%[[LB]]]
// CHECK: affine.apply #[[T2H]]()[%[[LB]]]
// CHECK: vector.insert %{{.*}}, %{{.*}} [1] : vector<2xf16> into vector<2x2xf16>
// CHECK: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]}
#map0 = affine_map<(d0, d1, d2) -> (d0, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d1, d2)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @i8(%arg0: memref<128x128xi8>, %arg1: memref<128x128xi8>, %arg2: memref<128x128xi32>) {
  %cst0 = arith.constant 0 : i8
  %cst = arith.constant 0 : i32
  %c0 = arith.constant 0 : index
  %A = vector.transfer_read %arg0[%c0, %c0], %cst0 {in_bounds = [true, true]} : memref<128x128xi8>, vector<16x32xi8>
  %B = vector.transfer_read %arg1[%c0, %c0], %cst0 {in_bounds = [true, true]} : memref<128x128xi8>, vector<8x32xi8>
  %C = vector.transfer_read %arg2[%c0, %c0], %cst {in_bounds = [true, true]} : memref<128x128xi32>, vector<16x8xi32>
  %D = vector.contract {indexing_maps = [#map0, #map1, #map2], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %A, %B, %C : vector<16x32xi8>, vector<8x32xi8> into vector<16x8xi32>
  vector.transfer_write %D, %arg2[%c0, %c0] {in_bounds = [true, true]} : vector<16x8xi32>, memref<128x128xi32>
  return
}
func.func @f16(%arg0: memref<128x128xf16>, %arg1: memref<128x128xf16>, %arg2: memref<128x128xf32>) {
  %cst0 = arith.constant 0.0 : f16
  %cst = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %A = vector.transfer_read %arg0[%c0, %c0], %cst0 {in_bounds = [true, true]} : memref<128x128xf16>, vector<16x16xf16>
  %B = vector.transfer_read %arg1[%c0, %c0], %cst0 {in_bounds = [true, true]} : memref<128x128xf16>, vector<8x16xf16>
  %C = vector.transfer_read %arg2[%c0, %c0], %cst {in_bounds = [true, true]} : memref<128x128xf32>, vector<16x8xf32>
  %D = vector.contract {indexing_maps = [#map0, #map1, #map2], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %A, %B, %C : vector<16x16xf16>, vector<8x16xf16> into vector<16x8xf32>
  vector.transfer_write %D, %arg2[%c0, %c0] {in_bounds = [true, true]} : vector<16x8xf32>, memref<128x128xf32>
  return
}
