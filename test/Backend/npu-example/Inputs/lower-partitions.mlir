// Input of plugin.test's check of npu-example-lower-partitions: a partition
// call becomes buffers, driver calls and tensors; the partition function
// goes away, the CPU op stays.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>, %[[W:.*]]: tensor<2x1x3x3xf32>)
// CHECK-DAG: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<1x1x4x4xf32> to memref<1x1x4x4xf32>
// CHECK-DAG: %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only : tensor<2x1x3x3xf32> to memref<2x1x3x3xf32>
// CHECK: %[[C:.*]] = memref.alloc() : memref<1x2x2x2xf32>
// CHECK: call @npu_conv2d_f32({{.*}}) : (memref<1xf32>, memref<1xf32>, memref<1xf32>, memref<1xf32>, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) -> ()
// CHECK: %[[R:.*]] = memref.alloc() : memref<1x2x2x2xf32>
// CHECK: %[[RV:.*]] = memref.reinterpret_cast %[[R]] to offset: [0], sizes: [1], strides: [1]
// CHECK: call @npu_relu_f32(%{{.*}}, %[[RV]], %{{.*}}) : (memref<1xf32>, memref<1xf32>, i64) -> ()
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[R]] restrict writable : memref<1x2x2x2xf32> to tensor<1x2x2x2xf32>
// CHECK: mlc.softmax %[[T]]
// CHECK-NOT: npu_example_partition
// CHECK-DAG: func.func private @npu_conv2d_f32
// CHECK-DAG: func.func private @npu_relu_f32
func.func @main(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %p = call @npu_example_partition_0(%x, %w) : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  %s = mlc.softmax %p {axis = -1 : i64} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %s : tensor<1x2x2x2xf32>
}
func.func private @npu_example_partition_0(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32> attributes {mlc.backend = "npu-example"} {
  %c = mlc.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  %r = mlc.relu %c : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}
