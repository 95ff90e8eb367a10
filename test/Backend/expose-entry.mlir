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

// -----

// A static tensor with a size-0 dimension has no bare-pointer memref: it is
// passed as a rank-0 buffer and viewed with its shape.
// CHECK: type = tensor<0x3xf32>
// CHECK: func.func @mlc_entry(%[[X:[^:]*]]: memref<f32>, %[[Y:[^:]*]]: memref<f32>)
// CHECK: memref.reinterpret_cast %[[X]] to offset: [0], sizes: [0, 3], strides: [3, 1] : memref<f32> to memref<0x3xf32>
// CHECK: memref.reinterpret_cast %[[Y]] to offset: [0], sizes: [3, 0], strides: [0, 1] : memref<f32> to memref<3x0xf32>
func.func @main(%x: tensor<0x3xf32> {mlc.name = "x"}) -> tensor<3x0xf32> {
  %0 = mlc.reshape %x {shape = array<i64: 3, 0>} : (tensor<0x3xf32>) -> tensor<3x0xf32>
  return %0 : tensor<3x0xf32>
}
