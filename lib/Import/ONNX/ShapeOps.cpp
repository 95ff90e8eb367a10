//===- ShapeOps.cpp - Importers of ONNX shape and data-movement operators -===//
//
// Squeeze, Unsqueeze, Slice, Split, Expand, Tile, Pad, DepthToSpace,
// SpaceToDepth, and the shape queries Shape, Size, ConstantOfShape and Range,
// which are constants under static shapes. Inputs that select shapes (axes,
// starts, pads, repeats, ...) must be constants.
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
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  FailureOr<Value> runtimeAxes = getRuntimeInput(ic, node, 1, 13, loc);
  if (failed(runtimeAxes))
    return failure();
  if (*runtimeAxes)
    return importRuntimeAxesReshape(ic, node, loc, *input);
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
    for (int64_t d = 0; d < rank; ++d)
      if (type.getDimSize(d) == 1)
        axes.push_back(d);
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (!llvm::is_contained(axes, d)) {
      shape.push_back(type.getDimSize(d));
      continue;
    }
    if (type.getDimSize(d) != 1)
      return emitError(loc)
             << "Squeeze: dimension " << d << " of " << type << " is not 1";
  }
  ic.setOutput(node, 0, createReshape(ic, loc, *input, shape));
  return success();
}

static LogicalResult importUnsqueeze(ImporterContext &ic,
                                     const onnx::NodeProto &node,
                                     Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  FailureOr<Value> runtimeAxes = getRuntimeInput(ic, node, 1, 13, loc);
  if (failed(runtimeAxes))
    return failure();
  if (*runtimeAxes)
    return importRuntimeAxesReshape(ic, node, loc, *input);
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
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> rest = type.getShape();
  for (int64_t d = 0; d < outRank; ++d) {
    if (llvm::is_contained(*axes, d)) {
      shape.push_back(1);
    } else {
      shape.push_back(rest.front());
      rest = rest.drop_front();
    }
  }
  ic.setOutput(node, 0, createReshape(ic, loc, *input, shape));
  return success();
}

/// One dimension of a resolved slice.
struct DimSlice {
  int64_t offset, size, stride;
};

/// ONNX Slice semantics for one axis: negative start/end count from the end,
/// then both are clamped to the range the step can reach.
static DimSlice resolveSlice(int64_t dim, int64_t start, int64_t end,
                             int64_t step) {
  auto clamp = [](int64_t v, int64_t lo, int64_t hi) {
    return std::max(lo, std::min(v, hi));
  };
  if (dim == 0)
    return {0, 0, step};
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  int64_t size;
  if (step > 0) {
    start = clamp(start, 0, dim);
    end = clamp(end, 0, dim);
    size = end > start ? (end - start + step - 1) / step : 0;
  } else {
    start = clamp(start, 0, dim - 1);
    end = clamp(end, -1, dim - 1);
    size = start > end ? (start - end - step - 1) / -step : 0;
  }
  if (size == 0)
    start = 0;
  return {start, size, step};
}

/// A 1-D i64 constant.
static Value createI64Vector(ImporterContext &ic, Location loc,
                             ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    ic.builder.getI64Type());
  return ConstantOp::create(ic.builder, loc,
                            DenseElementsAttr::get(type, values));
}

/// Slice (opset 10+) whose bounds are runtime values or whose input is
/// dynamically shaped: mlc.dynamic_slice, typed by the declared output or
/// with `?` for every dimension the slice may change.
static LogicalResult importDynamicSlice(ImporterContext &ic,
                                        const onnx::NodeProto &node,
                                        Location loc, Value input) {
  SmallVector<Value> operands;
  for (int i = 1; i < 5; ++i) {
    FailureOr<Value> v = ic.getInput(node, i, loc);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  if (!operands[0] || !operands[1])
    return emitError(loc) << "Slice needs starts and ends";
  for (Value v : operands)
    if (v && (getRankedType(v).getRank() != 1 ||
              getRankedType(v).isDynamicDim(0) ||
              !isa<IntegerType>(getRankedType(v).getElementType())))
      return emitError(loc) << "Slice's starts, ends, axes and steps must be "
                               "1-D integer tensors of static length";
  int64_t count = getRankedType(operands[0]).getDimSize(0);
  RankedTensorType type = getRankedType(input);
  int64_t rank = type.getRank();
  // Dimensions a constant axes operand leaves alone keep their size.
  SmallVector<int64_t> shape(rank, ShapedType::kDynamic);
  if (!operands[2] || !isRuntimeValue(operands[2])) {
    SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, count));
    if (operands[2]) {
      FailureOr<SmallVector<int64_t>> values =
          ic.getConstantInts(operands[2], loc, "Slice's axes");
      if (failed(values))
        return failure();
      axes = *values;
    }
    FailureOr<SmallVector<int64_t>> normalized =
        normalizeAxes(node, axes, rank, loc);
    if (failed(normalized))
      return failure();
    for (int64_t d = 0; d < rank; ++d)
      if (!llvm::is_contained(*normalized, d))
        shape[d] = type.getDimSize(d);
  }
  if (!operands[2])
    operands[2] = createI64Vector(
        ic, loc, llvm::to_vector(llvm::seq<int64_t>(0, count)));
  if (!operands[3])
    operands[3] = createI64Vector(ic, loc, SmallVector<int64_t>(count, 1));
  // Constant bounds on static dimensions give static sizes.
  FailureOr<SmallVector<int64_t>> starts =
      failure(), ends = failure(), axes = failure(), steps = failure();
  {
    ScopedDiagnosticHandler quiet(ic.builder.getContext(),
                                  [](Diagnostic &) { return success(); });
    starts = ic.getConstantInts(operands[0], loc, "");
    ends = ic.getConstantInts(operands[1], loc, "");
    axes = ic.getConstantInts(operands[2], loc, "");
    steps = ic.getConstantInts(operands[3], loc, "");
  }
  if (succeeded(starts) && succeeded(ends) && succeeded(axes) &&
      succeeded(steps)) {
    FailureOr<SmallVector<int64_t>> normalized =
        normalizeAxes(node, *axes, rank, loc);
    if (failed(normalized))
      return failure();
    for (int64_t i = 0; i < count; ++i) {
      int64_t d = (*normalized)[i];
      if ((*steps)[i] == 0)
        return emitError(loc) << "Slice step must not be 0";
      if (!type.isDynamicDim(d))
        shape[d] = resolveSlice(type.getDimSize(d), (*starts)[i], (*ends)[i],
                                (*steps)[i])
                       .size;
    }
  }
  RankedTensorType resultType =
      RankedTensorType::get(shape, type.getElementType());
  if (std::optional<RankedTensorType> declared =
          getDeclaredOutputType(ic, node, 0)) {
    if (declared->getRank() != rank ||
        declared->getElementType() != type.getElementType())
      return emitError(loc) << "Slice: the declared output " << *declared
                            << " does not fit " << type;
    resultType = *declared;
  }
  ic.setOutput(node, 0,
               DynamicSliceOp::create(ic.builder, loc, resultType, input,
                                      operands[0], operands[1], operands[2],
                                      operands[3]));
  return success();
}

static LogicalResult importSlice(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  if (ic.opset >= 10) {
    bool runtime = !getRankedType(*input).hasStaticShape();
    for (int i = 1; i < 5; ++i) {
      FailureOr<Value> v = ic.getInput(node, i, loc);
      if (failed(v))
        return failure();
      runtime |= isRuntimeValue(*v);
    }
    if (runtime)
      return importDynamicSlice(ic, node, loc, *input);
  }
  if (failed(requireStaticShape(node, *input, loc)))
    return failure();
  // Reported one at a time: the first non-constant operand is the news.
  auto starts = getIntsAttrOrInput(ic, node, "starts", 1, 10, loc);
  if (failed(starts))
    return failure();
  auto ends = getIntsAttrOrInput(ic, node, "ends", 2, 10, loc);
  if (failed(ends))
    return failure();
  auto axesOr = getIntsAttrOrInput(ic, node, "axes", 3, 10, loc);
  if (failed(axesOr))
    return failure();
  FailureOr<std::optional<SmallVector<int64_t>>> steps =
      std::optional<SmallVector<int64_t>>();
  if (ic.opset >= 10)
    steps = getIntsAttrOrInput(ic, node, "steps", 4, 10, loc);
  if (failed(steps))
    return failure();
  if (!*starts || !*ends || (*starts)->size() != (*ends)->size())
    return emitError(loc) << "Slice needs starts and ends of equal length";
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  size_t count = (*starts)->size();
  SmallVector<int64_t> axes =
      *axesOr ? **axesOr : llvm::to_vector(llvm::seq<int64_t>(0, count));
  SmallVector<int64_t> stepValues =
      *steps ? **steps : SmallVector<int64_t>(count, 1);
  if (axes.size() != count || stepValues.size() != count)
    return emitError(loc) << "Slice axes and steps must match starts in length";
  FailureOr<SmallVector<int64_t>> normalized =
      normalizeAxes(node, axes, rank, loc);
  if (failed(normalized))
    return failure();
  SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()),
      strides(rank, 1);
  for (size_t i = 0; i < count; ++i) {
    if (stepValues[i] == 0)
      return emitError(loc) << "Slice step must not be 0";
    int64_t d = (*normalized)[i];
    DimSlice s = resolveSlice(type.getDimSize(d), (**starts)[i], (**ends)[i],
                              stepValues[i]);
    offsets[d] = s.offset;
    sizes[d] = s.size;
    strides[d] = s.stride;
  }
  OpBuilder &b = ic.builder;
  ic.setOutput(node, 0,
               SliceOp::create(b, loc, *input, b.getDenseI64ArrayAttr(offsets),
                               b.getDenseI64ArrayAttr(sizes),
                               b.getDenseI64ArrayAttr(strides)));
  return success();
}

static LogicalResult importSplit(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  int64_t axis = getIntAttr(node, "axis", 0);
  if (axis < -rank || axis >= rank)
    return emitError(loc) << "Split axis " << axis << " out of range";
  if (axis < 0)
    axis += rank;
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
    ic.setOutput(node, i,
                 SliceOp::create(b, loc, *input,
                                 b.getDenseI64ArrayAttr(offsets),
                                 b.getDenseI64ArrayAttr(sizes),
                                 b.getDenseI64ArrayAttr(strides)));
    offset += size;
  }
  return success();
}

static LogicalResult importExpand(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> shapeInput = ic.getRequiredInput(node, 1, loc);
  if (failed(input) || failed(shapeInput) ||
      failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  std::optional<RankedTensorType> declared = getDeclaredOutputType(ic, node, 0);
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
              ? Value(DimOp::create(
                    b, loc, RankedTensorType::get({1}, b.getI64Type()), *input,
                    b.getI64IntegerAttr(i)))
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
  FailureOr<SmallVector<int64_t>> shape =
      isRuntimeValue(*shapeInput) && declared
          ? FailureOr<SmallVector<int64_t>>(
                SmallVector<int64_t>(declared->getShape()))
          : ic.getConstantInts(*shapeInput, loc, "ConstantOfShape's input");
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; }))
    return emitError(loc) << "ConstantOfShape: negative dimension";
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
  auto type = RankedTensorType::get(*shape, elementType);
  ic.setOutput(
      node, 0,
      ConstantOp::create(b, loc, DenseElementsAttr::get(type, element)));
  return success();
}

/// Range with runtime start or delta and a declared output length n:
/// start + [0, 1, .., n-1] * delta.
static LogicalResult importRuntimeRange(ImporterContext &ic,
                                        const onnx::NodeProto &node,
                                        Location loc, Value start,
                                        Value delta) {
  std::optional<RankedTensorType> declared = getDeclaredOutputType(ic, node, 0);
  if (!declared || declared->getRank() != 1)
    return emitError(loc) << "Range's start, limit and delta must be "
                             "constants, or the output shape declared in the "
                             "graph";
  RankedTensorType startType = getRankedType(start);
  Type elementType = startType.getElementType();
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
    return importRuntimeRange(ic, node, loc, operands[0], operands[2]);
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

/// Pad with runtime pads or constant value: mlc.dynamic_pad, typed by the
/// declared output or with `?` for the padded dimensions.
static LogicalResult importDynamicPad(ImporterContext &ic,
                                      const onnx::NodeProto &node,
                                      Location loc, PadMode mode, Value input,
                                      Value pads, Value value, Value axes) {
  RankedTensorType type = getRankedType(input);
  int64_t rank = type.getRank();
  OpBuilder &b = ic.builder;
  RankedTensorType padsType = getRankedType(pads);
  if (padsType.getRank() != 1 || padsType.isDynamicDim(0))
    return emitError(loc) << "Pad's pads must be a 1-D tensor of static "
                             "length";
  if (axes) {
    // Constant axes scatter the runtime pads into one entry per dimension.
    FailureOr<SmallVector<int64_t>> axisValues =
        ic.getConstantInts(axes, loc, "Pad's axes (with runtime pads)");
    if (failed(axisValues))
      return failure();
    FailureOr<SmallVector<int64_t>> normalized =
        normalizeAxes(node, *axisValues, rank, loc);
    if (failed(normalized))
      return failure();
    int64_t count = normalized->size();
    if (padsType.getDimSize(0) != 2 * count)
      return emitError(loc) << "Pad needs " << 2 * count << " pads";
    SmallVector<Value> parts;
    Value zero = createI64Vector(ic, loc, {0});
    Value pads64 = pads;
    if (padsType.getElementType() != b.getI64Type())
      pads64 = CastOp::create(b, loc, padsType.clone(b.getI64Type()), pads);
    for (int64_t half = 0; half < 2; ++half)
      for (int64_t d = 0; d < rank; ++d) {
        auto it = llvm::find(*normalized, d);
        if (it == normalized->end()) {
          parts.push_back(zero);
          continue;
        }
        int64_t i = (it - normalized->begin()) + half * count;
        parts.push_back(SliceOp::create(b, loc, pads64,
                                        b.getDenseI64ArrayAttr({i}),
                                        b.getDenseI64ArrayAttr({1}),
                                        b.getDenseI64ArrayAttr({1})));
      }
    pads = ConcatOp::create(b, loc, parts, b.getI64IntegerAttr(0));
  } else if (padsType.getDimSize(0) != 2 * rank) {
    return emitError(loc) << "Pad needs " << 2 * rank << " pads, got "
                          << padsType.getDimSize(0);
  }
  if (!value) {
    value = ConstantOp::create(
        b, loc, DenseElementsAttr::get(
                    RankedTensorType::get({}, type.getElementType()),
                    b.getZeroAttr(type.getElementType())));
  } else {
    RankedTensorType valueType = getRankedType(value);
    if (valueType.getNumElements() != 1 ||
        valueType.getElementType() != type.getElementType())
      return emitError(loc) << "Pad's constant_value must be a scalar of the "
                               "input's element type";
    value = createReshape(ic, loc, value, {});
  }
  RankedTensorType resultType = RankedTensorType::get(
      SmallVector<int64_t>(rank, ShapedType::kDynamic), type.getElementType());
  if (std::optional<RankedTensorType> declared =
          getDeclaredOutputType(ic, node, 0)) {
    if (declared->getRank() != rank ||
        declared->getElementType() != type.getElementType())
      return emitError(loc) << "Pad: the declared output " << *declared
                            << " does not fit " << type;
    resultType = *declared;
  }
  ic.setOutput(node, 0,
               DynamicPadOp::create(b, loc, resultType, mode, input, pads,
                                    value));
  return success();
}

/// Pad: attributes before opset 11, inputs (pads, constant_value, axes from
/// 18) after. Negative pads crop, which becomes a slice before the pad.
static LogicalResult importPad(ImporterContext &ic, const onnx::NodeProto &node,
                               Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  std::string modeName = getStringAttr(node, "mode", "constant");
  std::optional<PadMode> mode = symbolizePadMode(modeName);
  if (!mode || (*mode == PadMode::Wrap && ic.opset < 19))
    return emitError(loc) << "Pad mode '" << modeName << "' is not supported";
  SmallVector<int64_t> pads;
  double value = 0;
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  if (ic.opset < 11) {
    pads = getIntsAttr(node, "pads", {});
    value = getFloatAttr(node, "value", 0.0f);
  } else {
    FailureOr<Value> padsInput = ic.getRequiredInput(node, 1, loc);
    FailureOr<Value> valueInput = ic.getInput(node, 2, loc);
    FailureOr<Value> axesInput = ic.getInput(node, 3, loc);
    if (failed(padsInput) || failed(valueInput) || failed(axesInput))
      return failure();
    if (isRuntimeValue(*padsInput) || isRuntimeValue(*valueInput))
      return importDynamicPad(ic, node, loc, *mode, *input, *padsInput,
                              *valueInput, *axesInput);
    FailureOr<SmallVector<int64_t>> padValues =
        ic.getConstantInts(*padsInput, loc, "Pad's pads");
    if (failed(padValues))
      return failure();
    pads = *padValues;
    if (*valueInput) {
      FailureOr<SmallVector<double>> v =
          getConstantValues(*valueInput, loc, "Pad's constant_value");
      if (failed(v))
        return failure();
      if (v->size() != 1)
        return emitError(loc) << "Pad's constant_value must be a scalar";
      value = v->front();
    }
    if (*axesInput) {
      FailureOr<SmallVector<int64_t>> axisValues =
          ic.getConstantInts(*axesInput, loc, "Pad's axes");
      if (failed(axisValues))
        return failure();
      FailureOr<SmallVector<int64_t>> normalized =
          normalizeAxes(node, *axisValues, rank, loc);
      if (failed(normalized))
        return failure();
      axes = *normalized;
    }
  }
  int64_t count = axes.size();
  if (static_cast<int64_t>(pads.size()) != 2 * count)
    return emitError(loc) << "Pad needs " << 2 * count << " pads, got "
                          << pads.size();
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  for (int64_t i = 0; i < count; ++i) {
    low[axes[i]] = pads[i];
    high[axes[i]] = pads[i + count];
  }
  OpBuilder &b = ic.builder;
  Value x = *input;
  // Crop negative pads first.
  if (llvm::any_of(low, [](int64_t p) { return p < 0; }) ||
      llvm::any_of(high, [](int64_t p) { return p < 0; })) {
    SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()),
        strides(rank, 1);
    for (int64_t d = 0; d < rank; ++d) {
      int64_t cropLow = std::max<int64_t>(0, -low[d]);
      int64_t cropHigh = std::max<int64_t>(0, -high[d]);
      if (cropLow + cropHigh > type.getDimSize(d))
        return emitError(loc) << "Pad crops more than dimension " << d;
      sizes[d] = type.getDimSize(d) - cropLow - cropHigh;
      offsets[d] = sizes[d] == 0 ? 0 : cropLow;
      low[d] = std::max<int64_t>(0, low[d]);
      high[d] = std::max<int64_t>(0, high[d]);
    }
    x = SliceOp::create(b, loc, x, b.getDenseI64ArrayAttr(offsets),
                        b.getDenseI64ArrayAttr(sizes),
                        b.getDenseI64ArrayAttr(strides));
  }
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; })) {
    ic.setOutput(node, 0, x);
    return success();
  }
  if (*mode != PadMode::Constant)
    for (int64_t d = 0; d < rank; ++d)
      if ((low[d] || high[d]) && getRankedType(x).getDimSize(d) == 0)
        return emitError(loc)
               << "Pad: cannot " << modeName << "-pad empty dimension " << d;
  SmallVector<int64_t> allPads(low);
  allPads.append(high);
  ic.setOutput(node, 0,
               PadOp::create(b, loc, *mode, x, allPads,
                             APFloat(static_cast<double>(value))));
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
  table.push_back({"Slice", 1, 9, importSlice});
  table.push_back({"Slice", 10, kLatestOpset, importSlice});
  table.push_back({"Split", 1, 12, importSplit});
  table.push_back({"Split", 13, kLatestOpset, importSplit});
  table.push_back({"Expand", 8, kLatestOpset, importExpand});
  table.push_back({"Tile", 6, kLatestOpset, importTile});
  table.push_back({"Shape", 1, kLatestOpset, importShape});
  table.push_back({"Size", 1, kLatestOpset, importSize});
  table.push_back({"ConstantOfShape", 9, kLatestOpset, importConstantOfShape});
  table.push_back({"Range", 11, kLatestOpset, importRange});
  table.push_back({"Pad", 2, 10, importPad});
  table.push_back({"Pad", 11, kLatestOpset, importPad});
  table.push_back({"DepthToSpace", 1, kLatestOpset, importDepthToSpace});
  table.push_back({"SpaceToDepth", 1, kLatestOpset, importSpaceToDepth});
}
