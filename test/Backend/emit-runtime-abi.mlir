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
// before and returns MLC_ERROR_OUT_OF_MEMORY (2) at once instead of letting
// the entry write through it; a normal return is MLC_OK (0). The entry's
// heap calls go through wrappers that keep the run's blocks in a
// thread-local list (header before each block) for that. mlc_run returns
// the entry's status, with its own message for an out-of-memory one.
// CHECK-LABEL: llvm.func @mlc_entry(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// CHECK: %[[SIZE:.*]] = llvm.mlir.constant(4096 : i64) : i64
// CHECK: %[[BUF:.*]] = llvm.call @__mlc_tracked_malloc(%[[SIZE]])
// CHECK: %[[NULL:.*]] = llvm.icmp "eq" %[[BUF]], %{{.*}} : !llvm.ptr
// CHECK: %[[NONZERO:.*]] = llvm.icmp "ne" %[[SIZE]], %{{.*}} : i64
// CHECK: %[[FAILED:.*]] = llvm.and %[[NULL]], %[[NONZERO]] : i1
// CHECK: llvm.cond_br %[[FAILED]], ^[[FAIL:.*]], ^[[OK:bb[0-9]+]]
// CHECK: ^[[OK]]:
// CHECK: llvm.call @__mlc_free(%[[BUF]])
// CHECK: %[[OKCODE:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK: llvm.return %[[OKCODE]] : i32
// CHECK: ^[[FAIL]]:
// CHECK-NEXT: llvm.call @__mlc_free_run_allocations()
// CHECK: %[[OOMCODE:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK: llvm.return %[[OOMCODE]] : i32
// CHECK-DAG: llvm.mlir.global internal thread_local @__mlc_run_allocations()
// CHECK-DAG: llvm.func internal @__mlc_tracked_malloc(%{{.*}}: i64) -> !llvm.ptr
// CHECK-DAG: llvm.func internal @__mlc_free(%{{.*}}: !llvm.ptr)
// CHECK-DAG: llvm.func internal @__mlc_free_run_allocations()
// CHECK-LABEL: llvm.func @mlc_run
// CHECK: %[[STATUS:.*]] = llvm.call @mlc_entry
// CHECK: %[[ISOK:.*]] = llvm.icmp "eq" %[[STATUS]], %{{.*}} : i32
// CHECK: llvm.cond_br %[[ISOK]], ^[[OKBB:bb[0-9]+]], ^[[FAILBB:bb[0-9]+]]
// CHECK: ^[[OKBB]]:
// CHECK-NEXT: %[[ZERO:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: llvm.return %[[ZERO]] : i32
// CHECK: ^[[FAILBB]]:
// CHECK-NEXT: %[[TWO:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT: %[[ISOOM:.*]] = llvm.icmp "eq" %[[STATUS]], %[[TWO]] : i32
// CHECK-NEXT: llvm.cond_br %[[ISOOM]], ^[[OOMBB:bb[0-9]+]], ^[[OTHERBB:bb[0-9]+]]
// CHECK: ^[[OOMBB]]:
// CHECK-NEXT: %[[MSG:.*]] = llvm.mlir.addressof @[[OOMMSG:mlc_abi_msg_[0-9]+]]
// CHECK-NEXT: %[[SLOT:.*]] = llvm.mlir.addressof @mlc_abi_last_error
// CHECK-NEXT: llvm.store %[[MSG]], %[[SLOT]]
// CHECK-NEXT: %[[OOM:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT: llvm.return %[[OOM]] : i32
// CHECK: ^[[OTHERBB]]:
// CHECK-NEXT: llvm.return %[[STATUS]] : i32
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

// -----

// A call of the runtime-error hook (an If branch not compiled for these
// shapes) becomes: store its message where mlc_last_error finds it, return
// MLC_ERROR_MODEL (5). The rest of its block is dead; the hook's declaration
// is gone.
// CHECK-LABEL: llvm.func @mlc_entry(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// CHECK: llvm.cond_br %{{.*}}, ^[[ERR:bb[0-9]+]], ^[[FINE:bb[0-9]+]]
// CHECK: ^[[ERR]]:
// CHECK-NOT: llvm.call
// CHECK: %[[MSG:.*]] = llvm.mlir.addressof @[[TEXT:mlc_abi_msg_[0-9]+]]
// CHECK-NEXT: %[[SLOT:.*]] = llvm.mlir.addressof @mlc_abi_last_error
// CHECK-NEXT: llvm.store %[[MSG]], %[[SLOT]]
// CHECK-NEXT: %[[FIVE:.*]] = llvm.mlir.constant(5 : i32) : i32
// CHECK-NEXT: llvm.return %[[FIVE]] : i32
// CHECK: ^[[FINE]]:
// CHECK: llvm.mlir.global internal constant @[[TEXT]]("If: its else branch was taken\00")
// CHECK-NOT: __mlc_runtime_error
module attributes {mlc.abi = {inputs = [{name = "c", type = tensor<i1>}, {name = "x", type = tensor<4xf32>}], outputs = [{name = "y", type = tensor<4xf32>}, {name = "z", type = tensor<4xf32>}]}} {
  llvm.func @__mlc_runtime_error() attributes {sym_visibility = "private"}
  llvm.func @mlc_entry(%cp: !llvm.ptr, %x: !llvm.ptr, %y: !llvm.ptr, %z: !llvm.ptr) {
    %c = llvm.load %cp : !llvm.ptr -> i1
    llvm.cond_br %c, ^bb1, ^bb2
  ^bb1:
    llvm.call @__mlc_runtime_error() {mlc.message = "If: its else branch was taken"} : () -> ()
    llvm.br ^bb2
  ^bb2:
    llvm.return
  }
}

// -----

// The random hooks read the context's generator: the entry takes the
// context last, the seed hook loads its key (offset 16), the counter hook
// returns its counter (offset 24) and advances it by the draw's size. The
// context is 32 bytes and starts with a time-derived seed and counter 0.
// CHECK-LABEL: llvm.func @__mlc_entry_marker
// CHECK: llvm.func @mlc_entry(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %[[CTX:.*]]: !llvm.ptr) -> i32
// CHECK: %[[N:.*]] = llvm.mlir.constant(12 : i64) : i64
// CHECK: %[[CSLOT:.*]] = llvm.getelementptr %[[CTX]][3] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: %[[BASE:.*]] = llvm.load %[[CSLOT]] : !llvm.ptr -> i64
// CHECK-NEXT: %[[NEXT:.*]] = llvm.add %[[BASE]], %[[N]] : i64
// CHECK-NEXT: llvm.store %[[NEXT]], %[[CSLOT]] : i64, !llvm.ptr
// CHECK-NEXT: %[[KSLOT:.*]] = llvm.getelementptr %[[CTX]][2] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: %[[KEY:.*]] = llvm.load %[[KSLOT]] : !llvm.ptr -> i64
// CHECK-NEXT: llvm.xor %[[BASE]], %[[KEY]]
// CHECK-LABEL: llvm.func @mlc_context_create
// CHECK: llvm.mlir.constant(32 : i64)
// CHECK: llvm.call @time
// CHECK: llvm.getelementptr %{{.*}}[2] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: llvm.getelementptr %{{.*}}[3] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-LABEL: llvm.func @mlc_run(
// CHECK: llvm.call @mlc_entry(%{{.*}}, %{{.*}}, %arg0)
// CHECK-LABEL: llvm.func @mlc_run_dynamic(
// CHECK: llvm.call @mlc_entry(%{{.*}}, %{{.*}}, %arg0)
// CHECK-NOT: __mlc_random
module attributes {mlc.abi = {inputs = [{name = "x", type = tensor<4xi64>}], outputs = [{name = "y", type = tensor<4xi64>}]}} {
  llvm.func @__mlc_random_seed() -> i64 attributes {sym_visibility = "private"}
  llvm.func @__mlc_random_counter(i64) -> i64 attributes {sym_visibility = "private"}
  llvm.func @__mlc_entry_marker() {
    llvm.return
  }
  llvm.func @mlc_entry(%x: !llvm.ptr, %y: !llvm.ptr) {
    %n = llvm.mlir.constant(12 : i64) : i64
    %base = llvm.call @__mlc_random_counter(%n) : (i64) -> i64
    %key = llvm.call @__mlc_random_seed() : () -> i64
    %v = llvm.xor %base, %key : i64
    llvm.store %v, %y : i64, !llvm.ptr
    llvm.return
  }
}

// -----

// A run-time error after the entry allocated frees the run's blocks before
// it returns MLC_ERROR_MODEL (5): a failed run leaks nothing.
// CHECK-LABEL: llvm.func @mlc_entry(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// CHECK: llvm.call @__mlc_tracked_malloc(
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> i1
// CHECK-NEXT: llvm.cond_br %{{.*}}, ^[[ERR:bb[0-9]+]], ^[[FINE:bb[0-9]+]]
// CHECK: ^[[ERR]]:
// CHECK: llvm.mlir.addressof @mlc_abi_last_error
// CHECK-NEXT: llvm.store %{{.*}}, %{{.*}} : !llvm.ptr, !llvm.ptr
// CHECK-NEXT: llvm.call @__mlc_free_run_allocations()
// CHECK-NEXT: %[[FIVE:.*]] = llvm.mlir.constant(5 : i32) : i32
// CHECK-NEXT: llvm.return %[[FIVE]] : i32
// CHECK: ^[[FINE]]:
// CHECK: llvm.call @__mlc_free(
module attributes {mlc.abi = {inputs = [{name = "c", type = tensor<i1>}], outputs = [{name = "y", type = tensor<4xf32>}]}} {
  llvm.func @malloc(i64) -> !llvm.ptr
  llvm.func @free(!llvm.ptr)
  llvm.func @__mlc_runtime_error() attributes {sym_visibility = "private"}
  llvm.func @mlc_entry(%cp: !llvm.ptr, %y: !llvm.ptr) {
    %size = llvm.mlir.constant(64 : i64) : i64
    %buf = llvm.call @malloc(%size) : (i64) -> !llvm.ptr
    %c = llvm.load %cp : !llvm.ptr -> i1
    llvm.cond_br %c, ^bb1, ^bb2
  ^bb1:
    llvm.call @__mlc_runtime_error() {mlc.message = "If: its else branch was taken"} : () -> ()
    llvm.br ^bb2
  ^bb2:
    llvm.call @free(%buf) : (!llvm.ptr) -> ()
    llvm.return
  }
}

// -----

// mlc.graph_values (a sequence input of two tensors, an absent optional, an
// output optional whose presence its first tensor gives) becomes the
// mlc_value_info tables: {name, kind, present, first, count}; `first`
// counts the tensors before. Without the attribute each tensor is a value.
// CHECK-LABEL: module
// CHECK-NOT: mlc.graph_values
// CHECK-LABEL: llvm.func @mlc_num_graph_inputs() -> i32
// CHECK-NEXT: llvm.mlir.constant(3 : i32)
// CHECK-LABEL: llvm.mlir.global internal constant @mlc_abi_input_values()
// MLC_VALUE_SEQUENCE, present, first 0, count 2.
// CHECK: llvm.mlir.addressof @mlc_abi_input_value_0_name
// CHECK-NEXT: llvm.mlir.constant(1 : i32)
// CHECK-NEXT: llvm.mlir.constant(1 : i32)
// CHECK-NEXT: llvm.mlir.constant(0 : i32)
// CHECK-NEXT: llvm.mlir.constant(2 : i32)
// MLC_VALUE_OPTIONAL_TENSOR, absent, first 2, count 0.
// CHECK: llvm.mlir.addressof @mlc_abi_input_value_1_name
// CHECK-NEXT: llvm.mlir.constant(2 : i32)
// CHECK-NEXT: llvm.mlir.constant(0 : i32)
// CHECK-NEXT: llvm.mlir.constant(2 : i32)
// CHECK-NEXT: llvm.mlir.constant(0 : i32)
// The tensor x: first 2, count 1.
// CHECK: llvm.mlir.addressof @mlc_abi_input_value_2_name
// CHECK-NEXT: llvm.mlir.constant(0 : i32)
// CHECK-NEXT: llvm.mlir.constant(1 : i32)
// CHECK-NEXT: llvm.mlir.constant(2 : i32)
// CHECK-NEXT: llvm.mlir.constant(1 : i32)
// CHECK-LABEL: llvm.func @mlc_graph_input_info(%{{.*}}: i32) -> !llvm.ptr
// CHECK: llvm.icmp "ult"
// CHECK-LABEL: llvm.func @mlc_num_graph_outputs() -> i32
// CHECK-NEXT: llvm.mlir.constant(1 : i32)
// CHECK-LABEL: llvm.mlir.global internal constant @mlc_abi_output_values()
// MLC_VALUE_OPTIONAL_SEQUENCE, presence at run time (-1), first 0, count 2.
// CHECK: llvm.mlir.addressof @mlc_abi_output_value_0_name
// CHECK-NEXT: llvm.mlir.constant(3 : i32)
// CHECK-NEXT: llvm.mlir.constant(-1 : i32)
// CHECK-NEXT: llvm.mlir.constant(0 : i32)
// CHECK-NEXT: llvm.mlir.constant(2 : i32)
// CHECK-LABEL: llvm.func @mlc_graph_output_info(%{{.*}}: i32) -> !llvm.ptr
module attributes {mlc.abi = {inputs = [{name = "s[0]", type = tensor<2xf32>}, {name = "s[1]", type = tensor<3xf32>}, {name = "x", type = tensor<2xf32>}], outputs = [{name = "y.present", type = tensor<i1>}, {name = "y[0]", type = tensor<2xf32>}]}, mlc.graph_values = {inputs = [{count = 2 : i32, kind = 1 : i32, name = "s", present = 1 : i32}, {count = 0 : i32, kind = 2 : i32, name = "o", present = 0 : i32}, {count = 1 : i32, kind = 0 : i32, name = "x", present = 1 : i32}], outputs = [{count = 2 : i32, kind = 3 : i32, name = "y", present = -1 : i32}]}} {
  llvm.func @mlc_entry(%a: !llvm.ptr, %b: !llvm.ptr, %c: !llvm.ptr, %d: !llvm.ptr, %e: !llvm.ptr) {
    llvm.return
  }
}

// -----

// expected-error @+1 {{'mlc.graph_values' describes 1 input tensors, but the model has 2}}
module attributes {mlc.abi = {inputs = [{name = "x", type = tensor<4xf32>}, {name = "z", type = tensor<4xf32>}], outputs = [{name = "y", type = tensor<4xf32>}]}, mlc.graph_values = {inputs = [{count = 1 : i32, kind = 0 : i32, name = "x", present = 1 : i32}], outputs = [{count = 1 : i32, kind = 0 : i32, name = "y", present = 1 : i32}]}} {
  llvm.func @mlc_entry(%a: !llvm.ptr, %b: !llvm.ptr, %c: !llvm.ptr) {
    llvm.return
  }
}

// -----

// expected-error @+1 {{malformed 'mlc.graph_values' attribute}}
module attributes {mlc.abi = {inputs = [{name = "x", type = tensor<4xf32>}], outputs = [{name = "y", type = tensor<4xf32>}]}, mlc.graph_values = {inputs = [{name = "x"}], outputs = []}} {
  llvm.func @mlc_entry(%a: !llvm.ptr, %b: !llvm.ptr) {
    llvm.return
  }
}
