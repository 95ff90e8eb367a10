//===- MLCQuantOps.cpp - Verifiers of the quantization ops ----------------===//
//
// mlc.quantize_linear and mlc.dequantize_linear: the shapes of the scale and
// zero point (per tensor, per axis or blocked) and the element types.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/IR/MLCOps.h"

using namespace mlir;
using namespace mlc;

/// Checks that `scale` (and `zeroPoint`, when present, of `storageType`)
/// quantize `data` per tensor, along `axis`, or in blocks of `blockSize`.
static LogicalResult verifyQuantParams(Operation *op, RankedTensorType data,
                                       RankedTensorType scale, Value zeroPoint,
                                       Type storageType, int64_t axis,
                                       int64_t blockSize) {
  if (zeroPoint) {
    auto zpType = cast<RankedTensorType>(zeroPoint.getType());
    auto isScalar = [](RankedTensorType t) {
      return t.getRank() <= 1 && t.getNumElements() == 1;
    };
    if (zpType.getShape() != scale.getShape() &&
        !(isScalar(zpType) && isScalar(scale)))
      return op->emitOpError("zero point shape ")
             << zpType << " differs from the scale's " << scale;
    if (zpType.getElementType() != storageType)
      return op->emitOpError("zero point element type must be ") << storageType;
  }
  if (storageType.getIntOrFloatBitWidth() > 32)
    return op->emitOpError("quantized integers are at most 32 bits wide");
  if (blockSize < 0)
    return op->emitOpError("block_size must not be negative");
  int64_t rank = data.getRank();
  bool perTensor = scale.getNumElements() == 1 && scale.getRank() <= 1;
  if (perTensor && blockSize == 0)
    return success();
  if (axis < 0 || axis >= rank)
    return op->emitOpError("axis ")
           << axis << " out of range for rank " << rank;
  if (blockSize == 0) {
    if (scale.getRank() != 1 || scale.getDimSize(0) != data.getDimSize(axis))
      return op->emitOpError("per-axis scale must be 1-D with ")
             << data.getDimSize(axis) << " elements, got " << scale;
    return success();
  }
  if (scale.getRank() != rank)
    return op->emitOpError("blocked scale must have the input's rank");
  for (int64_t d = 0; d < rank; ++d) {
    int64_t expected = d == axis
                           ? llvm::divideCeil(data.getDimSize(d), blockSize)
                           : data.getDimSize(d);
    if (scale.getDimSize(d) != expected)
      return op->emitOpError("blocked scale dim ")
             << d << " must be " << expected << ", got " << scale;
  }
  return success();
}

LogicalResult QuantizeLinearOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType result = getResult().getType();
  if (input.getShape() != result.getShape())
    return emitOpError("result shape must equal the input shape");
  if (getScale().getType().getElementType() != input.getElementType())
    return emitOpError("scale element type must be the input's");
  return verifyQuantParams(*this, input, getScale().getType(), getZeroPoint(),
                           result.getElementType(), getAxis(), getBlockSize());
}

LogicalResult DequantizeLinearOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType result = getResult().getType();
  if (input.getShape() != result.getShape())
    return emitOpError("result shape must equal the input shape");
  if (getScale().getType().getElementType() != result.getElementType())
    return emitOpError("result element type must be the scale's");
  return verifyQuantParams(*this, input, getScale().getType(), getZeroPoint(),
                           input.getElementType(), getAxis(), getBlockSize());
}

LogicalResult RequantizeOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType result = getResult().getType();
  if (input.getShape() != result.getShape())
    return emitOpError("result shape must equal the input shape");
  ArrayRef<int32_t> multipliers = getMultipliers();
  ArrayRef<int64_t> shifts = getShifts();
  if (multipliers.size() != shifts.size() || multipliers.empty())
    return emitOpError("needs as many shifts as multipliers (at least one)");
  if (multipliers.size() > 1) {
    int64_t axis = getAxis();
    if (axis < 0 || axis >= input.getRank() ||
        input.getDimSize(axis) != static_cast<int64_t>(multipliers.size()))
      return emitOpError("needs one multiplier per index of dim ") << axis;
  }
  if (llvm::any_of(multipliers, [](int32_t m) { return m < 0; }) ||
      llvm::any_of(shifts, [](int64_t s) { return s < 1 || s > 62; }))
    return emitOpError("multipliers must be non-negative, shifts in [1, 62]");
  unsigned width = result.getElementType().getIntOrFloatBitWidth();
  auto lo = static_cast<int64_t>(getMin());
  auto hi = static_cast<int64_t>(getMax());
  if (lo > hi || lo < -(int64_t(1) << (width - 1)) ||
      hi >= (int64_t(1) << width))
    return emitOpError("[min, max] must lie in the range of ")
           << result.getElementType();
  return success();
}
