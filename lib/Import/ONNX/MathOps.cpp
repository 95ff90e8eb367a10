//===- MathOps.cpp - Importers of ONNX elementwise math and activations ---===//
//
// Arithmetic, unary math, activations, Pow/Mod and the variadic
// Max/Min/Sum/Mean (folded into chains of binary mlc ops).
//
//===----------------------------------------------------------------------===//

#include "ImporterContext.h"
#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Verifier.h"

#include <type_traits>

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static Type getElementType(Value value) {
  return getElementTypeOrSelf(value.getType());
}

/// Errors unless all `operands` broadcast together (op builders treat an
/// inference failure as fatal, so it is checked here).
static LogicalResult checkBroadcast(const onnx::NodeProto &node, Location loc,
                                    ValueRange operands) {
  SmallVector<int64_t> shape;
  for (Value operand : operands) {
    auto type = cast<RankedTensorType>(operand.getType());
    FailureOr<SmallVector<int64_t>> next =
        getBroadcastShape(shape, type.getShape());
    if (failed(next))
      return emitError(loc) << node.op_type() << " operands "
                            << operands.getTypes() << " do not broadcast";
    shape = std::move(*next);
  }
  return success();
}

/// All inputs of `node`, each required; at least `minCount` of them.
static FailureOr<SmallVector<Value>>
getRequiredInputs(ImporterContext &ic, const onnx::NodeProto &node,
                  Location loc, int minCount) {
  if (node.input_size() < minCount)
    return emitError(loc) << node.op_type() << " needs at least " << minCount
                          << " input(s)";
  SmallVector<Value> inputs;
  for (int i = 0; i < node.input_size(); ++i) {
    FailureOr<Value> input = ic.getRequiredInput(node, i, loc);
    if (failed(input))
      return failure();
    inputs.push_back(*input);
  }
  return inputs;
}

/// Errors unless all `values` share one element type.
static LogicalResult checkSameElementType(const onnx::NodeProto &node,
                                          Location loc, ValueRange values) {
  for (Value value : values)
    if (getElementType(value) != getElementType(values.front()))
      return emitError(loc)
             << node.op_type() << " operands have different element types";
  return success();
}

template <typename Op>
static LogicalResult importBinary(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> lhs = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> rhs = ic.getRequiredInput(node, 1, loc);
  if (failed(lhs) || failed(rhs))
    return failure();
  if (failed(checkSameElementType(node, loc, {*lhs, *rhs})))
    return failure();
  // Checked here: the op's builder treats an inference failure as fatal.
  auto lhsType = cast<RankedTensorType>(lhs->getType());
  auto rhsType = cast<RankedTensorType>(rhs->getType());
  if (failed(getBroadcastShape(lhsType.getShape(), rhsType.getShape())))
    return emitError(loc) << node.op_type() << " operands " << lhsType
                          << " and " << rhsType << " do not broadcast";
  if constexpr (std::is_same_v<Op, DivOp>) {
    if (ic.isUnsigned(*lhs) || ic.isUnsigned(*rhs)) {
      ic.setOutput(node, 0,
                   DivOp::create(ic.builder, loc, *lhs, *rhs,
                                 /*unsigned_ints=*/true));
      return success();
    }
  }
  ic.setOutput(node, 0, Op::create(ic.builder, loc, *lhs, *rhs));
  return success();
}

template <typename Op>
static LogicalResult importUnary(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  if (!isa<FloatType>(getElementTypeOrSelf(input->getType())))
    return emitError(loc) << node.op_type() << " needs a float input";
  ic.setOutput(node, 0, Op::create(ic.builder, loc, *input));
  return success();
}

/// Clip before opset 11 has min/max attributes (floats only), from 11 on
/// optional scalar inputs. Constant bounds on a float input give mlc.clip;
/// runtime bounds or (signed) integer inputs give mlc.max / mlc.min with
/// broadcasting.
static LogicalResult importClip(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  Type elementType = getElementTypeOrSelf(input->getType());
  bool isFloat = isa<FloatType>(elementType);
  FloatAttr min, max;
  Builder &b = ic.builder;
  if (ic.opset < 11) {
    if (!isFloat)
      return emitError(loc) << "Clip needs a float input";
    if (findAttr(node, "min"))
      min = b.getF32FloatAttr(getFloatAttr(node, "min", 0));
    if (findAttr(node, "max"))
      max = b.getF32FloatAttr(getFloatAttr(node, "max", 0));
    ic.setOutput(node, 0, ClipOp::create(ic.builder, loc, *input, min, max));
    return success();
  }
  if (!isFloat && (!isa<IntegerType>(elementType) || elementType.isInteger(1) ||
                   ic.isUnsigned(*input)))
    return emitError(loc) << "Clip needs a float or signed integer input";
  Value bounds[2];
  bool allConstant = true;
  for (int i : {1, 2}) {
    FailureOr<Value> bound = ic.getInput(node, i, loc);
    if (failed(bound))
      return failure();
    if (!*bound)
      continue;
    auto boundType = cast<RankedTensorType>(bound->getType());
    if (boundType.getNumElements() != 1 ||
        boundType.getElementType() != elementType)
      return emitError(loc)
             << "Clip " << (i == 1 ? "min" : "max")
             << " must be a scalar of the input's type, got " << boundType;
    bounds[i - 1] = *bound;
    allConstant &= succeeded(foldToConstant(*bound));
  }
  if (isFloat && allConstant) {
    for (int i : {0, 1}) {
      if (!bounds[i])
        continue;
      FailureOr<double> value = ic.getConstantScalar(
          bounds[i], loc, i == 0 ? "Clip min" : "Clip max");
      if (failed(value))
        return failure();
      (i == 0 ? min : max) = b.getF32FloatAttr(*value);
    }
    ic.setOutput(node, 0, ClipOp::create(ic.builder, loc, *input, min, max));
    return success();
  }
  Value result = *input;
  for (int i : {0, 1}) {
    if (!bounds[i])
      continue;
    Value bound = bounds[i];
    // A [1]-shaped bound would broadcast a rank-0 input up to rank 1.
    auto boundType = cast<RankedTensorType>(bound.getType());
    if (boundType.getRank() != 0)
      bound = ReshapeOp::create(ic.builder, loc,
                                RankedTensorType::get({}, elementType), bound,
                                ic.builder.getDenseI64ArrayAttr({}));
    if (i == 0) {
      FailureOr<MaxOp> clipped =
          createInferred<MaxOp>(ic.builder, loc, result, bound);
      if (failed(clipped))
        return failure();
      result = clipped->getResult();
    } else {
      FailureOr<MinOp> clipped =
          createInferred<MinOp>(ic.builder, loc, result, bound);
      if (failed(clipped))
        return failure();
      result = clipped->getResult();
    }
  }
  ic.setOutput(node, 0, result);
  return success();
}

/// Abs, Neg, Sign: floats and integers. On unsigned integers Abs is the
/// identity and Sign is x != 0; ONNX has no unsigned Neg.
template <typename Op>
static LogicalResult importNumericUnary(ImporterContext &ic,
                                        const onnx::NodeProto &node,
                                        Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  Type elementType = getElementType(*input);
  if (elementType.isInteger(1))
    return emitError(loc) << node.op_type() << " needs a numeric input";
  if (!ic.isUnsigned(*input)) {
    ic.setOutput(node, 0, Op::create(ic.builder, loc, *input));
    return success();
  }
  if (std::is_same_v<Op, AbsOp>) {
    ic.setOutput(node, 0, *input);
    return success();
  }
  if (std::is_same_v<Op, SignOp>) {
    auto type = cast<RankedTensorType>(input->getType());
    Value nonZero = CastOp::create(ic.builder, loc,
                                   type.clone(ic.builder.getI1Type()), *input);
    ic.setOutput(node, 0, CastOp::create(ic.builder, loc, type, nonZero));
    return success();
  }
  return emitError(loc) << node.op_type()
                        << " of unsigned integers is not supported";
}

/// A scalar (rank-0) constant of `elementType`.
static Value createScalar(ImporterContext &ic, Location loc, Type elementType,
                          double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element =
      isa<FloatType>(elementType)
          ? Attribute(ic.builder.getFloatAttr(elementType, value))
          : Attribute(ic.builder.getIntegerAttr(elementType,
                                                static_cast<int64_t>(value)));
  return ConstantOp::create(ic.builder, loc,
                            DenseElementsAttr::get(type, element));
}

/// Relu: floats map to mlc.relu; signed integers (opset 14) to max(x, 0);
/// unsigned integers are already non-negative.
static LogicalResult importRelu(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  Type elementType = getElementType(*input);
  if (isa<FloatType>(elementType)) {
    ic.setOutput(node, 0, ReluOp::create(ic.builder, loc, *input));
    return success();
  }
  if (elementType.isInteger(1))
    return emitError(loc) << "Relu needs a numeric input";
  if (ic.isUnsigned(*input)) {
    ic.setOutput(node, 0, *input);
    return success();
  }
  Value zero = createScalar(ic, loc, elementType, 0);
  ic.setOutput(node, 0, MaxOp::create(ic.builder, loc, *input, zero));
  return success();
}

/// Float activations whose ONNX attributes map 1:1 to f32 attributes of the
/// mlc op (same names, ONNX's defaults).
template <typename Op>
static LogicalResult
importActivation(ImporterContext &ic, const onnx::NodeProto &node, Location loc,
                 ArrayRef<std::pair<StringRef, float>> attrDefaults) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  if (!isa<FloatType>(getElementType(*input)))
    return emitError(loc) << node.op_type() << " needs a float input";
  SmallVector<NamedAttribute> attrs;
  for (auto [name, defaultValue] : attrDefaults)
    attrs.push_back(ic.builder.getNamedAttr(
        name,
        ic.builder.getF32FloatAttr(getFloatAttr(node, name, defaultValue))));
  Operation *op =
      Op::create(ic.builder, loc, input->getType(), ValueRange{*input}, attrs);
  if (failed(mlir::verify(op)))
    return failure();
  ic.setOutput(node, 0, op->getResult(0));
  return success();
}

template <typename Op>
static OpImporter
activation(std::initializer_list<std::pair<StringRef, float>> attrDefaults) {
  SmallVector<std::pair<StringRef, float>> defaults(attrDefaults);
  return [defaults](ImporterContext &ic, const onnx::NodeProto &node,
                    Location loc) {
    return importActivation<Op>(ic, node, loc, defaults);
  };
}

static LogicalResult importGelu(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  if (!isa<FloatType>(getElementType(*input)))
    return emitError(loc) << "Gelu needs a float input";
  std::string approximate = getStringAttr(node, "approximate", "none");
  if (approximate != "none" && approximate != "tanh")
    return emitError(loc) << "Gelu approximate must be 'none' or 'tanh', got '"
                          << approximate << "'";
  ic.setOutput(node, 0,
               GeluOp::create(ic.builder, loc, *input,
                              ic.builder.getStringAttr(approximate)));
  return success();
}

/// PRelu from opset 7: the slope broadcasts to the input's shape.
static LogicalResult importPRelu(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> slope = ic.getRequiredInput(node, 1, loc);
  if (failed(input) || failed(slope))
    return failure();
  if (!isa<FloatType>(getElementType(*input)))
    return emitError(loc) << "PRelu needs float inputs";
  if (failed(checkSameElementType(node, loc, {*input, *slope})))
    return failure();
  auto inputType = cast<RankedTensorType>(input->getType());
  auto slopeType = cast<RankedTensorType>(slope->getType());
  FailureOr<SmallVector<int64_t>> shape =
      getBroadcastShape(inputType.getShape(), slopeType.getShape());
  if (failed(shape) || ArrayRef<int64_t>(*shape) != inputType.getShape())
    return emitError(loc) << "PRelu slope " << slopeType
                          << " does not broadcast to the input " << inputType;
  ic.setOutput(node, 0, PReluOp::create(ic.builder, loc, *input, *slope));
  return success();
}

/// Pow: float or integer base, any numeric exponent (opset 12 on). An
/// unsigned exponent of a float base is converted first, as unsigned.
static LogicalResult importPow(ImporterContext &ic, const onnx::NodeProto &node,
                               Location loc) {
  FailureOr<Value> base = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> exponent = ic.getRequiredInput(node, 1, loc);
  if (failed(base) || failed(exponent))
    return failure();
  Type baseType = getElementType(*base);
  if (baseType.isInteger(1) || getElementType(*exponent).isInteger(1))
    return emitError(loc) << "Pow needs numeric inputs";
  if (failed(checkBroadcast(node, loc, {*base, *exponent})))
    return failure();
  Value e = *exponent;
  if (ic.isUnsigned(e) && isa<FloatType>(baseType)) {
    auto type = cast<RankedTensorType>(e.getType()).clone(baseType);
    e = CastOp::create(ic.builder, loc, type, e, /*unsigned_input=*/true,
                       /*unsigned_result=*/false);
  }
  ic.setOutput(node, 0, PowOp::create(ic.builder, loc, *base, e));
  return success();
}

/// Mod (opset 10): fmod = 0 is floored (Python) modulo and needs integers.
static LogicalResult importMod(ImporterContext &ic, const onnx::NodeProto &node,
                               Location loc) {
  FailureOr<SmallVector<Value>> inputs = getRequiredInputs(ic, node, loc, 2);
  if (failed(inputs))
    return failure();
  if (inputs->size() != 2)
    return emitError(loc) << "Mod needs 2 inputs";
  Value lhs = (*inputs)[0], rhs = (*inputs)[1];
  Type elementType = getElementType(lhs);
  if (failed(checkSameElementType(node, loc, *inputs)) ||
      failed(checkBroadcast(node, loc, *inputs)))
    return failure();
  if (elementType.isInteger(1))
    return emitError(loc) << "Mod needs numeric inputs";
  bool fmod = getIntAttr(node, "fmod", 0) != 0;
  if (isa<FloatType>(elementType) && !fmod)
    return emitError(loc) << "Mod of floats needs fmod = 1";
  bool isUnsigned = ic.isUnsigned(lhs) || ic.isUnsigned(rhs);
  ic.setOutput(node, 0,
               ModOp::create(ic.builder, loc, lhs, rhs, fmod, isUnsigned));
  return success();
}

/// Max and Min (opset 8 on: variadic with broadcasting) as a chain of
/// binary ops.
template <typename Op>
static LogicalResult importMaxMin(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  FailureOr<SmallVector<Value>> inputs = getRequiredInputs(ic, node, loc, 1);
  if (failed(inputs) || failed(checkSameElementType(node, loc, *inputs)) ||
      failed(checkBroadcast(node, loc, *inputs)))
    return failure();
  if (getElementType(inputs->front()).isInteger(1))
    return emitError(loc) << node.op_type() << " needs numeric inputs";
  bool isUnsigned =
      llvm::any_of(*inputs, [&](Value v) { return ic.isUnsigned(v); });
  Value result = inputs->front();
  for (Value next : ArrayRef(*inputs).drop_front())
    result = Op::create(ic.builder, loc, result, next, isUnsigned);
  ic.setOutput(node, 0, result);
  return success();
}

/// Sum and Mean (opset 8 on: variadic float with broadcasting) as chains of
/// mlc.add, Mean then divided by the input count.
static LogicalResult importSumMean(ImporterContext &ic,
                                   const onnx::NodeProto &node, Location loc) {
  FailureOr<SmallVector<Value>> inputs = getRequiredInputs(ic, node, loc, 1);
  if (failed(inputs) || failed(checkSameElementType(node, loc, *inputs)) ||
      failed(checkBroadcast(node, loc, *inputs)))
    return failure();
  Type elementType = getElementType(inputs->front());
  if (!isa<FloatType>(elementType))
    return emitError(loc) << node.op_type() << " needs float inputs";
  Value result = inputs->front();
  for (Value next : ArrayRef(*inputs).drop_front())
    result = AddOp::create(ic.builder, loc, result, next);
  if (node.op_type() == "Mean" && inputs->size() > 1)
    result = DivOp::create(ic.builder, loc, result,
                           createScalar(ic, loc, elementType, inputs->size()));
  ic.setOutput(node, 0, result);
  return success();
}

/// Max/Min/Sum/Mean before opset 8 take inputs of one shape (no
/// broadcasting); otherwise imported as from opset 8.
static OpImporter withoutBroadcast(OpImporter importer) {
  return [importer](ImporterContext &ic, const onnx::NodeProto &node,
                    Location loc) -> LogicalResult {
    FailureOr<SmallVector<Value>> inputs = getRequiredInputs(ic, node, loc, 1);
    if (failed(inputs))
      return failure();
    for (Value input : *inputs)
      if (input.getType() != inputs->front().getType() &&
          cast<RankedTensorType>(input.getType()).getShape() !=
              cast<RankedTensorType>(inputs->front().getType()).getShape())
        return emitError(loc)
               << node.op_type() << " before opset 8 needs inputs of one shape";
    return importer(ic, node, loc);
  };
}

void mlc::onnx_import::registerMathOpImporters(OpImporterTable &table) {
  table.push_back({"Add", 7, kLatestOpset, importBinary<AddOp>});
  table.push_back({"Sub", 7, kLatestOpset, importBinary<SubOp>});
  table.push_back({"Mul", 7, kLatestOpset, importBinary<MulOp>});
  table.push_back({"Div", 7, kLatestOpset, importBinary<DivOp>});
  table.push_back({"Relu", 1, kLatestOpset, importRelu});
  table.push_back({"Sigmoid", 1, kLatestOpset, importUnary<SigmoidOp>});
  table.push_back({"Tanh", 1, kLatestOpset, importUnary<TanhOp>});
  table.push_back({"Clip", 1, 10, importClip});
  table.push_back({"Clip", 11, kLatestOpset, importClip});

  // Unary float math. Later versions of these only add element types.
  table.push_back({"Exp", 1, kLatestOpset, importUnary<ExpOp>});
  table.push_back({"Log", 1, kLatestOpset, importUnary<LogOp>});
  table.push_back({"Sqrt", 1, kLatestOpset, importUnary<SqrtOp>});
  table.push_back({"Reciprocal", 1, kLatestOpset, importUnary<ReciprocalOp>});
  table.push_back({"Floor", 1, kLatestOpset, importUnary<FloorOp>});
  table.push_back({"Ceil", 1, kLatestOpset, importUnary<CeilOp>});
  table.push_back({"Round", 11, kLatestOpset, importUnary<RoundOp>});
  table.push_back({"Erf", 9, kLatestOpset, importUnary<ErfOp>});
  table.push_back({"Sin", 7, kLatestOpset, importUnary<SinOp>});
  table.push_back({"Cos", 7, kLatestOpset, importUnary<CosOp>});
  table.push_back({"Tan", 7, kLatestOpset, importUnary<TanOp>});
  table.push_back({"Asin", 7, kLatestOpset, importUnary<AsinOp>});
  table.push_back({"Acos", 7, kLatestOpset, importUnary<AcosOp>});
  table.push_back({"Atan", 7, kLatestOpset, importUnary<AtanOp>});
  table.push_back({"Sinh", 9, kLatestOpset, importUnary<SinhOp>});
  table.push_back({"Cosh", 9, kLatestOpset, importUnary<CoshOp>});
  table.push_back({"Asinh", 9, kLatestOpset, importUnary<AsinhOp>});
  table.push_back({"Acosh", 9, kLatestOpset, importUnary<AcoshOp>});
  table.push_back({"Atanh", 9, kLatestOpset, importUnary<AtanhOp>});
  table.push_back({"Softplus", 1, kLatestOpset, importUnary<SoftplusOp>});
  table.push_back({"Softsign", 1, kLatestOpset, importUnary<SoftsignOp>});
  table.push_back({"Mish", 18, kLatestOpset, importUnary<MishOp>});
  table.push_back({"HardSwish", 14, kLatestOpset, importUnary<HardSwishOp>});
  table.push_back({"Abs", 1, kLatestOpset, importNumericUnary<AbsOp>});
  table.push_back({"Neg", 1, kLatestOpset, importNumericUnary<NegOp>});
  table.push_back({"Sign", 9, kLatestOpset, importNumericUnary<SignOp>});

  // Activations with attributes.
  table.push_back({"LeakyRelu", 1, kLatestOpset,
                   activation<LeakyReluOp>({{"alpha", 0.01f}})});
  table.push_back(
      {"Elu", 1, kLatestOpset, activation<EluOp>({{"alpha", 1.0f}})});
  table.push_back(
      {"Selu", 1, kLatestOpset,
       activation<SeluOp>({{"alpha", 1.67326319217681884765625f},
                           {"gamma", 1.05070102214813232421875f}})});
  table.push_back(
      {"Celu", 12, kLatestOpset, activation<CeluOp>({{"alpha", 1.0f}})});
  table.push_back({"ThresholdedRelu", 10, kLatestOpset,
                   activation<ThresholdedReluOp>({{"alpha", 1.0f}})});
  table.push_back(
      {"HardSigmoid", 1, kLatestOpset,
       activation<HardSigmoidOp>({{"alpha", 0.2f}, {"beta", 0.5f}})});
  table.push_back({"Gelu", 20, kLatestOpset, importGelu});
  // Before opset 7 the slope did not broadcast by numpy rules.
  table.push_back({"PRelu", 7, kLatestOpset, importPRelu});

  // Binary and variadic. Pow before 7 had a broadcast attribute.
  table.push_back({"Pow", 7, kLatestOpset, importPow});
  table.push_back({"Mod", 10, kLatestOpset, importMod});
  table.push_back({"Max", 6, 7, withoutBroadcast(importMaxMin<MaxOp>)});
  table.push_back({"Min", 6, 7, withoutBroadcast(importMaxMin<MinOp>)});
  table.push_back({"Sum", 6, 7, withoutBroadcast(importSumMean)});
  table.push_back({"Mean", 6, 7, withoutBroadcast(importSumMean)});
  table.push_back({"Max", 8, kLatestOpset, importMaxMin<MaxOp>});
  table.push_back({"Min", 8, kLatestOpset, importMaxMin<MinOp>});
  table.push_back({"Sum", 8, kLatestOpset, importSumMean});
  table.push_back({"Mean", 8, kLatestOpset, importSumMean});
}
