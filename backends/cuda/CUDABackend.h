//===- CUDABackend.h - The in-tree CUDA backend -----------------*- C++ -*-===//
//
// NVIDIA GPUs: Tensor Core kernels and ordinary kernels as PTX through
// LLVM's NVPTX backend, embedded in a host artifact that launches them
// through a runtime which loads the CUDA driver at run time.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKENDS_CUDA_CUDABACKEND_H
#define MLC_BACKENDS_CUDA_CUDABACKEND_H

#include "mlc/Backend/Registry.h"

#include "mlir/IR/DialectRegistry.h"

namespace mlc::cuda {

/// Registers the backend named "cuda" with `registry`.
void registerCUDABackend(BackendRegistry &registry);

/// Registers the CUDA passes and the `mlc-cuda-pipeline` pass pipeline.
void registerCUDAPipeline();

/// Adds what the pipeline needs to a context: the NVVM target (for
/// gpu-module-to-binary) and the GPU/NVVM translations to LLVM IR.
void registerCUDADialectExtensions(mlir::DialectRegistry &registry);

/// Registers mlc-translate's `--cuda-emit-ptx`.
void registerCUDATranslations();

/// The GEMM kernel of large 2-D matmuls (`--cuda-gemm`).
enum class GEMMKernel {
  /// WMMA m16n16k16 (gpu.subgroup_mma_*), every SM.
  WMMA,
  /// TMA + warpgroup MMA (wgmma), sm_90a only: the target becomes sm_90a.
  Hopper,
  /// Warp-level mma.sync m16n8k16 (nvgpu), every SM, for f16 too.
  MMASync,
};

/// Parses `--cuda-gemm`'s value: "wmma", "hopper" or "mma".
mlir::FailureOr<GEMMKernel> parseGEMMKernel(llvm::StringRef name);

/// Target options for `--cuda-sm=<sm>` (80, 86, 89 or 90), the GEMM kernel
/// and the Tensor Core input type of f32 GEMMs (`mmaType`: f16 or bf16);
/// failure for another SM, another type, or the Hopper kernel below sm 90.
/// The GEMM kernel and type travel in `features` as the backend's own
/// flags `+mlc-mma-sync` and `+mlc-bf16` (the CUDA pipeline sets the PTX
/// features itself).
mlir::FailureOr<TargetOptions>
getCUDATargetOptions(unsigned sm, GEMMKernel gemm = GEMMKernel::WMMA,
                     llvm::StringRef mmaType = "f16");

/// The SM versions `--cuda-sm` accepts.
llvm::ArrayRef<unsigned> getSupportedSMs();

} // namespace mlc::cuda

#endif // MLC_BACKENDS_CUDA_CUDABACKEND_H
