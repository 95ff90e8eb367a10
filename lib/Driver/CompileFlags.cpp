//===- CompileFlags.cpp - mlc-compile's flags, checked
//---------------------===//
//
// Names the in-tree backends (the CPU triples, the CUDA SM and GEMM kernel),
// as mlc-compile did; other backends are taken by name from the registry.
//
//===----------------------------------------------------------------------===//

#include "mlc/Driver/CompileFlags.h"

#include "CPUBackend.h"
#include "CUDABackend.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"

using namespace llvm;

/// Fills the quantization fields of `options` from `flags`.
static Error getQuantizeOptions(const mlc::CompileFlags &flags,
                                mlc::CompileOptions &options) {
  const std::string &quantize = flags.quantize;
  if (quantize == "fp16" || quantize == "bf16")
    options.halfPrecision = quantize;
  else if (quantize == "int8")
    options.quantize.mode = mlc::QuantizeMode::Int8;
  else if (quantize == "int8-dynamic")
    options.quantize.mode = mlc::QuantizeMode::Int8Dynamic;
  else if (!quantize.empty())
    return createStringError("unknown --quantize '" + quantize +
                             "' (expected int8, int8-dynamic, fp16 or bf16)");
  mlir::FailureOr<mlc::CalibrationMethod> method =
      mlc::parseCalibrationMethod(flags.calibrationMethod);
  if (mlir::failed(method))
    return createStringError("unknown --calibration-method '" +
                             flags.calibrationMethod +
                             "' (expected minmax, percentile or entropy)");
  bool quantizing = options.quantize.mode != mlc::QuantizeMode::None;
  if (!quantizing &&
      (!flags.calibrationData.empty() || !flags.calibrationFile.empty() ||
       !flags.quantReport.empty() || !flags.keepFloat.empty()))
    return createStringError(
        "--calibration-data, --calibration-file, --quant-report and "
        "--keep-float need --quantize=int8 or int8-dynamic");
  options.quantize.method = *method;
  options.quantize.percentile = flags.calibrationPercentile;
  options.quantize.calibrationData = flags.calibrationData;
  options.quantize.calibrationFile = flags.calibrationFile;
  options.quantize.reportPath = flags.quantReport;
  options.quantize.keepFloat = flags.keepFloat;
  return Error::success();
}

Expected<mlc::CompileOptions>
mlc::getCompileOptions(const CompileFlags &flags,
                       const BackendRegistry &registry) {
  if (flags.optLevel > 3)
    return createStringError("-O must be 0, 1, 2 or 3");
  // host, x86_64, aarch64: the CPU backend; cuda: the CUDA backend with
  // --cuda-sm; any other name: that backend.
  std::string backendName = "cpu";
  mlir::FailureOr<TargetOptions> targetOptions =
      cpu::getCPUTargetOptions(flags.target);
  if (flags.target == "cuda") {
    backendName = "cuda";
    mlir::FailureOr<cuda::GEMMKernel> gemm =
        cuda::parseGEMMKernel(flags.cudaGEMM);
    if (mlir::failed(gemm))
      return createStringError("unknown --cuda-gemm '" + flags.cudaGEMM +
                               "' (expected wmma, hopper or mma)");
    if (*gemm == cuda::GEMMKernel::Hopper && flags.cudaSM != 90)
      return createStringError(
          "--cuda-gemm=hopper needs --cuda-sm=90 (wgmma and TMA are sm_90a "
          "instructions)");
    // --quantize=bf16: the GEMMs take bf16 operands (mma.sync) with f32
    // accumulation; the rest of the graph stays f32.
    targetOptions = cuda::getCUDATargetOptions(
        flags.cudaSM, *gemm, flags.quantize == "bf16" ? "bf16" : "f16");
    if (mlir::failed(targetOptions))
      return createStringError("unsupported --cuda-sm=" + Twine(flags.cudaSM) +
                               " (expected 80, 86, 89 or 90)");
  } else if (mlir::failed(targetOptions) && registry.lookup(flags.target)) {
    backendName = flags.target;
    targetOptions = TargetOptions();
  }
  if (mlir::failed(targetOptions))
    return createStringError("unknown --target '" + flags.target +
                             "' (expected host, x86_64, aarch64 or a "
                             "backend: " +
                             join(registry.getNames(), ", ") + ")");
  if (flags.layout != "auto" && flags.layout != "nchw" &&
      flags.layout != "nhwc")
    return createStringError("unknown --layout '" + flags.layout +
                             "' (expected auto, nchw or nhwc)");
  CompileOptions options;
  if (Error err = getQuantizeOptions(flags, options))
    return std::move(err);
  // The CUDA backend takes bf16 as its GEMMs' input type (above), not as a
  // graph conversion.
  if (backendName == "cuda" && options.halfPrecision == "bf16")
    options.halfPrecision.clear();
  options.lowerQuant = flags.lowerQuant;
  options.layout = flags.layout;
  options.inputPath = flags.inputPath;
  options.outputPath = flags.outputPath;
  options.target = *targetOptions;
  options.target.optLevel = flags.optLevel;
  if (backendName == "cpu") {
    if (!flags.cpu.empty())
      options.target.cpu = flags.cpu;
    if (!flags.mattr.empty())
      options.target.features =
          options.target.features.empty()
              ? flags.mattr
              : options.target.features + "," + flags.mattr;
  }
  options.emit = flags.emit;
  options.backend = backendName;
  options.printPartition = flags.printPartition;
  options.target.memoryReport = flags.memoryReport;
  if (!flags.maxMemory.empty()) {
    std::optional<uint64_t> bytes = parseMemorySize(flags.maxMemory);
    if (!bytes)
      return createStringError("bad --max-memory '" + flags.maxMemory +
                               "' (expected a positive size such as 512M, "
                               "4G or 1073741824)");
    options.maxMemoryBytes = *bytes;
  }
  return options;
}

std::optional<uint64_t> mlc::parseMemorySize(StringRef text) {
  StringRef digits = text.take_while(isDigit);
  uint64_t value;
  if (digits.empty() || digits.getAsInteger(10, value) || value == 0)
    return std::nullopt;
  std::string unit = text.drop_front(digits.size()).lower();
  if (StringRef(unit).ends_with("ib"))
    unit.resize(unit.size() - 2);
  else if (unit.size() == 2 && unit.back() == 'b')
    unit.pop_back();
  unsigned shift;
  if (unit.empty())
    shift = 0;
  else if (unit == "k")
    shift = 10;
  else if (unit == "m")
    shift = 20;
  else if (unit == "g")
    shift = 30;
  else if (unit == "t")
    shift = 40;
  else
    return std::nullopt;
  if (value > (UINT64_MAX >> shift))
    return std::nullopt;
  return value << shift;
}
