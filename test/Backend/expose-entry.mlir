// RUN: mlc-opt %s -split-input-file -verify-diagnostics --mlc-expose-entry | FileCheck %s

// CHECK: module attributes {mlc.abi = {inputs = [{name = "x", type = tensor<4xf32>}], outputs = [{name = "output_0", type = tensor<4xf32>}]}}
// CHECK: func.func @mlc_entry(%{{.*}}: memref<4xf32>, %[[OUT:.*]]: memref<4xf32>)
// CHECK: bufferization.to_tensor %{{.*}} restrict
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[OUT]]
// CHECK-NOT: func.func @main
func.func @main(%x: tensor<4xf32> {mlc.name = "x"}) -> tensor<4xf32> {
  %0 = mlc.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// expected-error @+1 {{no function 'main' to expose}}
module {
  func.func @other() {
    return
  }
}
