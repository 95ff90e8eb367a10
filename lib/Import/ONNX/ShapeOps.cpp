//===- ShapeOps.cpp - Importers of ONNX shape and data-movement operators -===//
//
// Squeeze, Unsqueeze, Split, Expand, Tile, DepthToSpace, SpaceToDepth, and
// the shape queries Shape, Size, ConstantOfShape and Range, which are
// constants under static shapes. Operands that select shapes (axes, repeats,
// ...) fold at import when constant; otherwise the declared output shape
// fixes the result, and without one Expand, Tile, ConstantOfShape and Range
// become mlc.dynamic_expand / dynamic_tile / dynamic_range, whose extents
// the compiled code computes. Slice and Pad are in SliceAndPadOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "TensorImportUtils.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// Squeeze and Unsqueeze with runtime axes: the graph's declared output
/// shape says which dimensions went or came.
static LogicalResult importRuntimeAxesReshape(ImporterContext &ic,
                                              const onnx::NodeProto &node,
                                              Location loc, Value input) {
  std::optional<RankedTensorType> declared = getDeclaredOutputType(ic, node, 0);
  if (!declared)
    return emitError(loc) << node.op_type()
                          << "'s axes must be a constant integer tensor, or "
                             "the output shape declared in the graph";
  RankedTensorType type = getRankedType(input);
  if (declared->getNumElements() != type.getNumElements())
    return emitError(loc) << node.op_type() << ": the declared output "
                          << *declared << " does not match " << type;
  ic.setOutput(node, 0, createReshape(ic, loc, input, declared->getShape()));
  return success();
}

static LogicalResult importSqueeze(ImporterContext &ic,
                                   const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  FailureOr<Value> runtimeAxes = getRuntimeInput(ic, node, 1, 13, loc);
  if (failed(runtimeAxes))
    return failure();
  if (*runtimeAxes) {
    if (failed(requireStaticShape(node, *input, loc)))
      return failure();
    return importRuntimeAxesReshape(ic, node, loc, *input);
  }
  auto axesOr = getIntsAttrOrInput(ic, node, "axes", 1, 13, loc);
  if (failed(axesOr))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes;
  if (*axesOr) {
    FailureOr<SmallVector<int64_t>> normalized =
        normalizeAxes(node, **axesOr, rank, loc);
    if (failed(normalized))
      return failure();
    axes = *normalized;
  } else {
    // Without axes, a dynamic dimension may or may not be 1: which ones go
    // is decided by run-time sizes, so the rank would be too.
    if (!type.hasStaticShape())
      return emitError(loc) << "Squeeze without axes of a dynamically shaped "
                               "tensor "
                            << type << " is not supported";
    for (int64_t d = 0; d < rank; ++d)
      if (type.getDimSize(d) == 1)
        axes.push_back(d);
  }
  // A squeezed dynamic dimension must be 1 at run time (as ONNX requires).
  SmallVector<int64_t> shape, inputDims;
  for (int64_t d = 0; d < rank; ++d) {
    if (!llvm::is_contained(axes, d)) {
      shape.push_back(type.getDimSize(d));
      inputDims.push_back(d);
      continue;
    }
    if (!type.isDynamicDim(d) && type.getDimSize(d) != 1)
      return emitError(loc)
             << "Squeeze: dimension " << d << " of " << type << " is not 1";
  }
  ic.setOutput(node, 0,
               createReshapeKeepingDims(ic, loc, *input, shape, inputDims));
  return success();
}

static LogicalResult importUnsqueeze(ImporterContext &ic,
                                     const onnx::NodeProto &node,
                                     Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  FailureOr<Value> runtimeAxes = getRuntimeInput(ic, node, 1, 13, loc);
  if (failed(runtimeAxes))
    return failure();
  if (*runtimeAxes) {
    if (failed(requireStaticShape(node, *input, loc)))
      return failure();
    return importRuntimeAxesReshape(ic, node, loc, *input);
  }
  auto axesOr = getIntsAttrOrInput(ic, node, "axes", 1, 13, loc);
  if (failed(axesOr))
    return failure();
  if (!*axesOr)
    return emitError(loc) << "Unsqueeze needs axes";
  RankedTensorType type = getRankedType(*input);
  int64_t outRank = type.getRank() + static_cast<int64_t>((*axesOr)->size());
  FailureOr<SmallVector<int64_t>> axes =
      normalizeAxes(node, **axesOr, outRank, loc);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape, inputDims;
  int64_t next = 0;
  for (int64_t d = 0; d < outRank; ++d) {
    if (llvm::is_contained(*axes, d)) {
      shape.push_back(1);
      inputDims.push_back(-1);
    } else {
      shape.push_back(type.getDimSize(next));
      inputDims.push_back(next++);
    }
  }
  ic.setOutput(node, 0,
               createReshapeKeepingDims(ic, loc, *input, shape, inputDims));
  return success();
}

static LogicalResult importSplit(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  int64_t axis = getIntAttr(node, "axis", 0);
  if (axis < -rank || axis >= rank)
    return emitError(loc) << "Split axis " << axis << " out of range";
  if (axis < 0)
    axis += rank;
  // Other dimensions may be dynamic: each part is then an mlc.dynamic_slice
  // with constant bounds on the (static) split axis.
  if (type.isDynamicDim(axis))
    return emitError(loc) << "Split along dynamic dimension " << axis << " of "
                          << type << " is not supported";
  int64_t dim = type.getDimSize(axis);
  FailureOr<Value> runtimeSplit = getRuntimeInput(ic, node, 1, 13, loc);
  if (failed(runtimeSplit))
    return failure();
  int64_t outputs = node.output_size();
  SmallVector<int64_t> split;
  // Runtime split sizes: the declared output shapes hold them.
  for (int64_t i = 0; *runtimeSplit && i < outputs; ++i) {
    std::optional<RankedTensorType> declared =
        getDeclaredOutputType(ic, node, i);
    if (!declared || declared->getRank() != rank)
      return emitError(loc) << "Split's split must be a constant integer "
                               "tensor, or every output shape declared in "
                               "the graph";
    split.push_back(declared->getDimSize(axis));
  }
  auto splitOr = *runtimeSplit
                     ? FailureOr<std::optional<SmallVector<int64_t>>>(
                           std::optional<SmallVector<int64_t>>(split))
                     : getIntsAttrOrInput(ic, node, "split", 1, 13, loc);
  if (failed(splitOr))
    return failure();
  if (*splitOr) {
    split = **splitOr;
  } else {
    int64_t parts =
        ic.opset >= 18 ? getIntAttr(node, "num_outputs", outputs) : outputs;
    if (parts <= 0)
      return emitError(loc) << "Split needs a positive number of outputs";
    // From opset 18 an uneven split makes the last chunk smaller.
    int64_t chunk = ic.opset >= 18 ? (dim + parts - 1) / parts : dim / parts;
    if (ic.opset < 18 && dim % parts != 0)
      return emitError(loc) << "Split: dimension " << dim
                            << " does not divide into " << parts << " parts";
    for (int64_t i = 0, left = dim; i < parts; ++i, left -= chunk)
      split.push_back(std::max<int64_t>(0, std::min(chunk, left)));
  }
  if (static_cast<int64_t>(split.size()) != outputs)
    return emitError(loc) << "Split has " << outputs << " outputs but "
                          << split.size() << " split sizes";
  int64_t total = 0;
  for (int64_t s : split) {
    if (s < 0)
      return emitError(loc) << "Split sizes must be non-negative";
    total += s;
  }
  if (total != dim)
    return emitError(loc) << "Split sizes add up to " << total
                          << ", the dimension is " << dim;
  OpBuilder &b = ic.builder;
  int64_t offset = 0;
  for (auto [i, size] : llvm::enumerate(split)) {
    SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()),
        strides(rank, 1);
    offsets[axis] = size == 0 ? 0 : offset;
    sizes[axis] = size;
    if (!type.hasStaticShape()) {
      auto vector = [&](int64_t v) {
        return ConstantOp::create(
            b, loc,
            DenseElementsAttr::get(RankedTensorType::get({1}, b.getI64Type()),
                                   ArrayRef<int64_t>{v}));
      };
      ic.setOutput(node, i,
                   DynamicSliceOp::create(
                       b, loc,
                       RankedTensorType::get(sizes, type.getElementType()),
                       *input, vector(offsets[axis]),
                       vector(offsets[axis] + size), vector(axis), vector(1)));
      offset += size;
      continue;
    }
    ic.setOutput(node, i,
                 SliceOp::create(b, loc, *input,
                                 b.getDenseI64ArrayAttr(offsets),
                                 b.getDenseI64ArrayAttr(sizes),
                                 b.getDenseI64ArrayAttr(strides)));
    offset += size;
  }
  return success();
}

/// mlc.dynamic_expand of `input` to the runtime `shape`: a result dimension
/// is static where the aligned input dimension is static and not 1, or
/// absent or 1 with a shape entry known at import.
static FailureOr<Value> createDynamicExpand(ImporterContext &ic, Location loc,
                                            Value input, Value shape,
                                            StringRef what) {
  FailureOr<Value> shape64 = getI64Vector(ic, loc, shape, what);
  if (failed(shape64))
    return failure();
  RankedTensorType type = getRankedType(input);
  SmallVector<std::optional<int64_t>> entries = getKnownEntries(*shape64);
  int64_t length = entries.size();
  int64_t rank = std::max<int64_t>(length, type.getRank());
  int64_t inputOffset = rank - type.getRank(), shapeOffset = rank - length;
  SmallVector<int64_t> dims(rank, ShapedType::kDynamic);
  for (int64_t d = 0; d < rank; ++d) {
    std::optional<int64_t> entry =
        d >= shapeOffset ? entries[d - shapeOffset] : std::optional<int64_t>(1);
    int64_t in = d >= inputOffset ? type.getDimSize(d - inputOffset) : 1;
    if (!ShapedType::isDynamic(in) && in != 1)
      dims[d] = in;
    else if (in == 1 && entry && *entry >= 0)
      dims[d] = *entry;
  }
  auto resultType = RankedTensorType::get(dims, type.getElementType());
  return Value(
      DynamicExpandOp::create(ic.builder, loc, resultType, input, *shape64));
}

static LogicalResult importExpand(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> shapeInput = ic.getRequiredInput(node, 1, loc);
  if (failed(input) || failed(shapeInput))
    return failure();
  RankedTensorType type = getRankedType(*input);
  std::optional<RankedTensorType> declared = getDeclaredOutputType(ic, node, 0);
  // A runtime shape without a declared result, or a dynamic input: the
  // extents are computed by the compiled code.
  if ((isRuntimeValue(*shapeInput) && !declared) || !type.hasStaticShape()) {
    FailureOr<Value> result =
        createDynamicExpand(ic, loc, *input, *shapeInput, "Expand's shape");
    if (failed(result))
      return failure();
    ic.setOutput(node, 0, *result);
    return success();
  }
  FailureOr<SmallVector<int64_t>> shape =
      isRuntimeValue(*shapeInput) && declared
          ? FailureOr<SmallVector<int64_t>>(
                SmallVector<int64_t>(declared->getShape()))
          : ic.getConstantInts(*shapeInput, loc, "Expand's shape");
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; }))
    return emitError(loc) << "Expand: negative dimension in shape";
  FailureOr<SmallVector<int64_t>> result =
      getBroadcastShape(type.getShape(), *shape);
  if (failed(result))
    return emitError(loc) << "Expand: " << type
                          << " does not broadcast with the shape";
  if (ArrayRef<int64_t>(*result) == type.getShape()) {
    ic.setOutput(node, 0, *input);
    return success();
  }
  ic.setOutput(node, 0,
               ExpandOp::create(ic.builder, loc, *input,
                                ic.builder.getDenseI64ArrayAttr(*result)));
  return success();
}

/// Runtime Tile repeats: the declared output shape divided by the input's.
static FailureOr<SmallVector<int64_t>>
getRepeatsFromDeclaredShape(ImporterContext &ic, const onnx::NodeProto &node,
                            Location loc, RankedTensorType type) {
  std::optional<RankedTensorType> declared = getDeclaredOutputType(ic, node, 0);
  if (!declared || declared->getRank() != type.getRank())
    return emitError(loc) << "Tile's repeats must be a constant integer "
                             "tensor, or the output shape declared in the "
                             "graph";
  SmallVector<int64_t> repeats;
  for (auto [in, out] : llvm::zip(type.getShape(), declared->getShape())) {
    if (in == 0 ? out != 0 : out % in != 0)
      return emitError(loc) << "Tile: the declared output " << *declared
                            << " is no multiple of " << type;
    repeats.push_back(in == 0 ? 1 : out / in);
  }
  return repeats;
}

/// Tile(x, r) = reshape(expand(reshape(x, [1, d0, 1, d1, ..]),
///                             [r0, d0, r1, d1, ..]), [r0 * d0, r1 * d1, ..]).
static LogicalResult importTile(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> repeatsInput = ic.getRequiredInput(node, 1, loc);
  if (failed(input) || failed(repeatsInput) ||
      failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  if (isRuntimeValue(*repeatsInput) && !getDeclaredOutputType(ic, node, 0)) {
    // Runtime repeats and no declared result: extents computed at run time.
    FailureOr<Value> repeats64 =
        getI64Vector(ic, loc, *repeatsInput, "Tile's repeats");
    if (failed(repeats64))
      return failure();
    SmallVector<std::optional<int64_t>> entries = getKnownEntries(*repeats64);
    if (static_cast<int64_t>(entries.size()) != type.getRank())
      return emitError(loc) << "Tile needs one repeat per dimension";
    SmallVector<int64_t> dims;
    for (auto [in, r] : llvm::zip(type.getShape(), entries))
      dims.push_back(r && *r >= 0 ? in * *r : ShapedType::kDynamic);
    ic.setOutput(node, 0,
                 DynamicTileOp::create(
                     ic.builder, loc,
                     RankedTensorType::get(dims, type.getElementType()), *input,
                     *repeats64));
    return success();
  }
  FailureOr<SmallVector<int64_t>> repeats =
      isRuntimeValue(*repeatsInput)
          ? getRepeatsFromDeclaredShape(ic, node, loc, type)
          : ic.getConstantInts(*repeatsInput, loc, "Tile's repeats");
  if (failed(repeats))
    return failure();
  if (static_cast<int64_t>(repeats->size()) != type.getRank())
    return emitError(loc) << "Tile needs one repeat per dimension";
  if (llvm::any_of(*repeats, [](int64_t r) { return r < 0; }))
    return emitError(loc) << "Tile repeats must be non-negative";
  if (llvm::all_of(*repeats, [](int64_t r) { return r == 1; })) {
    ic.setOutput(node, 0, *input);
    return success();
  }
  SmallVector<int64_t> interleaved, expanded, result;
  for (auto [dim, r] : llvm::zip(type.getShape(), *repeats)) {
    interleaved.append({1, dim});
    expanded.append({r, dim});
    result.push_back(r * dim);
  }
  Value x = createReshape(ic, loc, *input, interleaved);
  x = ExpandOp::create(ic.builder, loc, x,
                       ic.builder.getDenseI64ArrayAttr(expanded));
  ic.setOutput(node, 0, createReshape(ic, loc, x, result));
  return success();
}

static Value createI64Constant(ImporterContext &ic, Location loc,
                               ArrayRef<int64_t> shape,
                               ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, ic.builder.getI64Type());
  return ConstantOp::create(ic.builder, loc,
                            DenseElementsAttr::get(type, values));
}

static LogicalResult importShape(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  ArrayRef<int64_t> shape = getRankedType(*input).getShape();
  if (!getRankedType(*input).hasStaticShape()) {
    // One 1-element piece per dimension: a constant when static (so that
    // shape arithmetic on it still folds), mlc.dim when dynamic.
    int64_t rank = shape.size();
    auto clampIndex = [&](int64_t v) {
      if (v < 0)
        v += rank;
      return std::max<int64_t>(0, std::min(v, rank));
    };
    int64_t start = clampIndex(getIntAttr(node, "start", 0));
    int64_t end = clampIndex(getIntAttr(node, "end", rank));
    SmallVector<Value> pieces;
    OpBuilder &b = ic.builder;
    for (int64_t i = start; i < end; ++i)
      pieces.push_back(
          ShapedType::isDynamic(shape[i])
              ? Value(DimOp::create(b, loc,
                                    RankedTensorType::get({1}, b.getI64Type()),
                                    *input, b.getI64IntegerAttr(i)))
              : createI64Constant(ic, loc, {1}, {shape[i]}));
    if (pieces.empty())
      ic.setOutput(node, 0, createI64Constant(ic, loc, {0}, {}));
    else if (pieces.size() == 1)
      ic.setOutput(node, 0, pieces.front());
    else
      ic.setOutput(node, 0,
                   ConcatOp::create(b, loc, pieces, b.getI64IntegerAttr(0)));
    return success();
  }
  int64_t rank = shape.size();
  auto clampIndex = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::max<int64_t>(0, std::min(v, rank));
  };
  int64_t start = clampIndex(getIntAttr(node, "start", 0));
  int64_t end = clampIndex(getIntAttr(node, "end", rank));
  SmallVector<int64_t> dims;
  for (int64_t i = start; i < end; ++i)
    dims.push_back(shape[i]);
  ic.setOutput(
      node, 0,
      createI64Constant(ic, loc, {static_cast<int64_t>(dims.size())}, dims));
  return success();
}

static LogicalResult importSize(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  ic.setOutput(
      node, 0,
      createI64Constant(ic, loc, {}, {getRankedType(*input).getNumElements()}));
  return success();
}

static LogicalResult importConstantOfShape(ImporterContext &ic,
                                           const onnx::NodeProto &node,
                                           Location loc) {
  FailureOr<Value> shapeInput = ic.getRequiredInput(node, 0, loc);
  if (failed(shapeInput))
    return failure();
  std::optional<RankedTensorType> declared = getDeclaredOutputType(ic, node, 0);
  OpBuilder &b = ic.builder;
  Attribute element = b.getF32FloatAttr(0.0f);
  Type elementType = b.getF32Type();
  if (const onnx::AttributeProto *attr = findAttr(node, "value")) {
    FailureOr<ElementsAttr> value = ic.convertTensor(attr->t(), loc);
    if (failed(value))
      return failure();
    if (value->getNumElements() != 1)
      return emitError(loc) << "ConstantOfShape value must hold one element";
    elementType = value->getElementType();
    element = *value->getValues<Attribute>().begin();
  }
  if (isRuntimeValue(*shapeInput) && !declared) {
    // The value broadcast to the runtime shape.
    Value scalar = ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({}, elementType),
                               element));
    FailureOr<Value> result = createDynamicExpand(ic, loc, scalar, *shapeInput,
                                                  "ConstantOfShape's input");
    if (failed(result))
      return failure();
    ic.setOutput(node, 0, *result);
    return success();
  }
  FailureOr<SmallVector<int64_t>> shape =
      isRuntimeValue(*shapeInput) && declared
          ? FailureOr<SmallVector<int64_t>>(
                SmallVector<int64_t>(declared->getShape()))
          : ic.getConstantInts(*shapeInput, loc, "ConstantOfShape's input");
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; }))
    return emitError(loc) << "ConstantOfShape: negative dimension";
  auto type = RankedTensorType::get(*shape, elementType);
  ic.setOutput(
      node, 0,
      ConstantOp::create(b, loc, DenseElementsAttr::get(type, element)));
  return success();
}

/// Range with runtime start, limit or delta and a declared output length n:
/// start + [0, 1, .., n-1] * delta; without one, mlc.dynamic_range.
static LogicalResult importRuntimeRange(ImporterContext &ic,
                                        const onnx::NodeProto &node,
                                        Location loc, Value start, Value limit,
                                        Value delta) {
  std::optional<RankedTensorType> declared = getDeclaredOutputType(ic, node, 0);
  RankedTensorType startType = getRankedType(start);
  Type elementType = startType.getElementType();
  if (!declared || declared->getRank() != 1) {
    // No declared length: the compiled code computes it.
    for (Value v : {start, limit, delta}) {
      RankedTensorType type = getRankedType(v);
      if (!type.hasStaticShape() || type.getNumElements() != 1 ||
          type.getElementType() != elementType || elementType.isInteger(1))
        return emitError(loc) << "Range inputs must be numeric scalars of "
                                 "one type";
    }
    auto type = RankedTensorType::get({ShapedType::kDynamic}, elementType);
    ic.setOutput(
        node, 0,
        DynamicRangeOp::create(ic.builder, loc, type, start, limit, delta));
    return success();
  }
  if (startType.getRank() != 0 || getRankedType(delta).getRank() != 0 ||
      getRankedType(delta).getElementType() != elementType)
    return emitError(loc) << "Range inputs must be scalars of one type";
  int64_t count = declared->getDimSize(0);
  OpBuilder &b = ic.builder;
  SmallVector<Attribute> iota;
  for (int64_t i = 0; i < count; ++i) {
    if (auto floatType = dyn_cast<FloatType>(elementType))
      iota.push_back(b.getFloatAttr(floatType, static_cast<double>(i)));
    else
      iota.push_back(b.getIntegerAttr(elementType, i));
  }
  Value positions = ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get({count}, elementType),
                             iota));
  FailureOr<MulOp> steps = createInferred<MulOp>(b, loc, positions, delta);
  if (failed(steps))
    return failure();
  FailureOr<AddOp> values =
      createInferred<AddOp>(b, loc, start, steps->getResult());
  if (failed(values))
    return failure();
  ic.setOutput(node, 0, values->getResult());
  return success();
}

static LogicalResult importRange(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  SmallVector<Value> operands;
  for (int i = 0; i < 3; ++i) {
    FailureOr<Value> v = ic.getRequiredInput(node, i, loc);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  if (llvm::any_of(operands, isRuntimeValue))
    return importRuntimeRange(ic, node, loc, operands[0], operands[1],
                              operands[2]);
  SmallVector<double> scalars;
  Type elementType;
  for (int i = 0; i < 3; ++i) {
    FailureOr<Value> v = ic.getRequiredInput(node, i, loc);
    if (failed(v))
      return failure();
    FailureOr<SmallVector<double>> values =
        getConstantValues(*v, loc, "Range's start, limit and delta");
    if (failed(values))
      return failure();
    if (values->size() != 1)
      return emitError(loc) << "Range inputs must be scalars";
    scalars.push_back(values->front());
    elementType = getRankedType(*v).getElementType();
  }
  double start = scalars[0], limit = scalars[1], delta = scalars[2];
  if (delta == 0)
    return emitError(loc) << "Range delta must not be 0";
  int64_t count = std::max<int64_t>(
      0, static_cast<int64_t>(std::ceil((limit - start) / delta)));
  auto type = RankedTensorType::get({count}, elementType);
  SmallVector<Attribute> values;
  OpBuilder &b = ic.builder;
  for (int64_t i = 0; i < count; ++i) {
    if (auto floatType = dyn_cast<FloatType>(elementType))
      values.push_back(b.getFloatAttr(floatType, start + i * delta));
    else
      values.push_back(
          b.getIntegerAttr(elementType, static_cast<int64_t>(start) +
                                            i * static_cast<int64_t>(delta)));
  }
  ic.setOutput(
      node, 0,
      ConstantOp::create(b, loc, DenseElementsAttr::get(type, values)));
  return success();
}

/// DepthToSpace and SpaceToDepth are a reshape, a transpose and a reshape.
static LogicalResult importDepthToSpace(ImporterContext &ic,
                                        const onnx::NodeProto &node,
                                        Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t bs = getIntAttr(node, "blocksize", 0);
  if (type.getRank() != 4 || bs <= 0 || type.getDimSize(1) % (bs * bs) != 0)
    return emitError(loc) << "DepthToSpace needs a 4-D input whose channels "
                             "divide by blocksize^2";
  int64_t n = type.getDimSize(0), c = type.getDimSize(1),
          h = type.getDimSize(2), w = type.getDimSize(3);
  std::string mode = getStringAttr(node, "mode", "DCR");
  Value x;
  if (mode == "DCR") {
    x = createReshape(ic, loc, *input, {n, bs, bs, c / (bs * bs), h, w});
    x = createTranspose(ic, loc, x, {0, 3, 4, 1, 5, 2});
  } else if (mode == "CRD") {
    x = createReshape(ic, loc, *input, {n, c / (bs * bs), bs, bs, h, w});
    x = createTranspose(ic, loc, x, {0, 1, 4, 2, 5, 3});
  } else {
    return emitError(loc) << "DepthToSpace mode '" << mode << "' is unknown";
  }
  ic.setOutput(node, 0,
               createReshape(ic, loc, x, {n, c / (bs * bs), h * bs, w * bs}));
  return success();
}

static LogicalResult importSpaceToDepth(ImporterContext &ic,
                                        const onnx::NodeProto &node,
                                        Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t bs = getIntAttr(node, "blocksize", 0);
  if (type.getRank() != 4 || bs <= 0 || type.getDimSize(2) % bs != 0 ||
      type.getDimSize(3) % bs != 0)
    return emitError(loc) << "SpaceToDepth needs a 4-D input whose spatial "
                             "dimensions divide by blocksize";
  int64_t n = type.getDimSize(0), c = type.getDimSize(1),
          h = type.getDimSize(2), w = type.getDimSize(3);
  Value x = createReshape(ic, loc, *input, {n, c, h / bs, bs, w / bs, bs});
  x = createTranspose(ic, loc, x, {0, 3, 5, 1, 2, 4});
  ic.setOutput(node, 0,
               createReshape(ic, loc, x, {n, c * bs * bs, h / bs, w / bs}));
  return success();
}

void mlc::onnx_import::registerShapeOpImporters(OpImporterTable &table) {
  table.push_back({"Squeeze", 1, 12, importSqueeze});
  table.push_back({"Squeeze", 13, kLatestOpset, importSqueeze});
  table.push_back({"Unsqueeze", 1, 12, importUnsqueeze});
  table.push_back({"Unsqueeze", 13, kLatestOpset, importUnsqueeze});
  table.push_back({"Split", 1, 12, importSplit});
  table.push_back({"Split", 13, kLatestOpset, importSplit});
  table.push_back({"Expand", 8, kLatestOpset, importExpand});
  table.push_back({"Tile", 6, kLatestOpset, importTile});
  table.push_back({"Shape", 1, kLatestOpset, importShape});
  table.push_back({"Size", 1, kLatestOpset, importSize});
  table.push_back({"ConstantOfShape", 9, kLatestOpset, importConstantOfShape});
  table.push_back({"Range", 11, kLatestOpset, importRange});
  table.push_back({"DepthToSpace", 1, kLatestOpset, importDepthToSpace});
  table.push_back({"SpaceToDepth", 1, kLatestOpset, importSpaceToDepth});
}
