//===- CalibrationFile.cpp - Writing and reading calibration results ------===//
//
// A JSON file that a build pipeline keeps so that it calibrates once and
// compiles many times:
//   {"format": "mlc-calibration", "version": 1, "method": "minmax",
//    "samples": 32, "activation_type": "uint8",
//    "tensors": [{"name": "input", "min": -2.1, "max": 2.5,
//                 "scale": 0.0180, "zero_point": 117}, ...]}
// `scale` and `zero_point` are what the quantizer uses; min / max are the
// range they were computed from.
//
//===----------------------------------------------------------------------===//

#include "mlc/Quantization/Calibration.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace mlc;
using namespace mlc::quant;

static constexpr llvm::StringLiteral kFormat = "mlc-calibration";

LogicalResult quant::writeCalibrationFile(MLIRContext *context, StringRef path,
                                          const CalibrationTable &table) {
  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file)
    return emitError(FileLineColLoc::get(context, path, 0, 0))
           << "cannot write the calibration file: " << error;
  llvm::json::OStream json(file->os(), 2);
  json.object([&] {
    json.attribute("format", kFormat);
    json.attribute("version", 1);
    json.attribute("method", table.method);
    if (table.method == "percentile")
      json.attribute("percentile", table.percentile);
    json.attribute("samples", table.samples);
    json.attribute("activation_type", "uint8");
    json.attributeArray("tensors", [&] {
      for (const auto &entry : table.tensors)
        json.object([&] {
          // Not a structured binding: capturing one is C++20.
          const auto &range = entry.second;
          json.attribute("name", entry.first);
          json.attribute("min", range.min);
          json.attribute("max", range.max);
          json.attribute("scale", range.scale);
          json.attribute("zero_point", range.zeroPoint);
        });
    });
  });
  file->os() << "\n";
  file->keep();
  return success();
}

namespace {
/// Emits errors located at a line of the calibration file.
struct FileErrors {
  MLIRContext *context;
  StringRef path;
  StringRef text;

  /// The line holding `needle` (1 when absent).
  unsigned lineOf(StringRef needle) const {
    size_t at = needle.empty() ? StringRef::npos : text.find(needle);
    if (at == StringRef::npos)
      return 1;
    return 1 + text.take_front(at).count('\n');
  }
  InFlightDiagnostic at(unsigned line, unsigned column = 1) const {
    return emitError(FileLineColLoc::get(context, path, line, column))
           << "calibration file: ";
  }
};
} // namespace

FailureOr<CalibrationTable> quant::readCalibrationFile(MLIRContext *context,
                                                       StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return emitError(FileLineColLoc::get(context, path, 0, 0))
           << "cannot read the calibration file: "
           << buffer.getError().message();
  StringRef text = (*buffer)->getBuffer();
  FileErrors errors{context, path, text};
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed) {
    // ParseError prints "[line:column, byte=N]: message".
    std::string message = llvm::toString(parsed.takeError());
    unsigned line = 1, column = 1;
    std::sscanf(message.c_str(), "[%u:%u", &line, &column);
    StringRef reason = StringRef(message).split("]: ").second;
    return errors.at(line, column) << "invalid JSON: " << reason;
  }
  const llvm::json::Object *root = parsed->getAsObject();
  if (!root || root->getString("format") != kFormat)
    return errors.at(1) << "not an MLC calibration file (no \"format\": \""
                        << kFormat << "\")";
  if (root->getInteger("version") != 1)
    return errors.at(errors.lineOf("\"version\""))
           << "unsupported version (expected 1)";
  if (std::optional<StringRef> type = root->getString("activation_type");
      type && *type != "uint8")
    return errors.at(errors.lineOf("\"activation_type\""))
           << "activation_type '" << *type << "' (only uint8 is supported)";
  CalibrationTable table;
  table.method = root->getString("method").value_or("").str();
  table.percentile = root->getNumber("percentile").value_or(0);
  table.samples = root->getInteger("samples").value_or(0);
  const llvm::json::Array *tensors = root->getArray("tensors");
  if (!tensors)
    return errors.at(1) << "no \"tensors\" array";
  for (const llvm::json::Value &entry : *tensors) {
    const llvm::json::Object *tensor = entry.getAsObject();
    std::optional<StringRef> name =
        tensor ? tensor->getString("name") : std::nullopt;
    if (!name)
      return errors.at(errors.lineOf("\"tensors\""))
             << "a tensor entry without a \"name\"";
    unsigned line = errors.lineOf(("\"" + *name + "\"").str());
    TensorRange range;
    std::optional<double> min = tensor->getNumber("min");
    std::optional<double> max = tensor->getNumber("max");
    std::optional<double> scale = tensor->getNumber("scale");
    std::optional<int64_t> zeroPoint = tensor->getInteger("zero_point");
    if (!min || !max || !scale || !zeroPoint)
      return errors.at(line) << "tensor '" << *name
                             << "' needs numbers min, max, scale and an "
                                "integer zero_point";
    if (!(*scale > 0) || !std::isfinite(*scale))
      return errors.at(line) << "tensor '" << *name << "' has scale " << *scale
                             << " (must be positive and finite)";
    if (*zeroPoint < 0 || *zeroPoint > 255)
      return errors.at(line) << "tensor '" << *name << "' has zero_point "
                             << *zeroPoint << " (uint8: 0 to 255)";
    range.min = *min;
    range.max = *max;
    range.scale = *scale;
    range.zeroPoint = *zeroPoint;
    table.tensors.push_back({name->str(), range});
  }
  return table;
}
