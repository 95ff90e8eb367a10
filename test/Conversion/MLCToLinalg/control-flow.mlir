// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// mlc.if becomes scf.if on the extracted condition; the branches are
// converted in place and a less static yielded value is cast to the result.
// CHECK-LABEL: func.func @if
// CHECK: %[[C:.*]] = tensor.extract %arg0[] : tensor<i1>
// CHECK: %[[R:.*]] = scf.if %[[C]] -> (tensor<2xf32>) {
// CHECK: %[[A:.*]] = linalg.generic
// CHECK: arith.maximumf
// CHECK: scf.yield %[[A]] : tensor<2xf32>
// CHECK: } else {
// CHECK: %[[CAST:.*]] = tensor.cast %arg2 : tensor<?xf32> to tensor<2xf32>
// CHECK: scf.yield %[[CAST]] : tensor<2xf32>
// CHECK: return %[[R]]
// CHECK-NOT: mlc.
func.func @if(%c: tensor<i1>, %x: tensor<2xf32>, %y: tensor<?xf32>) -> tensor<2xf32> {
  %r = mlc.if %c : tensor<i1> -> (tensor<2xf32>) {
    %a = mlc.relu %x : (tensor<2xf32>) -> tensor<2xf32>
    mlc.cf.yield %a : tensor<2xf32>
  } else {
    mlc.cf.yield %y : tensor<?xf32>
  }
  return %r : tensor<2xf32>
}

// -----

// mlc.loop becomes scf.while carrying the iteration number and condition as
// scalars and a zero-filled buffer per scan output; it runs while the
// condition holds, the iteration is below the trip count and the scan
// buffer has a free row, and each iteration inserts its row at `i`.
// CHECK-LABEL: func.func @loop
// CHECK: %[[M:.*]] = tensor.extract %arg0[] : tensor<i64>
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK: %[[C0:.*]] = tensor.extract %arg1[] : tensor<i1>
// CHECK: %[[FILL:.*]] = linalg.fill {{.*}} -> tensor<5x2xf32>
// CHECK: %[[W:.*]]:4 = scf.while (%[[I:.*]] = %[[ZERO]], %[[C:.*]] = %[[C0]], %[[ACC:.*]] = %arg2, %[[BUF:.*]] = %[[FILL]])
// CHECK: %[[BELOW:.*]] = arith.cmpi slt, %[[I]], %[[M]] : i64
// CHECK: %[[GO:.*]] = arith.andi %[[C]], %[[BELOW]]
// CHECK: %[[CAP:.*]] = arith.constant 5 : i64
// CHECK: %[[ROOM:.*]] = arith.cmpi slt, %[[I]], %[[CAP]]
// CHECK: %[[ALL:.*]] = arith.andi %[[GO]], %[[ROOM]]
// CHECK: scf.condition(%[[ALL]])
// CHECK: } do {
// CHECK: ^bb0(%[[BI:.*]]: i64, %[[BC:.*]]: i1, %[[BACC:.*]]: tensor<2xf32>, %[[BBUF:.*]]: tensor<5x2xf32>):
// CHECK: %[[NEXT:.*]] = linalg.generic
// CHECK: arith.addf
// CHECK: %[[I1:.*]] = arith.addi %[[BI]], %{{.*}} : i64
// CHECK: %[[ROW:.*]] = arith.index_cast %[[BI]] : i64 to index
// CHECK: %[[INS:.*]] = tensor.insert_slice %[[BACC]] into %[[BBUF]][%[[ROW]], 0] [1, 2] [1, 1]
// CHECK: scf.yield %[[I1]], %{{.*}}, %[[NEXT]], %[[INS]] : i64, i1, tensor<2xf32>, tensor<5x2xf32>
// CHECK: return %[[W]]#2, %[[W]]#3
// CHECK-NOT: mlc.
func.func @loop(%m: tensor<i64>, %c: tensor<i1>, %x: tensor<2xf32>) -> (tensor<2xf32>, tensor<5x2xf32>) {
  %r:2 = mlc.loop %m, %c, %x : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> (tensor<2xf32>, tensor<5x2xf32>) {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>, %acc: tensor<2xf32>):
    %n = mlc.add %acc, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    mlc.cf.yield %cond, %n, %acc : tensor<i1>, tensor<2xf32>, tensor<2xf32>
  }
  return %r#0, %r#1 : tensor<2xf32>, tensor<5x2xf32>
}

// -----

// A loop without scan outputs has no capacity test; a single-element rank-1
// trip count is read at [0].
// CHECK-LABEL: func.func @loop_no_scan
// CHECK: tensor.extract %arg0[%{{.*}}] : tensor<1xi64>
// CHECK: scf.while
// CHECK: arith.cmpi slt
// CHECK-NOT: arith.cmpi
// CHECK: scf.condition
func.func @loop_no_scan(%m: tensor<1xi64>, %c: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  %r = mlc.loop %m, %c, %x : (tensor<1xi64>, tensor<i1>, tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>, %acc: tensor<2xf32>):
    %n = mlc.add %acc, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    mlc.cf.yield %cond, %n : tensor<i1>, tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

// A scan output of dynamic length: a buffer of max(M, 0) rows, no capacity
// test, sliced to the iterations run after the loop.
// CHECK-LABEL: func.func @loop_rows
// CHECK: %[[M:.*]] = tensor.extract %arg0[] : tensor<i64>
// CHECK: %[[POS:.*]] = arith.maxsi %[[M]], %{{.*}} : i64
// CHECK: %[[ROWS:.*]] = arith.index_cast %[[POS]] : i64 to index
// CHECK: %[[BUF:.*]] = tensor.empty(%[[ROWS]]) : tensor<?x2xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[W:.*]]:4 = scf.while ({{.*}}, %{{.*}} = %[[BUF]])
// CHECK: arith.cmpi slt
// CHECK-NOT: arith.cmpi
// CHECK: scf.condition
// CHECK: tensor.insert_slice {{.*}} : tensor<2xf32> into tensor<?x2xf32>
// CHECK: %[[RAN:.*]] = arith.index_cast %[[W]]#0 : i64 to index
// CHECK: %[[OUT:.*]] = tensor.extract_slice %[[W]]#3[0, 0] [%[[RAN]], 2] [1, 1] : tensor<?x2xf32> to tensor<?x2xf32>
// CHECK: return %[[OUT]]
func.func @loop_rows(%m: tensor<i64>, %c: tensor<i1>, %x: tensor<2xf32>) -> tensor<?x2xf32> {
  %r:2 = mlc.loop %m, %c, %x : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> (tensor<2xf32>, tensor<?x2xf32>) {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>, %acc: tensor<2xf32>):
    mlc.cf.yield %cond, %acc, %acc : tensor<i1>, tensor<2xf32>, tensor<2xf32>
  }
  return %r#1 : tensor<?x2xf32>
}

// -----

// mlc.runtime_error calls the runtime-error hook with its message (the ABI
// emitter turns the call into the run's error return) and yields empty
// placeholders, dynamic sizes 0; one private hook declaration serves every
// call.
// CHECK-LABEL: func.func private @__mlc_runtime_error()
// CHECK-NOT: func.func private @__mlc_runtime_error
// CHECK-LABEL: func.func @runtime_error
// CHECK: scf.if
// CHECK: } else {
// CHECK-NEXT: func.call @__mlc_runtime_error() {mlc.message = "else: LSTM needs a 3-D X"} : () -> ()
// CHECK-NEXT: %[[A:.*]] = tensor.empty() : tensor<2xf32>
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[B:.*]] = tensor.empty(%[[ZERO]]) : tensor<?x3xi64>
// CHECK-NEXT: scf.yield %[[A]], %[[B]] : tensor<2xf32>, tensor<?x3xi64>
// CHECK: func.call @__mlc_runtime_error() {mlc.message = "second"}
func.func @runtime_error(%c: tensor<i1>, %x: tensor<2xf32>, %y: tensor<?x3xi64>) -> (tensor<2xf32>, tensor<?x3xi64>) {
  %r:2 = mlc.if %c : tensor<i1> -> (tensor<2xf32>, tensor<?x3xi64>) {
    mlc.cf.yield %x, %y : tensor<2xf32>, tensor<?x3xi64>
  } else {
    %e:2 = mlc.runtime_error "else: LSTM needs a 3-D X" : tensor<2xf32>, tensor<?x3xi64>
    mlc.cf.yield %e#0, %e#1 : tensor<2xf32>, tensor<?x3xi64>
  }
  %s = mlc.if %c : tensor<i1> -> (tensor<2xf32>) {
    %e = mlc.runtime_error "second" : tensor<2xf32>
    mlc.cf.yield %e : tensor<2xf32>
  } else {
    mlc.cf.yield %x : tensor<2xf32>
  }
  return %s, %r#1 : tensor<2xf32>, tensor<?x3xi64>
}
