//===- QuantReport.cpp - Error of the quantized model per layer -----------===//
//
// --quant-report=FILE: a JSON file listing, per quantized layer (by ONNX
// node name), the maximum absolute error and the cosine similarity of the
// layer's output in the quantized model against the float model on the
// calibration samples (errors of earlier layers included, as deployed), the
// same for the model outputs, the layers kept in float, and the bytes the
// model's constants take in the FP32 and the quantized artifact.
//
//===----------------------------------------------------------------------===//

#include "QuantReport.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cmath>

using namespace mlir;
using namespace mlc;
using namespace mlc::quant;

void ErrorStats::add(ArrayRef<float> reference, ArrayRef<float> quantized) {
  for (size_t i = 0; i < reference.size() && i < quantized.size(); ++i) {
    double r = reference[i], q = quantized[i];
    maxAbs = std::max(maxAbs, std::abs(r - q));
    dot += r * q;
    referenceNorm2 += r * r;
    quantizedNorm2 += q * q;
  }
  elements += static_cast<int64_t>(reference.size());
}

double ErrorStats::getCosine() const {
  if (referenceNorm2 == 0 && quantizedNorm2 == 0)
    return 1.0;
  if (referenceNorm2 == 0 || quantizedNorm2 == 0)
    return 0.0;
  return dot / std::sqrt(referenceNorm2 * quantizedNorm2);
}

static void writeEntry(llvm::json::OStream &json, const ReportEntry &entry,
                       bool isLayer) {
  json.object([&] {
    json.attribute("name", entry.name);
    if (isLayer) {
      json.attribute("op", entry.op);
      json.attribute("integer", entry.integer);
    }
    json.attribute("max_abs_error", entry.error.maxAbs);
    json.attribute("cosine", entry.error.getCosine());
  });
}

LogicalResult quant::writeQuantReport(MLIRContext *context, StringRef path,
                                      const QuantReport &report) {
  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file)
    return emitError(FileLineColLoc::get(context, path, 0, 0))
           << "cannot write the quantization report: " << error;
  llvm::json::OStream json(file->os(), 2);
  json.object([&] {
    json.attribute("mode", report.mode);
    if (!report.method.empty())
      json.attribute("calibration_method", report.method);
    json.attribute("samples", report.samples);
    json.attributeArray("layers", [&] {
      for (const ReportEntry &entry : report.layers)
        writeEntry(json, entry, true);
    });
    json.attributeArray("outputs", [&] {
      for (const ReportEntry &entry : report.outputs)
        writeEntry(json, entry, false);
    });
    json.attributeArray("kept_float", [&] {
      for (const std::string &name : report.keptFloat)
        json.value(name);
    });
    json.attributeObject("size", [&] {
      json.attribute("measure", "stored constant bytes");
      json.attribute("fp32_bytes", report.floatConstantBytes);
      json.attribute("quantized_bytes", report.quantizedConstantBytes);
      json.attribute("ratio", report.floatConstantBytes
                                  ? double(report.quantizedConstantBytes) /
                                        report.floatConstantBytes
                                  : 1.0);
    });
  });
  file->os() << "\n";
  file->keep();
  return success();
}
