//===- Calibration.h - Activation ranges for static quantization -*- C++
//-*-===//
//
// Calibration inputs on disk, the observers that turn the float model's
// activations into ranges (min/max, percentile, entropy), the uint8
// parameters of a range, and the calibration file that stores them.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_QUANTIZATION_CALIBRATION_H
#define MLC_QUANTIZATION_CALIBRATION_H

#include "mlc/Quantization/Quantize.h"
#include "mlc/Runtime/TensorIO.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringMap.h"

#include <vector>

namespace mlc::quant {

/// The range of an activation and its uint8 (asymmetric) parameters.
struct TensorRange {
  double min = 0;
  double max = 0;
  double scale = 1;
  int64_t zeroPoint = 0;
};

/// uint8 parameters covering [min(lo, 0), max(hi, 0)]: scale = range / 255
/// (1 for an empty range), zero point round(-lo / scale) in [0, 255].
TensorRange getUint8Range(double lo, double hi);

/// One set of model inputs, in the order of @main's arguments.
using Sample = std::vector<HostTensor>;

/// Reads the calibration inputs in `dir`, one of:
///  - ONNX test sets (`test_data_set_*/input_<i>.pb`, one sample per set);
///  - one `.npz` file per sample (numpy.savez), an array per input keyed by
///    the input's name, `input_<i>` or `arr_<i>`;
///  - for a single-input model, several `.npy` files: each one sample (or
///    several), in file name order;
///  - one `.npy` file per model input (named after the input, or
///    `input_<i>.npy`, or any name when the model has a single input).
/// An array holds the input's shape or one more leading dimension of
/// samples. Errors are located at `dir`.
mlir::FailureOr<std::vector<Sample>>
loadCalibrationSamples(mlir::MLIRContext *context, llvm::StringRef dir,
                       mlir::func::FuncOp func);

/// Collects the values of one tensor over all samples: min / max in a first
/// pass, then (for percentile and entropy) a histogram in a second pass.
class RangeObserver {
public:
  static constexpr int kBins = 2048;

  void observeMinMax(llvm::ArrayRef<float> values);
  /// Starts the histogram pass over the min / max seen so far.
  void startHistogram();
  void observeHistogram(llvm::ArrayRef<float> values);
  TensorRange getRange(CalibrationMethod method, double percentile) const;

private:
  TensorRange getPercentileRange(double percentile) const;
  TensorRange getEntropyRange() const;

  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  /// Percentile: bins over [min, max]; entropy: bins of |x| over
  /// [0, max(|min|, |max|)].
  std::vector<double> histogram;
  std::vector<double> absHistogram;
};

/// The calibration file: tensor name -> range, with the method used.
struct CalibrationTable {
  std::string method;
  double percentile = 0;
  int64_t samples = 0;
  /// In the order of the model.
  llvm::SmallVector<std::pair<std::string, TensorRange>> tensors;
};

mlir::LogicalResult writeCalibrationFile(mlir::MLIRContext *context,
                                         llvm::StringRef path,
                                         const CalibrationTable &table);

/// Reads a file written by writeCalibrationFile; errors are located in it.
mlir::FailureOr<CalibrationTable>
readCalibrationFile(mlir::MLIRContext *context, llvm::StringRef path);

} // namespace mlc::quant

#endif // MLC_QUANTIZATION_CALIBRATION_H
