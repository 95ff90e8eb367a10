// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cpu-pack-panels))" | FileCheck %s

// A constant read in panels 8 columns wide at offsets that are multiples of
// 8 (the induction variable of a loop from 0 by 8) is stored as panels
// [16 / 8][2][8], each contiguous, and every slice reads its own panel.
// CHECK-LABEL: func.func @panels
// CHECK-DAG: %[[PANELS:.+]] = arith.constant dense<{{\[}}{{\[}}[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00], [1.600000e+01, 1.700000e+01, {{.*}}, 2.300000e+01]], {{\[}}[8.000000e+00, {{.*}}, 1.500000e+01], [2.400000e+01, {{.*}}, 3.100000e+01]]]> : tensor<2x2x8xf32>
// CHECK: scf.for %[[N:.+]] = %{{.+}} to %{{.+}} step %{{.+}}
// CHECK: %[[P:.+]] = affine.apply #{{.+}}()[%[[N]]]
// CHECK: tensor.extract_slice %[[PANELS]][%[[P]], 0, 0] [1, 2, 8] [1, 1, 1] : tensor<2x2x8xf32> to tensor<2x8xf32>
// CHECK-NOT: tensor<2x16xf32> = arith.constant
func.func @panels(%init: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %cst = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0]]> : tensor<2x16xf32>
  %r = scf.for %n = %c0 to %c16 step %c8 iter_args(%acc = %init) -> (tensor<2x16xf32>) {
    %s = tensor.extract_slice %cst[0, %n] [2, 8] [1, 1] : tensor<2x16xf32> to tensor<2x8xf32>
    %u = tensor.insert_slice %s into %acc[0, %n] [2, 8] [1, 1] : tensor<2x8xf32> into tensor<2x16xf32>
    scf.yield %u : tensor<2x16xf32>
  }
  return %r : tensor<2x16xf32>
}

// -----

// The chain of a cache-tiled matmul's B: a block 16 columns wide at a
// thread's offset (scf.forall), a reduction block of it, then the register
// tile's 8 columns: the offsets of the chain add up, and the panel is their
// sum divided by 8; the reduction offset indexes the panel's rows.
// CHECK-LABEL: func.func @chain
// CHECK-DAG: %[[PANELS:.+]] = arith.constant dense<{{.+}}> : tensor<2x2x8xf32>
// CHECK: scf.forall (%[[T:.+]]) = (0) to (16) step (16)
// CHECK: scf.for %[[K:[^ ]+]] =
// CHECK: scf.for %[[N:[^ ]+]] =
// CHECK: %[[P:.+]] = affine.apply #{{.+}}()[%[[T]], %[[N]]]
// CHECK: tensor.extract_slice %[[PANELS]][%[[P]], %[[K]], 0] [1, 1, 8] [1, 1, 1] : tensor<2x2x8xf32> to tensor<1x8xf32>
func.func @chain(%init: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %cst = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0]]> : tensor<2x16xf32>
  %r = scf.forall (%t) = (0) to (16) step (16) shared_outs(%out = %init) -> (tensor<1x16xf32>) {
    %block = tensor.extract_slice %cst[0, %t] [2, 16] [1, 1] : tensor<2x16xf32> to tensor<2x16xf32>
    %o = tensor.extract_slice %out[0, %t] [1, 16] [1, 1] : tensor<1x16xf32> to tensor<1x16xf32>
    %s = scf.for %k = %c0 to %c2 step %c1 iter_args(%acc = %o) -> (tensor<1x16xf32>) {
      %rows = tensor.extract_slice %block[%k, 0] [1, 16] [1, 1] : tensor<2x16xf32> to tensor<1x16xf32>
      %v = scf.for %n = %c0 to %c16 step %c8 iter_args(%acc2 = %acc) -> (tensor<1x16xf32>) {
        %b = tensor.extract_slice %rows[0, %n] [1, 8] [1, 1] : tensor<1x16xf32> to tensor<1x8xf32>
        %u = tensor.insert_slice %b into %acc2[0, %n] [1, 8] [1, 1] : tensor<1x8xf32> into tensor<1x16xf32>
        scf.yield %u : tensor<1x16xf32>
      }
      scf.yield %v : tensor<1x16xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %s into %out[0, %t] [1, 16] [1, 1] : tensor<1x16xf32> into tensor<1x16xf32>
    }
  }
  return %r : tensor<1x16xf32>
}

// -----

// Left alone: a panel offset that is not provably a multiple of the width
// (the loop starts at 4), ...
// CHECK-LABEL: func.func @unaligned
// CHECK: arith.constant dense<{{.+}}> : tensor<2x16xf32>
// CHECK-NOT: tensor<2x2x8xf32>
func.func @unaligned(%init: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c12 = arith.constant 12 : index
  %cst = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0]]> : tensor<2x16xf32>
  %r = scf.for %n = %c4 to %c12 step %c8 iter_args(%acc = %init) -> (tensor<2x16xf32>) {
    %s = tensor.extract_slice %cst[0, %n] [2, 8] [1, 1] : tensor<2x16xf32> to tensor<2x8xf32>
    %u = tensor.insert_slice %s into %acc[0, %n] [2, 8] [1, 1] : tensor<2x8xf32> into tensor<2x16xf32>
    scf.yield %u : tensor<2x16xf32>
  }
  return %r : tensor<2x16xf32>
}

// -----

// ... a constant also read whole (packing would keep the weights twice), ...
// CHECK-LABEL: func.func @read_whole
// CHECK-NOT: tensor<2x2x8xf32>
func.func @read_whole(%init: tensor<2x16xf32>) -> (tensor<2x16xf32>, tensor<2x16xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %cst = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0]]> : tensor<2x16xf32>
  %r = scf.for %n = %c0 to %c16 step %c8 iter_args(%acc = %init) -> (tensor<2x16xf32>) {
    %s = tensor.extract_slice %cst[0, %n] [2, 8] [1, 1] : tensor<2x16xf32> to tensor<2x8xf32>
    %u = tensor.insert_slice %s into %acc[0, %n] [2, 8] [1, 1] : tensor<2x8xf32> into tensor<2x16xf32>
    scf.yield %u : tensor<2x16xf32>
  }
  return %r, %cst : tensor<2x16xf32>, tensor<2x16xf32>
}

// -----

// ... and panels narrower than 8 columns.
// CHECK-LABEL: func.func @narrow
// CHECK-NOT: tensor<4x2x4xf32>
func.func @narrow(%init: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %cst = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0]]> : tensor<2x16xf32>
  %r = scf.for %n = %c0 to %c16 step %c4 iter_args(%acc = %init) -> (tensor<2x16xf32>) {
    %s = tensor.extract_slice %cst[0, %n] [2, 4] [1, 1] : tensor<2x16xf32> to tensor<2x4xf32>
    %u = tensor.insert_slice %s into %acc[0, %n] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<2x16xf32>
    scf.yield %u : tensor<2x16xf32>
  }
  return %r : tensor<2x16xf32>
}
