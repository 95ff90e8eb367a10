//===- mlc-compile.cpp - ONNX model to native artifact in one process -----===//
//
//   mlc-compile MODEL.onnx -o OUT.so
//   [--target=host|x86_64|aarch64|cuda|BACKEND]
//               [--cuda-sm=80|86|89|90] [--cuda-gemm=wmma|hopper|mma]
//               [-O0..-O3] [--emit=mlir|llvm|asm|obj|so]
//               [--layout=auto|nchw|nhwc] [--load-backend-plugin=PATH.so ...]
//               [--mlc-print-partition] [--cpu=NAME] [--mattr=+F,...]
//               [--memory-report] [--max-memory=SIZE]
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
                    "backend"),
           cl::init("host"), cl::cat(category));
static cl::opt<unsigned>
    cudaSM("cuda-sm",
           cl::desc("SM version for --target=cuda: 80 (default), 86, 89 or 90"),
           cl::init(80), cl::cat(category));
static cl::opt<std::string> cudaGEMM(
    "cuda-gemm",
    cl::desc("GEMM kernel for --target=cuda: wmma (default; WMMA "
             "m16n16k16, every SM), hopper (--cuda-sm=90 only: PTX for "
             "sm_90a, matmuls in multiples of 256x128x64 on the TMA + wgmma "
             "kernel, the others on WMMA) or mma (warp-level mma.sync "
             "m16n8k16 for f16 GEMMs too; bf16 and int8 GEMMs always use "
             "it)"),
    cl::value_desc("wmma|hopper|mma"), cl::init("wmma"), cl::cat(category));
static cl::opt<std::string>
    cpuName("cpu",
            cl::desc("CPU of the CPU backend's target (LLVM name, e.g. "
                     "sapphirerapids, znver4, neoverse-v1); default: the "
                     "host's for the host triple, else generic"),
            cl::cat(category));
static cl::opt<std::string>
    cpuFeatures("mattr",
                cl::desc("LLVM target features added to the CPU's, e.g. "
                         "+avx512vnni,+avx512vl or +dotprod,+i8mm"),
                cl::cat(category));
// Loaded before parsing (see main); declared so that the parser accepts it.
static cl::list<std::string>
    pluginPaths("load-backend-plugin",
                cl::desc("Load a backend plug-in (repeatable)"),
                cl::value_desc("path.so"), cl::cat(category));
static cl::opt<bool> printPartition(
    "mlc-print-partition",
    cl::desc("Print which backend each op goes to, and why"),
    cl::init(false), cl::cat(category));
static cl::opt<bool> memoryReport(
    "memory-report",
    cl::desc("Print the static memory plan: arena size, largest live set "
             "and where it occurs, weights size (CPU backend)"),
    cl::init(false), cl::cat(category));
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
static cl::list<std::string>
    keepFloat("keep-float",
              cl::desc("ONNX node names of layers that stay in float"),
              cl::value_desc("node,..."), cl::CommaSeparated,
              cl::cat(category));
static cl::opt<bool> lowerQuant(
    "mlc-lower-quant",
    cl::desc("Lower quantized layers (QDQ models, --quantize=int8) to "
             "integer arithmetic (default true)"),
    cl::init(true), cl::cat(category));

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  // Plug-ins first: their options and passes must be known to the parser.
  mlc::BackendRegistry backends;
  mlc::registerAllBackends(backends);
  auto &allOptions = cl::getRegisteredOptions();
  StringSet<> toolOptions;
  for (const auto &entry : allOptions)
    toolOptions.insert(entry.first);
  for (const std::string &path : mlc::getBackendPluginPaths(argc, argv))
    if (Error err = backends.loadPlugin(path)) {
      WithColor::error(errs(), "mlc-compile") << toString(std::move(err))
                                              << "\n";
      return 1;
    }
  cl::HideUnrelatedOptions(category);
  // --help lists the plug-ins' options with the tool's.
  for (auto &entry : allOptions)
    if (!toolOptions.contains(entry.first))
      entry.second->setHiddenFlag(cl::NotHidden);
  cl::ParseCommandLineOptions(argc, argv, "MLC model compiler\n");

  mlc::CompileFlags flags;
  flags.inputPath = inputPath;
  flags.outputPath = outputPath;
  flags.target = target;
  flags.cudaSM = cudaSM;
  flags.cudaGEMM = cudaGEMM;
  flags.cpu = cpuName;
  flags.mattr = cpuFeatures;
  flags.optLevel = optLevel;
  flags.layout = layout;
  flags.emit = emit;
  flags.printPartition = printPartition;
  flags.memoryReport = memoryReport;
  flags.maxMemory = maxMemory;
  flags.quantize = quantize;
  flags.calibrationData = calibrationData;
  flags.calibrationMethod = calibrationMethod;
  flags.calibrationPercentile = calibrationPercentile;
  flags.calibrationFile = calibrationFile;
  flags.quantReport = quantReport;
  flags.keepFloat.assign(keepFloat.begin(), keepFloat.end());
  flags.lowerQuant = lowerQuant;
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

  return mlir::succeeded(mlc::compileModel(context, backends, *options))
             ? 0
             : 1;
}
