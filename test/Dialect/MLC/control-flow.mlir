// RUN: mlc-opt %s -split-input-file | mlc-opt -split-input-file | FileCheck %s
// RUN: mlc-opt %s -split-input-file --canonicalize | FileCheck %s --check-prefix=CANON

// mlc.if and mlc.loop print and parse back; a branch may yield a less static
// type than the result, and a loop's scan output has a leading row axis.
// CHECK-LABEL: func.func @if_roundtrip
// CHECK: %[[R:.*]] = mlc.if %{{.*}} : tensor<i1> -> (tensor<2xf32>) {
// CHECK: mlc.cf.yield %{{.*}} : tensor<2xf32>
// CHECK: } else {
// CHECK: mlc.cf.yield %{{.*}} : tensor<?xf32>
// CHECK: return %[[R]]
// The condition is not a constant: the canonicalizer keeps the op.
// CANON-LABEL: func.func @if_roundtrip
// CANON: mlc.if
func.func @if_roundtrip(%c: tensor<i1>, %x: tensor<2xf32>, %y: tensor<?xf32>) -> tensor<2xf32> {
  %r = mlc.if %c : tensor<i1> -> (tensor<2xf32>) {
    %a = mlc.relu %x : (tensor<2xf32>) -> tensor<2xf32>
    mlc.cf.yield %a : tensor<2xf32>
  } else {
    mlc.cf.yield %y : tensor<?xf32>
  }
  return %r : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @loop_roundtrip
// CHECK: %{{.*}}:2 = mlc.loop %{{.*}}, %{{.*}}, %{{.*}} : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> (tensor<2xf32>, tensor<5x2xf32>) {
// CHECK: ^bb0(%{{.*}}: tensor<i64>, %{{.*}}: tensor<i1>, %{{.*}}: tensor<2xf32>):
// CHECK: mlc.cf.yield %{{.*}}, %{{.*}}, %{{.*}} : tensor<i1>, tensor<2xf32>, tensor<2xf32>
func.func @loop_roundtrip(%m: tensor<i64>, %c: tensor<i1>, %x: tensor<2xf32>) -> (tensor<2xf32>, tensor<5x2xf32>) {
  %r:2 = mlc.loop %m, %c, %x : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> (tensor<2xf32>, tensor<5x2xf32>) {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>, %acc: tensor<2xf32>):
    %n = mlc.add %acc, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    mlc.cf.yield %cond, %n, %acc : tensor<i1>, tensor<2xf32>, tensor<2xf32>
  }
  return %r#0, %r#1 : tensor<2xf32>, tensor<5x2xf32>
}

// -----

// A constant condition inlines the taken branch.
// CANON-LABEL: func.func @if_constant
// CANON-NOT: mlc.if
// CANON: %[[N:.*]] = mlc.neg %arg0
// CANON: return %[[N]]
func.func @if_constant(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = mlc.constant dense<false> : tensor<i1>
  %r = mlc.if %c : tensor<i1> -> (tensor<2xf32>) {
    %a = mlc.relu %x : (tensor<2xf32>) -> tensor<2xf32>
    mlc.cf.yield %a : tensor<2xf32>
  } else {
    %b = mlc.neg %x : (tensor<2xf32>) -> tensor<2xf32>
    mlc.cf.yield %b : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

// A taken branch whose type differs from the result's stays (mlc has no cast).
// CANON-LABEL: func.func @if_constant_cast
// CANON: mlc.if
func.func @if_constant_cast(%x: tensor<2xf32>, %y: tensor<?xf32>) -> tensor<2xf32> {
  %c = mlc.constant dense<false> : tensor<i1>
  %r = mlc.if %c : tensor<i1> -> (tensor<2xf32>) {
    mlc.cf.yield %x : tensor<2xf32>
  } else {
    mlc.cf.yield %y : tensor<?xf32>
  }
  return %r : tensor<2xf32>
}

// -----

// mlc.runtime_error stands for a branch that cannot run for these shapes; it
// prints and parses back. The canonicalizer keeps it while the condition is
// unknown, and prunes it with its branch once the condition is a constant
// that takes the other branch.
// CHECK-LABEL: func.func @runtime_error_roundtrip
// CHECK: mlc.runtime_error "else branch: MatMul shapes differ" : tensor<2xf32>
// CANON-LABEL: func.func @runtime_error_roundtrip
// CANON: mlc.if
// CANON: mlc.runtime_error "else branch: MatMul shapes differ" : tensor<2xf32>
func.func @runtime_error_roundtrip(%c: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  %r = mlc.if %c : tensor<i1> -> (tensor<2xf32>) {
    mlc.cf.yield %x : tensor<2xf32>
  } else {
    %e = mlc.runtime_error "else branch: MatMul shapes differ" : tensor<2xf32>
    mlc.cf.yield %e : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @runtime_error_pruned
// CANON-LABEL: func.func @runtime_error_pruned
// CANON-NOT: mlc.if
// CANON-NOT: mlc.runtime_error
// CANON: %[[A:.*]] = mlc.relu %arg0
// CANON: return %[[A]]
func.func @runtime_error_pruned(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = mlc.constant dense<true> : tensor<i1>
  %r = mlc.if %c : tensor<i1> -> (tensor<2xf32>) {
    %a = mlc.relu %x : (tensor<2xf32>) -> tensor<2xf32>
    mlc.cf.yield %a : tensor<2xf32>
  } else {
    %e = mlc.runtime_error "unreachable here" : tensor<2xf32>
    mlc.cf.yield %e : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}
