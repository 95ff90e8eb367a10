//===- ObservedModel.cpp - Running a model and reading inner values -------===//

#include "ObservedModel.h"

#include "Layers.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/Support/FileSystem.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::quant;

/// A copy of `module` whose @main returns `values` after its own results.
static OwningOpRef<ModuleOp> buildObservedModule(ModuleOp module,
                                                 ArrayRef<Value> values) {
  IRMapping mapping;
  OwningOpRef<ModuleOp> copy = cast<ModuleOp>(module->clone(mapping));
  auto func = copy->lookupSymbol<func::FuncOp>("main");
  Operation *terminator = func.getBody().front().getTerminator();
  SmallVector<Value> results(terminator->getOperands());
  SmallVector<DictionaryAttr> resultAttrs;
  func.getAllResultAttrs(resultAttrs);
  resultAttrs.resize(results.size());
  MLIRContext *context = module.getContext();
  for (auto [i, value] : llvm::enumerate(values)) {
    results.push_back(mapping.lookup(value));
    NamedAttribute name(
        StringAttr::get(context, "mlc.name"),
        StringAttr::get(context, "mlc_observe_" + std::to_string(i)));
    resultAttrs.push_back(DictionaryAttr::get(context, {name}));
  }
  terminator->setOperands(results);
  SmallVector<Type> resultTypes;
  for (Value v : results)
    resultTypes.push_back(v.getType());
  func.setType(
      FunctionType::get(context, func.getArgumentTypes(), resultTypes));
  func.setAllResultAttrs(resultAttrs);
  return copy;
}

FailureOr<std::unique_ptr<ObservedModel>>
ObservedModel::create(ModuleOp module, ArrayRef<Value> values,
                      CompileToLibraryFn compile, StringRef libraryPath,
                      int numThreads,
                      function_ref<LogicalResult(ModuleOp)> prepare) {
  Location loc = module.getLoc();
  size_t numModelOutputs =
      (*getEntryFunction(module)).getFunctionType().getNumResults();
  OwningOpRef<ModuleOp> observed = buildObservedModule(module, values);
  if (prepare && failed(prepare(*observed)))
    return failure();
  if (failed(compile(*observed, libraryPath)))
    return emitError(loc) << "quantization: cannot compile the model to run "
                             "it on the calibration data";
  llvm::Expected<std::unique_ptr<CompiledModel>> model =
      CompiledModel::load(libraryPath);
  if (!model)
    return emitError(loc) << "quantization: "
                          << llvm::toString(model.takeError());
  llvm::Expected<ModelContext> context = (*model)->createContext(numThreads);
  if (!context)
    return emitError(loc) << "quantization: "
                          << llvm::toString(context.takeError());
  std::unique_ptr<ObservedModel> result(
      new ObservedModel(std::move(*model), std::move(*context)));
  llvm::Expected<std::vector<HostTensor>> outputs =
      result->model->allocateOutputs();
  if (!outputs)
    return emitError(loc) << "quantization: "
                          << llvm::toString(outputs.takeError());
  result->outputs = std::move(*outputs);
  result->numModelOutputs = numModelOutputs;
  uint64_t size = 0;
  if (!llvm::sys::fs::file_size(libraryPath, size))
    result->libraryBytes = static_cast<int64_t>(size);
  return result;
}

LogicalResult ObservedModel::run(const Sample &sample, Location loc) {
  if (llvm::Error err = model->run(context, sample, outputs))
    return emitError(loc) << "quantization: running the model on the "
                             "calibration data failed: "
                          << llvm::toString(std::move(err));
  return success();
}

static ArrayRef<float> asFloats(const HostTensor &tensor) {
  return ArrayRef<float>(reinterpret_cast<const float *>(tensor.data.data()),
                         tensor.numElements());
}

ArrayRef<float> ObservedModel::getModelOutput(size_t i) const {
  return asFloats(outputs[i]);
}

bool ObservedModel::isModelOutputF32(size_t i) const {
  return outputs[i].dtype == MLC_DTYPE_F32;
}

ArrayRef<float> ObservedModel::getObserved(size_t i) const {
  return asFloats(outputs[numModelOutputs + i]);
}
