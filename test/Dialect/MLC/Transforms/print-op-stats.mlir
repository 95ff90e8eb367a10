// RUN: mlc-opt %s --mlc-print-op-stats="label=before" --mlc-fuse --mlc-print-op-stats="output=%t.json label=after" -o /dev/null 2>&1 | FileCheck %s
// RUN: FileCheck %s --check-prefix=FILE < %t.json

// Constants are listed but not counted in the total.
// CHECK: "constants": 1,
// CHECK: "label": "before"
// CHECK-NEXT: "ops": {
// CHECK-NEXT: "mlc.constant": 1,
// CHECK-NEXT: "mlc.conv2d": 1,
// CHECK-NEXT: "mlc.relu": 2
// CHECK-NEXT: },
// CHECK-NEXT: "total": 3

// FILE: "fused_kinds": {
// FILE-NEXT: "conv2d_relu": 1
// FILE: "fused_ops": {
// FILE-NEXT: "mlc.conv2d": 1,
// FILE-NEXT: "mlc.relu": 1
// FILE: "label": "after"
// FILE: "ops": {
// FILE-NEXT: "mlc.constant": 1,
// FILE-NEXT: "mlc.fused": 1,
// FILE-NEXT: "mlc.relu": 1
// FILE: "total": 2
func.func @main(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %c = mlc.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = mlc.relu %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %k = mlc.constant dense<1.0> : tensor<1x2x4x4xf32>
  %r2 = mlc.relu %k : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %r, %r2 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
