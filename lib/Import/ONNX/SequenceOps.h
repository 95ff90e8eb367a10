//===- SequenceOps.h - ONNX sequence and optional importers -----*- C++ -*-===//
//
// The importers of SequenceOps.cpp, and the test the node importer uses to
// keep sequence and optional values away from tensor ops.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_IMPORT_ONNX_SEQUENCEOPS_H
#define MLC_LIB_IMPORT_ONNX_SEQUENCEOPS_H

#include "ImporterContext.h"

namespace mlc::onnx_import {

void registerSequenceOpImporters(OpImporterTable &table);

/// True for a value that stands for an ONNX sequence or optional at import
/// (SequenceOps.cpp); only the sequence/optional importers and Identity
/// take one.
bool isSequenceOrOptional(mlir::Value value);

/// True for the ops that take or make sequence/optional values.
bool isSequenceOrOptionalOp(llvm::StringRef opType);

/// The elements of a sequence whose length is known at import, or nullopt.
std::optional<llvm::SmallVector<mlir::Value>>
getStaticSequence(mlir::Value value);

/// A sequence of `elements`, known at import.
mlir::Value createSequence(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::ValueRange elements);

/// A sequence of `initial` (known at import) followed by the rows of
/// `rows` (a tensor whose leading dimension, often known only at run time,
/// counts them): what a Loop that appends one element per iteration leaves.
mlir::Value createRowsSequence(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::ValueRange initial, mlir::Value rows);

/// Erases the import-time sequence/optional placeholders left in `op`.
void eraseSequencePlaceholders(mlir::Operation *op);

} // namespace mlc::onnx_import

#endif // MLC_LIB_IMPORT_ONNX_SEQUENCEOPS_H
