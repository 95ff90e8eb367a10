//===- mlc-run.cpp - Run a compiled MLC model -----------------------------===//
//
// Loads a model.so, feeds it tensors from .pb/.npy files, prints a summary of
// each output and the latency, and optionally writes the outputs and runs a
// benchmark. Other programs drive it, so its flags and output lines are a
// contract: see docs/Tools.md.
//
//===----------------------------------------------------------------------===//

#include "mlc/Runtime/CompiledModel.h"
#include "mlc/Runtime/LatencyStats.h"
#include "mlc/Runtime/TensorIO.h"
#include "mlc/Runtime/TensorPrint.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstring>

using namespace llvm;
using namespace mlc;

namespace {
/// mlc-run's flags. They live in main rather than at namespace scope so that
/// they are registered after main has moved a clashing libLLVM option aside.
struct RunOptions {
  cl::OptionCategory category{"mlc-run options"};
  cl::opt<std::string> modelPath{cl::Positional, cl::Required,
                                 cl::desc("<model.so>"), cl::cat(category)};
  cl::list<std::string> inputPaths{
      "input",
      cl::desc("Input (.pb TensorProto, SequenceProto or OptionalProto, or "
               ".npy), one per model input, in model input order"),
      cl::value_desc("file"), cl::cat(category)};
  cl::opt<std::string> outputDir{
      "output-dir",
      cl::desc("Write output_<i>.pb files (TensorProto, SequenceProto or "
               "OptionalProto) into <dir>"),
      cl::value_desc("dir"), cl::cat(category)};
  cl::opt<unsigned> benchRuns{
      "bench",
      cl::desc("Run <n> times after the warmup and print median, p95, p99 "
               "and max latency"),
      cl::value_desc("n"), cl::init(0), cl::cat(category)};
  cl::opt<unsigned> warmupRuns{
      "warmup", cl::desc("Untimed runs before --bench"), cl::value_desc("n"),
      cl::init(3), cl::cat(category)};
  cl::opt<int> numThreads{"threads", cl::desc("Passed to mlc_context_create"),
                          cl::value_desc("n"), cl::init(1), cl::cat(category)};
  cl::opt<bool> printAll{"print-outputs",
                         cl::desc("Print every value of every output"),
                         cl::cat(category)};
};
} // namespace

/// How many values the one-line output summary shows.
static constexpr size_t kSummaryValues = 8;

/// Prints `err` as the single `mlc-run: error: ...` line that callers parse
/// and returns the exit code. Messages may quote bytes from malformed files,
/// so control characters are blanked to keep the error on one line.
static int fail(Error err) {
  std::string message = toString(std::move(err));
  for (char &c : message)
    if (static_cast<unsigned char>(c) < 0x20)
      c = ' ';
  WithColor::error(errs(), "mlc-run") << message << "\n";
  return 1;
}

/// The kind of a graph value in messages.
static StringRef describeKind(mlc_value_kind kind) {
  switch (kind) {
  case MLC_VALUE_SEQUENCE:
    return "sequence";
  case MLC_VALUE_OPTIONAL_TENSOR:
    return "optional tensor";
  case MLC_VALUE_OPTIONAL_SEQUENCE:
    return "optional sequence";
  default:
    return "tensor";
  }
}

/// Reads one file per graph input, in graph order: a tensor (.npy or .pb),
/// or a SequenceProto / OptionalProto whose length or presence must be the
/// one the model was compiled for; its tensors become the model's inputs.
static Expected<std::vector<HostTensor>>
readInputs(const CompiledModel &model, ArrayRef<std::string> inputPaths) {
  ArrayRef<GraphValueInfo> values = model.getGraphInputs();
  std::vector<HostTensor> inputs(model.getInputInfos().size());
  if (inputPaths.size() != values.size())
    return createStringError("the model has " + Twine(values.size()) +
                             " input(s), got " + Twine(inputPaths.size()) +
                             " --input file(s)");
  for (auto [value, path] : llvm::zip(values, inputPaths)) {
    Expected<HostValue> read = readValueFile(path, value.kind);
    if (!read)
      return read.takeError();
    if (read->present != value.present)
      return createStringError("input '" + value.name + "' is compiled as " +
                               (value.present ? "present" : "absent") +
                               " (mlc-compile "
                               "--input-structure), but '" +
                               path + "' holds " +
                               (read->present ? "a value" : "none"));
    if (read->tensors.size() != value.count)
      return createStringError(
          "input '" + value.name + "' is compiled as a " +
          describeKind(value.kind) + " of " + Twine(value.count) +
          " element(s) (mlc-compile --input-structure), but '" + path +
          "' holds " + Twine(read->tensors.size()));
    for (auto [k, tensor] : llvm::enumerate(read->tensors)) {
      size_t index = value.first + k;
      // numpy has no bfloat16, and ONNX test data from before onnx 1.8
      // stores bfloat16 tensors as UINT16: for a bf16 input, a u16 tensor is
      // taken as its bit patterns (same size, same bytes).
      if (tensor.dtype == MLC_DTYPE_U16 &&
          model.getInputInfos()[index].dtype == MLC_DTYPE_BF16)
        tensor.dtype = MLC_DTYPE_BF16;
      if (Error err = model.checkInput(index, tensor))
        return createStringError(toString(std::move(err)) + " (from '" + path +
                                 "')");
      inputs[index] = std::move(tensor);
    }
  }
  return inputs;
}

/// Writes output_<i>.pb per graph output: a TensorProto, or the
/// SequenceProto / OptionalProto of its tensors.
static Error writeOutputs(const CompiledModel &model, StringRef outputDir,
                          ArrayRef<HostTensor> outputs) {
  for (auto [index, value] : llvm::enumerate(model.getGraphOutputs())) {
    SmallString<256> path(outputDir);
    sys::path::append(path, "output_" + Twine(index) + ".pb");
    HostValue host;
    host.kind = value.kind;
    host.present = value.present;
    size_t first = value.first;
    size_t end = value.first + value.count;
    if (value.presentAtRunTime && value.kind == MLC_VALUE_SEQUENCE) {
      // A sequence of run-time length: the leading i64 scalar says how
      // many of the element slots after it hold its elements.
      const HostTensor &length = outputs[first++];
      int64_t count = -1;
      if (length.numBytes() == sizeof(int64_t))
        std::memcpy(&count, length.data.data(), sizeof(int64_t));
      if (count < 0 || static_cast<size_t>(count) > end - first)
        return createStringError("output '" + value.name +
                                 "': the run returned a sequence length of " +
                                 Twine(count) + " for " + Twine(end - first) +
                                 " element slots");
      end = first + count;
    } else if (value.presentAtRunTime) {
      // The leading bool scalar says whether the run produced the value.
      const HostTensor &flag = outputs[first++];
      host.present = flag.numBytes() == 1 && flag.data.front() != 0;
    }
    if (host.present)
      host.tensors.assign(outputs.begin() + first, outputs.begin() + end);
    if (Error err = writeValueProtoFile(path, value.name, host))
      return err;
  }
  return Error::success();
}

/// Runs the model once on raw buffers and returns the wall time in ms.
static Expected<double> runTimed(const CompiledModel &model,
                                 ModelContext &context,
                                 ArrayRef<const void *> inputs,
                                 ArrayRef<void *> outputs) {
  auto start = std::chrono::steady_clock::now();
  if (Error err = model.run(context, inputs, outputs))
    return std::move(err);
  auto end = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::milli>(end - start).count();
}

/// Runs a model with dynamic shapes once and returns the wall time in ms.
static Expected<double> runDynamicTimed(const CompiledModel &model,
                                        ModelContext &context,
                                        ArrayRef<HostTensor> inputs,
                                        MutableArrayRef<HostTensor> outputs) {
  auto start = std::chrono::steady_clock::now();
  if (Error err = model.runDynamic(context, inputs, outputs))
    return std::move(err);
  auto end = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::milli>(end - start).count();
}

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  // libLLVM.so registers a hidden "threads" option of its own, which would
  // abort the registration of mlc-run's --threads.
  if (cl::Option *clash = cl::getRegisteredOptions().lookup("threads"))
    clash->setArgStr("llvm-threads");
  RunOptions options;
  cl::HideUnrelatedOptions(options.category);
  cl::ParseCommandLineOptions(argc, argv, "MLC compiled model runner\n");

  Expected<std::unique_ptr<CompiledModel>> model =
      CompiledModel::load(options.modelPath);
  if (!model)
    return fail(model.takeError());
  Expected<std::vector<HostTensor>> inputs =
      readInputs(**model, options.inputPaths);
  if (!inputs)
    return fail(inputs.takeError());
  Expected<std::vector<HostTensor>> outputs = (*model)->allocateOutputs();
  if (!outputs)
    return fail(outputs.takeError());
  // An unusable --output-dir should fail before a possibly long benchmark.
  if (!options.outputDir.empty())
    if (std::error_code ec = sys::fs::create_directories(options.outputDir))
      return fail(createStringError("cannot create '" + options.outputDir +
                                    "': " + ec.message()));
  Expected<ModelContext> context = (*model)->createContext(options.numThreads);
  if (!context)
    return fail(context.takeError());

  // readInputs checked every input and allocateOutputs sized every output,
  // so the runs below call the artifact on raw pointers: nothing but the
  // model itself is timed.
  SmallVector<const void *> inputPtrs;
  for (const HostTensor &tensor : *inputs)
    inputPtrs.push_back(tensor.getDataPointer());
  SmallVector<void *> outputPtrs;
  for (HostTensor &tensor : *outputs)
    outputPtrs.push_back(tensor.getDataPointer());

  unsigned benchRuns = options.benchRuns;
  unsigned untimedRuns = benchRuns == 0 ? 0 : unsigned(options.warmupRuns);
  unsigned timedRuns = benchRuns == 0 ? 1 : benchRuns;
  std::vector<double> latencies;
  // A model with dynamic shapes runs through mlc_run_dynamic, which sizes
  // the outputs; its first run may run twice (to learn the output sizes),
  // so it is untimed when benchmarking.
  bool dynamic = (*model)->hasDynamicShapes();
  if (dynamic && benchRuns != 0 && untimedRuns == 0)
    untimedRuns = 1;
  for (unsigned i = 0; i < untimedRuns + timedRuns; ++i) {
    Expected<double> ms =
        dynamic ? runDynamicTimed(**model, *context, *inputs, *outputs)
                : runTimed(**model, *context, inputPtrs, outputPtrs);
    if (!ms)
      return fail(ms.takeError());
    if (i >= untimedRuns)
      latencies.push_back(*ms);
  }

  // Files first: a failed write must leave only the error line behind.
  if (!options.outputDir.empty())
    if (Error err = writeOutputs(**model, options.outputDir, *outputs))
      return fail(std::move(err));

  for (auto [index, tensor] : llvm::enumerate(*outputs)) {
    outs() << "output " << index << " '" << tensor.name << "' "
           << getDTypeName(tensor.dtype) << " " << formatShape(tensor.shape)
           << ":";
    if (tensor.numElements() != 0)
      outs() << " ";
    printTensorValues(outs(), tensor,
                      options.printAll ? SIZE_MAX : kSummaryValues);
    outs() << "\n";
  }

  if (benchRuns == 0) {
    outs() << "latency: " << format("%.3f", latencies.front()) << " ms\n";
  } else {
    LatencyStats stats = LatencyStats::compute(latencies);
    outs() << "bench: runs=" << stats.runs
           << format(" median=%.3f ms p95=%.3f ms p99=%.3f ms max=%.3f ms\n",
                     stats.median, stats.p95, stats.p99, stats.max);
  }
  return 0;
}
