// REQUIRES: ptxas
// RUN: mlc-opt %s --mlc-cuda-pipeline | mlc-translate --cuda-emit-ptx -o %t.80.ptx
// RUN: FileCheck %s < %t.80.ptx
// RUN: %ptxas -arch=sm_80 %t.80.ptx -o %t.80.cubin
// RUN: mlc-opt %s --mlc-cuda-pipeline="sm=90" | mlc-translate --cuda-emit-ptx -o %t.90.ptx
// RUN: %ptxas -arch=sm_90 %t.90.ptx -o %t.90.cubin

// A 128x64x64 matmul takes the shared-memory kernel: two 32-byte aligned
// workgroup buffers filled with cp.async (16 bytes a thread), then WMMA
// loads from shared memory.
// CHECK: .shared .align 32 .b8 {{.*}}[2048];
// CHECK: .shared .align 32 .b8 {{.*}}[2048];
// CHECK: cp.async.ca.shared.global [{{.*}}], [{{.*}}], 16;
// CHECK: cp.async.commit_group;
// CHECK: cp.async.wait_group 0;
// CHECK: bar.sync 0;
// CHECK: wmma.load.a.sync.aligned.row.m16n16k16.shared.f16
// CHECK: wmma.load.b.sync.aligned.row.m16n16k16.shared.f16
// CHECK: wmma.mma.sync.aligned.row.row.m16n16k16.f32.f32
func.func @main(%x: tensor<128x64xf32> {mlc.name = "x"}, %w: tensor<64x64xf32> {mlc.name = "w"}) -> (tensor<128x64xf32> {mlc.name = "y"}) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<128x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<128x64xf32>) -> tensor<128x64xf32>
  %m = linalg.matmul ins(%x, %w : tensor<128x64xf32>, tensor<64x64xf32>) outs(%c : tensor<128x64xf32>) -> tensor<128x64xf32>
  return %m : tensor<128x64xf32>
}
