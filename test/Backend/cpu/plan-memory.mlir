// RUN: mlc-opt %s -split-input-file --mlc-cpu-plan-memory | FileCheck %s
// RUN: mlc-opt %s -split-input-file --mlc-cpu-plan-memory="report=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: mlc-opt %s -split-input-file --mlc-cpu-plan-memory="threads=false" | FileCheck %s --check-prefix=SEQ

// Three buffers: %a (4 KiB) dies when %c is made, so %c takes its bytes;
// %b lives beside both. The arena (8 KiB) is a new trailing argument, the
// deallocations are gone, and a run allocates nothing.
// CHECK-LABEL: module attributes {mlc.arena_size = 8192 : i64}
// CHECK: func.func @mlc_entry(%[[IN:.*]]: memref<1024xf32>, %[[OUT:.*]]: memref<1024xf32>, %[[ARENA:.*]]: memref<8192xi8> {mlc.arena})
// CHECK: %[[OFF_A:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[ARENA]][%[[OFF_A]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK: %[[OFF_B:.*]] = arith.constant 4096 : index
// CHECK: memref.view %[[ARENA]][%[[OFF_B]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK: %[[OFF_C:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[ARENA]][%[[OFF_C]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
// REPORT: remark: memory plan: arena 8192 bytes for 3 buffers; largest live set 8192 bytes; weights 0 bytes
func.func @mlc_entry(%in: memref<1024xf32>, %out: memref<1024xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  memref.copy %in, %a : memref<1024xf32> to memref<1024xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  memref.copy %a, %b : memref<1024xf32> to memref<1024xf32>
  %c = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  memref.copy %b, %c : memref<1024xf32> to memref<1024xf32>
  memref.copy %c, %out : memref<1024xf32> to memref<1024xf32>
  memref.dealloc %a : memref<1024xf32>
  memref.dealloc %b : memref<1024xf32>
  memref.dealloc %c : memref<1024xf32>
  return
}

// -----

// What the plan leaves alone: a dynamically sized buffer, and one freed
// inside a branch only. Nothing to plan: no arena.
// CHECK-LABEL: module {
// CHECK: func.func @mlc_entry(%{{.*}}: memref<?xf32>, %{{.*}}: i1)
// CHECK: memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: memref.alloc() : memref<16xf32>
// CHECK: scf.if
// CHECK: memref.dealloc
func.func @mlc_entry(%in: memref<?xf32>, %flag: i1) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %in, %c0 : memref<?xf32>
  %d = memref.alloc(%n) : memref<?xf32>
  memref.copy %in, %d : memref<?xf32> to memref<?xf32>
  memref.dealloc %d : memref<?xf32>
  %s = memref.alloc() : memref<16xf32>
  scf.if %flag {
    memref.dealloc %s : memref<16xf32>
  }
  return
}

// -----

// Loop buffers. The sequential loop's buffer is made and freed by every
// iteration: one arena slot. The parallel loop's iterations run at once on
// several threads: its small buffer (made in an inner loop) goes on the
// stack, at the start of the iteration, and the 128 KiB one keeps its
// allocation. Without threads, the parallel loop is planned like a
// sequential one: both get slots.
// CHECK-LABEL: module attributes {mlc.arena_size = 64 : i64}
// CHECK: func.func @mlc_entry({{.*}}, %[[ARENA:.*]]: memref<64xi8> {mlc.arena})
// CHECK: scf.for
// CHECK: memref.view %[[ARENA]]
// CHECK: scf.forall
// CHECK-NEXT: memref.alloca() {alignment = 64 : i64} : memref<16xf32>
// CHECK: scf.for
// CHECK-NOT: memref.alloc()
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<32768xf32>
// CHECK: memref.dealloc
// CHECK-NOT: memref.dealloc
// SEQ-LABEL: module attributes {mlc.arena_size = 131136 : i64}
// SEQ: scf.forall
// SEQ-NOT: memref.alloc
// SEQ-NOT: memref.dealloc
func.func @mlc_entry(%in: memref<16xf32>, %big: memref<32768xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %t = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
    memref.copy %in, %t : memref<16xf32> to memref<16xf32>
    memref.copy %t, %in : memref<16xf32> to memref<16xf32>
    memref.dealloc %t : memref<16xf32>
  }
  scf.forall (%i) in (4) {
    scf.for %j = %c0 to %c4 step %c1 {
      %t = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
      memref.copy %in, %t : memref<16xf32> to memref<16xf32>
      memref.dealloc %t : memref<16xf32>
    }
    %b = memref.alloc() {alignment = 64 : i64} : memref<32768xf32>
    memref.copy %big, %b : memref<32768xf32> to memref<32768xf32>
    memref.dealloc %b : memref<32768xf32>
  }
  return
}
