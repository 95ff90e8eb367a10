//===- CPUTranslation.cpp - mlc-translate's object/assembly emission ------===//
//
// `--cpu-emit-object` and `--cpu-emit-assembly` turn a module in the LLVM
// dialect (the output of --mlc-cpu-pipeline) into target code, so the
// step-by-step chain needs no tool outside MLC.
//
//===----------------------------------------------------------------------===//

#include "CPUBackend.h"

#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;
using namespace mlc;

static llvm::cl::opt<std::string>
    cpuTarget("cpu-target",
              llvm::cl::desc("Target of --cpu-emit-object/--cpu-emit-assembly: "
                             "host, x86_64 or aarch64"),
              llvm::cl::init("host"));
static llvm::cl::opt<unsigned>
    cpuOptLevel("cpu-opt-level",
                llvm::cl::desc("LLVM optimization level 0-3 for emission"),
                llvm::cl::init(2));

static LogicalResult emit(ModuleOp module, llvm::raw_ostream &os,
                          ArtifactKind kind) {
  FailureOr<TargetOptions> options = cpu::getCPUTargetOptions(cpuTarget);
  if (failed(options))
    return module.emitError("unknown --cpu-target '") << cpuTarget << "'";
  options->optLevel = cpuOptLevel;
  BackendRegistry registry;
  cpu::registerCPUBackend(registry);
  SmallString<0> buffer;
  llvm::raw_svector_ostream bufferStream(buffer);
  if (failed(registry.lookup("cpu")->serialize(module, *options, kind,
                                               bufferStream)))
    return failure();
  os << buffer;
  return success();
}

void mlc::cpu::registerCPUTranslations() {
  auto dialects = [](DialectRegistry &registry) {
    registry.insert<DLTIDialect, LLVM::LLVMDialect, omp::OpenMPDialect>();
  };
  TranslateFromMLIRRegistration(
      "cpu-emit-object", "Emit an object file from the LLVM dialect",
      [](ModuleOp module, llvm::raw_ostream &os) {
        return emit(module, os, ArtifactKind::Object);
      },
      dialects);
  TranslateFromMLIRRegistration(
      "cpu-emit-assembly", "Emit assembly from the LLVM dialect",
      [](ModuleOp module, llvm::raw_ostream &os) {
        return emit(module, os, ArtifactKind::Assembly);
      },
      dialects);
}
