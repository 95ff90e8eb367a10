// RUN: mlc-opt %s --pass-pipeline="builtin.module(func.func(mlc-cuda-parallel-dims-first))" | FileCheck %s

// A global average pool over NHWC (h, w reduced before c): the channel
// loop moves in front of the reductions, so that it becomes a parallel
// loop (one GPU thread per channel) rather than a loop in one thread.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-LABEL: func.func @pool
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
func.func @pool(%x: memref<1x7x7x2048xf32>, %y: memref<1x2048xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>,
                       affine_map<(n, h, w, c) -> (n, c)>],
      iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
      ins(%x : memref<1x7x7x2048xf32>) outs(%y : memref<1x2048xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// Parallel loops already first: unchanged.
// CHECK-LABEL: func.func @rows
// CHECK: iterator_types = ["parallel", "reduction"]
func.func @rows(%x: memref<4x8xf32>, %y: memref<4xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
      iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x8xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// linalg.reduce (how global pools lower) is generalized, then interchanged.
// CHECK-LABEL: func.func @reduce
// CHECK-NOT: linalg.reduce
// CHECK: iterator_types = ["parallel", "parallel", "reduction", "reduction"]
func.func @reduce(%x: memref<1x7x7x2048xf32>, %y: memref<1x2048xf32>) {
  linalg.reduce ins(%x : memref<1x7x7x2048xf32>) outs(%y : memref<1x2048xf32>) dimensions = [1, 2]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return
}
