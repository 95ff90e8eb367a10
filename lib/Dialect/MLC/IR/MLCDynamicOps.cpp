//===- MLCDynamicOps.cpp - Verifiers of the runtime-shape ops -------------===//
//
// The ops of MLCDynamicOps.td. Their result types are given by the importer;
// the verifiers check what the types can say: ranks, element types, the
// static lengths of the shape operands.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/IR/MLCOps.h"

using namespace mlir;
using namespace mlc;

/// A 1-D tensor of static length, or failure.
static FailureOr<int64_t> getVectorLength(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() != 1 || type.isDynamicDim(0))
    return failure();
  return type.getDimSize(0);
}

LogicalResult DynamicSliceOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType result = getType();
  if (input.getRank() != result.getRank() ||
      input.getElementType() != result.getElementType())
    return emitOpError("result must have the input's rank and element type");
  FailureOr<int64_t> count = getVectorLength(getStarts());
  if (failed(count))
    return emitOpError("starts must be a 1-D tensor of static length");
  for (Value v : {getEnds(), getAxes(), getSteps()}) {
    FailureOr<int64_t> length = getVectorLength(v);
    if (failed(length) || *length != *count)
      return emitOpError("ends, axes and steps must have the length of starts");
  }
  for (int64_t d = 0; d < input.getRank(); ++d)
    if (!input.isDynamicDim(d) && !result.isDynamicDim(d) &&
        result.getDimSize(d) > input.getDimSize(d))
      return emitOpError("result dimension ")
             << d << " is larger than the input's";
  return success();
}

LogicalResult DynamicPadOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType result = getType();
  if (input.getRank() != result.getRank() ||
      input.getElementType() != result.getElementType())
    return emitOpError("result must have the input's rank and element type");
  FailureOr<int64_t> count = getVectorLength(getPads());
  if (failed(count) || *count != 2 * input.getRank())
    return emitOpError("pads must be a 1-D tensor of 2 * rank entries");
  auto valueType = cast<RankedTensorType>(getValue().getType());
  if (valueType.getRank() != 0 ||
      valueType.getElementType() != input.getElementType())
    return emitOpError("value must be a scalar tensor of the element type");
  return success();
}

LogicalResult DimOp::verify() {
  int64_t index = static_cast<int64_t>(getIndex());
  if (index < 0 || index >= getInput().getType().getRank())
    return emitOpError("index ") << index << " out of range";
  auto type = cast<RankedTensorType>(getType());
  if (type.getRank() != 1 || type.getDimSize(0) != 1)
    return emitOpError("result must be tensor<1xi64>");
  return success();
}

LogicalResult DynamicReshapeOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType result = getType();
  if (input.getElementType() != result.getElementType())
    return emitOpError("result must have the input's element type");
  FailureOr<int64_t> length = getVectorLength(getShape());
  if (failed(length) || *length != result.getRank())
    return emitOpError("shape must have one entry per result dimension");
  if (input.hasStaticShape() && result.hasStaticShape() &&
      input.getNumElements() != result.getNumElements())
    return emitOpError("changes the element count");
  return success();
}

/// Result dimension `d` must be `?` or equal a static `expected`.
static bool isCompatibleDim(RankedTensorType result, int64_t d,
                            int64_t expected) {
  return result.isDynamicDim(d) || ShapedType::isDynamic(expected) ||
         result.getDimSize(d) == expected;
}

LogicalResult DynamicExpandOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType result = getType();
  if (input.getElementType() != result.getElementType())
    return emitOpError("result must have the input's element type");
  FailureOr<int64_t> length = getVectorLength(getShape());
  if (failed(length) ||
      result.getRank() != std::max<int64_t>(*length, input.getRank()))
    return emitOpError("result rank must be max(input rank, shape length)");
  int64_t offset = result.getRank() - input.getRank();
  for (int64_t d = 0; d < input.getRank(); ++d) {
    int64_t in = input.getDimSize(d);
    if (!ShapedType::isDynamic(in) && in != 1 &&
        !isCompatibleDim(result, d + offset, in))
      return emitOpError("result dimension ")
             << d + offset << " must be the input's " << in;
  }
  return success();
}

LogicalResult DynamicTileOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType result = getType();
  if (input.getRank() != result.getRank() ||
      input.getElementType() != result.getElementType())
    return emitOpError("result must have the input's rank and element type");
  FailureOr<int64_t> length = getVectorLength(getRepeats());
  if (failed(length) || *length != input.getRank())
    return emitOpError("repeats must have one entry per dimension");
  return success();
}

LogicalResult DynamicRangeOp::verify() {
  RankedTensorType result = getType();
  if (result.getRank() != 1)
    return emitOpError("result must be 1-D");
  for (Value v : {getStart(), getLimit(), getDelta()}) {
    auto type = cast<RankedTensorType>(v.getType());
    if (!type.hasStaticShape() || type.getNumElements() != 1 ||
        type.getElementType() != result.getElementType() ||
        type.getElementType().isInteger(1))
      return emitOpError("start, limit and delta must be one-element "
                         "tensors of the result's (numeric) element type");
  }
  return success();
}

LogicalResult NonZeroOp::verify() {
  RankedTensorType input = getInput().getType();
  auto result = cast<RankedTensorType>(getType());
  if (input.getRank() == 0)
    return emitOpError("input must not be a scalar");
  if (result.getRank() != 2 || !isCompatibleDim(result, 0, input.getRank()))
    return emitOpError("result must be [") << input.getRank() << ", ?]";
  return success();
}

LogicalResult CompressOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType result = getType();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (input.getRank() != result.getRank() ||
      input.getElementType() != result.getElementType())
    return emitOpError("result must have the input's rank and element type");
  if (axis < 0 || axis >= input.getRank())
    return emitOpError("axis ") << axis << " out of range";
  if (cast<RankedTensorType>(getCondition().getType()).getRank() != 1)
    return emitOpError("condition must be 1-D");
  for (int64_t d = 0; d < input.getRank(); ++d)
    if (d != axis && !isCompatibleDim(result, d, input.getDimSize(d)))
      return emitOpError("result dimension ") << d << " must be the input's";
  return success();
}

LogicalResult DynamicTopKOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType values = getValues().getType();
  auto indices = cast<RankedTensorType>(getIndices().getType());
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0 || axis >= input.getRank())
    return emitOpError("axis ") << axis << " out of range";
  if (values.getRank() != input.getRank() ||
      values.getElementType() != input.getElementType() ||
      indices.getShape() != values.getShape())
    return emitOpError("values must have the input's rank and element type, "
                       "indices the values' shape");
  for (int64_t d = 0; d < input.getRank(); ++d)
    if (d != axis && !isCompatibleDim(values, d, input.getDimSize(d)))
      return emitOpError("result dimension ") << d << " must be the input's";
  auto kType = cast<RankedTensorType>(getK().getType());
  if (!kType.hasStaticShape() || kType.getNumElements() != 1)
    return emitOpError("k must hold one element");
  return success();
}
