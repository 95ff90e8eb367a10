//===- Quantize.cpp - Post-training quantization of an mlc module ---------===//
//
// The steps of --quantize=int8 / int8-dynamic, in order: find the layers
// (minus --keep-float), turn gemms into matmuls, calibrate (run the float
// model on the calibration samples and observe the layers' inputs and
// outputs) or read the calibration file, insert Q/DQ pairs and int8
// weights (or run-time quantization), run mlc-lower-quant, and measure the
// quantized model against the float one for the report.
//
//===----------------------------------------------------------------------===//

#include "mlc/Quantization/Quantize.h"

#include "InsertQDQ.h"
#include "Layers.h"
#include "ObservedModel.h"
#include "QuantReport.h"
#include "mlc/Quantization/Calibration.h"

#include "mlc/Dialect/MLC/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::quant;

FailureOr<CalibrationMethod> mlc::parseCalibrationMethod(StringRef name) {
  if (name == "minmax")
    return CalibrationMethod::MinMax;
  if (name == "percentile")
    return CalibrationMethod::Percentile;
  if (name == "entropy")
    return CalibrationMethod::Entropy;
  return failure();
}

StringRef mlc::getCalibrationMethodName(CalibrationMethod method) {
  switch (method) {
  case CalibrationMethod::MinMax:
    return "minmax";
  case CalibrationMethod::Percentile:
    return "percentile";
  case CalibrationMethod::Entropy:
    return "entropy";
  }
  return "";
}

bool mlc::hasQuantizedOps(ModuleOp module) {
  return module
      .walk([](Operation *op) {
        return isa<QuantizeLinearOp, DequantizeLinearOp,
                   mlir::quant::DequantizeCastOp>(op)
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
      .wasInterrupted();
}

/// A temporary directory for the observed models, removed when done.
namespace {
struct TempDir {
  SmallString<128> path;
  ~TempDir() {
    if (!path.empty())
      llvm::sys::fs::remove_directories(path);
  }
  std::string file(StringRef name) const {
    SmallString<128> p(path);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
};

/// Values in a fixed order with their index.
struct ValueList {
  llvm::SetVector<Value> values;
  size_t indexOf(Value v) const {
    return std::distance(values.begin(), llvm::find(values, v));
  }
};
} // namespace

static ArrayRef<float> asFloats(const HostTensor &tensor) {
  return ArrayRef<float>(reinterpret_cast<const float *>(tensor.data.data()),
                         tensor.numElements());
}

/// The values of `value` in the last run: a model input from the sample,
/// anything else from the observed outputs.
static ArrayRef<float> getValues(Value value, const Sample &sample,
                                 const ObservedModel &model,
                                 const ValueList &observed) {
  if (auto arg = dyn_cast<BlockArgument>(value))
    return asFloats(sample[arg.getArgNumber()]);
  return model.getObserved(observed.indexOf(value));
}

/// Whether the static layer reported by `marked` became integer arithmetic:
/// its output DQ reads an mlc.requantize (through the gemm's bias add).
static bool isLowered(Operation *marked) {
  if (auto add = dyn_cast<AddOp>(marked))
    marked = add.getLhs().getDefiningOp();
  auto dq = dyn_cast_or_null<DequantizeLinearOp>(marked);
  return dq && dq.getInput().getDefiningOp<RequantizeOp>();
}

LogicalResult mlc::quantizeModule(ModuleOp module,
                                  const QuantizeOptions &options,
                                  CompileToLibraryFn compile) {
  if (options.mode == QuantizeMode::None)
    return success();
  MLIRContext *context = module.getContext();
  Location loc = module.getLoc();
  bool isStatic = options.mode == QuantizeMode::Int8;
  bool calibrate = isStatic && !options.calibrationData.empty();
  if (isStatic && options.calibrationData.empty() &&
      options.calibrationFile.empty())
    return emitError(loc) << "--quantize=int8 needs --calibration-data=DIR "
                             "or a --calibration-file=FILE to read";
  if (!options.reportPath.empty() && options.calibrationData.empty())
    return emitError(loc) << "--quant-report needs --calibration-data=DIR "
                             "(the inputs it measures the error on)";
  if (options.method == CalibrationMethod::Percentile &&
      !(options.percentile > 50 && options.percentile <= 100))
    return emitError(loc) << "--calibration-percentile must be in (50, 100]";

  FailureOr<func::FuncOp> func = getEntryFunction(module);
  if (failed(func))
    return failure();
  std::vector<Sample> samples;
  if (!options.calibrationData.empty()) {
    FailureOr<std::vector<Sample>> loaded =
        loadCalibrationSamples(context, options.calibrationData, *func);
    if (failed(loaded))
      return failure();
    samples = std::move(*loaded);
  }
  std::optional<CalibrationTable> fileTable;
  if (isStatic && !calibrate) {
    FailureOr<CalibrationTable> table =
        readCalibrationFile(context, options.calibrationFile);
    if (failed(table))
      return failure();
    fileTable = std::move(*table);
  }

  // The layers, minus those kept in float.
  QuantReport report;
  report.mode = isStatic ? "int8" : "int8-dynamic";
  if (isStatic)
    report.method = calibrate ? getCalibrationMethodName(options.method).str()
                              : fileTable->method;
  report.samples = static_cast<int64_t>(samples.size());
  SmallVector<Layer> layers;
  llvm::StringSet<> layerNames, keep;
  for (const std::string &name : options.keepFloat)
    keep.insert(name);
  for (Layer &layer : findLayers(*func)) {
    layerNames.insert(layer.name);
    if (keep.contains(layer.name))
      report.keptFloat.push_back(layer.name);
    else
      layers.push_back(layer);
  }
  for (const std::string &name : options.keepFloat)
    if (!layerNames.contains(name))
      return emitError(loc) << "--keep-float: no quantizable layer (Conv, "
                               "MatMul or Gemm with constant weights) is "
                               "named '"
                            << name << "'";
  if (layers.empty()) {
    emitWarning(loc) << "--quantize: no layer to quantize";
    return success();
  }
  report.floatConstantBytes = getConstantBytes(module);
  SmallVector<std::string> opNames;
  for (Layer &layer : layers) {
    opNames.push_back(layer.op->getName().stripDialect().str());
    prepareLayer(layer);
  }

  // What the float model must show: the ranges to calibrate, the layer
  // outputs to report.
  ValueList ranged, observed;
  if (isStatic)
    for (const Layer &layer : layers) {
      ranged.values.insert(layer.input);
      ranged.values.insert(layer.output);
    }
  if (calibrate)
    for (Value v : ranged.values)
      if (!isa<BlockArgument>(v))
        observed.values.insert(v);
  if (!options.reportPath.empty())
    for (const Layer &layer : layers)
      observed.values.insert(layer.reportValue);
  // Indices now: rewriting the layers erases some of these values.
  SmallVector<size_t> floatReportIndices;
  if (!options.reportPath.empty())
    for (const Layer &layer : layers)
      floatReportIndices.push_back(observed.indexOf(layer.reportValue));

  TempDir temp;
  std::unique_ptr<ObservedModel> floatModel;
  if (calibrate || !options.reportPath.empty()) {
    if (std::error_code ec =
            llvm::sys::fs::createUniqueDirectory("mlc-quant", temp.path))
      return emitError(loc)
             << "cannot create a temporary directory: " << ec.message();
    FailureOr<std::unique_ptr<ObservedModel>> model =
        ObservedModel::create(module, observed.values.getArrayRef(), compile,
                              temp.file("float.so"), options.numThreads);
    if (failed(model))
      return failure();
    floatModel = std::move(*model);
  }

  // Activation ranges.
  ValueNamer namer(*func);
  DenseMap<Value, TensorRange> ranges;
  if (calibrate) {
    std::vector<RangeObserver> observers(ranged.values.size());
    for (const Sample &sample : samples) {
      if (failed(floatModel->run(sample, loc)))
        return failure();
      for (auto [i, v] : llvm::enumerate(ranged.values))
        observers[i].observeMinMax(getValues(v, sample, *floatModel, observed));
    }
    if (options.method != CalibrationMethod::MinMax) {
      for (RangeObserver &observer : observers)
        observer.startHistogram();
      for (const Sample &sample : samples) {
        if (failed(floatModel->run(sample, loc)))
          return failure();
        for (auto [i, v] : llvm::enumerate(ranged.values))
          observers[i].observeHistogram(
              getValues(v, sample, *floatModel, observed));
      }
    }
    CalibrationTable table;
    table.method = getCalibrationMethodName(options.method).str();
    table.percentile = options.percentile;
    table.samples = static_cast<int64_t>(samples.size());
    for (auto [i, v] : llvm::enumerate(ranged.values)) {
      ranges[v] = observers[i].getRange(options.method, options.percentile);
      table.tensors.push_back({namer.getName(v).str(), ranges[v]});
    }
    if (!options.calibrationFile.empty() &&
        failed(writeCalibrationFile(context, options.calibrationFile, table)))
      return failure();
  } else if (isStatic) {
    llvm::StringMap<TensorRange> byName;
    for (const auto &[name, range] : fileTable->tensors)
      byName[name] = range;
    for (Value v : ranged.values) {
      StringRef name = namer.getName(v);
      auto it = byName.find(name);
      if (it == byName.end())
        return emitError(
                   FileLineColLoc::get(context, options.calibrationFile, 1, 1))
               << "calibration file: no range for tensor '" << name
               << "' (was the file made for another model?)";
      ranges[v] = it->second;
    }
  }

  // Rewrite the layers.
  SmallVector<Operation *> reportOps;
  if (isStatic) {
    DenseMap<Value, Operation *> dequantized;
    for (Value v : ranged.values)
      dequantized[v] = insertActivationQDQ(v, ranges[v]);
    for (const Layer &layer : layers) {
      quantizeLayerWeights(layer);
      reportOps.push_back(layer.reportValue == layer.output
                              ? dequantized[layer.output]
                              : layer.reportValue.getDefiningOp());
    }
  } else {
    for (Layer &layer : layers)
      reportOps.push_back(insertDynamicQuantization(layer));
  }
  for (const Layer &layer : layers) {
    ReportEntry entry;
    entry.name = layer.name;
    report.layers.push_back(entry);
  }
  // The report's copy of the module returns every layer's output, so the
  // DQs that mlc-lower-quant would leave dead survive; lowered there, it
  // also tells which layers became integer arithmetic.
  std::unique_ptr<ObservedModel> quantModel;
  if (!options.reportPath.empty()) {
    for (auto [layer, op] : llvm::zip(layers, reportOps))
      op->setAttr(kReportAttrName, StringAttr::get(context, layer.name));
    SmallVector<Value> reportValues;
    for (Operation *op : reportOps)
      reportValues.push_back(op->getResult(0));
    auto lower = [&](ModuleOp copy) -> LogicalResult {
      PassManager pm(context);
      if (options.lowerQuant)
        pm.addPass(createLowerQuant());
      pm.addPass(createCanonicalizerPass());
      if (failed(pm.run(copy)))
        return failure();
      llvm::StringMap<Operation *> marked;
      copy.walk([&](Operation *op) {
        if (auto name = op->getAttrOfType<StringAttr>(kReportAttrName))
          marked[name.getValue()] = op;
      });
      for (ReportEntry &entry : report.layers) {
        Operation *op = marked.lookup(entry.name);
        entry.integer = op && (!isStatic || isLowered(op));
      }
      return success();
    };
    FailureOr<std::unique_ptr<ObservedModel>> model = ObservedModel::create(
        module, reportValues, compile, temp.file("quantized.so"),
        options.numThreads, lower);
    if (failed(model))
      return failure();
    quantModel = std::move(*model);
    for (Operation *op : reportOps)
      op->removeAttr(kReportAttrName);
  }

  PassManager pm(context);
  if (options.lowerQuant)
    pm.addPass(createLowerQuant());
  pm.addPass(createCanonicalizerPass());
  if (failed(pm.run(module)))
    return failure();
  report.quantizedConstantBytes = getConstantBytes(module);
  for (auto [entry, opName] : llvm::zip(report.layers, opNames))
    entry.op = opName;
  if (options.reportPath.empty())
    return success();

  size_t numOutputs = floatModel->getNumModelOutputs();
  for (size_t o = 0; o < numOutputs; ++o) {
    ReportEntry entry;
    auto name = (*func).getResultAttrOfType<StringAttr>(o, "mlc.name");
    entry.name = name ? name.str() : "output_" + std::to_string(o);
    report.outputs.push_back(entry);
  }
  for (const Sample &sample : samples) {
    if (failed(floatModel->run(sample, loc)) ||
        failed(quantModel->run(sample, loc)))
      return failure();
    for (auto [i, index] : llvm::enumerate(floatReportIndices))
      report.layers[i].error.add(floatModel->getObserved(index),
                                 quantModel->getObserved(i));
    for (size_t o = 0; o < numOutputs; ++o)
      if (floatModel->isModelOutputF32(o))
        report.outputs[o].error.add(floatModel->getModelOutput(o),
                                    quantModel->getModelOutput(o));
  }
  return writeQuantReport(context, options.reportPath, report);
}
