//===- ConvPoolND.h - 1-D, 2-D and 3-D windows from 2-D ops -----*- C++ -*-===//
//
// ONNX Conv, ConvTranspose and the pools work on 1, 2 or 3 spatial axes; the
// mlc dialect has 2-D ops. These builders express the other ranks exactly
// through the 2-D ones (see ConvPoolND.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_IMPORT_ONNX_CONVPOOLND_H
#define MLC_LIB_IMPORT_ONNX_CONVPOOLND_H

#include "ImporterContext.h"

namespace mlc::onnx_import {

/// Convolution of a statically shaped [N, C, d1, ..] input (1 to 3 spatial
/// axes) by an [F, C / group, k1, ..] filter. `pads` holds the begin pads of
/// every spatial axis, then the end pads (ONNX order). `bias` may be null.
mlir::FailureOr<mlir::Value>
createConvND(ImporterContext &ic, mlir::Location loc, mlir::Value input,
             mlir::Value filter, mlir::Value bias,
             llvm::ArrayRef<int64_t> strides, llvm::ArrayRef<int64_t> pads,
             llvm::ArrayRef<int64_t> dilations, int64_t group);

/// Max or average pooling of a statically shaped float [N, C, d1, ..] input
/// with 1 to 3 spatial axes; arguments as for createConvND.
mlir::FailureOr<mlir::Value>
createPoolND(ImporterContext &ic, mlir::Location loc, bool isMax,
             mlir::Value input, llvm::ArrayRef<int64_t> kernel,
             llvm::ArrayRef<int64_t> strides, llvm::ArrayRef<int64_t> pads,
             llvm::ArrayRef<int64_t> dilations, bool countIncludePad);

} // namespace mlc::onnx_import

#endif // MLC_LIB_IMPORT_ONNX_CONVPOOLND_H
