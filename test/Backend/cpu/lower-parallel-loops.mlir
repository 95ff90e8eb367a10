// RUN: mlc-opt %s -split-input-file --mlc-cpu-lower-parallel-loops --canonicalize | FileCheck %s

// A parallel loop over buffers of static shape becomes a function of the
// thread number and count that runs that thread's share of the 8 * 3 = 24
// iterations (row-major, blocks of 24/n, the first 24%n threads one more),
// called by every thread of an omp.parallel, or directly with (0, 1) when
// the context has one thread. Constants are cloned into the function, the
// buffers passed.
// CHECK-DAG: func.func private @__mlc_thread_count() -> i32
// CHECK-DAG: func.func private @omp_get_thread_num() -> i32
// CHECK-DAG: func.func private @omp_get_num_threads() -> i32
// CHECK-LABEL: func.func private @copy_par(
// CHECK-SAME: %[[TID:.*]]: i32, %[[COUNT:.*]]: i32, %[[A:.*]]: memref<8x12xf32>, %[[B:.*]]: memref<8x12xf32>)
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"]}
// CHECK-DAG: %[[C24:.*]] = arith.constant 24 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[T:.*]] = arith.index_castui %[[TID]] : i32 to index
// CHECK-DAG: %[[N:.*]] = arith.index_castui %[[COUNT]] : i32 to index
// CHECK: %[[Q:.*]] = arith.divui %[[C24]], %[[N]]
// CHECK: %[[R:.*]] = arith.remui %[[C24]], %[[N]]
// CHECK: %[[TQ:.*]] = arith.muli %[[T]], %[[Q]]
// CHECK: %[[EARLIER:.*]] = arith.minui %[[T]], %[[R]]
// CHECK: %[[BEGIN:.*]] = arith.addi %[[TQ]], %[[EARLIER]]
// CHECK: %[[ONE_MORE:.*]] = arith.cmpi ult, %[[T]], %[[R]]
// CHECK: %[[EXTRA:.*]] = arith.index_castui %[[ONE_MORE]] : i1 to index
// CHECK: %[[SIZE:.*]] = arith.addi %[[Q]], %[[EXTRA]]
// CHECK: %[[END:.*]] = arith.addi %[[BEGIN]], %[[SIZE]]
// CHECK: scf.for %[[K:.*]] = %[[BEGIN]] to %[[END]]
// CHECK: %[[JPOS:.*]] = arith.remui %[[K]], %[[C3]]
// CHECK: %[[I:.*]] = arith.divui %[[K]], %[[C3]]
// CHECK: %[[J:.*]] = arith.muli %[[JPOS]], %[[C4]]
// CHECK: memref.load %[[A]][%[[I]], %[[J]]]
// CHECK: memref.store {{.*}}, %[[B]][%[[I]], %[[J]]]
// CHECK-LABEL: func.func @copy(
// CHECK-SAME: %[[A:.*]]: memref<8x12xf32>, %[[B:.*]]: memref<8x12xf32>)
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : i32
// CHECK: %[[COUNT:.*]] = call @__mlc_thread_count()
// CHECK: %[[SEVERAL:.*]] = arith.cmpi sgt, %[[COUNT]], %[[ONE]]
// CHECK: scf.if %[[SEVERAL]] {
// CHECK-NEXT: omp.parallel num_threads(%[[COUNT]] : i32) {
// CHECK-NEXT: %[[TID:.*]] = func.call @omp_get_thread_num()
// CHECK-NEXT: %[[N:.*]] = func.call @omp_get_num_threads()
// CHECK-NEXT: func.call @copy_par(%[[TID]], %[[N]], %[[A]], %[[B]])
// CHECK-NEXT: omp.terminator
// CHECK: } else {
// CHECK-NEXT: func.call @copy_par(%[[ZERO]], %[[ONE]], %[[A]], %[[B]])
// CHECK-NOT: scf.parallel
func.func @copy(%a: memref<8x12xf32>, %b: memref<8x12xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c12 = arith.constant 12 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c8, %c12) step (%c1, %c4) {
    %v = memref.load %a[%i, %j] : memref<8x12xf32>
    memref.store %v, %b[%i, %j] : memref<8x12xf32>
    scf.reduce
  }
  return
}

// -----

// A buffer of dynamic shape cannot be a bare-pointer argument: the loop
// stays in place, split the same way inside an omp.parallel that asks
// libomp for the thread number and count. A nested parallel loop stays
// (it runs sequentially in its thread's share). The iteration's static
// stack buffer is made once per thread, before its share.
// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME: %[[A:.*]]: memref<?x4xf32>, %[[N:.*]]: index)
// CHECK: %[[COUNT:.*]] = call @__mlc_thread_count()
// CHECK-NEXT: omp.parallel num_threads(%[[COUNT]] : i32) {
// CHECK: func.call @omp_get_thread_num()
// CHECK: func.call @omp_get_num_threads()
// CHECK: %[[T:.*]] = memref.alloca() : memref<4xf32>
// CHECK: scf.for %[[I:.*]] =
// CHECK-NOT: memref.alloca
// CHECK: scf.parallel (%[[J:.*]]) =
// CHECK: %[[V:.*]] = memref.load %[[T]][%[[J]]]
// CHECK: memref.store %[[V]], %[[A]][%[[I]], %[[J]]]
// CHECK: omp.terminator
// CHECK-NOT: func.call @dynamic_par
func.func @dynamic(%a: memref<?x4xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %f = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %t = memref.alloca() : memref<4xf32>
    scf.parallel (%j) = (%c0) to (%c4) step (%c1) {
      %v = memref.load %t[%j] : memref<4xf32>
      memref.store %v, %a[%i, %j] : memref<?x4xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}

// -----

// A loop that yields results is left alone (not from a forall).
// CHECK-LABEL: func.func @reduction(
// CHECK: scf.parallel
// CHECK-NOT: omp.parallel
func.func @reduction(%a: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %sum = scf.parallel (%i) = (%c0) to (%c8) step (%c1) init (%zero) -> f32 {
    %v = memref.load %a[%i] : memref<8xf32>
    scf.reduce(%v : f32) {
    ^bb0(%x: f32, %y: f32):
      %s = arith.addf %x, %y : f32
      scf.reduce.return %s : f32
    }
  }
  return %sum : f32
}

// -----

// The weights (a constant global, and its reshape) are read again in the
// function rather than passed, so that LLVM still sees their values; a
// global that is not constant is passed.
// CHECK-LABEL: func.func private @weights_par(
// CHECK-SAME: %{{.*}}: i32, %{{.*}}: i32, %[[STATE:.*]]: memref<16xf32>, %[[B:.*]]: memref<16xf32>)
// CHECK-DAG: %[[W:.*]] = memref.get_global @w : memref<4x4xf32>
// CHECK-DAG: %[[FLAT:.*]] = memref.collapse_shape %[[W]] {{\[\[}}0, 1]]
// CHECK: memref.load %[[FLAT]]
// CHECK: memref.load %[[STATE]]
// CHECK-LABEL: func.func @weights(
// CHECK: %[[STATE:.*]] = memref.get_global @state
// CHECK: func.call @weights_par(%{{.*}}, %{{.*}}, %[[STATE]], %{{.*}})
memref.global "private" constant @w : memref<4x4xf32> = dense<1.0>
memref.global "private" @state : memref<16xf32> = dense<0.0>
func.func @weights(%b: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %w = memref.get_global @w : memref<4x4xf32>
  %flat = memref.collapse_shape %w [[0, 1]] : memref<4x4xf32> into memref<16xf32>
  %state = memref.get_global @state : memref<16xf32>
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    %v = memref.load %flat[%i] : memref<16xf32>
    %s = memref.load %state[%i] : memref<16xf32>
    %t = arith.addf %v, %s : f32
    memref.store %t, %b[%i] : memref<16xf32>
    scf.reduce
  }
  return
}
