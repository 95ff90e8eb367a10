// RUN: mlc-opt %s -split-input-file --mlc-cpu-split-reductions=isa=avx512 | FileCheck %s
// RUN: mlc-opt %s -split-input-file --mlc-cpu-split-reductions=isa=avx2 | FileCheck %s --check-prefix=AVX2
// RUN: mlc-opt %s -split-input-file --mlc-cpu-split-reductions=isa=scalar | FileCheck %s --check-prefix=SCALAR

// The min of a whole [128, 1, 256] tensor (dynamic quantization's range):
// the loops collapse into one of 32768, which splits into 16 partial
// minima updated by the innermost (parallel) loop, then a reduction of the
// 16 to the scalar.
// CHECK-LABEL: func.func @full_min
// CHECK: tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2]] : tensor<128x1x256xf32> into tensor<32768xf32>
// CHECK: tensor.expand_shape %{{.*}} output_shape [2048, 16] : tensor<32768xf32> into tensor<2048x16xf32>
// CHECK: %[[FILL:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<16xf32>)
// CHECK: %[[PART:.*]] = linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]{{.*}} ins(%{{.*}} : tensor<2048x16xf32>) outs(%[[FILL]] : tensor<16xf32>)
// CHECK: arith.minimumf
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction"]{{.*}} ins(%[[PART]] : tensor<16xf32>) outs(%{{.*}} : tensor<f32>)
// AVX2-LABEL: func.func @full_min
// AVX2: tensor<4096x8xf32>
// SCALAR-LABEL: func.func @full_min
// SCALAR: linalg.reduce
// SCALAR-NOT: tensor.expand_shape
func.func @full_min(%x: tensor<128x1x256xf32>, %init: tensor<f32>) -> tensor<f32> {
  %r = linalg.reduce ins(%x : tensor<128x1x256xf32>) outs(%init : tensor<f32>) dimensions = [0, 1, 2]
    (%in: f32, %acc: f32) {
      %m = arith.minimumf %in, %acc : f32
      linalg.yield %m : f32
    }
  return %r : tensor<f32>
}

// -----

// Reductions that keep a dimension, and small ones, stay as they are.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: tensor.expand_shape
// CHECK: return
func.func @left_alone(%x: tensor<128x256xf32>, %rows: tensor<128xf32>, %s: tensor<64xf32>, %init: tensor<f32>) -> (tensor<128xf32>, tensor<f32>) {
  %r = linalg.reduce ins(%x : tensor<128x256xf32>) outs(%rows : tensor<128xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %m = arith.maximumf %in, %acc : f32
      linalg.yield %m : f32
    }
  %t = linalg.reduce ins(%s : tensor<64xf32>) outs(%init : tensor<f32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %m = arith.maximumf %in, %acc : f32
      linalg.yield %m : f32
    }
  return %r, %t : tensor<128xf32>, tensor<f32>
}
