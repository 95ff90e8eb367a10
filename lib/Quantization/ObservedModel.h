//===- ObservedModel.h - Running a model and reading inner values -*- C++
//-*-===//
//
// Calibration and the report need inner activations of the float and the
// quantized model. The quantizer compiles a copy of the module whose @main
// also returns those values, loads it through the mlc_runtime.h ABI and runs
// it on the calibration samples.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_QUANTIZATION_OBSERVEDMODEL_H
#define MLC_LIB_QUANTIZATION_OBSERVEDMODEL_H

#include "mlc/Quantization/Calibration.h"

#include "mlc/Runtime/CompiledModel.h"

namespace mlc::quant {

class ObservedModel {
public:
  /// Compiles a copy of `module` that also returns `values` (f32 results of
  /// ops in `module`) to `libraryPath` and loads it. `prepare`, when given,
  /// runs on the copy first (the returned values stay alive through it).
  static mlir::FailureOr<std::unique_ptr<ObservedModel>>
  create(mlir::ModuleOp module, llvm::ArrayRef<mlir::Value> values,
         CompileToLibraryFn compile, llvm::StringRef libraryPath,
         int numThreads,
         llvm::function_ref<mlir::LogicalResult(mlir::ModuleOp)> prepare =
             nullptr);

  /// Runs the model on `sample`; errors are located at `loc`.
  mlir::LogicalResult run(const Sample &sample, mlir::Location loc);

  size_t getNumModelOutputs() const { return numModelOutputs; }
  /// Output `i` of the model itself after the last run.
  llvm::ArrayRef<float> getModelOutput(size_t i) const;
  bool isModelOutputF32(size_t i) const;
  /// Value `i` of the observed values after the last run.
  llvm::ArrayRef<float> getObserved(size_t i) const;
  int64_t getLibraryBytes() const { return libraryBytes; }

private:
  ObservedModel(std::unique_ptr<CompiledModel> model, ModelContext context)
      : model(std::move(model)), context(std::move(context)) {}

  std::unique_ptr<CompiledModel> model;
  ModelContext context;
  std::vector<HostTensor> outputs;
  size_t numModelOutputs = 0;
  int64_t libraryBytes = 0;
};

} // namespace mlc::quant

#endif // MLC_LIB_QUANTIZATION_OBSERVEDMODEL_H
