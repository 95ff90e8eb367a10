// RUN: mlc-opt %s -split-input-file -verify-diagnostics --mlc-emit-runtime-abi | FileCheck %s

// The tables describe every input and output (name, mlc_dtype code, rank,
// shape), the counts are constants, and mlc_run checks its pointers before it
// calls the entry with the data pointers in input-then-output order.
// CHECK-LABEL: module
// CHECK-NOT: mlc.abi
// CHECK-DAG: llvm.mlir.global internal constant @mlc_abi_input_0_name("x\00")
// CHECK-DAG: llvm.mlir.global internal constant @mlc_abi_input_0_shape(dense<4> : tensor<1xi64>)
// CHECK-DAG: llvm.mlir.global internal constant @mlc_abi_input_1_name("ids\00")
// CHECK-DAG: llvm.mlir.global internal constant @mlc_abi_input_1_shape(dense<[2, 3]> : tensor<2xi64>)
// CHECK-LABEL: llvm.mlir.global internal constant @mlc_abi_input_info()
// MLC_DTYPE_F32 = 1, rank 1; MLC_DTYPE_I64 = 7, rank 2.
// CHECK: llvm.mlir.constant(1 : i32)
// CHECK-NEXT: llvm.mlir.constant(1 : i32)
// CHECK: llvm.mlir.constant(7 : i32)
// CHECK-NEXT: llvm.mlir.constant(2 : i32)
// CHECK: llvm.mlir.global internal constant @mlc_abi_output_0_shape(dense<2> : tensor<2xi64>)
// CHECK-LABEL: llvm.mlir.global internal constant @mlc_abi_output_info()
// MLC_DTYPE_I8 = 3.
// CHECK: llvm.mlir.constant(3 : i32)
// CHECK-LABEL: llvm.func @mlc_abi_version() -> i32
// CHECK-LABEL: llvm.func @mlc_num_inputs() -> i32
// CHECK-NEXT: llvm.mlir.constant(2 : i32)
// CHECK-LABEL: llvm.func @mlc_num_outputs() -> i32
// CHECK-NEXT: llvm.mlir.constant(1 : i32)
// CHECK-LABEL: llvm.func @mlc_input_info(%{{.*}}: i32) -> !llvm.ptr
// CHECK: llvm.icmp "ult"
// CHECK-LABEL: llvm.func @mlc_output_info(%{{.*}}: i32) -> !llvm.ptr
// CHECK-LABEL: llvm.func @mlc_context_create(%{{.*}}: i32) -> !llvm.ptr
// CHECK: llvm.call @malloc
// CHECK-LABEL: llvm.func @mlc_context_destroy(%{{.*}}: !llvm.ptr)
// CHECK: llvm.call @free
// CHECK-LABEL: llvm.func @mlc_run(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// CHECK: %[[IN0:.*]] = llvm.load
// CHECK: %[[IN1:.*]] = llvm.load
// CHECK: %[[OUT0:.*]] = llvm.load
// CHECK: llvm.call @mlc_entry(%[[IN0]], %[[IN1]], %[[OUT0]])
module attributes {mlc.abi = {inputs = [{name = "x", type = tensor<4xf32>}, {name = "ids", type = tensor<2x3xi64>}], outputs = [{name = "y", type = tensor<2x2xi8>}]}} {
  llvm.func @mlc_entry(%a: !llvm.ptr, %b: !llvm.ptr, %c: !llvm.ptr) {
    llvm.return
  }
}

// -----

// expected-error @+1 {{no lowered 'mlc_entry' function}}
module attributes {mlc.abi = {inputs = [], outputs = [{name = "y", type = tensor<2xf32>}]}} {
}

// -----

module attributes {mlc.abi = {inputs = [{name = "x", type = tensor<4xf32>}], outputs = [{name = "y", type = tensor<4xf32>}]}} {
  // expected-error @+1 {{entry must take one bare pointer per input and}}
  llvm.func @mlc_entry(%a: !llvm.ptr) {
    llvm.return
  }
}

// -----

// expected-error @+1 {{unsupported element type}}
module attributes {mlc.abi = {inputs = [{name = "x", type = tensor<4xf8E8M0FNU>}], outputs = [{name = "y", type = tensor<4xf32>}]}} {
  llvm.func @mlc_entry(%a: !llvm.ptr, %b: !llvm.ptr) {
    llvm.return
  }
}

// -----

// expected-error @+1 {{missing 'mlc.abi'}}
module {
  llvm.func @mlc_entry(%a: !llvm.ptr, %b: !llvm.ptr) {
    llvm.return
  }
}

// -----

// The lowered entry reports a failed allocation: every malloc of a non-zero
// size is checked for null, and a null one frees what the run allocated
// before and returns true at once instead of letting the entry write
// through it; mlc_run turns that into MLC_ERROR_OUT_OF_MEMORY (2). The
// entry's heap calls go through wrappers that keep the run's blocks in a
// thread-local list (header before each block) for that.
// CHECK-LABEL: llvm.func @mlc_entry(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i1
// CHECK: %[[SIZE:.*]] = llvm.mlir.constant(4096 : i64) : i64
// CHECK: %[[BUF:.*]] = llvm.call @__mlc_tracked_malloc(%[[SIZE]])
// CHECK: %[[NULL:.*]] = llvm.icmp "eq" %[[BUF]], %{{.*}} : !llvm.ptr
// CHECK: %[[NONZERO:.*]] = llvm.icmp "ne" %[[SIZE]], %{{.*}} : i64
// CHECK: %[[FAILED:.*]] = llvm.and %[[NULL]], %[[NONZERO]] : i1
// CHECK: llvm.cond_br %[[FAILED]], ^[[FAIL:.*]], ^[[OK:bb[0-9]+]]
// CHECK: ^[[OK]]:
// CHECK: llvm.call @__mlc_free(%[[BUF]])
// CHECK: %[[FALSE:.*]] = llvm.mlir.constant(false) : i1
// CHECK: llvm.return %[[FALSE]] : i1
// CHECK: ^[[FAIL]]:
// CHECK-NEXT: llvm.call @__mlc_free_run_allocations()
// CHECK: %[[TRUE:.*]] = llvm.mlir.constant(true) : i1
// CHECK: llvm.return %[[TRUE]] : i1
// CHECK-DAG: llvm.mlir.global internal thread_local @__mlc_run_allocations()
// CHECK-DAG: llvm.func internal @__mlc_tracked_malloc(%{{.*}}: i64) -> !llvm.ptr
// CHECK-DAG: llvm.func internal @__mlc_free(%{{.*}}: !llvm.ptr)
// CHECK-DAG: llvm.func internal @__mlc_free_run_allocations()
// CHECK-LABEL: llvm.func @mlc_run
// CHECK: %[[OOM:.*]] = llvm.call @mlc_entry
// CHECK: llvm.cond_br %[[OOM]], ^[[OOMBB:bb[0-9]+]], ^[[OKBB:bb[0-9]+]]
// CHECK: ^[[OKBB]]:
// CHECK-NEXT: %[[ZERO:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: llvm.return %[[ZERO]] : i32
// CHECK: ^[[OOMBB]]:
// CHECK-NEXT: %[[MSG:.*]] = llvm.mlir.addressof @[[OOMMSG:mlc_abi_msg_[0-9]+]]
// CHECK-NEXT: %[[SLOT:.*]] = llvm.mlir.addressof @mlc_abi_last_error
// CHECK-NEXT: llvm.store %[[MSG]], %[[SLOT]]
// CHECK-NEXT: %[[TWO:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT: llvm.return %[[TWO]] : i32
// CHECK: llvm.mlir.global internal constant @[[OOMMSG]]("mlc_run: out of memory\00")
module attributes {mlc.abi = {inputs = [{name = "x", type = tensor<4xf32>}], outputs = [{name = "y", type = tensor<4xf32>}]}} {
  llvm.func @malloc(i64) -> !llvm.ptr
  llvm.func @free(!llvm.ptr)
  llvm.func @mlc_entry(%x: !llvm.ptr, %y: !llvm.ptr) {
    %size = llvm.mlir.constant(4096 : i64) : i64
    %buf = llvm.call @malloc(%size) : (i64) -> !llvm.ptr
    llvm.call @free(%buf) : (!llvm.ptr) -> ()
    llvm.return
  }
}

// -----

// mlc_run_dynamic checks that dimensions sharing a dim_param agree (here N
// of x and y; M is used once), with a message per failed check that
// mlc_last_error returns from a thread-local pointer.
// CHECK: llvm.mlir.global internal thread_local @mlc_abi_last_error()
// CHECK-LABEL: llvm.func @mlc_last_error() -> !llvm.ptr
// CHECK: llvm.load
// CHECK-LABEL: llvm.func @mlc_run_dynamic
// CHECK: %[[XN:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i64
// CHECK: llvm.icmp "ne" %{{.*}}, %[[XN]] : i64
// CHECK-NEXT: llvm.cond_br %{{[0-9]+}}, ^[[FAIL:bb[0-9]+]],
// CHECK: ^[[FAIL]]:
// CHECK-NEXT: llvm.mlir.addressof @[[MSG:mlc_abi_msg_[0-9]+]]
// CHECK-DAG: llvm.mlir.global internal constant @[[MSG]]("mlc_run_dynamic: input 'y' dimension 0 ('N') differs from input 'x' dimension 0, which shares its name\00")
// CHECK-DAG: llvm.mlir.global internal constant @{{.*}}("mlc_run_dynamic: input 'x' dimension 1 must be 3\00")
// CHECK-NOT: ('M') differs
module attributes {mlc.abi = {dynamic, inputs = [{dim_params = ["N", ""], name = "x", type = tensor<?x3xf32>}, {dim_params = ["N", "M"], name = "y", type = tensor<?x?xf32>}], outputs = [{name = "z", type = tensor<?x3xf32>}]}} {
  llvm.func @mlc_entry(%x: !llvm.ptr, %xs: !llvm.ptr, %y: !llvm.ptr, %ys: !llvm.ptr, %z: !llvm.ptr, %zs: !llvm.ptr, %zc: i64) {
    llvm.return
  }
}

// -----

// A block allocated inside a parallel region (run by libomp's workers) gets
// the header but stays off the run's list, which belongs to the calling
// thread; the entry's own blocks are linked into it (the list head's
// update), and every free goes through the wrapper that unlinks.
// CHECK-LABEL: llvm.func @mlc_entry
// CHECK: llvm.call @__mlc_tracked_malloc(
// CHECK: omp.parallel
// CHECK-NEXT: llvm.call @__mlc_malloc(
// CHECK-NEXT: llvm.call @__mlc_free(
// CHECK: llvm.call @__mlc_free(
// CHECK-LABEL: llvm.func internal @__mlc_tracked_malloc(
// CHECK: llvm.call @malloc(
// CHECK: llvm.mlir.addressof @__mlc_run_allocations
// CHECK-LABEL: llvm.func internal @__mlc_malloc(
// CHECK: llvm.call @malloc(
// CHECK-NOT: @__mlc_run_allocations
// CHECK: llvm.return
// CHECK-LABEL: llvm.func internal @__mlc_free(
// CHECK: llvm.mlir.addressof @__mlc_run_allocations
// CHECK: llvm.call @free(
module attributes {mlc.abi = {inputs = [{name = "x", type = tensor<4xf32>}], outputs = [{name = "y", type = tensor<4xf32>}]}} {
  llvm.func @malloc(i64) -> !llvm.ptr
  llvm.func @free(!llvm.ptr)
  llvm.func @mlc_entry(%x: !llvm.ptr, %y: !llvm.ptr) {
    %size = llvm.mlir.constant(64 : i64) : i64
    %a = llvm.call @malloc(%size) : (i64) -> !llvm.ptr
    omp.parallel {
      %b = llvm.call @malloc(%size) : (i64) -> !llvm.ptr
      llvm.call @free(%b) : (!llvm.ptr) -> ()
      omp.terminator
    }
    llvm.call @free(%a) : (!llvm.ptr) -> ()
    llvm.return
  }
}
