// RUN: mlc-opt %s -split-input-file --load-backend-plugin=%mlc_lib_dir/MLCTestBackendPlugin.so \
// RUN:   --test-backend-ops=relu,conv2d,add --mlc-partition=backend=test-partial | FileCheck %s

// Connected claimed ops form one partition; the unclaimed softmax stays, and
// the constant filter stays in @main as an operand of the partition.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>)
// CHECK: %[[W:.*]] = mlc.constant
// CHECK-NEXT: %[[P:.*]] = call @test_partial_partition_0(%[[X]], %[[W]])
// CHECK-NEXT: %[[S:.*]] = mlc.softmax %[[P]]
// CHECK-NEXT: return %[[S]]
// CHECK: func.func private @test_partial_partition_0(%{{.*}}: tensor<1x1x4x4xf32>, %{{.*}}: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> attributes {mlc.backend = "test-partial"}
// CHECK-NEXT: mlc.conv2d
// CHECK-NEXT: mlc.relu
// CHECK-NEXT: return
func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %w = mlc.constant dense<1.0> : tensor<1x1x3x3xf32>
  %c = mlc.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  %r = mlc.relu %c : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %s = mlc.softmax %r {axis = -1 : i64} : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %s : tensor<1x1x2x2xf32>
}

// -----

// %a feeds the unclaimed sigmoid, whose result the claimed add also needs:
// the add cannot join %a's partition (the call would need the sigmoid,
// which needs the call), so it joins %b's.
// CHECK-LABEL: func.func @main
// CHECK: %[[P0:.*]] = call @test_partial_partition_0(%{{.*}})
// CHECK-NEXT: %[[S:.*]] = mlc.sigmoid %[[P0]]
// CHECK-NEXT: %[[P1:.*]] = call @test_partial_partition_1(%[[S]], %[[P0]])
// CHECK-NEXT: return %[[P1]]
// CHECK: func.func private @test_partial_partition_0
// CHECK-NEXT: mlc.relu
// CHECK-NEXT: return
// CHECK: func.func private @test_partial_partition_1
// CHECK-NEXT: mlc.relu
// CHECK-NEXT: mlc.add
// CHECK-NEXT: return
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = mlc.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  %s = mlc.sigmoid %a : (tensor<4xf32>) -> tensor<4xf32>
  %b = mlc.relu %s : (tensor<4xf32>) -> tensor<4xf32>
  %c = mlc.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

// Nothing claimed: the module is left alone.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: mlc.tanh
// CHECK-NEXT: return
// CHECK-NOT: func.func
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = mlc.tanh %x : (tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}
