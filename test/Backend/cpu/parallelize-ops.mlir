// RUN: mlc-opt %s -split-input-file --mlc-cpu-parallelize-ops | FileCheck %s

// A big elementwise op in the function body: its first parallel loop of
// extent > 1 (H = 56; N = 1 is skipped) splits into 8 chunks of 7 rows, as
// an scf.forall; the inner loops stay whole.
// CHECK-LABEL: func.func @elementwise
// CHECK: scf.forall (%[[I:.*]]) = (0) to (56) step (7) shared_outs(%[[O:.*]] = %{{.*}}) -> (tensor<1x56x56x64xf32>)
// CHECK: tensor.extract_slice %arg0[0, %{{.*}}, 0, 0] [1, 7, 56, 64] [1, 1, 1, 1]
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x7x56x64xf32>)
// CHECK: scf.forall.in_parallel
// CHECK: tensor.parallel_insert_slice {{.*}} into %[[O]][0, %{{.*}}, 0, 0] [1, 7, 56, 64]
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @elementwise(%x: tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32> {
  %e = tensor.empty() : tensor<1x56x56x64xf32>
  %y = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x56x56x64xf32>) outs(%e : tensor<1x56x56x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %r = arith.maximumf %a, %z : f32
    linalg.yield %r : f32
  } -> tensor<1x56x56x64xf32>
  return %y : tensor<1x56x56x64xf32>
}

// -----

// A row reduction (softmax's max): the rows split, the reduction loop stays
// whole inside each chunk.
// CHECK-LABEL: func.func @row_max
// CHECK: scf.forall (%{{.*}}) = (0) to (512) step (64)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%{{.*}} : tensor<64x1024xf32>) outs(%{{.*}} : tensor<64xf32>)
#in = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
func.func @row_max(%x: tensor<512x1024xf32>, %init: tensor<512xf32>) -> tensor<512xf32> {
  %y = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<512x1024xf32>) outs(%init : tensor<512xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %o : f32
    linalg.yield %r : f32
  } -> tensor<512xf32>
  return %y : tensor<512xf32>
}

// -----

// Small ops (under 2^15 iterations), dynamic shapes, and ops in loops stay
// as they are.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: scf.forall
// CHECK: return
#map1 = affine_map<(d0) -> (d0)>
func.func @left_alone(%x: tensor<1024xf32>, %d: tensor<?xf32>, %n: index) -> (tensor<1024xf32>, tensor<?xf32>, tensor<65536xf32>) {
  %e = tensor.empty() : tensor<1024xf32>
  %y = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel"]} ins(%x : tensor<1024xf32>) outs(%e : tensor<1024xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<1024xf32>
  %c0 = arith.constant 0 : index
  %dim = tensor.dim %d, %c0 : tensor<?xf32>
  %de = tensor.empty(%dim) : tensor<?xf32>
  %dy = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel"]} ins(%d : tensor<?xf32>) outs(%de : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %c1 = arith.constant 1 : index
  %big = tensor.empty() : tensor<65536xf32>
  %l = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %big) -> (tensor<65536xf32>) {
    %f = arith.constant 1.0 : f32
    %filled = linalg.fill ins(%f : f32) outs(%acc : tensor<65536xf32>) -> tensor<65536xf32>
    scf.yield %filled : tensor<65536xf32>
  }
  return %y, %dy, %l : tensor<1024xf32>, tensor<?xf32>, tensor<65536xf32>
}

// -----

// A split reduction ([2048, 16] -> [16], the 16 lanes innermost): its only
// parallel loop is the innermost one, what LLVM vectorizes: not chunked.
// CHECK-LABEL: func.func @split_reduction
// CHECK-NOT: scf.forall
// CHECK: return
#in2 = affine_map<(d0, d1) -> (d0, d1)>
#out2 = affine_map<(d0, d1) -> (d1)>
func.func @split_reduction(%x: tensor<8192x16xf32>, %init: tensor<16xf32>) -> tensor<16xf32> {
  %y = linalg.generic {indexing_maps = [#in2, #out2], iterator_types = ["reduction", "parallel"]} ins(%x : tensor<8192x16xf32>) outs(%init : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.minimumf %a, %o : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  return %y : tensor<16xf32>
}
