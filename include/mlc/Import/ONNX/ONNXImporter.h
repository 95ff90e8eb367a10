//===- ONNXImporter.h - ONNX model to the mlc dialect -----------*- C++ -*-===//
//
// Imports an ONNX ModelProto into a module with one `func.func @main` of mlc
// ops. Errors (malformed files, unsupported operators or attributes) are
// reported as located diagnostics naming the ONNX node; nothing crashes.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_IMPORT_ONNX_ONNXIMPORTER_H
#define MLC_IMPORT_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>
#include <vector>

namespace mlc {

/// Imports the serialized ModelProto in `buffer`; `sourceName` (the file
/// name) is used in locations.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXModel(mlir::MLIRContext *context, llvm::StringRef buffer,
                llvm::StringRef sourceName);

/// Reads and imports the model file at `path`.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXFile(mlir::MLIRContext *context, llvm::StringRef path);

/// One entry of the importer's registry: a default-domain ONNX op type and
/// the opsets [sinceVersion, untilVersion] that entry imports.
struct ImportedONNXOp {
  std::string opType;
  int64_t sinceVersion;
  int64_t untilVersion;
};

/// Every entry of the importer's registry, in registration order (an op
/// whose semantics changed between opsets has several). docs/SupportedOps.md
/// is generated from it (mlc.imported_onnx_ops()).
std::vector<ImportedONNXOp> getImportedONNXOps();

/// Registers the `--import-onnx` translation of mlc-translate.
void registerONNXImportTranslation();

} // namespace mlc

#endif // MLC_IMPORT_ONNX_ONNXIMPORTER_H
