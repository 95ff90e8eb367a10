// RUN: mlc-opt %s -split-input-file -verify-diagnostics

func.func @if_cond(%c: tensor<2xi1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{condition must be a single-element tensor}}
  %r = mlc.if %c : tensor<2xi1> -> (tensor<2xf32>) {
    mlc.cf.yield %x : tensor<2xf32>
  } else {
    mlc.cf.yield %x : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @if_yield_type(%c: tensor<i1>, %x: tensor<2xf32>, %y: tensor<3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{else region yields 'tensor<3xf32>' as value 0, incompatible with 'tensor<2xf32>'}}
  %r = mlc.if %c : tensor<i1> -> (tensor<2xf32>) {
    mlc.cf.yield %x : tensor<2xf32>
  } else {
    mlc.cf.yield %y : tensor<3xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @if_yield_count(%c: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{then region yields 2 values, expected 1}}
  %r = mlc.if %c : tensor<i1> -> (tensor<2xf32>) {
    mlc.cf.yield %x, %x : tensor<2xf32>, tensor<2xf32>
  } else {
    mlc.cf.yield %x : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @loop_args(%m: tensor<i64>, %c: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{body must take the iteration number, the condition and the 1 loop-carried values}}
  %r = mlc.loop %m, %c, %x : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>):
    mlc.cf.yield %cond, %x : tensor<i1>, tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @loop_carried_type(%m: tensor<i64>, %c: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{body yields 'tensor<4xf32>' as value 1, incompatible with 'tensor<2xf32>'}}
  %r = mlc.loop %m, %c, %x : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>, %a: tensor<2xf32>):
    %b = mlc.concat %a, %a {axis = 0 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
    mlc.cf.yield %cond, %b : tensor<i1>, tensor<4xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @loop_scan_static(%m: tensor<i64>, %c: tensor<i1>, %x: tensor<?xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{scan output type 'tensor<2x?xf32>' must have a leading iteration dimension and static other dimensions}}
  %r:2 = mlc.loop %m, %c, %x : (tensor<i64>, tensor<i1>, tensor<?xf32>) -> (tensor<?xf32>, tensor<2x?xf32>) {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>, %a: tensor<?xf32>):
    mlc.cf.yield %cond, %a, %a : tensor<i1>, tensor<?xf32>, tensor<?xf32>
  }
  return %r#1 : tensor<2x?xf32>
}

// -----

func.func @loop_cond(%m: tensor<i64>, %c: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{body must yield a single-element i1 condition first}}
  %r = mlc.loop %m, %c, %x : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>, %a: tensor<2xf32>):
    mlc.cf.yield %a, %a : tensor<2xf32>, tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @yield_parent(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expects parent op to be one of 'mlc.if, mlc.loop'}}
  mlc.cf.yield %x : tensor<2xf32>
}
