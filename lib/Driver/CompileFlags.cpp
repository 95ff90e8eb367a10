//===- CompileFlags.cpp - mlc-compile's flags, checked --------------------===//
//
// Names no backend: --target picks one from the registry (by name or alias),
// and that backend turns its own options into the target.
//
//===----------------------------------------------------------------------===//

#include "mlc/Driver/CompileFlags.h"

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
mlc::getCompileOptions(const CompileFlags &flags, BackendRegistry &registry) {
  if (flags.optLevel > 3)
    return createStringError("-O must be 0, 1, 2 or 3");
  for (const auto &[name, value] : flags.backendOptions)
    if (Error err = registry.setOption(name, value))
      return std::move(err);
  const Backend *backend = registry.lookupTarget(flags.target);
  if (!backend)
    return createStringError(
        "unknown --target '" + flags.target + "' (expected " +
        join(registry.getTargetAliases(), ", ") +
        " or a backend: " + join(registry.getNames(), ", ") + ")");
  if (flags.layout != "auto" && flags.layout != "nchw" &&
      flags.layout != "nhwc")
    return createStringError("unknown --layout '" + flags.layout +
                             "' (expected auto, nchw or nhwc)");
  CompileOptions options;
  if (Error err = getQuantizeOptions(flags, options))
    return std::move(err);
  options.target.optLevel = flags.optLevel;
  options.target.memoryReport = flags.memoryReport;
  // A backend that computes in the half-precision type itself gets it as a
  // target option instead of a converted graph.
  if (!options.halfPrecision.empty() &&
      backend->handlesHalfPrecision(options.halfPrecision)) {
    options.target.halfPrecision = options.halfPrecision;
    options.halfPrecision.clear();
  }
  if (Error err = backend->getTargetOptions(flags.target, options.target))
    return std::move(err);
  options.lowerQuant = flags.lowerQuant;
  options.layout = flags.layout;
  options.inputPath = flags.inputPath;
  options.outputPath = flags.outputPath;
  options.emit = flags.emit;
  options.backend = backend->getName().str();
  options.printPartition = flags.printPartition;
  if (!flags.sanitize.empty() && flags.sanitize != "address" &&
      flags.sanitize != "thread")
    return createStringError("unknown --sanitize '" + flags.sanitize +
                             "' (expected address or thread)");
  if (!flags.sanitize.empty() && backend->getName() != "cpu" &&
      backend->getName() != "cuda")
    return createStringError("--sanitize is supported by the cpu and cuda "
                             "backends only, not '" +
                             backend->getName().str() + "'");
  options.target.sanitize = flags.sanitize;
  if (!flags.maxMemory.empty()) {
    std::optional<uint64_t> bytes = parseMemorySize(flags.maxMemory);
    if (!bytes)
      return createStringError("bad --max-memory '" + flags.maxMemory +
                               "' (expected a positive size such as 512M, "
                               "4G or 1073741824)");
    options.maxMemoryBytes = *bytes;
  }
  for (const std::string &entry : flags.inputStructures) {
    auto [name, spec] = StringRef(entry).split('=');
    if (name.empty() || !StringRef(entry).contains('='))
      return createStringError("bad --input-structure '" + entry +
                               "' (expected NAME=SPEC, e.g. "
                               "x=seq([2,3],[4,3]) or opt=none)");
    options.inputStructures.emplace_back(name.str(), spec.str());
  }
  if (flags.maxLoopIterations < 0 ||
      flags.maxLoopIterations > kMaxLoopIterationsLimit)
    return createStringError(
        "bad --max-loop-iterations " + Twine(flags.maxLoopIterations) +
        " (expected 0 to " + Twine(kMaxLoopIterationsLimit) + ")");
  options.maxLoopIterations = flags.maxLoopIterations;
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
