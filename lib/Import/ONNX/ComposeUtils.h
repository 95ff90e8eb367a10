//===- ComposeUtils.h - Small builders for composed importers ---*- C++ -*-===//
//
// Constants and shorthands used by the importers that express an ONNX
// operator as a composition of mlc ops (SignalOps.cpp, RecurrentOps.cpp,
// SelectionOps.cpp, ...). Operands built here are already shape-checked, so
// the inferring builders cannot fail.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_IMPORT_ONNX_COMPOSEUTILS_H
#define MLC_LIB_IMPORT_ONNX_COMPOSEUTILS_H

#include "TensorImportUtils.h"

namespace mlc::onnx_import {

/// A constant of `shape` and `elementType` (float or integer) from doubles.
inline mlir::Value createConstant(mlir::OpBuilder &b, mlir::Location loc,
                                  llvm::ArrayRef<int64_t> shape,
                                  mlir::Type elementType,
                                  llvm::ArrayRef<double> values) {
  auto type = mlir::RankedTensorType::get(shape, elementType);
  llvm::SmallVector<mlir::Attribute> elements;
  elements.reserve(values.size());
  for (double v : values)
    elements.push_back(llvm::isa<mlir::FloatType>(elementType)
                           ? mlir::Attribute(b.getFloatAttr(elementType, v))
                           : mlir::Attribute(b.getIntegerAttr(
                                 elementType, static_cast<int64_t>(v))));
  return ConstantOp::create(b, loc,
                            mlir::DenseElementsAttr::get(type, elements));
}

/// A rank-0 constant.
inline mlir::Value createScalarConst(mlir::OpBuilder &b, mlir::Location loc,
                                     mlir::Type elementType, double value) {
  return createConstant(b, loc, {}, elementType, {value});
}

/// [0, 1, .., n - 1] of `elementType`, shaped `shape` (one dim of size n).
inline mlir::Value createIota(mlir::OpBuilder &b, mlir::Location loc,
                              llvm::ArrayRef<int64_t> shape,
                              mlir::Type elementType) {
  llvm::SmallVector<double> values;
  int64_t n = mlir::ShapedType::getNumElements(shape);
  for (int64_t i = 0; i < n; ++i)
    values.push_back(static_cast<double>(i));
  return createConstant(b, loc, shape, elementType, values);
}

/// mlc.slice of `input` along one axis: [offset, offset + size * stride);
/// mlc.dynamic_slice with constant bounds when other dimensions of `input`
/// are dynamic.
inline mlir::Value sliceAxis(ImporterContext &ic, mlir::Location loc,
                             mlir::Value input, int64_t axis, int64_t offset,
                             int64_t size, int64_t stride = 1) {
  auto type = getRankedType(input);
  int64_t rank = type.getRank();
  llvm::SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()),
      strides(rank, 1);
  offsets[axis] = offset;
  sizes[axis] = size;
  strides[axis] = stride;
  mlir::OpBuilder &b = ic.builder;
  if (!type.hasStaticShape()) {
    mlir::Type i64 = b.getI64Type();
    int64_t end = size == 0 ? offset : offset + (size - 1) * stride + 1;
    return DynamicSliceOp::create(
        b, loc, mlir::RankedTensorType::get(sizes, type.getElementType()),
        input, createConstant(b, loc, {1}, i64, {double(offset)}),
        createConstant(b, loc, {1}, i64, {double(end)}),
        createConstant(b, loc, {1}, i64, {double(axis)}),
        createConstant(b, loc, {1}, i64, {double(stride)}));
  }
  return SliceOp::create(b, loc, input, b.getDenseI64ArrayAttr(offsets),
                         b.getDenseI64ArrayAttr(sizes),
                         b.getDenseI64ArrayAttr(strides));
}

} // namespace mlc::onnx_import

#endif // MLC_LIB_IMPORT_ONNX_COMPOSEUTILS_H
