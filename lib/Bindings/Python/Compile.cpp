//===- Compile.cpp - mlc.compile: the driver of mlc-compile ---------------===//
//
// Takes mlc-compile's flags by keyword, checks them with getCompileOptions
// and runs compileModel in a fresh MLIRContext, collecting the diagnostics
// that mlc-compile prints; a failure raises them as mlc.CompileError.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

#include "mlc/Driver/CompileFlags.h"
#include "mlc/Driver/Diagnostics.h"
#include "mlc/InitAll.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <climits>
#include <mutex>
#include <set>

namespace nb = nanobind;
using namespace mlc::python;

/// Compiles as mlc-compile does; returns the diagnostics of a successful
/// compilation (warnings, remarks, the partition report), raises the
/// diagnostics of a failed one.
static std::string compile(const mlc::CompileFlags &flags) {
  // The global pass registry, as mlc-compile fills it, once per process.
  static std::once_flag registerPasses;
  std::call_once(registerPasses, [] {
    mlir::registerAllPasses();
    mlc::registerAllPasses();
  });
  mlc::BackendRegistry backends;
  mlc::registerAllBackends(backends);
  llvm::Expected<mlc::CompileOptions> options =
      mlc::getCompileOptions(flags, backends);
  if (!options)
    throw CompileError("error: " + llvm::toString(options.takeError()));

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlc::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  mlc::DiagnosticPrinter printer(context, os);
  if (mlir::failed(mlc::compileModel(context, backends, *options))) {
    if (diagnostics.empty())
      diagnostics = "error: compilation failed";
    if (diagnostics.back() == '\n')
      diagnostics.pop_back();
    throw CompileError(diagnostics);
  }
  return diagnostics;
}

/// A graph input or output of an ONNX model: its name and the dim_param of
/// each dimension ("" where there is none).
using ValueDims = std::pair<std::string, std::vector<std::string>>;

/// The graph inputs (initializers excluded) and outputs of the ONNX model at
/// `path`, in graph order; none when the file does not parse (compile says
/// why). Only names: the artifact says the shapes.
static std::optional<std::pair<std::vector<ValueDims>, std::vector<ValueDims>>>
getGraphValues(const std::string &path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path);
  if (!buffer || (*buffer)->getBufferSize() > INT_MAX)
    return std::nullopt;
  onnx::ModelProto model;
  llvm::StringRef bytes = (*buffer)->getBuffer();
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return std::nullopt;
  auto describe = [](const onnx::ValueInfoProto &value) {
    ValueDims result{value.name(), {}};
    if (!value.type().has_tensor_type() ||
        !value.type().tensor_type().has_shape())
      return result;
    for (const onnx::TensorShapeProto::Dimension &dim :
         value.type().tensor_type().shape().dim())
      result.second.push_back(dim.has_dim_param() ? dim.dim_param() : "");
    return result;
  };
  std::vector<ValueDims> inputs, outputs;
  std::set<std::string> initializers;
  for (const onnx::TensorProto &tensor : model.graph().initializer())
    initializers.insert(tensor.name());
  for (const onnx::ValueInfoProto &input : model.graph().input())
    if (!initializers.count(input.name()))
      inputs.push_back(describe(input));
  for (const onnx::ValueInfoProto &output : model.graph().output())
    outputs.push_back(describe(output));
  return std::make_pair(std::move(inputs), std::move(outputs));
}

static mlc::EmitKind parseEmit(const std::string &emit) {
  if (emit == "so")
    return mlc::EmitKind::SharedLib;
  if (emit == "mlir")
    return mlc::EmitKind::MLIR;
  if (emit == "llvm")
    return mlc::EmitKind::LLVMIR;
  if (emit == "asm")
    return mlc::EmitKind::Asm;
  if (emit == "obj")
    return mlc::EmitKind::Obj;
  throw CompileError("error: unknown --emit '" + emit +
                     "' (expected mlir, llvm, asm, obj or so)");
}

void mlc::python::populateCompile(nb::module_ &m) {
  m.def(
      "_compile",
      [](std::string input, std::string output, std::string target,
         std::vector<std::pair<std::string, std::string>> backendOptions,
         unsigned optLevel, std::string layout, std::string emit,
         bool printPartition, std::string quantize, std::string calibrationData,
         std::string calibrationMethod, double calibrationPercentile,
         std::string calibrationFile, std::string quantReport,
         std::vector<std::string> keepFloat, bool lowerQuant,
         std::string maxMemory, std::vector<std::string> inputStructures,
         int64_t maxLoopIterations) {
        mlc::CompileFlags flags;
        flags.inputPath = std::move(input);
        flags.outputPath = std::move(output);
        flags.target = std::move(target);
        flags.backendOptions = std::move(backendOptions);
        flags.optLevel = optLevel;
        flags.layout = std::move(layout);
        flags.emit = parseEmit(emit);
        flags.printPartition = printPartition;
        flags.quantize = std::move(quantize);
        flags.calibrationData = std::move(calibrationData);
        flags.calibrationMethod = std::move(calibrationMethod);
        flags.calibrationPercentile = calibrationPercentile;
        flags.calibrationFile = std::move(calibrationFile);
        flags.quantReport = std::move(quantReport);
        flags.keepFloat = std::move(keepFloat);
        flags.lowerQuant = lowerQuant;
        flags.maxMemory = std::move(maxMemory);
        flags.inputStructures = std::move(inputStructures);
        flags.maxLoopIterations = maxLoopIterations;
        nb::gil_scoped_release release;
        return compile(flags);
      },
      nb::arg("input"), nb::arg("output"), nb::arg("target"),
      nb::arg("backend_options"), nb::arg("opt_level"), nb::arg("layout"),
      nb::arg("emit"), nb::arg("print_partition"), nb::arg("quantize"),
      nb::arg("calibration_data"), nb::arg("calibration_method"),
      nb::arg("calibration_percentile"), nb::arg("calibration_file"),
      nb::arg("quant_report"), nb::arg("keep_float"), nb::arg("lower_quant"),
      nb::arg("max_memory"), nb::arg("input_structure"),
      nb::arg("max_loop_iterations"),
      "Compiles as mlc-compile does (every argument is one of its flags; "
      "backend_options are the backends' own, as (flag name, value) "
      "pairs); "
      "returns the diagnostics of a success, raises CompileError with those "
      "of a failure.");
  m.def("_graph_values", &getGraphValues, nb::arg("path"),
        "The names and dim_params of an ONNX model's graph inputs and "
        "outputs: ([(name, [dim_param or '', ...]), ...], [...]).");
}
