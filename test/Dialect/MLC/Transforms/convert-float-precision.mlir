// RUN: mlc-opt %s -split-input-file --mlc-convert-float-precision=type=f16 | FileCheck %s
// RUN: mlc-opt %s -split-input-file --mlc-convert-float-precision=type=bf16 | FileCheck %s --check-prefix=BF16
// RUN: not mlc-opt %s -split-input-file --mlc-convert-float-precision=type=f8 2>&1 | FileCheck %s --check-prefix=ERR

// ERR: unknown precision 'f8' (expected f16 or bf16)

// Weights are rounded at compile time, the argument is narrowed on entry,
// conv, add and relu run in f16, and the result is widened before return:
// the signature keeps f32.
// CHECK-LABEL: func.func @conv_relu(%arg0: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
// CHECK-DAG: %[[X:.*]] = mlc.cast %arg0 : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf16>
// CHECK-DAG: %[[W:.*]] = mlc.constant dense<3.000000e+00> : tensor<2x1x1x1xf16>
// CHECK-DAG: %[[B:.*]] = mlc.constant dense<[1.000980e+00, -2.500000e-01]> : tensor<2xf16>
// CHECK: %[[C:.*]] = mlc.conv2d %[[X]], %[[W]], %[[B]] : (tensor<1x1x4x4xf16>, tensor<2x1x1x1xf16>, tensor<2xf16>) -> tensor<1x2x4x4xf16>
// CHECK: %[[R:.*]] = mlc.relu %[[C]] : (tensor<1x2x4x4xf16>) -> tensor<1x2x4x4xf16>
// CHECK: %[[Y:.*]] = mlc.cast %[[R]] : (tensor<1x2x4x4xf16>) -> tensor<1x2x4x4xf32>
// CHECK: return %[[Y]] : tensor<1x2x4x4xf32>
// BF16-LABEL: func.func @conv_relu(%arg0: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
// BF16-DAG: mlc.constant dense<[1.000000e+00, -2.500000e-01]> : tensor<2xbf16>
// BF16: mlc.conv2d {{.*}} -> tensor<1x2x4x4xbf16>
// BF16: mlc.cast {{.*}} : (tensor<1x2x4x4xbf16>) -> tensor<1x2x4x4xf32>
func.func @conv_relu(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = mlc.constant dense<3.0> : tensor<2x1x1x1xf32>
  // 1.001 rounds to the nearest f16 (1.000980) and bf16 (1.0).
  %b = mlc.constant dense<[1.001, -0.25]> : tensor<2xf32>
  %c = mlc.conv2d %x, %w, %b : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = mlc.relu %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// -----

// Softmax keeps f32: its f16 operand is widened, its result narrowed for the
// f16 matmul that uses it. An argument that goes straight to an f32 op is
// not round-tripped through f16, and neither is a result returned from one.
// CHECK-LABEL: func.func @attention
// CHECK-DAG: %[[QH:.*]] = mlc.cast %arg0 : (tensor<4x8xf32>) -> tensor<4x8xf16>
// CHECK-DAG: %[[KH:.*]] = mlc.cast %arg1 : (tensor<8x4xf32>) -> tensor<8x4xf16>
// CHECK: %[[S:.*]] = mlc.matmul %[[QH]], %[[KH]] : (tensor<4x8xf16>, tensor<8x4xf16>) -> tensor<4x4xf16>
// CHECK: %[[SW:.*]] = mlc.cast %[[S]] : (tensor<4x4xf16>) -> tensor<4x4xf32>
// CHECK: %[[P:.*]] = mlc.softmax %[[SW]] {axis = 1 : i64} : (tensor<4x4xf32>) -> tensor<4x4xf32>
// CHECK: %[[PH:.*]] = mlc.cast %[[P]] : (tensor<4x4xf32>) -> tensor<4x4xf16>
// CHECK: %[[O:.*]] = mlc.matmul %[[PH]], %[[QH]] : (tensor<4x4xf16>, tensor<4x8xf16>) -> tensor<4x8xf16>
// CHECK: %[[OW:.*]] = mlc.cast %[[O]] : (tensor<4x8xf16>) -> tensor<4x8xf32>
// CHECK: %[[D:.*]] = mlc.softmax %arg0 {axis = 1 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NOT: mlc.cast
// CHECK: return %[[OW]], %[[D]], %[[P]]
func.func @attention(%q: tensor<4x8xf32>, %k: tensor<8x4xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x4xf32>) {
  %s = mlc.matmul %q, %k : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  %p = mlc.softmax %s {axis = 1 : i64} : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %o = mlc.matmul %p, %q : (tensor<4x4xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %d = mlc.softmax %q {axis = 1 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %o, %d, %p : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x4xf32>
}

// -----

// Integer tensors and ops on them are left alone; a float computed from
// integers becomes f16; a comparison reads f16. Constants beyond the f16
// range saturate to the largest finite value (not to inf), infinities stay.
// CHECK-LABEL: func.func @mixed
// CHECK-DAG: mlc.constant dense<[6.550400e+04, -6.550400e+04, 0xFC00, 2.000000e+00]> : tensor<4xf16>
// CHECK-DAG: mlc.cast %arg1 : (tensor<4xi64>) -> tensor<4xf16>
// CHECK-DAG: mlc.add %arg1, %arg1 : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
// CHECK-DAG: mlc.greater {{.*}} : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xi1>
// BF16-LABEL: func.func @mixed
// BF16: mlc.constant dense<[9.984000e+04, -9.984000e+04, 0xFF80, 2.000000e+00]> : tensor<4xbf16>
func.func @mixed(%x: tensor<4xf32>, %i: tensor<4xi64>) -> (tensor<4xi1>, tensor<4xi64>, tensor<4xf32>) {
  %c = mlc.constant dense<[1.0e5, -1.0e5, 0xFF800000, 2.0]> : tensor<4xf32>
  %f = mlc.cast %i : (tensor<4xi64>) -> tensor<4xf32>
  %a = mlc.add %x, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %g = mlc.greater %a, %f : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %n = mlc.add %i, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %g, %n, %a : tensor<4xi1>, tensor<4xi64>, tensor<4xf32>
}

// -----

// An mlc.fused group converts as a whole: its block arguments, body and
// results; a weight bigger than 64 elements stays a dense_resource blob,
// now of f16.
// CHECK-LABEL: func.func @fused
// CHECK: %[[W:.*]] = mlc.constant dense_resource<w_f16> : tensor<8x16xf16>
// CHECK: mlc.fused "matmul_relu"(%{{.*}}, %[[W]]) : (tensor<2x8xf16>, tensor<8x16xf16>) -> tensor<2x16xf16>
// CHECK: ^bb0(%{{.*}}: tensor<2x8xf16>, %{{.*}}: tensor<8x16xf16>):
// CHECK: mlc.yield %{{.*}} : tensor<2x16xf16>
// CHECK: {-#
// CHECK: w_f16: "0x08000000{{(003C)+}}"
func.func @fused(%x: tensor<2x8xf32>) -> tensor<2x16xf32> {
  %w = mlc.constant dense_resource<w> : tensor<8x16xf32>
  %y = mlc.fused "matmul_relu" (%x, %w) : (tensor<2x8xf32>, tensor<8x16xf32>) -> tensor<2x16xf32> {
  ^bb0(%a: tensor<2x8xf32>, %b: tensor<8x16xf32>):
    %m = mlc.matmul %a, %b : (tensor<2x8xf32>, tensor<8x16xf32>) -> tensor<2x16xf32>
    %r = mlc.relu %m : (tensor<2x16xf32>) -> tensor<2x16xf32>
    mlc.yield %r : tensor<2x16xf32>
  }
  return %y : tensor<2x16xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F"
    }
  }
#-}
