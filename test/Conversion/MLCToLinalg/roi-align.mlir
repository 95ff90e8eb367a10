// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// RoiAlign with an adaptive grid (sampling_ratio 0): one generic over the
// result, sized by the run-time region count; the grid's trip counts are the
// ceilings of the bin sizes, computed from the region in the body; half_pixel
// subtracts 0.5 from the scaled corners; avg divides by max(gh * gw, 1).
// CHECK-LABEL: func.func @roi_align_adaptive
// CHECK: %[[R:.*]] = tensor.dim %arg1, %{{.*}} : tensor<?x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[R]]) : tensor<?x3x2x2xf32>
// CHECK: linalg.generic {{.*}} outs(%[[E]] : tensor<?x3x2x2xf32>)
// CHECK: %[[N:.*]] = tensor.extract %arg2
// CHECK: tensor.extract %arg1
// CHECK: arith.constant 5.000000e-01 : f64
// CHECK: %[[CH:.*]] = math.ceil
// CHECK: %[[GH:.*]] = arith.index_cast {{.*}} : i64 to index
// CHECK: math.ceil
// CHECK: %[[GW:.*]] = arith.index_cast {{.*}} : i64 to index
// CHECK: %[[SUM:.*]] = scf.for %{{.*}} = %{{.*}} to %[[GH]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[GW]]
// CHECK-COUNT-4: tensor.extract %arg0
// CHECK: arith.addf
// CHECK: %[[COUNT:.*]] = arith.muli %[[GH]], %[[GW]] : index
// CHECK: arith.maxsi %[[COUNT]]
// CHECK: arith.divf %[[SUM]]
// CHECK: arith.truncf {{.*}} : f64 to f32
func.func @roi_align_adaptive(%x: tensor<1x3x10x10xf32>, %rois: tensor<?x4xf32>, %idx: tensor<?xi64>) -> tensor<?x3x2x2xf32> {
  %y = mlc.roi_align %x, %rois, %idx {half_pixel} : (tensor<1x3x10x10xf32>, tensor<?x4xf32>, tensor<?xi64>) -> tensor<?x3x2x2xf32>
  return %y : tensor<?x3x2x2xf32>
}

// -----

// Max mode with a fixed grid: the largest weighted corner term of any
// sample, 0 when no sample ran; without half_pixel regions are at least 1x1.
// CHECK-LABEL: func.func @roi_align_max
// CHECK: tensor.empty() : tensor<4x3x2x2xf32>
// CHECK-NOT: math.ceil
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : f64
// CHECK: %[[MAX:.*]] = scf.for
// CHECK: scf.for
// CHECK: arith.maxnumf
// CHECK: arith.maxnumf
// CHECK: arith.maxnumf
// CHECK: arith.maxnumf
// CHECK: arith.select %{{.*}}, %[[MAX]], %{{.*}} : f64
func.func @roi_align_max(%x: tensor<1x3x10x10xf32>, %rois: tensor<4x4xf32>, %idx: tensor<4xi64>) -> tensor<4x3x2x2xf32> {
  %y = mlc.roi_align %x, %rois, %idx {max, sampling_ratio = 2 : i64} : (tensor<1x3x10x10xf32>, tensor<4x4xf32>, tensor<4xi64>) -> tensor<4x3x2x2xf32>
  return %y : tensor<4x3x2x2xf32>
}
