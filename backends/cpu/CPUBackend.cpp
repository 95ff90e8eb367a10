//===- CPUBackend.cpp - The in-tree CPU backend
//----------------------------===//

#include "CPUBackend.h"
#include "CPUPasses.h"
#include "CPUPipeline.h"
#include "Target/CPUTarget.h"

#include "mlc/Backend/Emit.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Program.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlc;

void cpu::CPUOptions::bindOptions(OptionsBinder &binder) {
  binder.opt("cpu", cpu,
             "CPU of the target (LLVM name, e.g. sapphirerapids, znver4, "
             "neoverse-v1); default: the host's for the host triple, else "
             "generic. A list (x86-64-v3,x86-64-v4) puts one variant per "
             "CPU in the artifact, the best one the machine runs picked at "
             "load time (x86-64)",
             "name[,name...]");
  binder.opt("mattr", mattr,
             "LLVM target features added to the CPU's, e.g. "
             "+avx512vnni,+avx512vl or +dotprod,+i8mm",
             "+feature,...");
}

namespace {
class CPUBackend : public Backend {
public:
  StringRef getName() const override { return "cpu"; }
  StringRef getDescription() const override {
    return "x86-64 and AArch64 CPUs through LLVM";
  }

  std::vector<std::string> getTargetAliases() const override {
    return {"host", "x86_64", "aarch64"};
  }

  void bindOptions(OptionsBinder &binder) override {
    options.bindOptions(binder);
  }

  llvm::Error getTargetOptions(StringRef targetName,
                               TargetOptions &target) const override {
    FailureOr<TargetOptions> named =
        cpu::getCPUTargetOptions(targetName == "cpu" ? "host" : targetName);
    if (failed(named))
      return llvm::createStringError("the cpu backend has no target '" +
                                     targetName + "'");
    named->optLevel = target.optLevel;
    named->memoryReport = target.memoryReport;
    named->halfPrecision = target.halfPrecision;
    target = *named;
    if (!options.cpu.empty())
      target.cpu = options.cpu;
    if (!options.mattr.empty())
      target.features = target.features.empty()
                            ? options.mattr
                            : target.features + "," + options.mattr;
    return llvm::Error::success();
  }

  /// The register tiles of convolutions read NHWC activations (channels
  /// contiguous, one vector per pixel row) and HWCF filters.
  DataLayoutPreference getPreferredLayout() const override {
    return DataLayoutPreference::NHWC;
  }

  void buildLoweringPipeline(OpPassManager &pm,
                             const TargetOptions &options) const override {
    // A list of CPUs: one variant each, and dispatchers.
    if (StringRef(options.cpu).contains(',')) {
      cpu::MultiversionOptions multiversion;
      for (StringRef name : llvm::split(options.cpu, ','))
        multiversion.cpus.push_back(name.trim().str());
      multiversion.triple = options.triple;
      multiversion.mattr = options.features;
      multiversion.optLevel = options.optLevel;
      multiversion.threads = mlc::canUseThreads(options.triple);
      multiversion.memoryReport = options.memoryReport;
      pm.addPass(cpu::createMultiversion(multiversion));
      return;
    }
    cpu::CPUTarget target = cpu::CPUTarget::fromTargetOptions(options);
    cpu::CPUPipelineOptions pipeline;
    pipeline.optLevel = options.optLevel;
    pipeline.int8Isa = target.int8Kernel;
    pipeline.bf16Isa = target.bf16Kernel;
    pipeline.vectorIsa = target.getIsaName().str();
    pipeline.threads = mlc::canUseThreads(options.triple);
    pipeline.memoryReport = options.memoryReport;
    cpu::buildCPULoweringPipeline(pm, pipeline);
  }

  LogicalResult serialize(ModuleOp module, const TargetOptions &options,
                          ArtifactKind kind,
                          llvm::raw_pwrite_stream &os) const override {
    // With one variant per CPU, each function carries its CPU; the rest
    // (the dispatchers) is for any x86-64.
    TargetOptions machine = options;
    if (StringRef(options.cpu).contains(','))
      machine.cpu = "x86-64";
    FailureOr<std::unique_ptr<llvm::TargetMachine>> tm =
        createTargetMachine(machine, module.getLoc());
    if (failed(tm))
      return failure();
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
    llvm::Triple triple(options.triple.empty()
                            ? llvm::sys::getDefaultTargetTriple()
                            : options.triple);
    if (triple.isAArch64() &&
        llvm::Triple(llvm::sys::getDefaultTargetTriple()).getArch() !=
            triple.getArch())
      return linkWithCompilerDriver("aarch64-linux-gnu-gcc", objectPath,
                                    outputPath, loc);
    // The parallel tile loops call libomp; an artifact without any does
    // not depend on it (--as-needed).
    std::vector<std::string> openmp = getOpenMPLinkArgs(options.triple);
    for (StringRef driver : {"cc", "gcc", "clang", "clang-22"})
      if (llvm::sys::findProgramByName(driver))
        return linkWithCompilerDriver(driver, objectPath, outputPath, loc,
                                      openmp);
    return emitError(loc) << "no C compiler driver (cc, gcc, clang) found to "
                             "link the shared library";
  }

private:
  cpu::CPUOptions options;
};
} // namespace

void mlc::cpu::registerCPUBackend(BackendRegistry &registry) {
  llvm::cantFail(registry.registerBackend(std::make_unique<CPUBackend>()));
}

FailureOr<TargetOptions> mlc::cpu::getCPUTargetOptions(StringRef target) {
  TargetOptions options;
  if (target == "host")
    return options;
  if (target == "x86_64") {
    options.triple = "x86_64-unknown-linux-gnu";
    // Without a CPU, the host's is used when it is x86-64.
    if (llvm::Triple(llvm::sys::getDefaultTargetTriple()).getArch() !=
        llvm::Triple::x86_64)
      options.cpu = "x86-64-v3";
    return options;
  }
  if (target == "aarch64") {
    options.triple = "aarch64-unknown-linux-gnu";
    options.cpu = "generic";
    options.features = "+neon";
    return options;
  }
  return failure();
}
