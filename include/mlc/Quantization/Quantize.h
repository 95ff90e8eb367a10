//===- Quantize.h - Post-training quantization inside MLC -------*- C++ -*-===//
//
// What `mlc-compile --quantize=int8|int8-dynamic` does to an mlc module
// before the graph passes: calibrate activation ranges by running the float
// model (or read them back from a calibration file), quantize weights per
// output channel, insert quantize / dequantize pairs around conv2d, matmul
// and gemm layers (or run-time quantization for int8-dynamic), lower them to
// integer arithmetic with mlc-lower-quant, and optionally write a report of
// the error per layer.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_QUANTIZATION_QUANTIZE_H
#define MLC_QUANTIZATION_QUANTIZE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>
#include <vector>

namespace mlc {

enum class QuantizeMode {
  None,
  Int8,       ///< static: activation ranges from calibration
  Int8Dynamic ///< activations quantized at run time from their min / max
};

enum class CalibrationMethod { MinMax, Percentile, Entropy };

struct QuantizeOptions {
  QuantizeMode mode = QuantizeMode::None;
  /// Directory of calibration inputs (see docs/Quantization.md).
  std::string calibrationData;
  /// Written after calibrating; read instead of calibrating when
  /// `calibrationData` is empty.
  std::string calibrationFile;
  CalibrationMethod method = CalibrationMethod::MinMax;
  /// For CalibrationMethod::Percentile, in (50, 100].
  double percentile = 99.99;
  /// Where to write the per-layer error report (empty: none).
  std::string reportPath;
  /// ONNX node names of layers that stay in float.
  std::vector<std::string> keepFloat;
  /// Threads of the calibration runs.
  int numThreads = 1;
  /// Run mlc-lower-quant on the quantized layers (false: they stay as
  /// float Q/DQ pairs, fake quantization).
  bool lowerQuant = true;
};

/// Parses "minmax" / "percentile" / "entropy".
mlir::FailureOr<CalibrationMethod> parseCalibrationMethod(llvm::StringRef name);
llvm::StringRef getCalibrationMethodName(CalibrationMethod method);

/// Compiles an mlc module (for the host CPU) to a shared library with the
/// mlc_runtime.h ABI at `path`: how the quantizer runs the float model and
/// the quantized one. The module is the callee's to change.
using CompileToLibraryFn =
    llvm::function_ref<mlir::LogicalResult(mlir::ModuleOp, llvm::StringRef)>;

/// Quantizes the layers of `module` (its function @main) as `options` say.
/// Diagnostics go to the context, located at the option they concern.
mlir::LogicalResult quantizeModule(mlir::ModuleOp module,
                                   const QuantizeOptions &options,
                                   CompileToLibraryFn compile);

/// True when the module holds quantize / dequantize ops (an imported QDQ or
/// QOperator model): mlc-compile then runs mlc-lower-quant.
bool hasQuantizedOps(mlir::ModuleOp module);

} // namespace mlc

#endif // MLC_QUANTIZATION_QUANTIZE_H
