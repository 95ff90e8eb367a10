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

/// The CUDA backend's own options (flags of mlc-compile with --target=cuda).
struct CUDAOptions {
  /// --cuda-sm: 80, 86, 89 or 90.
  unsigned sm = 80;
  /// --cuda-gemm: the kernel of large 2-D matmuls.
  GEMMKernel gemm = GEMMKernel::WMMA;

  void bindOptions(OptionsBinder &binder);
  /// The triple, chip (sm_XX, sm_90a for the Hopper kernel) and PTX
  /// features of these options; an error names the flag that is refused.
  llvm::Expected<TargetOptions> getTargetOptions() const;
};

/// The SM versions `--cuda-sm` accepts.
llvm::ArrayRef<unsigned> getSupportedSMs();

} // namespace mlc::cuda

#endif // MLC_BACKENDS_CUDA_CUDABACKEND_H
