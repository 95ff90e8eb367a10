//===- mlc-compile.cpp - ONNX model to native artifact in one process -----===//
//
//   mlc-compile MODEL.onnx -o OUT.so
//               [--target=host|x86_64|aarch64|cuda|BACKEND]
//               [BACKEND OPTIONS: mlc-compile --target=BACKEND --help]
//               [-O0..-O3] [--emit=mlir|llvm|asm|obj|so]
//               [--layout=auto|nchw|nhwc] [--load-backend-plugin=PATH.so ...]
//               [--mlc-print-partition] [--memory-report]
//               [--sanitize=address|thread]
//               [--max-memory=SIZE]
//               [--quantize=int8|int8-dynamic|fp16|bf16]
//               [--calibration-data=DIR]
//               [--calibration-method=minmax|percentile|entropy]
//               [--calibration-percentile=P] [--calibration-file=FILE]
//               [--quant-report=FILE] [--keep-float=NODE,...]
//               [--mlc-lower-quant=true|false]
//
// Exit code 0 on success, 1 on any error (reported as one located line).
//
//===----------------------------------------------------------------------===//

#include "mlc/Driver/CompileFlags.h"
#include "mlc/Driver/Diagnostics.h"
#include "mlc/InitAll.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "llvm/ADT/StringSet.h"
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
           cl::desc("Target: host (default), x86_64 or aarch64 (the CPU "
                    "backend), cuda, or the name of another registered "
                    "backend; `--target=NAME --help` lists its options"),
           cl::init("host"), cl::cat(category));
// Loaded before parsing (see main); declared so that the parser accepts it.
static cl::list<std::string>
    pluginPaths("load-backend-plugin",
                cl::desc("Load a backend plug-in (repeatable)"),
                cl::value_desc("path.so"), cl::cat(category));
static cl::opt<bool>
    printPartition("mlc-print-partition",
                   cl::desc("Print which backend each op goes to, and why"),
                   cl::init(false), cl::cat(category));
static cl::opt<bool> memoryReport(
    "memory-report",
    cl::desc("Print the static memory plan: arena size, largest live set "
             "and where it occurs, weights size (CPU backend)"),
    cl::init(false), cl::cat(category));
static cl::opt<std::string> sanitize(
    "sanitize",
    cl::desc("Instrument the generated code for a sanitizer: address or "
             "thread (the artifact then runs only in a process with that "
             "sanitizer's runtime: utils/sanitize/README.md)"),
    cl::init(""), cl::cat(category));
static cl::opt<std::string> maxMemory(
    "max-memory",
    cl::desc("Memory the compiler may spend on the model's constants: the "
             "weights it imports (each and all together) and constant "
             "folding (default 8G); a size such as 512M or 4G"),
    cl::value_desc("size"), cl::init(""), cl::cat(category));
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

static cl::opt<std::string> quantize(
    "quantize",
    cl::desc("Post-training quantization: int8 (static, calibrated), "
             "int8-dynamic (activations quantized at run time), fp16 or "
             "bf16 (half-precision weights and activations, f32 inputs and "
             "outputs; CPU backend)"),
    cl::value_desc("int8|int8-dynamic|fp16|bf16"), cl::init(""),
    cl::cat(category));
static cl::opt<std::string> calibrationData(
    "calibration-data",
    cl::desc("Directory of calibration inputs: test_data_set_*/input_N.pb "
             "or one .npy per input ([S, ...] for S samples)"),
    cl::value_desc("dir"), cl::init(""), cl::cat(category));
static cl::opt<std::string> calibrationMethod(
    "calibration-method",
    cl::desc("Activation ranges: minmax (default), percentile or entropy"),
    cl::init("minmax"), cl::cat(category));
static cl::opt<double> calibrationPercentile(
    "calibration-percentile",
    cl::desc("Percentage of values the range keeps with "
             "--calibration-method=percentile (default 99.99)"),
    cl::init(99.99), cl::cat(category));
static cl::opt<std::string> calibrationFile(
    "calibration-file",
    cl::desc("Written after calibrating; with no --calibration-data, read "
             "instead of calibrating"),
    cl::value_desc("file.json"), cl::init(""), cl::cat(category));
static cl::opt<std::string> quantReport(
    "quant-report",
    cl::desc("Write the per-layer error of the quantized model and the "
             "model size (JSON)"),
    cl::value_desc("file.json"), cl::init(""), cl::cat(category));
static cl::list<std::string> keepFloat(
    "keep-float", cl::desc("ONNX node names of layers that stay in float"),
    cl::value_desc("node,..."), cl::CommaSeparated, cl::cat(category));
static cl::opt<bool> lowerQuant(
    "mlc-lower-quant",
    cl::desc("Lower quantized layers (QDQ models, --quantize=int8) to "
             "integer arithmetic (default true)"),
    cl::init(true), cl::cat(category));
static cl::list<std::string> inputStructures(
    "input-structure",
    cl::desc("The structure a sequence or optional graph input is compiled "
             "for: NAME=seq([d,...],...) (one shape per element, ? for a "
             "dynamic dimension), NAME=none (an absent optional) or "
             "NAME=[d,...] (a present optional tensor); repeatable"),
    cl::value_desc("name=spec"), cl::cat(category));
static cl::opt<int64_t> maxLoopIterations(
    "max-loop-iterations",
    cl::desc("Compile a Loop that carries a sequence or optional and whose "
             "trip count is known only at run time for at most N iterations "
             "(unrolled; its sequences have a run-time length); a run that "
             "needs more fails. 0 (default): refuse such a Loop"),
    cl::value_desc("N"), cl::init(0), cl::cat(category));

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  // Backends and plug-ins first: their options (flags of their own) and
  // passes must be known to the parser.
  mlc::BackendRegistry backends(mlc::BackendOptionsSource::CommandLine);
  mlc::registerAllBackends(backends);
  auto &allOptions = cl::getRegisteredOptions();
  StringSet<> knownOptions;
  for (const auto &entry : allOptions)
    knownOptions.insert(entry.first);
  for (const std::string &path : mlc::getBackendPluginPaths(argc, argv))
    if (Error err = backends.loadPlugin(path)) {
      WithColor::error(errs(), "mlc-compile")
          << toString(std::move(err)) << "\n";
      return 1;
    }
  // --help lists the tool's options and those of the --target backend.
  std::vector<const cl::OptionCategory *> shown = {&category};
  if (const mlc::Backend *selected =
          backends.lookupTarget(mlc::getTargetFlag(argc, argv, "host")))
    shown.push_back(backends.getOptionCategory(selected->getName()));
  cl::HideUnrelatedOptions(shown);
  // A plug-in's own llvm::cl flags (rather than bound options) are listed
  // too.
  for (auto &entry : allOptions)
    if (!knownOptions.contains(entry.first) &&
        !backends.isBackendOption(entry.first))
      entry.second->setHiddenFlag(cl::NotHidden);
  cl::ParseCommandLineOptions(argc, argv, "MLC model compiler\n");

  mlc::CompileFlags flags;
  flags.inputPath = inputPath;
  flags.outputPath = outputPath;
  flags.target = target;
  flags.optLevel = optLevel;
  flags.layout = layout;
  flags.emit = emit;
  flags.printPartition = printPartition;
  flags.memoryReport = memoryReport;
  flags.sanitize = sanitize;
  flags.maxMemory = maxMemory;
  flags.quantize = quantize;
  flags.calibrationData = calibrationData;
  flags.calibrationMethod = calibrationMethod;
  flags.calibrationPercentile = calibrationPercentile;
  flags.calibrationFile = calibrationFile;
  flags.quantReport = quantReport;
  flags.keepFloat.assign(keepFloat.begin(), keepFloat.end());
  flags.lowerQuant = lowerQuant;
  flags.inputStructures.assign(inputStructures.begin(), inputStructures.end());
  flags.maxLoopIterations = maxLoopIterations;
  Expected<mlc::CompileOptions> options =
      mlc::getCompileOptions(flags, backends);
  if (!options) {
    WithColor::error(errs(), "mlc-compile")
        << toString(options.takeError()) << "\n";
    return 1;
  }

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlc::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  mlc::DiagnosticPrinter diagnostics(context, errs());
  mlir::registerAllPasses();
  mlc::registerAllPasses();

  return mlir::succeeded(mlc::compileModel(context, backends, *options)) ? 0
                                                                         : 1;
}
