//===- SupportedOps.cpp - mlc.imported_onnx_ops: the importer's registry --===//
//
// The ONNX ops the importer takes and their opset ranges, as Python tuples;
// utils/docs/gen_supported_ops.py writes docs/SupportedOps.md from them.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

#include "mlc/Import/ONNX/ONNXImporter.h"

#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

namespace nb = nanobind;

void mlc::python::populateSupportedOps(nb::module_ &m) {
  m.def(
      "_imported_onnx_ops",
      [] {
        std::vector<std::tuple<std::string, int64_t, int64_t>> ops;
        for (const ImportedONNXOp &op : getImportedONNXOps())
          ops.emplace_back(op.opType, op.sinceVersion, op.untilVersion);
        return ops;
      },
      "The importer's registry: (ONNX op type, first opset, last opset) per "
      "entry, default domain, in registration order.");
}
