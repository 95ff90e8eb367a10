//===- mlc-compile.cpp - ONNX model to native artifact in one process -----===//
//
//   mlc-compile MODEL.onnx -o OUT.so [--target=host|x86_64|aarch64|cuda]
//               [--cuda-sm=80|86|89|90] [-O0..-O3]
//               [--emit=mlir|llvm|asm|obj|so] [--layout=auto|nchw|nhwc]
//
// Exit code 0 on success, 1 on any error (reported as one located line).
//
//===----------------------------------------------------------------------===//

#include "CPUBackend.h"
#include "CUDABackend.h"
#include "mlc/Driver/Compile.h"
#include "mlc/Driver/Diagnostics.h"
#include "mlc/InitAll.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::OptionCategory category("mlc-compile options");
static cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx | model.mlir>"),
                                      cl::cat(category));
static cl::opt<std::string> outputPath("o", cl::Required,
                                       cl::desc("Output file"),
                                       cl::value_desc("path"),
                                       cl::cat(category));
static cl::opt<std::string>
    target("target",
           cl::desc("Target: host (default), x86_64, aarch64 or cuda"),
           cl::init("host"), cl::cat(category));
static cl::opt<unsigned>
    cudaSM("cuda-sm",
           cl::desc("SM version for --target=cuda: 80 (default), 86, 89 or 90"),
           cl::init(80), cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::Prefix,
                                  cl::desc("Optimization level 0-3"),
                                  cl::init(2), cl::cat(category));
static cl::opt<std::string>
    layout("layout",
           cl::desc("Layout of conv/pooling after graph optimization (-O1 "
                    "and up): auto (the backend's preference), nchw or nhwc"),
           cl::init("auto"), cl::cat(category));
static cl::opt<mlc::EmitKind> emit(
    "emit", cl::desc("What to write"), cl::init(mlc::EmitKind::SharedLib),
    cl::values(clEnumValN(mlc::EmitKind::MLIR, "mlir",
                          "the mlc-dialect module"),
               clEnumValN(mlc::EmitKind::LLVMIR, "llvm", "optimized LLVM IR"),
               clEnumValN(mlc::EmitKind::Asm, "asm", "target assembly"),
               clEnumValN(mlc::EmitKind::Obj, "obj", "object file"),
               clEnumValN(mlc::EmitKind::SharedLib, "so",
                          "shared library with the mlc_runtime.h ABI")),
    cl::cat(category));

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "MLC model compiler\n");

  if (optLevel > 3) {
    WithColor::error(errs(), "mlc-compile") << "-O must be 0, 1, 2 or 3\n";
    return 1;
  }
  bool isCUDA = target == "cuda";
  mlir::FailureOr<mlc::TargetOptions> targetOptions =
      isCUDA ? mlc::cuda::getCUDATargetOptions(cudaSM)
             : mlc::cpu::getCPUTargetOptions(target);
  if (isCUDA && mlir::failed(targetOptions)) {
    WithColor::error(errs(), "mlc-compile")
        << "unsupported --cuda-sm=" << cudaSM << " (expected 80, 86, 89 or 90)\n";
    return 1;
  }
  if (mlir::failed(targetOptions)) {
    WithColor::error(errs(), "mlc-compile")
        << "unknown --target '" << target
        << "' (expected host, x86_64, aarch64 or cuda)\n";
    return 1;
  }
  if (layout != "auto" && layout != "nchw" && layout != "nhwc") {
    WithColor::error(errs(), "mlc-compile")
        << "unknown --layout '" << layout << "' (expected auto, nchw or nhwc)\n";
    return 1;
  }
  mlc::CompileOptions options;
  options.layout = layout;
  options.inputPath = inputPath;
  options.outputPath = outputPath;
  options.target = *targetOptions;
  if (isCUDA)
    options.backend = "cuda";
  options.target.optLevel = optLevel;
  options.emit = emit;

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlc::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  mlc::DiagnosticPrinter diagnostics(context, errs());
  mlir::registerAllPasses();
  mlc::registerAllPasses();

  mlc::BackendRegistry backends;
  mlc::registerAllBackends(backends);
  return mlir::succeeded(mlc::compileModel(context, backends, options)) ? 0 : 1;
}
