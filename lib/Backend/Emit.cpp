//===- Emit.cpp - LLVM code emission shared by LLVM-based backends --------===//

#include "mlc/Backend/Emit.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/Transforms/Instrumentation/AddressSanitizer.h"
#include "llvm/Transforms/Instrumentation/ThreadSanitizer.h"

using namespace mlir;
using namespace mlc;

static void initializeLLVMTargets() {
  static bool initialized = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    llvm::InitializeAllAsmParsers();
    return true;
  }();
  (void)initialized;
}

FailureOr<std::unique_ptr<llvm::TargetMachine>>
mlc::createTargetMachine(const TargetOptions &options, Location loc) {
  initializeLLVMTargets();
  std::string hostTriple = llvm::sys::getDefaultTargetTriple();
  llvm::Triple triple(options.triple.empty() ? hostTriple : options.triple);
  std::string cpu = options.cpu, features = options.features;
  bool isHost = triple.str() == llvm::Triple(hostTriple).str();
  if (isHost && cpu.empty()) {
    cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures hostFeatures;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      hostFeatures.AddFeature(feature.getKey(), feature.getValue());
    if (!features.empty())
      hostFeatures.AddFeature(features);
    features = hostFeatures.getString();
  }
  if (cpu.empty())
    cpu = "generic";
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return emitError(loc) << "unknown target '" << triple.str()
                          << "': " << error;
  llvm::TargetOptions targetOptions;
  std::optional<llvm::CodeGenOptLevel> level =
      llvm::CodeGenOpt::getLevel(options.optLevel);
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features, targetOptions, llvm::Reloc::PIC_, std::nullopt,
      level.value_or(llvm::CodeGenOptLevel::Default)));
  if (!tm)
    return emitError(loc) << "cannot create a target machine for '"
                          << triple.str() << "'";
  return tm;
}

FailureOr<std::unique_ptr<llvm::Module>>
mlc::translateAndOptimize(ModuleOp module, llvm::LLVMContext &llvmContext,
                          llvm::TargetMachine &tm, unsigned optLevel,
                          StringRef sanitize) {
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  // The parallel tile loops of the CPU backend (omp.parallel, omp.wsloop).
  registerOpenMPDialectTranslation(registry);
  module.getContext()->appendDialectRegistry(registry);
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return module.emitError("failed to translate the module to LLVM IR");
  llvmModule->setDataLayout(tm.createDataLayout());
  llvmModule->setTargetTriple(tm.getTargetTriple());

  llvm::OptimizationLevel level = llvm::OptimizationLevel::O0;
  switch (optLevel) {
  case 0:
    break;
  case 1:
    level = llvm::OptimizationLevel::O1;
    break;
  case 2:
    level = llvm::OptimizationLevel::O2;
    break;
  default:
    level = llvm::OptimizationLevel::O3;
    break;
  }
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = optLevel >= 2;
  tuning.SLPVectorization = optLevel >= 2;
  llvm::PassBuilder pb(&tm, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm = level == llvm::OptimizationLevel::O0
                                    ? pb.buildO0DefaultPipeline(level)
                                    : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(*llvmModule, mam);

  // After optimization, as clang's OptimizerLastEP does: every function
  // defined here (the kernels, the OpenMP outlined regions, the ABI) asks
  // for the instrumentation, and the passes add it.
  if (sanitize.empty())
    return llvmModule;
  llvm::Attribute::AttrKind attr;
  llvm::ModulePassManager sanitizerPM;
  if (sanitize == "address") {
    attr = llvm::Attribute::SanitizeAddress;
    sanitizerPM.addPass(
        llvm::AddressSanitizerPass(llvm::AddressSanitizerOptions()));
  } else if (sanitize == "thread") {
    attr = llvm::Attribute::SanitizeThread;
    sanitizerPM.addPass(llvm::ModuleThreadSanitizerPass());
    sanitizerPM.addPass(
        llvm::createModuleToFunctionPassAdaptor(llvm::ThreadSanitizerPass()));
  } else {
    return module.emitError("unknown sanitizer '")
           << sanitize << "' (expected address or thread)";
  }
  for (llvm::Function &function : *llvmModule)
    if (!function.isDeclaration())
      function.addFnAttr(attr);
  sanitizerPM.run(*llvmModule, mam);
  return llvmModule;
}

LogicalResult mlc::emitLLVMModule(llvm::Module &module, llvm::TargetMachine &tm,
                                  ArtifactKind kind,
                                  llvm::raw_pwrite_stream &os, Location loc) {
  if (kind == ArtifactKind::LLVMIR) {
    module.print(os, nullptr);
    return success();
  }
  llvm::legacy::PassManager pm;
  auto fileType = kind == ArtifactKind::Assembly
                      ? llvm::CodeGenFileType::AssemblyFile
                      : llvm::CodeGenFileType::ObjectFile;
  if (tm.addPassesToEmitFile(pm, os, nullptr, fileType))
    return emitError(loc) << "the target cannot emit this kind of file";
  pm.run(module);
  return success();
}

LogicalResult mlc::linkWithCompilerDriver(StringRef driver,
                                          StringRef objectPath,
                                          StringRef outputPath, Location loc,
                                          ArrayRef<std::string> extraInputs) {
  llvm::ErrorOr<std::string> program = llvm::sys::findProgramByName(driver);
  if (!program)
    return emitError(loc) << "linker driver '" << driver
                          << "' not found in PATH";
  SmallString<128> logPath;
  if (llvm::sys::fs::createTemporaryFile("mlc-link", "log", logPath))
    return emitError(loc) << "cannot create a temporary file";
  SmallVector<StringRef> args = {*program, "-shared", "-o", outputPath,
                                 objectPath};
  args.append(extraInputs.begin(), extraInputs.end());
  args.push_back("-lm");
  std::optional<StringRef> redirects[] = {std::nullopt, logPath.str(),
                                          logPath.str()};
  std::string error;
  int rc =
      llvm::sys::ExecuteAndWait(*program, args, std::nullopt, redirects,
                                /*SecondsToWait=*/0, /*MemoryLimit=*/0, &error);
  auto log = llvm::MemoryBuffer::getFile(logPath);
  llvm::sys::fs::remove(logPath);
  if (rc != 0) {
    InFlightDiagnostic diag = emitError(loc)
                              << "linking '" << outputPath << "' with '"
                              << driver << "' failed";
    if (!error.empty())
      diag << ": " << error;
    if (log && !(*log)->getBuffer().empty())
      diag << ": " << (*log)->getBuffer().trim();
    return diag;
  }
  return success();
}

StringRef mlc::getOpenMPLibraryDir() {
#ifdef MLC_OPENMP_LIBRARY_DIR
  return MLC_OPENMP_LIBRARY_DIR;
#else
  return "";
#endif
}

bool mlc::canUseThreads(StringRef triple) {
  if (getOpenMPLibraryDir().empty())
    return false;
  llvm::Triple host(llvm::sys::getDefaultTargetTriple());
  return triple.empty() || llvm::Triple(triple).getArch() == host.getArch();
}

std::vector<std::string> mlc::getOpenMPLinkArgs(StringRef triple) {
  if (!canUseThreads(triple))
    return {};
  std::string dir = getOpenMPLibraryDir().str();
  return {"-Wl,--as-needed", "-L" + dir, "-lomp", "-Wl,-rpath," + dir,
          "-Wl,--no-as-needed"};
}
