// REQUIRES: ptxas
// RUN: mlc-opt %s --mlc-cuda-pipeline="mma-type=bf16" | mlc-translate --cuda-emit-ptx -o %t.bf16.80.ptx
// RUN: FileCheck %s --check-prefixes=CHECK,BF16 < %t.bf16.80.ptx
// RUN: %ptxas -arch=sm_80 %t.bf16.80.ptx -o %t.bf16.80.cubin
// RUN: mlc-opt %s --mlc-cuda-pipeline="sm=90 mma-type=bf16" | mlc-translate --cuda-emit-ptx -o %t.bf16.90.ptx
// RUN: FileCheck %s --check-prefixes=CHECK,BF16 < %t.bf16.90.ptx
// RUN: %ptxas -arch=sm_90 %t.bf16.90.ptx -o %t.bf16.90.cubin
// RUN: mlc-opt %s --mlc-cuda-pipeline="mma-sync=1" | mlc-translate --cuda-emit-ptx -o %t.f16.80.ptx
// RUN: FileCheck %s --check-prefixes=CHECK,F16 < %t.f16.80.ptx
// RUN: %ptxas -arch=sm_80 %t.f16.80.ptx -o %t.f16.80.cubin
// RUN: mlc-opt %s --mlc-cuda-pipeline="sm=90 mma-sync=1" | mlc-translate --cuda-emit-ptx -o %t.f16.90.ptx
// RUN: %ptxas -arch=sm_90 %t.f16.90.ptx -o %t.f16.90.cubin
// Without mma-sync, f16 stays on WMMA.
// RUN: mlc-opt %s --mlc-cuda-pipeline | mlc-translate --cuda-emit-ptx | FileCheck %s --check-prefix=WMMA

// A 128x64x64 matmul (f32, its operands rounded to bf16 or f16): the
// mma.sync kernel with two 2 KiB workgroup tiles filled by cp.async, and
// 2 x 4 mma.sync m16n8k16 per warp and K step.
// CHECK: .shared .align 32 .b8 {{.*}}[2048];
// CHECK: .shared .align 32 .b8 {{.*}}[2048];
// CHECK: cp.async.ca.shared.global [{{.*}}], [{{.*}}], 16;
// CHECK: cp.async.commit_group;
// CHECK: cp.async.wait_group 0;
// CHECK: bar.sync 0;
// BF16-COUNT-8: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// F16-COUNT-8: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// CHECK-NOT: wmma
// WMMA-NOT: mma.sync.aligned.m16n8k16
// WMMA: wmma.mma.sync.aligned.row.row.m16n16k16.f32.f32
func.func @main(%x: tensor<128x64xf32> {mlc.name = "x"}, %w: tensor<64x64xf32> {mlc.name = "w"}) -> (tensor<128x64xf32> {mlc.name = "y"}) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<128x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<128x64xf32>) -> tensor<128x64xf32>
  %m = linalg.matmul ins(%x, %w : tensor<128x64xf32>, tensor<64x64xf32>) outs(%c : tensor<128x64xf32>) -> tensor<128x64xf32>
  return %m : tensor<128x64xf32>
}
