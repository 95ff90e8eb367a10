//===- TensorImportUtils.h - Helpers of the tensor-op importers -*- C++ -*-===//
//
// Reading ONNX operands that moved from attributes to inputs across opsets,
// normalizing axes, and building reshapes, shared by ShapeOps.cpp,
// IndexingOps.cpp, ReductionOps.cpp and NormalizationOps.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_IMPORT_ONNX_TENSORIMPORTUTILS_H
#define MLC_LIB_IMPORT_ONNX_TENSORIMPORTUTILS_H

#include "ImporterContext.h"

namespace mlc::onnx_import {

inline mlir::RankedTensorType getRankedType(mlir::Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType());
}

/// Integer list that is attribute `name` before opset `inputSince` and
/// input `inputIndex` from then on. std::nullopt when absent either way.
mlir::FailureOr<std::optional<llvm::SmallVector<int64_t>>>
getIntsAttrOrInput(ImporterContext &ic, const onnx::NodeProto &node,
                   llvm::StringRef name, int inputIndex, int64_t inputSince,
                   mlir::Location loc);

/// Constant contents of an input produced by mlc.constant, as doubles
/// (integer or float elements).
mlir::FailureOr<llvm::SmallVector<double>>
getConstantValues(mlir::Value value, mlir::Location loc, llvm::StringRef what);

/// Normalizes every axis into [0, rank); errors on out-of-range or repeated
/// axes, naming `node`'s op type.
mlir::FailureOr<llvm::SmallVector<int64_t>>
normalizeAxes(const onnx::NodeProto &node, llvm::ArrayRef<int64_t> axes,
              int64_t rank, mlir::Location loc);

/// Requires a statically shaped input; the importer resolves shapes.
mlir::LogicalResult requireStaticShape(const onnx::NodeProto &node,
                                       mlir::Value value, mlir::Location loc);

/// mlc.reshape of `input` to `shape`, or `input` when the shape is unchanged.
mlir::Value createReshape(ImporterContext &ic, mlir::Location loc,
                          mlir::Value input, llvm::ArrayRef<int64_t> shape);

/// mlc.transpose of `input` by `perm`.
mlir::Value createTranspose(ImporterContext &ic, mlir::Location loc,
                            mlir::Value input, llvm::ArrayRef<int64_t> perm);

/// ONNX ops whose pre-13 form flattens the input to 2-D at `axis` (Softmax
/// family): reshapes to [outer, inner], applies `build` over axis 1 and
/// reshapes back. `build` takes the (possibly reshaped) input and the axis.
mlir::FailureOr<mlir::Value>
applyOnCoercedAxis(ImporterContext &ic, const onnx::NodeProto &node,
                   mlir::Location loc, mlir::Value input, int64_t axis,
                   bool flattenLegacy,
                   llvm::function_ref<mlir::Value(mlir::Value, int64_t)> build);

void registerShapeOpImporters(OpImporterTable &table);
void registerIndexingOpImporters(OpImporterTable &table);
void registerReductionOpImporters(OpImporterTable &table);
void registerNormalizationOpImporters(OpImporterTable &table);
void registerResizeOpImporters(OpImporterTable &table);
void registerConvTransposeImporters(OpImporterTable &table);
void registerComposedNNOpImporters(OpImporterTable &table);
void registerQuantOpImporters(OpImporterTable &table);

/// An mlc.conv2d of `input` and `filter` (float, or i32 for the integer
/// convolutions) with the window attributes of the Conv-like `node`.
mlir::FailureOr<mlir::Value> buildConv2D(ImporterContext &ic,
                                         const onnx::NodeProto &node,
                                         mlir::Location loc, mlir::Value input,
                                         mlir::Value filter, mlir::Value bias);

} // namespace mlc::onnx_import

#endif // MLC_LIB_IMPORT_ONNX_TENSORIMPORTUTILS_H
