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

/// SplitToSequence (SplitToSequence.cpp).
mlir::LogicalResult importSplitToSequence(ImporterContext &ic,
                                          const onnx::NodeProto &node,
                                          mlir::Location loc);

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

/// An optional holding `elements` (none or one value: a tensor or a
/// sequence), its presence known at import.
mlir::Value createOptional(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::ValueRange elements);

/// The value an optional holds (empty when absent), or nullopt when `value`
/// is not an optional.
std::optional<llvm::SmallVector<mlir::Value>>
getOptionalElements(mlir::Value value);

/// An optional whose presence is known only at run time (an If whose
/// branches differ in it): `present` an i1 scalar, `held` the value (a
/// tensor or a sequence known at import) when present, unspecified else.
mlir::Value createRuntimeOptional(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value present, mlir::Value held);

/// The (presence flag, value) of an optional of run-time presence, or
/// nullopt.
std::optional<std::pair<mlir::Value, mlir::Value>>
getRuntimeOptional(mlir::Value value);

/// The elements of the sequence `value` returned as the graph output
/// `name`: one known at import, or one a Loop built whose trip count is
/// known at import (its rows sliced out). Otherwise an error.
mlir::FailureOr<llvm::SmallVector<mlir::Value>>
getBoundarySequence(ImporterContext &ic, mlir::Value value, mlir::Location loc,
                    llvm::StringRef name);

/// A sequence of `initial` (known at import) followed by the rows of
/// `rows` (a tensor whose leading dimension, often known only at run time,
/// counts them): what a Loop that appends one element per iteration leaves.
mlir::Value createRowsSequence(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::ValueRange initial, mlir::Value rows);

/// A sequence of run-time length (a Loop unrolled for at most
/// --max-loop-iterations iterations): `length` an i64 scalar, `slots` the
/// values its first elements take (those from `length` on unspecified).
mlir::Value createBoundedSequence(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value length, mlir::ValueRange slots);

/// The (length, slots) of a sequence of run-time length, or nullopt.
std::optional<std::pair<mlir::Value, llvm::SmallVector<mlir::Value>>>
getBoundedSequence(mlir::Value value);

/// `cond ? x : y` for a bool scalar `cond`: an mlc.where when `x` and `y`
/// have one type, else an mlc.if whose result type joins theirs (their
/// shapes may differ: the result's is known at run time). `what` names the
/// op in the error for types that cannot be joined.
mlir::FailureOr<mlir::Value> selectTensor(ImporterContext &ic,
                                          mlir::Location loc, mlir::Value cond,
                                          mlir::Value x, mlir::Value y,
                                          llvm::StringRef what);

/// Erases the import-time sequence/optional placeholders left in `op`.
void eraseSequencePlaceholders(mlir::Operation *op);

} // namespace mlc::onnx_import

#endif // MLC_LIB_IMPORT_ONNX_SEQUENCEOPS_H
