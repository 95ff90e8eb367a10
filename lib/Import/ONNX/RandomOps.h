//===- RandomOps.h - ONNX random op importers -------------------*- C++ -*-===//
//
// The importers of RandomOps.cpp, and the training-mode Dropout that
// TensorOps.cpp's Dropout importer builds with them.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_IMPORT_ONNX_RANDOMOPS_H
#define MLC_LIB_IMPORT_ONNX_RANDOMOPS_H

#include "ImporterContext.h"

namespace mlc::onnx_import {

void registerRandomOpImporters(OpImporterTable &table);

/// Dropout in training mode: the output and mask of dropping each element
/// of `x` with probability `ratio` (a float scalar, 0.5 when null) and
/// scaling the rest by 1 / (1 - ratio). With a `training` flag (a bool
/// scalar known only at run time) both are those of inference (x, all
/// true) where it is false. `seed` may be null.
mlir::FailureOr<std::pair<mlir::Value, mlir::Value>>
buildTrainingDropout(ImporterContext &ic, mlir::Location loc, mlir::Value x,
                     mlir::Value ratio, mlir::Value training,
                     mlir::IntegerAttr seed);

} // namespace mlc::onnx_import

#endif // MLC_LIB_IMPORT_ONNX_RANDOMOPS_H
