// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cuda-map-to-gpu))" | FileCheck %s
// RUN: mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cuda-map-to-gpu{block-size=64}))" | FileCheck %s --check-prefix=B64
// RUN: not mlc-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(mlc-cuda-map-to-gpu{block-size=2048}))" 2>&1 | FileCheck %s --check-prefix=BAD

// A 4x100 parallel loop: 400 threads in blocks of 256 (2 blocks), the
// flat id split innermost-first; buffers in device memory.
// CHECK-LABEL: func.func @parallel
// CHECK: %[[BUF:.*]] = gpu.alloc () : memref<4x100xf32>
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %[[C2]], {{.*}}) threads({{.*}}) in ({{.*}} = %[[C256]],
// CHECK: %[[ID:.*]] = arith.addi
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[ID]], %{{.*}}
// CHECK: scf.if %[[IN]]
// CHECK: arith.remui %[[ID]]
// CHECK: arith.divui %[[ID]]
// CHECK: memref.store {{.*}}, %[[BUF]]
// CHECK-NOT: scf.parallel
// CHECK: gpu.dealloc %[[BUF]]
// B64-LABEL: func.func @parallel
// B64: arith.constant 7 : index
// B64: arith.constant 64 : index
// B64: gpu.launch
// BAD: block-size must be in 1..1024
func.func @parallel(%x: memref<4x100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c100 = arith.constant 100 : index
  %buf = memref.alloc() : memref<4x100xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c100) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<4x100xf32>
    memref.store %v, %buf[%i, %j] : memref<4x100xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c100) step (%c1, %c1) {
    %v = memref.load %buf[%i, %j] : memref<4x100xf32>
    memref.store %v, %x[%i, %j] : memref<4x100xf32>
    scf.reduce
  }
  memref.dealloc %buf : memref<4x100xf32>
  return
}

// -----

// A full reduction has no parallel loop: it runs in a one-thread kernel.
// CHECK-LABEL: func.func @sequential
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c1_0, {{.*}} = %c1_1, {{.*}} = %c1_2) threads({{.*}}) in ({{.*}} = %c1_3, {{.*}} = %c1_4, {{.*}} = %c1_5)
// CHECK-NEXT: scf.for
// CHECK: gpu.terminator
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @sequential(%x: memref<8xf32>, %y: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %x[%i] : memref<8xf32>
    %s = memref.load %y[] : memref<f32>
    %r = arith.addf %v, %s : f32
    memref.store %r, %y[] : memref<f32>
  }
  return
}
