//===- SliceAndPadOps.cpp - Importers of ONNX Slice and Pad ---------------===//
//
// Slice and Pad: mlc.slice / mlc.pad when their window operands (starts,
// ends, axes, steps; pads, constant value) are constants, and
// mlc.dynamic_slice / mlc.dynamic_pad, which resolve ONNX's clamping in the
// compiled code, when they are run-time values or the input is dynamically
// shaped.
//
//===----------------------------------------------------------------------===//

#include "ComposeUtils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

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
    if (v &&
        (getRankedType(v).getRank() != 1 || getRankedType(v).isDynamicDim(0) ||
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
    operands[2] =
        createI64Vector(ic, loc, llvm::to_vector(llvm::seq<int64_t>(0, count)));
  if (!operands[3])
    operands[3] = createI64Vector(ic, loc, SmallVector<int64_t>(count, 1));
  // Constant bounds on static dimensions give static sizes.
  FailureOr<SmallVector<int64_t>> starts = failure(), ends = failure(),
                                  axes = failure(), steps = failure();
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

/// Pad with runtime pads or constant value: mlc.dynamic_pad, typed by the
/// declared output or with `?` for the padded dimensions.
static LogicalResult importDynamicPad(ImporterContext &ic,
                                      const onnx::NodeProto &node, Location loc,
                                      PadMode mode, Value input, Value pads,
                                      Value value, Value axes) {
  RankedTensorType type = getRankedType(input);
  int64_t rank = type.getRank();
  OpBuilder &b = ic.builder;
  RankedTensorType padsType = getRankedType(pads);
  if (padsType.getRank() != 1 || padsType.isDynamicDim(0))
    return emitError(loc) << "Pad's pads must be a 1-D tensor of static "
                             "length";
  if (axes && isRuntimeValue(axes)) {
    // Runtime axes: entry d of each half sums the pads whose (wrapped) axis
    // is d, through a [count, rank] one-hot matrix of the axes.
    RankedTensorType axesType = getRankedType(axes);
    if (axesType.getRank() != 1 || axesType.isDynamicDim(0) ||
        !isa<IntegerType>(axesType.getElementType()) ||
        axesType.getElementType().isInteger(1))
      return emitError(loc) << "Pad's axes must be a 1-D integer tensor of "
                               "static length";
    int64_t count = axesType.getDimSize(0);
    if (padsType.getDimSize(0) != 2 * count)
      return emitError(loc) << "Pad needs " << 2 * count << " pads";
    Type i64 = b.getI64Type();
    auto toI64 = [&](Value v) -> Value {
      RankedTensorType t = getRankedType(v);
      if (t.getElementType() == i64)
        return v;
      return CastOp::create(b, loc, t.clone(i64), v, false, false);
    };
    Value axes64 = createReshape(ic, loc, toI64(axes), {count, 1});
    Value rankValue = createI64Vector(ic, loc, {rank});
    Value zero = createI64Vector(ic, loc, {0});
    Value wrapped =
        WhereOp::create(b, loc, LessOp::create(b, loc, axes64, zero),
                        AddOp::create(b, loc, axes64, rankValue), axes64);
    SmallVector<int64_t> iota;
    for (int64_t d = 0; d < rank; ++d)
      iota.push_back(d);
    Value dims = ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({1, rank}, i64),
                               ArrayRef(iota)));
    Value oneHot =
        CastOp::create(b, loc, RankedTensorType::get({count, rank}, i64),
                       EqualOp::create(b, loc, wrapped, dims), false, false);
    Value pads64 = toI64(pads);
    SmallVector<Value> halves;
    for (int64_t half = 0; half < 2; ++half) {
      Value part =
          createReshape(ic, loc,
                        SliceOp::create(b, loc, pads64,
                                        b.getDenseI64ArrayAttr({half * count}),
                                        b.getDenseI64ArrayAttr({count}),
                                        b.getDenseI64ArrayAttr({1})),
                        {count, 1});
      halves.push_back(ReduceOp::create(b, loc, ReduceKind::Sum,
                                        MulOp::create(b, loc, oneHot, part),
                                        ArrayRef<int64_t>{0},
                                        /*keepdims=*/false));
    }
    pads = ConcatOp::create(b, loc, halves, b.getI64IntegerAttr(0));
  } else if (axes) {
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
        parts.push_back(SliceOp::create(
            b, loc, pads64, b.getDenseI64ArrayAttr({i}),
            b.getDenseI64ArrayAttr({1}), b.getDenseI64ArrayAttr({1})));
      }
    pads = ConcatOp::create(b, loc, parts, b.getI64IntegerAttr(0));
  } else if (padsType.getDimSize(0) != 2 * rank) {
    return emitError(loc) << "Pad needs " << 2 * rank << " pads, got "
                          << padsType.getDimSize(0);
  }
  if (!value) {
    value = ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({}, type.getElementType()),
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
  ic.setOutput(
      node, 0,
      DynamicPadOp::create(b, loc, resultType, mode, input, pads, value));
  return success();
}

/// Pad with constant pads of a dynamically shaped input: mlc.dynamic_pad
/// with the pads as a constant vector (negative ones crop there too). A
/// dimension keeps its static size where the input's is static.
static LogicalResult
importConstantPadOfDynamic(ImporterContext &ic, const onnx::NodeProto &node,
                           Location loc, PadMode mode, Value input,
                           ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                           double value) {
  RankedTensorType type = getRankedType(input);
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (type.isDynamicDim(d)) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t size = type.getDimSize(d) + low[d] + high[d];
    if (size < 0)
      return emitError(loc) << "Pad crops more than dimension " << d;
    if (mode != PadMode::Constant && (low[d] || high[d]) &&
        type.getDimSize(d) == 0)
      return emitError(loc) << "Pad: cannot pad empty dimension " << d << " in "
                            << stringifyPadMode(mode) << " mode";
    shape.push_back(size);
  }
  RankedTensorType resultType =
      RankedTensorType::get(shape, type.getElementType());
  if (std::optional<RankedTensorType> declared =
          getDeclaredOutputType(ic, node, 0)) {
    if (declared->getElementType() != type.getElementType() ||
        failed(verifyCompatibleShape(*declared, resultType)))
      return emitError(loc) << "Pad: the declared output " << *declared
                            << " does not fit " << resultType;
    // The declared type may know more (a size the graph's shape inference
    // resolved); keep the most static of both.
    SmallVector<int64_t> joined;
    for (auto [a, c] : llvm::zip(declared->getShape(), shape))
      joined.push_back(ShapedType::isDynamic(a) ? c : a);
    resultType = RankedTensorType::get(joined, type.getElementType());
  }
  SmallVector<int64_t> allPads(low);
  allPads.append(high.begin(), high.end());
  OpBuilder &b = ic.builder;
  Value pads = createI64Vector(ic, loc, allPads);
  Value fill = createConstant(b, loc, {}, type.getElementType(), {value});
  ic.setOutput(
      node, 0,
      DynamicPadOp::create(b, loc, resultType, mode, input, pads, fill));
  return success();
}

/// Pad: attributes before opset 11, inputs (pads, constant_value, axes from
/// 18) after. Negative pads crop, which becomes a slice before the pad.
static LogicalResult importPad(ImporterContext &ic, const onnx::NodeProto &node,
                               Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
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
    if (isRuntimeValue(*padsInput) || isRuntimeValue(*valueInput) ||
        isRuntimeValue(*axesInput))
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
  if (!type.hasStaticShape())
    return importConstantPadOfDynamic(ic, node, loc, *mode, *input, low, high,
                                      value);
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

void mlc::onnx_import::registerSliceAndPadOpImporters(OpImporterTable &table) {
  table.push_back({"Slice", 1, 9, importSlice});
  table.push_back({"Slice", 10, kLatestOpset, importSlice});
  table.push_back({"Pad", 2, 10, importPad});
  table.push_back({"Pad", 11, kLatestOpset, importPad});
}
