//===- CUDABackend.cpp - The in-tree CUDA backend
//--------------------------===//

#include "CUDABackend.h"
#include "CUDAPipeline.h"

#include "mlc/Backend/Emit.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "llvm/Support/Program.h"

using namespace mlir;
using namespace mlc;

#ifndef MLC_CUDA_RUNTIME_LIBRARY
#error "MLC_CUDA_RUNTIME_LIBRARY must name the CUDA runtime archive"
#endif

static constexpr unsigned kSupportedSMs[] = {80, 86, 89, 90};

ArrayRef<unsigned> cuda::getSupportedSMs() { return kSupportedSMs; }

void cuda::CUDAOptions::bindOptions(OptionsBinder &binder) {
  binder.opt("cuda-sm", sm, "SM version: 80 (default), 86, 89 or 90", "sm");
  binder.opt<GEMMKernel>(
      "cuda-gemm", gemm, "GEMM kernel of large 2-D matmuls",
      {{"wmma", GEMMKernel::WMMA, "WMMA m16n16k16, every SM (default)"},
       {"hopper", GEMMKernel::Hopper,
        "--cuda-sm=90 only: PTX for sm_90a, matmuls in multiples of "
        "256x128x64 on the TMA + wgmma kernel, the others on WMMA"},
       {"mma", GEMMKernel::MMASync,
        "warp-level mma.sync m16n8k16 for f16 GEMMs too (bf16 and int8 "
        "GEMMs always use it)"}});
}

llvm::Expected<TargetOptions> cuda::CUDAOptions::getTargetOptions() const {
  if (!llvm::is_contained(kSupportedSMs, sm))
    return llvm::createStringError("unsupported --cuda-sm=" + Twine(sm) +
                                   " (expected 80, 86, 89 or 90)");
  if (gemm == GEMMKernel::Hopper && sm != 90)
    return llvm::createStringError(
        "--cuda-gemm=hopper needs --cuda-sm=90 (wgmma and TMA are sm_90a "
        "instructions)");
  TargetOptions options;
  options.triple = "nvptx64-nvidia-cuda";
  // The architecture-specific sm_90a has wgmma, setmaxnreg and the TMA
  // loads; its PTX runs on sm_90 GPUs only.
  options.cpu = "sm_" + std::to_string(sm);
  if (gemm == GEMMKernel::Hopper)
    options.cpu += "a";
  options.features = "+ptx80";
  return options;
}

void cuda::registerCUDADialectExtensions(DialectRegistry &registry) {
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
  gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
  registerNVVMDialectTranslation(registry);
}

/// The PTX of every gpu.binary in `module`, one image per binary.
static LogicalResult writePTX(ModuleOp module, llvm::raw_ostream &os) {
  bool found = false;
  for (auto binary : module.getOps<gpu::BinaryOp>())
    for (Attribute attr : binary.getObjects()) {
      auto object = dyn_cast<gpu::ObjectAttr>(attr);
      if (!object || object.getFormat() != gpu::CompilationTarget::Assembly)
        return binary.emitError("expected a PTX (format=isa) object");
      os << object.getObject().getValue();
      found = true;
    }
  if (!found)
    return module.emitError("the model has no device code");
  return success();
}

namespace {
class CUDABackend : public Backend {
public:
  StringRef getName() const override { return "cuda"; }
  StringRef getDescription() const override {
    return "NVIDIA GPUs (sm_80..sm_90, sm_90a): Tensor Core PTX and host "
           "launch code";
  }
  DataLayoutPreference getPreferredLayout() const override {
    return DataLayoutPreference::NHWC;
  }

  void bindOptions(OptionsBinder &binder) override {
    cudaOptions.bindOptions(binder);
  }

  llvm::Error getTargetOptions(StringRef targetName,
                               TargetOptions &target) const override {
    llvm::Expected<TargetOptions> own = cudaOptions.getTargetOptions();
    if (!own)
      return own.takeError();
    own->optLevel = target.optLevel;
    own->memoryReport = target.memoryReport;
    own->halfPrecision = target.halfPrecision;
    target = *own;
    return llvm::Error::success();
  }

  /// bf16 is the GEMMs' operand type (mma.sync, f32 accumulation); the rest
  /// of the graph stays f32.
  bool handlesHalfPrecision(StringRef type) const override {
    return type == "bf16";
  }

  void buildLoweringPipeline(OpPassManager &pm,
                             const TargetOptions &options) const override {
    // Both arms StringRefs: `cond ? "sm_80" : options.cpu` would be a
    // temporary std::string, and `chip` would dangle.
    StringRef chip =
        options.cpu.empty() ? StringRef("sm_80") : StringRef(options.cpu);
    StringRef mmaType = options.halfPrecision == "bf16" ? "bf16" : "f16";
    if (failed(cuda::buildCUDALoweringPipeline(
            pm, chip, mmaType, options.optLevel,
            cudaOptions.gemm == cuda::GEMMKernel::MMASync)))
      llvm::report_fatal_error("invalid built-in CUDA pipeline");
  }

  /// Assembly is the device PTX; LLVM IR and objects are the host side,
  /// with the PTX embedded.
  LogicalResult serialize(ModuleOp module, const TargetOptions &options,
                          ArtifactKind kind,
                          llvm::raw_pwrite_stream &os) const override {
    if (kind == ArtifactKind::Assembly)
      return writePTX(module, os);
    TargetOptions host;
    host.optLevel = options.optLevel;
    FailureOr<std::unique_ptr<llvm::TargetMachine>> tm =
        createTargetMachine(host, module.getLoc());
    if (failed(tm))
      return failure();
    DialectRegistry registry;
    cuda::registerCUDADialectExtensions(registry);
    module.getContext()->appendDialectRegistry(registry);
    llvm::LLVMContext llvmContext;
    FailureOr<std::unique_ptr<llvm::Module>> llvmModule = translateAndOptimize(
        module, llvmContext, **tm, options.optLevel, options.sanitize);
    if (failed(llvmModule))
      return failure();
    return emitLLVMModule(**llvmModule, **tm, kind, os, module.getLoc());
  }

  LogicalResult linkSharedLibrary(StringRef objectPath, StringRef outputPath,
                                  const TargetOptions &options,
                                  Location loc) const override {
    std::string extra[] = {MLC_CUDA_RUNTIME_LIBRARY, "-ldl", "-lpthread"};
    for (StringRef driver : {"cc", "gcc", "clang", "clang-22"})
      if (llvm::sys::findProgramByName(driver))
        return linkWithCompilerDriver(driver, objectPath, outputPath, loc,
                                      extra);
    return emitError(loc) << "no C compiler driver (cc, gcc, clang) found to "
                             "link the shared library";
  }

private:
  cuda::CUDAOptions cudaOptions;
};
} // namespace

void cuda::registerCUDABackend(BackendRegistry &registry) {
  llvm::cantFail(registry.registerBackend(std::make_unique<CUDABackend>()));
}
