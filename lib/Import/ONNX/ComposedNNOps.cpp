//===- ComposedNNOps.cpp - ONNX ops imported as compositions --------------===//
//
// GlobalMaxPool (mlc.reduce max over the spatial axes), Shrink (two
// mlc.where), EyeLike (a constant: shapes are static) and LRN (the squared
// input averaged over a channel window by mlc.avg_pool2d, then
// x / (bias + alpha * mean)^beta). No new ops reach the lowering.
//
//===----------------------------------------------------------------------===//

#include "TensorImportUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// A rank-0 constant of `elementType` holding `value`.
static Value createScalar(OpBuilder &b, Location loc, Type elementType,
                          double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element = isa<FloatType>(elementType)
                          ? Attribute(b.getFloatAttr(elementType, value))
                          : Attribute(b.getIntegerAttr(
                                elementType, static_cast<int64_t>(value)));
  return ConstantOp::create(b, loc, DenseElementsAttr::get(type, element));
}

static LogicalResult importGlobalMaxPool(ImporterContext &ic,
                                         const onnx::NodeProto &node,
                                         Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  RankedTensorType type = getRankedType(*input);
  if (type.getRank() < 3 || !isa<FloatType>(type.getElementType()))
    return emitError(loc) << "GlobalMaxPool needs a float tensor of rank >= 3";
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < type.getRank(); ++d)
    axes.push_back(d);
  ic.setOutput(node, 0,
               ReduceOp::create(ic.builder, loc, ReduceKind::Max, *input, axes,
                                /*keepdims=*/true));
  return success();
}

/// Shrink: x < -lambd ? x + bias : (x > lambd ? x - bias : 0).
static LogicalResult importShrink(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  Type elementType = getRankedType(*input).getElementType();
  if (!isa<FloatType>(elementType) &&
      (!isa<IntegerType>(elementType) || elementType.isInteger(1) ||
       ic.isUnsigned(*input)))
    return emitError(loc) << "Shrink needs a float or signed integer input";
  OpBuilder &b = ic.builder;
  double lambd = getFloatAttr(node, "lambd", 0.5f);
  double bias = getFloatAttr(node, "bias", 0.0f);
  Value x = *input;
  Value negLambd = createScalar(b, loc, elementType, -lambd);
  Value posLambd = createScalar(b, loc, elementType, lambd);
  Value biasValue = createScalar(b, loc, elementType, bias);
  Value zero = createScalar(b, loc, elementType, 0.0);
  FailureOr<LessOp> below = createInferred<LessOp>(b, loc, x, negLambd);
  FailureOr<GreaterOp> above = createInferred<GreaterOp>(b, loc, x, posLambd);
  FailureOr<AddOp> plus = createInferred<AddOp>(b, loc, x, biasValue);
  FailureOr<SubOp> minus = createInferred<SubOp>(b, loc, x, biasValue);
  if (failed(below) || failed(above) || failed(plus) || failed(minus))
    return failure();
  FailureOr<WhereOp> upper = createInferred<WhereOp>(b, loc, above->getResult(),
                                                     minus->getResult(), zero);
  if (failed(upper))
    return failure();
  FailureOr<WhereOp> result = createInferred<WhereOp>(
      b, loc, below->getResult(), plus->getResult(), upper->getResult());
  if (failed(result))
    return failure();
  ic.setOutput(node, 0, *result);
  return success();
}

/// EyeLike: ones on diagonal k of a 2-D tensor shaped like the input.
static LogicalResult importEyeLike(ImporterContext &ic,
                                   const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  if (type.getRank() != 2)
    return emitError(loc) << "EyeLike needs a 2-D input, got " << type;
  Type elementType = type.getElementType();
  if (const onnx::AttributeProto *dtype = findAttr(node, "dtype")) {
    FailureOr<Type> converted =
        ic.convertElementType(static_cast<int32_t>(dtype->i()), loc);
    if (failed(converted))
      return failure();
    elementType = *converted;
  }
  int64_t k = getIntAttr(node, "k", 0);
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  OpBuilder &b = ic.builder;
  auto resultType = RankedTensorType::get({rows, cols}, elementType);
  SmallVector<Attribute> elements;
  elements.reserve(rows * cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      bool one = j - i == k;
      if (isa<FloatType>(elementType))
        elements.push_back(b.getFloatAttr(elementType, one ? 1.0 : 0.0));
      else
        elements.push_back(b.getIntegerAttr(elementType, one ? 1 : 0));
    }
  Value result =
      ConstantOp::create(b, loc, DenseElementsAttr::get(resultType, elements));
  if (const onnx::AttributeProto *dtype = findAttr(node, "dtype"))
    if (ImporterContext::isUnsignedElementType(
            static_cast<int32_t>(dtype->i())))
      ic.unsignedValues.insert(result);
  ic.setOutput(node, 0, result);
  return success();
}

/// LRN over the channels of [N, C, d1, ...]: the squares, reshaped to
/// [N, 1, C, d1 * ...], are averaged by a [size, 1] window padded with
/// zeros (count_include_pad), so y = x / (bias + alpha * mean)^beta.
static LogicalResult importLRN(ImporterContext &ic, const onnx::NodeProto &node,
                               Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  Type elementType = type.getElementType();
  if (type.getRank() < 3 || !isa<FloatType>(elementType))
    return emitError(loc) << "LRN needs a float tensor of rank >= 3";
  const onnx::AttributeProto *sizeAttr = findAttr(node, "size");
  if (!sizeAttr || sizeAttr->i() <= 0)
    return emitError(loc) << "LRN needs a positive size";
  int64_t size = sizeAttr->i();
  double alpha = getFloatAttr(node, "alpha", 1e-4f);
  double beta = getFloatAttr(node, "beta", 0.75f);
  double bias = getFloatAttr(node, "bias", 1.0f);
  int64_t n = type.getDimSize(0), c = type.getDimSize(1);
  int64_t rest = type.getNumElements() / std::max<int64_t>(1, n * c);
  OpBuilder &b = ic.builder;
  Value x = *input;
  FailureOr<MulOp> square = createInferred<MulOp>(b, loc, x, x);
  if (failed(square))
    return failure();
  Value squares = createReshape(ic, loc, *square, {n, 1, c, rest});
  int64_t before = (size - 1) / 2, after = size - 1 - before;
  FailureOr<AvgPool2DOp> mean = createInferred<AvgPool2DOp>(
      b, loc, squares, b.getDenseI64ArrayAttr({size, 1}),
      b.getDenseI64ArrayAttr({1, 1}),
      b.getDenseI64ArrayAttr({before, 0, after, 0}), b.getBoolAttr(true));
  if (failed(mean))
    return failure();
  Value meanValue = createReshape(ic, loc, *mean, type.getShape());
  FailureOr<MulOp> scaled = createInferred<MulOp>(
      b, loc, meanValue, createScalar(b, loc, elementType, alpha));
  if (failed(scaled))
    return failure();
  FailureOr<AddOp> shifted = createInferred<AddOp>(
      b, loc, scaled->getResult(), createScalar(b, loc, elementType, bias));
  if (failed(shifted))
    return failure();
  FailureOr<PowOp> denominator = createInferred<PowOp>(
      b, loc, shifted->getResult(), createScalar(b, loc, elementType, beta));
  if (failed(denominator))
    return failure();
  FailureOr<DivOp> result =
      createInferred<DivOp>(b, loc, x, denominator->getResult());
  if (failed(result))
    return failure();
  ic.setOutput(node, 0, *result);
  return success();
}

void mlc::onnx_import::registerComposedNNOpImporters(OpImporterTable &table) {
  table.push_back({"GlobalMaxPool", 1, kLatestOpset, importGlobalMaxPool});
  table.push_back({"Shrink", 9, kLatestOpset, importShrink});
  table.push_back({"EyeLike", 9, kLatestOpset, importEyeLike});
  table.push_back({"LRN", 1, kLatestOpset, importLRN});
}
