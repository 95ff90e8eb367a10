// REQUIRES: ptxas
// RUN: mlc-opt %s --mlc-cuda-pipeline | mlc-translate --cuda-emit-ptx -o %t.80.ptx
// RUN: FileCheck %s < %t.80.ptx
// RUN: %ptxas -arch=sm_80 %t.80.ptx -o %t.80.cubin
// RUN: mlc-opt %s --mlc-cuda-pipeline="sm=90" | mlc-translate --cuda-emit-ptx -o %t.90.ptx
// RUN: FileCheck %s < %t.90.ptx
// RUN: %ptxas -arch=sm_90 %t.90.ptx -o %t.90.cubin

// A 128x64x64 int8 x int8 -> i32 contraction (both operands sign-extended)
// on the mma.sync kernel: two 2 KiB tiles (64x32 and 32x64 i8) filled by
// cp.async, 2 x 4 mma.sync m16n8k32 .s8.s8 per warp and K step.
// CHECK: .shared .align 32 .b8 {{.*}}[2048];
// CHECK: .shared .align 32 .b8 {{.*}}[2048];
// CHECK: cp.async.ca.shared.global [{{.*}}], [{{.*}}], 16;
// CHECK: cp.async.wait_group 0;
// CHECK-COUNT-8: mma.sync.aligned.m16n8k32.row.col.satfinite.s32.s8.s8.s32
func.func @main(%x: tensor<128x64xi8> {mlc.name = "x"}, %w: tensor<64x64xi8> {mlc.name = "w"}) -> (tensor<128x64xi32> {mlc.name = "y"}) {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<128x64xi32>
  %c = linalg.fill ins(%zero : i32) outs(%e : tensor<128x64xi32>) -> tensor<128x64xi32>
  %m = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<128x64xi8>, tensor<64x64xi8>) outs(%c : tensor<128x64xi32>) {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %ae = arith.extsi %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %p = arith.muli %ae, %be : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<128x64xi32>
  return %m : tensor<128x64xi32>
}
