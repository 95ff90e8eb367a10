//===- QuantReport.h - Error of the quantized model per layer ---*- C++ -*-===//

#ifndef MLC_LIB_QUANTIZATION_QUANTREPORT_H
#define MLC_LIB_QUANTIZATION_QUANTREPORT_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"

#include <string>
#include <vector>

namespace mlc::quant {

/// Error of a quantized tensor against its float reference, accumulated
/// over samples.
struct ErrorStats {
  double maxAbs = 0;
  double dot = 0;
  double referenceNorm2 = 0;
  double quantizedNorm2 = 0;
  int64_t elements = 0;

  void add(llvm::ArrayRef<float> reference, llvm::ArrayRef<float> quantized);
  /// 1 when both are all zeros.
  double getCosine() const;
};

struct ReportEntry {
  std::string name;
  /// conv2d, matmul or gemm.
  std::string op;
  /// Whether mlc-lower-quant made it integer arithmetic (static int8).
  bool integer = false;
  ErrorStats error;
};

struct QuantReport {
  std::string mode;
  std::string method;
  int64_t samples = 0;
  std::vector<ReportEntry> layers;
  std::vector<ReportEntry> outputs;
  std::vector<std::string> keptFloat;
  int64_t floatConstantBytes = 0;
  int64_t quantizedConstantBytes = 0;
};

mlir::LogicalResult writeQuantReport(mlir::MLIRContext *context,
                                     llvm::StringRef path,
                                     const QuantReport &report);

} // namespace mlc::quant

#endif // MLC_LIB_QUANTIZATION_QUANTREPORT_H
