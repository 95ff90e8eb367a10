//===- CUDAPipeline.cpp - Lowering pipeline of the CUDA backend -----------===//
//
// linalg on tensors -> matmul/conv as padded f16 GEMMs -> bufferization ->
// Tensor Core kernels (WMMA) and one-thread-per-element kernels for the
// rest -> host entry on host buffers -> kernel outlining -> NVVM -> PTX
// (gpu-module-to-binary, format=isa) -> host LLVM dialect with mgpu* calls
// -> device copies of the weights -> runtime ABI.
//
//===----------------------------------------------------------------------===//

#include "CUDAPipeline.h"
#include "CUDABackend.h"
#include "CUDAPasses.h"

#include "mlc/Backend/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

std::string mlc::cuda::getCUDALoweringPipeline(StringRef chip,
                                               StringRef mmaType,
                                               unsigned optLevel,
                                               bool mmaSync) {
  // Contractions first: elementwise fusion propagates reshapes into
  // matmuls and turns them into generics that no longer match.
  unsigned sm = 80;
  if (chip.starts_with("sm_"))
    (void)chip.drop_front(3).take_while(llvm::isDigit).getAsInteger(10, sm);
  // Chip sm_90a (wgmma, setmaxnreg and TMA exist only in the
  // architecture-specific target) selects the Hopper GEMM kernel for the
  // matmuls that fit its tiles; the others keep the WMMA kernels.
  bool hopper = chip == "sm_90a";
  std::string target = chip.str();
  if (!hopper && sm >= 90)
    sm = 89;
  std::string pipeline = llvm::formatv(
      "func.func(mlc-cuda-contraction-to-mma{{element-type={0}}),", mmaType);
  if (optLevel >= 2)
    pipeline += "func.func(linalg-fuse-elementwise-ops),";
  pipeline += llvm::formatv(
      "canonicalize,cse,"
      "eliminate-empty-tensors,empty-tensor-to-alloc-tensor,"
      "one-shot-bufferize,buffer-deallocation-pipeline,"
      "func.func(mlc-cuda-mma-to-gpu{{sm={2} mma-sync={3}},"
      "mlc-cuda-copy-to-linalg,"
      "mlc-cuda-parallel-dims-first,"
      "convert-linalg-to-parallel-loops,mlc-cuda-map-to-gpu),"
      "mlc-cuda-host-entry,"
      // Constants and index math move into the launches (else each is a
      // kernel parameter: divisions by them stay divisions).
      "func.func(gpu-launch-sink-index-computations),"
      "gpu-kernel-outlining,mlc-cuda-merge-gpu-modules,func.func(gpu-async-"
      "region),"
      "nvvm-attach-target{{chip={0} features=+ptx80 O={1}},"
      // The warpgroup accumulators carried by the Hopper kernel's scf.for
      // become LLVM structs before the loops become blocks (that kernel
      // only: the WMMA kernels' loops are converted later).
      "gpu.module(mlc-cuda-lower-warpgroup-kernels),convert-scf-to-cf,"
      "gpu.module(mlc-cuda-approximate-math,"
      "expand-strided-metadata,lower-affine,"
      "convert-nvgpu-to-nvvm,convert-gpu-to-nvvm{{use-bare-ptr-memref-call-"
      "conv=1},"
      // NVVM ops without an LLVM intrinsic (mbarrier waits) -> inline PTX.
      "convert-nvvm-to-llvm,canonicalize,cse,"
      "reconcile-unrealized-casts,mlc-cuda-align-workgroup-memory),"
      "gpu-module-to-binary{{format=isa},"
      // Host side of TMA: nvgpu.tma.create.descriptor -> runtime call.
      "convert-nvgpu-to-nvvm,"
      "expand-strided-metadata,lower-affine,finalize-memref-to-llvm,"
      "convert-arith-to-llvm,convert-cf-to-llvm,"
      "gpu-to-llvm{{use-bare-pointers-for-host=1},"
      "convert-func-to-llvm{{use-bare-ptr-memref-call-conv=1},"
      "reconcile-unrealized-casts,"
      "mlc-cuda-device-constants,mlc-emit-runtime-abi,"
      "mlc-cuda-rename-runtime-abi",
      target, std::min(optLevel, 3u), sm, mmaSync ? 1 : 0);
  return pipeline;
}

LogicalResult mlc::cuda::buildCUDALoweringPipeline(OpPassManager &pm,
                                                   StringRef chip,
                                                   StringRef mmaType,
                                                   unsigned optLevel,
                                                   bool mmaSync) {
  return parsePassPipeline(
      getCUDALoweringPipeline(chip, mmaType, optLevel, mmaSync), pm);
}

void mlc::cuda::registerCUDAPipeline() {
  registerMLCCUDAPasses();
  struct Options : PassPipelineOptions<Options> {
    Option<unsigned> sm{*this, "sm",
                        llvm::cl::desc("SM version: 80, 86, 89 or 90"),
                        llvm::cl::init(80)};
    Option<std::string> mmaType{
        *this, "mma-type", llvm::cl::desc("Tensor Core inputs: f16 or bf16"),
        llvm::cl::init("f16")};
    Option<bool> hopperGEMM{
        *this, "hopper-gemm",
        llvm::cl::desc("sm=90 only: target sm_90a and map 2-D matmuls in "
                       "multiples of 256x128x64 onto the TMA + wgmma kernel "
                       "(mlc-compile's --cuda-gemm=hopper)"),
        llvm::cl::init(false)};
    Option<bool> mmaSync{
        *this, "mma-sync",
        llvm::cl::desc("Map f16 matmuls onto the mma.sync kernel instead of "
                       "WMMA (mlc-compile's --cuda-gemm=mma; bf16 and i8 "
                       "matmuls always use it)"),
        llvm::cl::init(false)};
    Option<unsigned> optLevel{*this, "opt-level",
                              llvm::cl::desc("Optimization level 0-3"),
                              llvm::cl::init(2)};
  };
  PassPipelineRegistration<Options>(
      "mlc-cuda-pipeline",
      "Lower linalg on tensors to host LLVM dialect with embedded PTX and the "
      "MLC runtime ABI (CUDA backend)",
      [](OpPassManager &pm, const Options &options) {
        pm.addPass(createExposeEntry());
        std::string chip = "sm_" + std::to_string(options.sm);
        if (options.hopperGEMM && options.sm == 90)
          chip = "sm_90a";
        if (failed(buildCUDALoweringPipeline(
                pm, chip, options.mmaType, options.optLevel, options.mmaSync)))
          llvm::report_fatal_error("invalid built-in CUDA pipeline");
      });
}
