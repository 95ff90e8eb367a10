//===- GraphValidation.h - Checks of a graph before its import --*- C++ -*-===//
//
// What a graph must satisfy before any of its nodes is imported: every value
// name is defined once, nodes have a bounded number of distinct attributes,
// and the nodes form no cycle. Nodes listed out of dependency order are
// imported in a topological order.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_IMPORT_ONNX_GRAPHVALIDATION_H
#define MLC_LIB_IMPORT_ONNX_GRAPHVALIDATION_H

#include "ImporterContext.h"

namespace mlc::onnx_import {

/// Checks the names and attributes of `graph` and returns the order in which
/// to import its nodes (indices into graph.node(): the file's order when it
/// is topological, else a stable topological order). Errors are located at
/// the offending node, or at `graphLoc`: a name defined twice, an input with
/// no name, too many or repeated attributes, a list attribute past the
/// limits of `ic.options`, a cycle (listing its nodes).
mlir::FailureOr<llvm::SmallVector<int>>
validateGraph(ImporterContext &ic, const onnx::GraphProto &graph,
              mlir::Location graphLoc);

} // namespace mlc::onnx_import

#endif // MLC_LIB_IMPORT_ONNX_GRAPHVALIDATION_H
