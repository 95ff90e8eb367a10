// RUN: mlc-opt %s --mlc-cuda-pipeline | FileCheck %s
// RUN: mlc-opt %s --mlc-cuda-pipeline | mlc-translate --cuda-emit-ptx | FileCheck %s --check-prefix=PTX
// RUN: mlc-opt %s --mlc-cuda-pipeline="sm=90" | mlc-translate --cuda-emit-ptx | FileCheck %s --check-prefix=SM90

// The whole pipeline on a linear layer with a ReLU: a Tensor Core kernel
// and ordinary kernels in one embedded PTX image; a host entry that copies
// buffers in and out; weights passed to kernels as device copies; the
// generated context/run functions renamed for the CUDA runtime.
// CHECK: llvm.func @mlc_entry_device
// CHECK: llvm.mlir.addressof @__constant_
// CHECK: llvm.call @mlc_cuda_device_constant
// CHECK: gpu.launch_func
// CHECK: gpu.binary @{{.*}} [#gpu.object<#nvvm.target<chip = "sm_80"
// CHECK: llvm.func @mlc_entry(
// CHECK: llvm.call @mgpuMemcpy
// CHECK: llvm.call @mlc_entry_device
// CHECK-DAG: llvm.func @mlc_cuda_model_context_create
// CHECK-DAG: llvm.func @mlc_cuda_model_run
// CHECK-DAG: llvm.func @mlc_cuda_model_context_destroy
// CHECK-NOT: llvm.func @mlc_run(
// PTX: .target sm_80
// PTX: wmma.mma.sync.aligned.row.row.m16n16k16.f32.f32
// PTX: max.NaN.f32
// SM90: .target sm_90
func.func @main(%x: tensor<4x8xf32> {mlc.name = "x"}) -> (tensor<4x3xf32> {mlc.name = "y"}) {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [1.5, 2.5, 3.5],
                             [4.5, 5.5, 6.5], [7.5, 8.5, 9.5], [0.5, 0.25, 0.125], [1.0, -1.0, 2.0]]> : tensor<8x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x3xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x3xf32>) outs(%c : tensor<4x3xf32>) -> tensor<4x3xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<4x3xf32>) outs(%e : tensor<4x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.maximumf %in, %zero : f32
    linalg.yield %v : f32
  } -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}
