// RUN: mlc-opt %s --mlc-emit-runtime-abi | FileCheck %s

// The lowered entry reports a failed allocation: every malloc of a non-zero
// size is checked for null, and a null one returns true at once instead of
// letting the entry write through it; mlc_run turns that into
// MLC_ERROR_OUT_OF_MEMORY (2).
// CHECK-LABEL: llvm.func @mlc_entry(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i1
// CHECK: %[[SIZE:.*]] = llvm.mlir.constant(4096 : i64) : i64
// CHECK: %[[BUF:.*]] = llvm.call @malloc(%[[SIZE]])
// CHECK: %[[NULL:.*]] = llvm.icmp "eq" %[[BUF]], %{{.*}} : !llvm.ptr
// CHECK: %[[NONZERO:.*]] = llvm.icmp "ne" %[[SIZE]], %{{.*}} : i64
// CHECK: %[[FAILED:.*]] = llvm.and %[[NULL]], %[[NONZERO]] : i1
// CHECK: llvm.cond_br %[[FAILED]], ^[[FAIL:.*]], ^[[OK:bb[0-9]+]]
// CHECK: ^[[OK]]:
// CHECK: llvm.call @free(%[[BUF]])
// CHECK: %[[FALSE:.*]] = llvm.mlir.constant(false) : i1
// CHECK: llvm.return %[[FALSE]] : i1
// CHECK: ^[[FAIL]]:
// CHECK: %[[TRUE:.*]] = llvm.mlir.constant(true) : i1
// CHECK: llvm.return %[[TRUE]] : i1
// CHECK-LABEL: llvm.func @mlc_run
// CHECK: %[[OOM:.*]] = llvm.call @mlc_entry
// CHECK: %[[TWO:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK: %[[ZERO:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK: %[[CODE:.*]] = llvm.select %[[OOM]], %[[TWO]], %[[ZERO]] : i1, i32
// CHECK: llvm.return %[[CODE]] : i32
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
