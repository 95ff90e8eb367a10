//===- TensorOps.cpp - Importers of ONNX data-movement operators ----------===//
//
// Reshape, Transpose, Concat, Flatten, Identity, Dropout and Constant
// (ReduceMean is imported with the other reductions in ReductionOps.cpp).
//
//===----------------------------------------------------------------------===//

#include "ImporterContext.h"
#include "RandomOps.h"
#include "TensorImportUtils.h"

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static RankedTensorType getType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Reshape to the shape the graph declares for the output, when the shape
/// operand is only known at run time: the declared shape is what it holds.
/// Reshape whose result sizes are only partly known at compile time:
/// mlc.dynamic_reshape. Entries of the shape operand that fold (constants,
/// static dimensions of a runtime Shape) give static dimensions; 0 copies a
/// static input dimension; -1 is inferred when everything else is static.
static LogicalResult importDynamicReshape(ImporterContext &ic,
                                          const onnx::NodeProto &node,
                                          Location loc, Value input,
                                          Value shape) {
  RankedTensorType inputType = getType(input);
  RankedTensorType shapeType = getType(shape);
  if (shapeType.getRank() != 1 || shapeType.isDynamicDim(0) ||
      !isa<IntegerType>(shapeType.getElementType()))
    return emitError(loc) << "Reshape's shape must be a 1-D integer tensor of "
                             "static length";
  OpBuilder &b = ic.builder;
  bool allowZero = getIntAttr(node, "allowzero", 0) != 0;
  int64_t rank = shapeType.getDimSize(0);
  SmallVector<int64_t> dims(rank, ShapedType::kDynamic);
  // The entries known at compile time.
  SmallVector<std::optional<int64_t>> entries(rank);
  if (FailureOr<ConstTensor> whole = foldToConstant(shape);
      succeeded(whole) && !whole->isFloat()) {
    for (int64_t i = 0; i < rank; ++i)
      entries[i] = whole->ints[i];
  } else if (std::optional<SmallVector<Value>> pieces = getShapePieces(shape);
             pieces && static_cast<int64_t>(pieces->size()) == rank) {
    for (auto [i, piece] : llvm::enumerate(*pieces)) {
      FailureOr<ConstTensor> value = foldToConstant(piece);
      if (succeeded(value) && !value->isFloat())
        entries[i] = value->ints.front();
    }
  }
  {
    int64_t inferIndex = -1, known = 1;
    for (auto [i, entry] : llvm::enumerate(entries)) {
      if (!entry) {
        known = ShapedType::kDynamic;
        continue;
      }
      int64_t d = *entry;
      if (d == 0 && !allowZero)
        d = static_cast<int64_t>(i) < inputType.getRank()
                ? inputType.getDimSize(i)
                : ShapedType::kDynamic;
      if (d == -1) {
        inferIndex = i;
        continue;
      }
      dims[i] = d < 0 ? ShapedType::kDynamic : d;
      if (ShapedType::isDynamic(dims[i]) ||
          (!ShapedType::isDynamic(known) && llvm::MulOverflow(known, d, known)))
        known = ShapedType::kDynamic;
    }
    if (inferIndex >= 0 && !ShapedType::isDynamic(known) && known > 0 &&
        inputType.hasStaticShape())
      dims[inferIndex] = inputType.getNumElements() / known;
  }
  if (shapeType.getElementType() != b.getI64Type())
    shape = CastOp::create(b, loc, shapeType.clone(b.getI64Type()), shape);
  auto resultType = RankedTensorType::get(dims, inputType.getElementType());
  auto op = DynamicReshapeOp::create(b, loc, resultType, input, shape,
                                     allowZero ? b.getUnitAttr() : nullptr);
  ic.setOutput(node, 0, op);
  return success();
}

static LogicalResult importRuntimeReshape(ImporterContext &ic,
                                          const onnx::NodeProto &node,
                                          Location loc, Value input,
                                          Value shape) {
  std::optional<RankedTensorType> declared = getDeclaredOutputType(ic, node, 0);
  RankedTensorType inputType = getType(input);
  if (!declared || !inputType.hasStaticShape())
    return importDynamicReshape(ic, node, loc, input, shape);
  if (declared->getNumElements() != inputType.getNumElements())
    return emitError(loc) << "Reshape: the declared output " << *declared
                          << " does not hold the elements of " << inputType;
  ic.setOutput(node, 0, createReshape(ic, loc, input, declared->getShape()));
  return success();
}

/// Reshape's shape input is constant (0 copies the input dim unless
/// allowzero, one -1 is inferred) or a runtime value with a declared output.
static LogicalResult importReshape(ImporterContext &ic,
                                   const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> shapeInput = ic.getRequiredInput(node, 1, loc);
  if (failed(input) || failed(shapeInput))
    return failure();
  if (isRuntimeValue(*shapeInput))
    return importRuntimeReshape(ic, node, loc, *input, *shapeInput);
  FailureOr<SmallVector<int64_t>> shape =
      ic.getConstantInts(*shapeInput, loc, "Reshape's shape");
  if (failed(shape))
    return failure();
  RankedTensorType inputType = getType(*input);
  if (!inputType.hasStaticShape())
    return importDynamicReshape(ic, node, loc, *input, *shapeInput);
  bool allowZero = getIntAttr(node, "allowzero", 0) != 0;
  int64_t known = 1, inferIndex = -1;
  for (auto [i, d] : llvm::enumerate(*shape)) {
    if (d == 0 && !allowZero) {
      if (i >= static_cast<size_t>(inputType.getRank()))
        return emitError(loc) << "Reshape: 0 at position " << i
                              << " has no input dimension to copy";
      d = inputType.getDimSize(i);
    }
    if (d == -1) {
      if (inferIndex >= 0)
        return emitError(loc) << "Reshape: more than one -1 in the shape";
      inferIndex = i;
      continue;
    }
    if (d < 0)
      return emitError(loc) << "Reshape: invalid dimension " << d;
    if (llvm::MulOverflow(known, d, known))
      return emitError(loc) << "Reshape: shape has more than 2^63 elements";
  }
  int64_t total = inputType.getNumElements();
  if (inferIndex >= 0) {
    if (known == 0 || total % known != 0)
      return emitError(loc) << "Reshape: cannot infer the -1 dimension";
    (*shape)[inferIndex] = total / known;
  } else if (known != total) {
    return emitError(loc) << "Reshape: shape has " << known
                          << " elements, the input " << total;
  }
  ic.setOutput(node, 0,
               ReshapeOp::create(ic.builder, loc, *input,
                                 ic.builder.getDenseI64ArrayAttr(*shape)));
  return success();
}

static LogicalResult importTranspose(ImporterContext &ic,
                                     const onnx::NodeProto &node,
                                     Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  int64_t rank = getType(*input).getRank();
  SmallVector<int64_t> reversed;
  for (int64_t i = rank - 1; i >= 0; --i)
    reversed.push_back(i);
  SmallVector<int64_t> perm = getIntsAttr(node, "perm", reversed);
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if (sorted != llvm::to_vector(llvm::seq<int64_t>(0, rank)))
    return emitError(loc) << "Transpose perm is not a permutation of the "
                             "input's dimensions";
  ic.setOutput(node, 0,
               TransposeOp::create(ic.builder, loc, *input,
                                   ic.builder.getDenseI64ArrayAttr(perm)));
  return success();
}

static LogicalResult importConcat(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  SmallVector<Value> inputs;
  for (int i = 0; i < node.input_size(); ++i) {
    FailureOr<Value> v = ic.getRequiredInput(node, i, loc);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  if (inputs.empty())
    return emitError(loc) << "Concat needs at least one input";
  RankedTensorType first = getType(inputs.front());
  int64_t rank = first.getRank();
  int64_t axis = getIntAttr(node, "axis", 0);
  if (axis < -rank || axis >= rank)
    return emitError(loc) << "Concat axis " << axis << " out of range";
  if (axis < 0)
    axis += rank;
  for (Value v : inputs) {
    RankedTensorType type = getType(v);
    bool ok = type.getRank() == rank &&
              type.getElementType() == first.getElementType();
    for (int64_t d = 0; ok && d < rank; ++d)
      ok = d == axis || type.getDimSize(d) == first.getDimSize(d);
    if (!ok)
      return emitError(loc) << "Concat inputs " << first << " and " << type
                            << " do not match outside axis " << axis;
  }
  ic.setOutput(node, 0,
               ConcatOp::create(ic.builder, loc, inputs,
                                ic.builder.getI64IntegerAttr(axis)));
  return success();
}

static LogicalResult importFlatten(ImporterContext &ic,
                                   const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  int64_t rank = getType(*input).getRank();
  int64_t axis = getIntAttr(node, "axis", 1);
  if (axis < -rank || axis > rank)
    return emitError(loc) << "Flatten axis " << axis << " out of range";
  ic.setOutput(node, 0,
               FlattenOp::create(ic.builder, loc, *input,
                                 ic.builder.getI64IntegerAttr(axis)));
  return success();
}

/// Identity, and Dropout at inference: output 0 is the input.
static LogicalResult importForward(ImporterContext &ic,
                                   const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  ic.setOutput(node, 0, *input);
  return success();
}

/// Dropout is the identity at inference. From opset 12 a `training_mode`
/// input can ask for training behaviour (random masks), which a compiled
/// inference model does not do: it must be absent or a constant false.
static LogicalResult importDropout(ImporterContext &ic,
                                   const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> ratio = ic.getInput(node, 1, loc);
  FailureOr<Value> trainingMode = ic.getInput(node, 2, loc);
  if (failed(ratio) || failed(trainingMode))
    return failure();
  // With a constant ratio of 0 nothing is dropped even in training mode.
  bool dropsNothing = false;
  if (*ratio) {
    FailureOr<ConstTensor> ratioValue = foldToConstant(*ratio);
    dropsNothing =
        succeeded(ratioValue) && ratioValue->isFloat() &&
        llvm::all_of(ratioValue->floats, [](double r) { return r == 0.0; });
  }
  if (*trainingMode && !dropsNothing) {
    // Training mode drops at random (RandomOps.cpp); a constant false
    // flag is inference, a run-time one chooses between the two.
    Value training = *trainingMode;
    FailureOr<ConstTensor> flag = foldToConstant(training);
    bool known = succeeded(flag) && !flag->isFloat() && flag->ints.size() == 1;
    if (!known || flag->ints.front() != 0) {
      FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
      if (failed(input))
        return failure();
      const onnx::AttributeProto *seed = findAttr(node, "seed");
      FailureOr<std::pair<Value, Value>> dropped = buildTrainingDropout(
          ic, loc, *input, *ratio, known ? Value() : training,
          seed ? ic.builder.getI64IntegerAttr(seed->i()) : IntegerAttr());
      if (failed(dropped))
        return failure();
      ic.setOutput(node, 0, dropped->first);
      ic.setOutput(node, 1, dropped->second);
      return success();
    }
  }
  if (failed(importForward(ic, node, loc)))
    return failure();
  // At inference nothing is dropped: the optional mask is all true.
  if (node.output_size() > 1 && !node.output(1).empty()) {
    auto inputType = getType(ic.values[node.output(0)]);
    if (!inputType.hasStaticShape())
      return emitError(loc) << "Dropout's mask output needs a static shape";
    auto maskType =
        RankedTensorType::get(inputType.getShape(), ic.builder.getI1Type());
    ic.setOutput(node, 1,
                 ConstantOp::create(ic.builder, loc,
                                    DenseElementsAttr::get(maskType, true)));
  }
  return success();
}

static LogicalResult importConstant(ImporterContext &ic,
                                    const onnx::NodeProto &node, Location loc) {
  if (node.attribute_size() != 1)
    return emitError(loc) << "Constant needs exactly one value attribute";
  const onnx::AttributeProto &attr = node.attribute(0);
  OpBuilder &b = ic.builder;
  TypedAttr value;
  if (attr.name() == "value") {
    FailureOr<ElementsAttr> tensor = ic.convertTensor(attr.t(), loc);
    if (failed(tensor))
      return failure();
    value = cast<TypedAttr>(*tensor);
  } else if (attr.name() == "value_float") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   attr.f());
  } else if (attr.name() == "value_int") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                   static_cast<int64_t>(attr.i()));
  } else if (attr.name() == "value_floats") {
    SmallVector<float> v(attr.floats().begin(), attr.floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())}, b.getF32Type()),
        ArrayRef(v));
  } else if (attr.name() == "value_ints") {
    SmallVector<int64_t> v(attr.ints().begin(), attr.ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())}, b.getI64Type()),
        ArrayRef(v));
  } else {
    return emitError(loc) << "Constant attribute '" << attr.name()
                          << "' is not supported";
  }
  ic.setOutput(node, 0, ConstantOp::create(b, loc, value));
  return success();
}

void mlc::onnx_import::registerTensorOpImporters(OpImporterTable &table) {
  table.push_back({"Reshape", 5, kLatestOpset, importReshape});
  table.push_back({"Transpose", 1, kLatestOpset, importTranspose});
  table.push_back({"Concat", 4, kLatestOpset, importConcat});
  table.push_back({"Flatten", 1, kLatestOpset, importFlatten});
  table.push_back({"Identity", 1, kLatestOpset, importForward});
  table.push_back({"Dropout", 1, kLatestOpset, importDropout});
  table.push_back({"Constant", 1, kLatestOpset, importConstant});
}
