// RUN: mlc-opt %s --load-backend-plugin=%mlc_lib_dir/MLCTestBackendPlugin.so \
// RUN:   --mlc-print-partition=backend=test-partial -o /dev/null 2>&1 | FileCheck %s
// The plug-in's own option changes what it claims.
// RUN: mlc-opt %s --load-backend-plugin=%mlc_lib_dir/MLCTestBackendPlugin.so --test-backend-ops=softmax \
// RUN:   --mlc-print-partition="backend=test-partial fallback=host" -o /dev/null 2>&1 | FileCheck %s --check-prefix=OPS
// The module is not changed.
// RUN: mlc-opt %s --load-backend-plugin=%mlc_lib_dir/MLCTestBackendPlugin.so \
// RUN:   --mlc-print-partition=backend=test-partial 2>/dev/null | FileCheck %s --check-prefix=IR
// RUN: not mlc-opt %s --load-backend-plugin=%mlc_lib_dir/MLCTestBackendPlugin.so \
// RUN:   --mlc-print-partition=backend=nope 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not mlc-opt %s --mlc-partition=backend=test-partial 2>&1 | FileCheck %s --check-prefix=NOPLUGIN

// CHECK: mlc-partition: @main for backend 'test-partial', fallback 'cpu'
// CHECK-NEXT:   mlc.conv2d 'conv' -> test-partial (partition 0): listed in --test-backend-ops
// CHECK-NEXT:   mlc.relu 'relu' -> test-partial (partition 0): listed in --test-backend-ops
// CHECK-NEXT:   mlc.softmax 'softmax' -> cpu: not in --test-backend-ops
// CHECK-NEXT:   mlc.relu #3 -> test-partial (partition 1): listed in --test-backend-ops
// CHECK-NEXT:   partition 0: ops 2, inputs 2, outputs 1
// CHECK-NEXT:   partition 1: ops 1, inputs 1, outputs 1
// CHECK-NOT: partition

// OPS: mlc-partition: @main for backend 'test-partial', fallback 'host'
// OPS-NEXT:   mlc.conv2d 'conv' -> host: not in --test-backend-ops
// OPS-NEXT:   mlc.relu 'relu' -> host: not in --test-backend-ops
// OPS-NEXT:   mlc.softmax 'softmax' -> test-partial (partition 0): listed in --test-backend-ops
// OPS-NEXT:   mlc.relu #3 -> host: not in --test-backend-ops
// OPS-NEXT:   partition 0: ops 1, inputs 1, outputs 1

// IR: func.func @main
// IR-NOT: call
// IR-NOT: func.func

// UNKNOWN: error: mlc-print-partition: unknown backend 'nope'
// NOPLUGIN: error: mlc-partition: unknown backend 'test-partial'

func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %w = mlc.constant dense<1.0> : tensor<1x1x3x3xf32>
  %c = mlc.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> loc("conv")
  %r = mlc.relu %c : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("relu")
  %s = mlc.softmax %r {axis = -1 : i64} : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> loc("softmax")
  %t = mlc.relu %s : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %t : tensor<1x1x2x2xf32>
}
