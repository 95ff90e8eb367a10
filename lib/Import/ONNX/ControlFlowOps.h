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

/// True when MLC has an importer for `node` at this model's opsets (its
/// domain is the default one and its op type has an importer there).
bool hasOpImporter(const ImporterContext &ic, const onnx::NodeProto &node);

} // namespace mlc::onnx_import

#endif // MLC_LIB_IMPORT_ONNX_CONTROLFLOWOPS_H
