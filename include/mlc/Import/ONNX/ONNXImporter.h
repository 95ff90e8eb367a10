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

namespace mlc {

/// Imports the serialized ModelProto in `buffer`; `sourceName` (the file
/// name) is used in locations.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXModel(mlir::MLIRContext *context, llvm::StringRef buffer,
                llvm::StringRef sourceName);

/// Reads and imports the model file at `path`.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXFile(mlir::MLIRContext *context, llvm::StringRef path);

/// Registers the `--import-onnx` translation of mlc-translate.
void registerONNXImportTranslation();

} // namespace mlc

#endif // MLC_IMPORT_ONNX_ONNXIMPORTER_H
