//===- CUDABackend.cpp - The in-tree CUDA backend --------------------------===//

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

FailureOr<cuda::GEMMKernel> cuda::parseGEMMKernel(StringRef name) {
  if (name == "wmma")
    return GEMMKernel::WMMA;
  if (name == "hopper")
    return GEMMKernel::Hopper;
  if (name == "mma")
    return GEMMKernel::MMASync;
  return failure();
}

/// The backend's own flags in TargetOptions::features.
static constexpr llvm::StringLiteral kMMASyncFeature = "+mlc-mma-sync";
static constexpr llvm::StringLiteral kBF16Feature = "+mlc-bf16";

static bool hasFeature(StringRef features, StringRef feature) {
  SmallVector<StringRef> list;
  features.split(list, ',');
  return llvm::is_contained(list, feature);
}

FailureOr<TargetOptions> cuda::getCUDATargetOptions(unsigned sm,
                                                    GEMMKernel gemm,
                                                    StringRef mmaType) {
  if (!llvm::is_contained(kSupportedSMs, sm) ||
      (mmaType != "f16" && mmaType != "bf16"))
    return failure();
  if (gemm == GEMMKernel::Hopper && sm != 90)
    return failure();
  TargetOptions options;
  options.triple = "nvptx64-nvidia-cuda";
  // The architecture-specific sm_90a has wgmma, setmaxnreg and the TMA
  // loads; its PTX runs on sm_90 GPUs only.
  options.cpu = "sm_" + std::to_string(sm);
  if (gemm == GEMMKernel::Hopper)
    options.cpu += "a";
  options.features = "+ptx80";
  if (gemm == GEMMKernel::MMASync)
    options.features += ("," + kMMASyncFeature).str();
  if (mmaType == "bf16")
    options.features += ("," + kBF16Feature).str();
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

  void buildLoweringPipeline(OpPassManager &pm,
                             const TargetOptions &options) const override {
    // Both arms StringRefs: `cond ? "sm_80" : options.cpu` would be a
    // temporary std::string, and `chip` would dangle.
    StringRef chip =
        options.cpu.empty() ? StringRef("sm_80") : StringRef(options.cpu);
    StringRef mmaType =
        hasFeature(options.features, kBF16Feature) ? "bf16" : "f16";
    if (failed(cuda::buildCUDALoweringPipeline(
            pm, chip, mmaType, options.optLevel,
            hasFeature(options.features, kMMASyncFeature))))
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
};
} // namespace

void cuda::registerCUDABackend(BackendRegistry &registry) {
  llvm::cantFail(registry.registerBackend(std::make_unique<CUDABackend>()));
}
