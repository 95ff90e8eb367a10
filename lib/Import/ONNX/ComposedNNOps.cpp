//===- ComposedNNOps.cpp - ONNX ops imported as compositions --------------===//
//
// GlobalMaxPool (mlc.reduce max over the spatial axes), Shrink (two
// mlc.where), EyeLike (a constant: shapes are static) and LRN (the squared
// input averaged over a channel window by mlc.avg_pool2d, then
// x / (bias + alpha * mean)^beta) and TopK with a constant k (k rounds of
// mlc.arg_reduce, mlc.gather_elements and masking the picked element with
// the type's lowest (highest) value; ties give the lower index first; a
// runtime k with a declared output takes k from it) and Swish
// (x * sigmoid(alpha * x)). A runtime k without a declared output is
// mlc.dynamic_topk, whose results the compiled code sizes. Unsigned
// elements rank as signed keys with the top bit flipped (mlc.xor), which
// keeps their order; the picked keys are flipped back.
//
//===----------------------------------------------------------------------===//

#include "TensorImportUtils.h"

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

#include <limits>

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

/// Largest k TopK unrolls into (each round is a pass over the axis).
static constexpr int64_t kMaxTopK = 64;

/// TopK with a runtime k and no declared output: mlc.dynamic_topk sizes the
/// results at run time.
static LogicalResult importRuntimeTopK(ImporterContext &ic,
                                       const onnx::NodeProto &node,
                                       Location loc, Value input, Value k,
                                       int64_t axis,
                                       function_ref<Value(Value)> toValues) {
  RankedTensorType kType = getRankedType(k);
  if (!kType.hasStaticShape() || kType.getNumElements() != 1 ||
      !kType.getElementType().isInteger(64))
    return emitError(loc) << "TopK's k must be a one-element int64 tensor";
  RankedTensorType type = getRankedType(input);
  SmallVector<int64_t> dims(type.getShape());
  dims[axis] = ShapedType::kDynamic;
  OpBuilder &b = ic.builder;
  auto op = DynamicTopKOp::create(
      b, loc, RankedTensorType::get(dims, type.getElementType()),
      RankedTensorType::get(dims, b.getI64Type()), input, k,
      b.getI64IntegerAttr(axis),
      getIntAttr(node, "largest", 1) != 0 ? b.getUnitAttr() : nullptr);
  ic.setOutput(node, 0, toValues(op.getValues()));
  ic.setOutput(node, 1, op.getIndices());
  return success();
}

static LogicalResult importTopK(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  // Unsigned integers are ranked on signed keys (the top bit flipped keeps
  // their order); the picked keys map back to values.
  Value original = *input;
  OpBuilder &b = ic.builder;
  Type originalType = getRankedType(original).getElementType();
  if (originalType.isInteger(1))
    return emitError(loc) << "TopK of booleans is not supported (ONNX TopK "
                             "takes numeric tensors)";
  std::optional<Value> signBit;
  if (ic.isUnsigned(original)) {
    unsigned width = originalType.getIntOrFloatBitWidth();
    signBit = ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({}, originalType),
                               APInt::getSignMask(width)));
    *input = XorOp::create(b, loc, original, *signBit);
  }
  auto toValues = [&](Value keys) -> Value {
    if (signBit)
      return XorOp::create(b, loc, keys, *signBit);
    return keys;
  };
  RankedTensorType type = getRankedType(*input);
  Type elementType = type.getElementType();
  int64_t rank = type.getRank();
  int64_t axis = getIntAttr(node, "axis", -1);
  if (axis < -rank || axis >= rank)
    return emitError(loc) << "TopK axis " << axis << " out of range";
  int64_t k;
  if (ic.opset < 10) {
    const onnx::AttributeProto *kAttr = findAttr(node, "k");
    if (!kAttr)
      return emitError(loc) << "TopK needs the k attribute";
    k = kAttr->i();
  } else {
    FailureOr<Value> kInput = ic.getRequiredInput(node, 1, loc);
    if (failed(kInput))
      return failure();
    k = -1;
    if (failed(foldToConstant(*kInput))) {
      // A runtime k: the output shape the graph declares fixes it.
      for (int i : {0, 1}) {
        if (i >= node.output_size())
          continue;
        auto declared = ic.declaredTypes.find(node.output(i));
        if (declared != ic.declaredTypes.end() &&
            declared->second.getRank() == rank)
          k = declared->second.getDimSize(axis < 0 ? axis + rank : axis);
      }
      if (k < 0)
        return importRuntimeTopK(ic, node, loc, *input, *kInput,
                                 axis < 0 ? axis + rank : axis, toValues);
    } else {
      FailureOr<SmallVector<int64_t>> values =
          ic.getConstantInts(*kInput, loc, "TopK's k");
      if (failed(values))
        return failure();
      if (values->size() != 1)
        return emitError(loc) << "TopK's k must hold one value";
      k = values->front();
    }
  }
  if (axis < 0)
    axis += rank;
  int64_t size = type.getDimSize(axis);
  if (k < 0 || k > size)
    return emitError(loc) << "TopK k " << k << " out of range for an axis of "
                          << size;
  if (k > kMaxTopK)
    return emitError(loc) << "TopK k " << k << " is larger than " << kMaxTopK
                          << ", the most the importer unrolls";
  if (k == 0)
    return emitError(loc) << "TopK with k = 0 (empty outputs) is not "
                             "supported";
  bool largest = getIntAttr(node, "largest", 1) != 0;

  // The sentinel that never wins again once written over a picked element.
  double sentinel;
  if (isa<FloatType>(elementType))
    sentinel = largest ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
  else {
    unsigned width = elementType.getIntOrFloatBitWidth();
    sentinel =
        largest ? -std::ldexp(1.0, width - 1) : std::ldexp(1.0, width - 1) - 1;
  }
  Value fill = createScalar(b, loc, elementType, sentinel);
  SmallVector<int64_t> iotaShape(rank, 1);
  iotaShape[axis] = size;
  SmallVector<int64_t> iota;
  for (int64_t i = 0; i < size; ++i)
    iota.push_back(i);
  Value positions = ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get(iotaShape, b.getI64Type()),
                             ArrayRef(iota)));

  Value remaining = *input;
  SmallVector<Value> values, indices;
  for (int64_t round = 0; round < k; ++round) {
    Value index = ArgReduceOp::create(
        b, loc, largest ? ArgReduceKind::ArgMax : ArgReduceKind::ArgMin,
        remaining, axis, /*keepdims=*/true, /*select_last_index=*/false);
    FailureOr<GatherElementsOp> value = createInferred<GatherElementsOp>(
        b, loc, remaining, index, b.getI64IntegerAttr(axis));
    if (failed(value))
      return failure();
    values.push_back(value->getResult());
    indices.push_back(index);
    if (round + 1 == k)
      break;
    FailureOr<EqualOp> picked =
        createInferred<EqualOp>(b, loc, positions, index);
    if (failed(picked))
      return failure();
    FailureOr<WhereOp> masked =
        createInferred<WhereOp>(b, loc, picked->getResult(), fill, remaining);
    if (failed(masked))
      return failure();
    remaining = masked->getResult();
  }
  Value valuesResult =
      values.size() == 1
          ? values.front()
          : Value(ConcatOp::create(b, loc, values, b.getI64IntegerAttr(axis)));
  Value indicesResult =
      indices.size() == 1
          ? indices.front()
          : Value(ConcatOp::create(b, loc, indices, b.getI64IntegerAttr(axis)));
  ic.setOutput(node, 0, toValues(valuesResult));
  ic.setOutput(node, 1, indicesResult);
  return success();
}

/// Swish (opset 24): x * sigmoid(alpha * x).
static LogicalResult importSwish(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  Type elementType = getRankedType(*input).getElementType();
  if (!isa<FloatType>(elementType))
    return emitError(loc) << "Swish needs a float input";
  OpBuilder &b = ic.builder;
  double alpha = getFloatAttr(node, "alpha", 1.0f);
  FailureOr<MulOp> scaled = createInferred<MulOp>(
      b, loc, *input, createScalar(b, loc, elementType, alpha));
  if (failed(scaled))
    return failure();
  Value gate = SigmoidOp::create(b, loc, scaled->getResult());
  FailureOr<MulOp> result = createInferred<MulOp>(b, loc, *input, gate);
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
  table.push_back({"TopK", 1, kLatestOpset, importTopK});
  table.push_back({"Swish", 24, kLatestOpset, importSwish});
}
