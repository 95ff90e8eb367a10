//===- ControlFlowOps.h - ONNX If, Loop and Scan importers ------*- C++ -*-===//
//
// The importers of ControlFlowOps.cpp and the graph-body import they share
// with ONNXImporter.cpp (a subgraph is imported like the main graph).
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_IMPORT_ONNX_CONTROLFLOWOPS_H
#define MLC_LIB_IMPORT_ONNX_CONTROLFLOWOPS_H

#include "ImporterContext.h"

namespace mlc::onnx_import {

void registerControlFlowOpImporters(OpImporterTable &table);

/// Imports the declared types, initializers and nodes of `graph` at the
/// builder's insertion point, binding every node output in `ic.values`. The
/// graph's inputs must already be bound. Used for @main and for the
/// subgraphs of If, Loop and Scan.
mlir::LogicalResult importGraphNodes(ImporterContext &ic,
                                     const onnx::GraphProto &graph,
                                     mlir::Location loc);

/// ONNX If (IfOps.cpp), registered with the other control flow importers.
mlir::LogicalResult importIf(ImporterContext &ic, const onnx::NodeProto &node,
                             mlir::Location loc);

// Shared by the If, Loop and Scan importers (ControlFlowOps.cpp).

/// The graph attribute `name` of `node`, or an error.
mlir::FailureOr<const onnx::GraphProto *>
getGraphAttr(const onnx::NodeProto &node, llvm::StringRef name,
             mlir::Location loc);

/// Imports `graph` at the end of `block` (at the builder's insertion point
/// when null) with its inputs bound to `inputs` and returns the values of
/// its outputs (sequences among them only with `allowSequences`). Names the
/// subgraph defines are dropped from the value map afterwards; outer names
/// stay visible inside.
mlir::FailureOr<llvm::SmallVector<mlir::Value>>
importSubgraph(ImporterContext &ic, const onnx::GraphProto &graph,
               mlir::Block *block, mlir::ValueRange inputs, mlir::Location loc,
               bool allowSequences = false);

/// The most static type both `a` and `b` can be cast to, or null when their
/// element types or ranks differ.
mlir::RankedTensorType joinTypes(mlir::RankedTensorType a,
                                 mlir::RankedTensorType b);

/// Same element type, compatible shapes.
bool areCastCompatible(mlir::RankedTensorType a, mlir::RankedTensorType b);

/// Marks every value defined in `op` (results and block arguments, nested)
/// as no longer signed-or-unsigned tracked, before `op` is erased.
void forgetValues(ImporterContext &ic, mlir::Operation *op);

/// A Loop that carries a sequence or optional and whose trip count or
/// condition is known only at run time, unrolled for
/// ic.options.maxLoopIterations iterations (BoundedLoop.cpp).
mlir::LogicalResult
importBoundedLoop(ImporterContext &ic, const onnx::NodeProto &node,
                  const onnx::GraphProto &body, mlir::Value maxTripCount,
                  mlir::Value condition, llvm::ArrayRef<mlir::Value> inits,
                  mlir::Location loc);

/// `value` where the single-element i1 tensor `fail` is false; a run where
/// it is true ends with `message` (an mlc.if of an mlc.runtime_error:
/// MLC_ERROR_MODEL from mlc_run, the message from mlc_last_error).
mlir::Value failRunIf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value fail,
                      mlir::Value value, const llvm::Twine &message);

/// A single-element tensor of element type `elementType`, or an error.
mlir::LogicalResult requireScalar(mlir::Value value, mlir::Type elementType,
                                  llvm::StringRef what, mlir::Location loc);

/// True when MLC has an importer for `node` at this model's opsets (its
/// domain is the default one and its op type has an importer there).
bool hasOpImporter(const ImporterContext &ic, const onnx::NodeProto &node);

} // namespace mlc::onnx_import

#endif // MLC_LIB_IMPORT_ONNX_CONTROLFLOWOPS_H
