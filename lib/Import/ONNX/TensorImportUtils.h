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

/// A reshape of a possibly dynamically shaped `input` to `shape`, where each
/// dynamic entry `shape[i]` takes the run-time size of input dimension
/// `inputDims[i]` (static entries ignore `inputDims`): mlc.reshape when
/// `input` is static, else mlc.dynamic_reshape of a shape vector built from
/// mlc.dim pieces. For reshapes that only add or drop unit dimensions
/// (Squeeze, Unsqueeze) or otherwise keep each dynamic dimension's size.
mlir::Value createReshapeKeepingDims(ImporterContext &ic, mlir::Location loc,
                                     mlir::Value input,
                                     llvm::ArrayRef<int64_t> shape,
                                     llvm::ArrayRef<int64_t> inputDims);

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

/// The statically shaped type the graph declares for output `i` of `node`
/// (graph outputs and value_info), if any. Ops whose result shape depends
/// on runtime operands take their shape from it.
std::optional<mlir::RankedTensorType>
getDeclaredOutputType(ImporterContext &ic, const onnx::NodeProto &node, int i);

/// True when `value` is present and does not fold to a constant at import:
/// an operand whose contents are only known at run time.
bool isRuntimeValue(mlir::Value value);

/// Input `inputIndex` of `node` when, from opset `inputSince`, it is present
/// and only known at run time; a null Value otherwise.
mlir::FailureOr<mlir::Value> getRuntimeInput(ImporterContext &ic,
                                             const onnx::NodeProto &node,
                                             int inputIndex, int64_t inputSince,
                                             mlir::Location loc);

/// Selects at run time among results built for the integer lists a runtime
/// operand may hold. `selector` is a scalar or 1-D integer tensor of known
/// length; `candidates` the lists it may hold (each of that length, compared
/// as sets after adding `wrap` to negative entries, i.e. axes of rank
/// `wrap`); `build` makes the result for one candidate. Every candidate's
/// result must have the same type. The last candidate is the fallback.
mlir::FailureOr<mlir::Value> selectOnRuntimeInts(
    ImporterContext &ic, mlir::Location loc, mlir::Value selector,
    llvm::ArrayRef<llvm::SmallVector<int64_t>> candidates, int64_t wrap,
    llvm::function_ref<mlir::FailureOr<mlir::Value>(llvm::ArrayRef<int64_t>)>
        build);

/// The entries of a 1-D integer tensor built by Shape of a dynamically
/// shaped tensor (a concat of 1-element pieces: constants for static
/// dimensions, mlc.dim for dynamic ones), one 1-element tensor each, so that
/// Gather and Reshape can use the ones known at compile time. std::nullopt
/// for any other value.
std::optional<llvm::SmallVector<mlir::Value>> getShapePieces(mlir::Value v);

/// The entries of a 1-D integer tensor of static length that fold at
/// import (all of a constant; the static pieces of getShapePieces), one
/// std::nullopt per entry known only at run time.
llvm::SmallVector<std::optional<int64_t>> getKnownEntries(mlir::Value v);

/// A 1-D integer tensor of static length as i64 (mlc.cast when needed), for
/// the shape operands of the mlc.dynamic_* ops; failure naming `what`.
mlir::FailureOr<mlir::Value> getI64Vector(ImporterContext &ic,
                                          mlir::Location loc, mlir::Value v,
                                          llvm::StringRef what);

void registerShapeOpImporters(OpImporterTable &table);
void registerSliceAndPadOpImporters(OpImporterTable &table);
void registerIndexingOpImporters(OpImporterTable &table);
void registerReductionOpImporters(OpImporterTable &table);
void registerNormalizationOpImporters(OpImporterTable &table);
void registerResizeOpImporters(OpImporterTable &table);
void registerConvTransposeImporters(OpImporterTable &table);
void registerComposedNNOpImporters(OpImporterTable &table);
void registerSignalOpImporters(OpImporterTable &table);
void registerRecurrentOpImporters(OpImporterTable &table);
void registerEinsumOpImporters(OpImporterTable &table);
void registerSelectionOpImporters(OpImporterTable &table);
void registerSamplingOpImporters(OpImporterTable &table);
void registerTfIdfOpImporters(OpImporterTable &table);
void registerDetectionOpImporters(OpImporterTable &table);
void registerAttentionOpImporters(OpImporterTable &table);
void registerBitwiseOpImporters(OpImporterTable &table);
void registerRotaryEmbeddingOpImporters(OpImporterTable &table);
void registerCenterCropPadOpImporters(OpImporterTable &table);
void registerAffineGridOpImporters(OpImporterTable &table);
void registerTensorScatterOpImporters(OpImporterTable &table);
void registerQuantOpImporters(OpImporterTable &table);
void registerCol2ImOpImporters(OpImporterTable &table);
void registerLossOpImporters(OpImporterTable &table);

/// A 1-D, 2-D or 3-D convolution of `input` and `filter` (float, or i32 for
/// the integer convolutions) built from mlc.conv2d, with the window
/// attributes of the Conv-like `node`.
mlir::FailureOr<mlir::Value> buildConv(ImporterContext &ic,
                                       const onnx::NodeProto &node,
                                       mlir::Location loc, mlir::Value input,
                                       mlir::Value filter, mlir::Value bias);

} // namespace mlc::onnx_import

#endif // MLC_LIB_IMPORT_ONNX_TENSORIMPORTUTILS_H
