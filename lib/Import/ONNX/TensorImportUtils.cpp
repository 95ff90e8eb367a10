//===- TensorImportUtils.cpp - Helpers of the tensor-op importers ---------===//

#include "TensorImportUtils.h"

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

FailureOr<std::optional<SmallVector<int64_t>>>
mlc::onnx_import::getIntsAttrOrInput(ImporterContext &ic,
                                     const onnx::NodeProto &node,
                                     StringRef name, int inputIndex,
                                     int64_t inputSince, Location loc) {
  if (ic.opset < inputSince) {
    if (!findAttr(node, name))
      return std::optional<SmallVector<int64_t>>();
    return std::optional<SmallVector<int64_t>>(getIntsAttr(node, name, {}));
  }
  FailureOr<Value> input = ic.getInput(node, inputIndex, loc);
  if (failed(input))
    return failure();
  if (!*input)
    return std::optional<SmallVector<int64_t>>();
  FailureOr<SmallVector<int64_t>> values =
      ic.getConstantInts(*input, loc, node.op_type() + "'s " + name.str());
  if (failed(values))
    return failure();
  return std::optional<SmallVector<int64_t>>(std::move(*values));
}

FailureOr<SmallVector<double>>
mlc::onnx_import::getConstantValues(Value value, Location loc, StringRef what) {
  FailureOr<ConstTensor> folded =
      value ? foldToConstant(value) : FailureOr<ConstTensor>(failure());
  if (failed(folded))
    return emitError(loc) << what << " must be a constant";
  if (folded->isFloat())
    return SmallVector<double>(folded->floats.begin(), folded->floats.end());
  return llvm::map_to_vector(folded->ints,
                             [](int64_t v) { return static_cast<double>(v); });
}

FailureOr<SmallVector<int64_t>>
mlc::onnx_import::normalizeAxes(const onnx::NodeProto &node,
                                ArrayRef<int64_t> axes, int64_t rank,
                                Location loc) {
  SmallVector<int64_t> result;
  llvm::SmallBitVector seen(rank);
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank)
      return emitError(loc) << node.op_type() << " axis " << axis
                            << " out of range for rank " << rank;
    int64_t normalized = axis < 0 ? axis + rank : axis;
    if (seen.test(normalized))
      return emitError(loc) << node.op_type() << " repeats axis " << axis;
    seen.set(normalized);
    result.push_back(normalized);
  }
  return result;
}

LogicalResult mlc::onnx_import::requireStaticShape(const onnx::NodeProto &node,
                                                   Value value, Location loc) {
  if (getRankedType(value).hasStaticShape())
    return success();
  return emitError(loc) << node.op_type() << " of a dynamically shaped tensor "
                        << getRankedType(value) << " is not supported";
}

Value mlc::onnx_import::createReshape(ImporterContext &ic, Location loc,
                                      Value input, ArrayRef<int64_t> shape) {
  if (getRankedType(input).getShape() == shape)
    return input;
  return ReshapeOp::create(ic.builder, loc, input,
                           ic.builder.getDenseI64ArrayAttr(shape));
}

Value mlc::onnx_import::createReshapeKeepingDims(ImporterContext &ic,
                                                 Location loc, Value input,
                                                 ArrayRef<int64_t> shape,
                                                 ArrayRef<int64_t> inputDims) {
  RankedTensorType type = getRankedType(input);
  if (type.hasStaticShape())
    return createReshape(ic, loc, input, shape);
  if (type.getShape() == shape)
    return input;
  OpBuilder &b = ic.builder;
  RankedTensorType pieceType = RankedTensorType::get({1}, b.getI64Type());
  SmallVector<Value> pieces;
  for (auto [i, size] : llvm::enumerate(shape)) {
    if (!ShapedType::isDynamic(size)) {
      pieces.push_back(ConstantOp::create(
          b, loc, DenseElementsAttr::get(pieceType, ArrayRef<int64_t>{size})));
      continue;
    }
    pieces.push_back(DimOp::create(b, loc, pieceType, input,
                                   b.getI64IntegerAttr(inputDims[i])));
  }
  Value shapeValue =
      pieces.size() == 1
          ? pieces.front()
          : Value(ConcatOp::create(b, loc, pieces, b.getI64IntegerAttr(0)));
  if (pieces.empty())
    shapeValue = ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({0}, b.getI64Type()),
                               ArrayRef<int64_t>{}));
  // allowzero: a run-time size of 0 is a size, not "copy the input's".
  return DynamicReshapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), input,
      shapeValue, b.getUnitAttr());
}

Value mlc::onnx_import::createTranspose(ImporterContext &ic, Location loc,
                                        Value input, ArrayRef<int64_t> perm) {
  return TransposeOp::create(ic.builder, loc, input,
                             ic.builder.getDenseI64ArrayAttr(perm));
}

FailureOr<Value> mlc::onnx_import::applyOnCoercedAxis(
    ImporterContext &ic, const onnx::NodeProto &node, Location loc, Value input,
    int64_t axis, bool flattenLegacy,
    function_ref<Value(Value, int64_t)> build) {
  RankedTensorType type = getRankedType(input);
  int64_t rank = type.getRank();
  if (axis < -rank || axis >= rank)
    return emitError(loc) << node.op_type() << " axis " << axis
                          << " out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  if (!flattenLegacy || axis == rank - 1)
    return build(input, axis);
  // Before opset 13 the op works on the input flattened to
  // [prod(dims[:axis]), prod(dims[axis:])].
  if (failed(requireStaticShape(node, input, loc)))
    return failure();
  int64_t outer = ShapedType::getNumElements(type.getShape().take_front(axis));
  int64_t inner = ShapedType::getNumElements(type.getShape().drop_front(axis));
  Value flat = createReshape(ic, loc, input, {outer, inner});
  return createReshape(ic, loc, build(flat, 1), type.getShape());
}

std::optional<RankedTensorType>
mlc::onnx_import::getDeclaredOutputType(ImporterContext &ic,
                                        const onnx::NodeProto &node, int i) {
  if (i >= node.output_size() || node.output(i).empty())
    return std::nullopt;
  auto it = ic.declaredTypes.find(node.output(i));
  if (it == ic.declaredTypes.end())
    return std::nullopt;
  return it->second;
}

/// Concats of concats deeper than this are not taken apart: shapes are
/// built a few levels deep, and a model nesting tens of thousands of them
/// would overflow the stack (and take quadratic time) here.
static constexpr unsigned kMaxShapePieceDepth = 64;

static std::optional<SmallVector<Value>> getShapePieces(Value v,
                                                        unsigned depth) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || type.getRank() != 1 || type.isDynamicDim(0) ||
      !isa<IntegerType>(type.getElementType()))
    return std::nullopt;
  if (type.getDimSize(0) == 1)
    return SmallVector<Value>{v};
  auto concat = v.getDefiningOp<ConcatOp>();
  if (!concat || depth >= kMaxShapePieceDepth)
    return std::nullopt;
  SmallVector<Value> pieces;
  for (Value input : concat.getInputs()) {
    std::optional<SmallVector<Value>> inner = getShapePieces(input, depth + 1);
    if (!inner)
      return std::nullopt;
    llvm::append_range(pieces, *inner);
  }
  return pieces;
}

std::optional<SmallVector<Value>> mlc::onnx_import::getShapePieces(Value v) {
  return ::getShapePieces(v, 0);
}

SmallVector<std::optional<int64_t>> mlc::onnx_import::getKnownEntries(Value v) {
  int64_t length = getRankedType(v).getDimSize(0);
  SmallVector<std::optional<int64_t>> entries(length);
  if (FailureOr<ConstTensor> whole = foldToConstant(v);
      succeeded(whole) && !whole->isFloat()) {
    for (int64_t i = 0; i < length; ++i)
      entries[i] = whole->ints[i];
  } else if (std::optional<SmallVector<Value>> pieces = getShapePieces(v);
             pieces && static_cast<int64_t>(pieces->size()) == length) {
    for (auto [i, piece] : llvm::enumerate(*pieces)) {
      FailureOr<ConstTensor> value = foldToConstant(piece);
      if (succeeded(value) && !value->isFloat())
        entries[i] = value->ints.front();
    }
  }
  return entries;
}

FailureOr<Value> mlc::onnx_import::getI64Vector(ImporterContext &ic,
                                                Location loc, Value v,
                                                StringRef what) {
  RankedTensorType type = getRankedType(v);
  if (type.getRank() != 1 || type.isDynamicDim(0) ||
      !isa<IntegerType>(type.getElementType()) ||
      type.getElementType().isInteger(1))
    return emitError(loc) << what
                          << " must be a 1-D integer tensor of static length, "
                             "got "
                          << type;
  OpBuilder &b = ic.builder;
  if (type.getElementType().isInteger(64))
    return v;
  return Value(CastOp::create(b, loc, type.clone(b.getI64Type()), v));
}

bool mlc::onnx_import::isRuntimeValue(Value value) {
  return value && failed(foldToConstant(value));
}

FailureOr<Value> mlc::onnx_import::getRuntimeInput(ImporterContext &ic,
                                                   const onnx::NodeProto &node,
                                                   int inputIndex,
                                                   int64_t inputSince,
                                                   Location loc) {
  if (ic.opset < inputSince)
    return Value();
  FailureOr<Value> input = ic.getInput(node, inputIndex, loc);
  if (failed(input))
    return failure();
  return isRuntimeValue(*input) ? *input : Value();
}

/// A constant tensor of `shape` holding `values` converted to `elementType`.
static Value createIntConstant(OpBuilder &b, Location loc, Type elementType,
                               ArrayRef<int64_t> shape,
                               ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, elementType);
  SmallVector<APInt> data = llvm::map_to_vector(values, [&](int64_t v) {
    return APInt(elementType.getIntOrFloatBitWidth(), v, /*isSigned=*/true);
  });
  return ConstantOp::create(b, loc, DenseElementsAttr::get(type, data));
}

FailureOr<Value> mlc::onnx_import::selectOnRuntimeInts(
    ImporterContext &ic, Location loc, Value selector,
    ArrayRef<SmallVector<int64_t>> candidates, int64_t wrap,
    function_ref<FailureOr<Value>(ArrayRef<int64_t>)> build) {
  if (candidates.empty())
    return emitError(loc) << "no possible value of a runtime operand fits "
                             "the declared output shape";
  OpBuilder &b = ic.builder;
  RankedTensorType selectorType = getRankedType(selector);
  Type elementType = selectorType.getElementType();
  if (!isa<IntegerType>(elementType) || elementType.isInteger(1) ||
      selectorType.getRank() > 1 || !selectorType.hasStaticShape())
    return emitError(loc) << "a runtime axis operand must be a scalar or "
                             "1-D integer tensor of static length";
  int64_t length = selectorType.getNumElements();
  if (candidates.size() == 1)
    return build(candidates.front());
  // [length, 1]: the selector's entries, negative ones wrapped.
  Value entries = createReshape(ic, loc, selector, {length, 1});
  Value zero = createIntConstant(b, loc, elementType, {}, {0});
  Value rank = createIntConstant(b, loc, elementType, {}, {wrap});
  FailureOr<LessOp> negative = createInferred<LessOp>(b, loc, entries, zero);
  FailureOr<AddOp> wrapped = createInferred<AddOp>(b, loc, entries, rank);
  if (failed(negative) || failed(wrapped))
    return failure();
  FailureOr<WhereOp> normalized = createInferred<WhereOp>(
      b, loc, negative->getResult(), wrapped->getResult(), entries);
  if (failed(normalized))
    return failure();

  FailureOr<Value> result = build(candidates.back());
  if (failed(result))
    return failure();
  for (ArrayRef<int64_t> candidate : llvm::reverse(candidates.drop_back())) {
    if (static_cast<int64_t>(candidate.size()) != length)
      return emitError(loc) << "internal: candidate of the wrong length";
    FailureOr<Value> value = build(candidate);
    if (failed(value))
      return failure();
    if (value->getType() != result->getType())
      return emitError(loc) << "the result shape depends on a runtime "
                               "operand; declare the output shape";
    // The candidate matches when each of its entries is among the selector's.
    Value wanted = createIntConstant(
        b, loc, elementType, {1, static_cast<int64_t>(candidate.size())},
        candidate);
    FailureOr<EqualOp> equal =
        createInferred<EqualOp>(b, loc, normalized->getResult(), wanted);
    if (failed(equal))
      return failure();
    Value present = ReduceOp::create(b, loc, ReduceKind::Max,
                                     equal->getResult(), ArrayRef<int64_t>{0},
                                     /*keepdims=*/false);
    Value matches = ReduceOp::create(b, loc, ReduceKind::Min, present,
                                     ArrayRef<int64_t>{}, /*keepdims=*/false);
    FailureOr<WhereOp> selected =
        createInferred<WhereOp>(b, loc, matches, *value, *result);
    if (failed(selected))
      return failure();
    result = selected->getResult();
  }
  return result;
}
