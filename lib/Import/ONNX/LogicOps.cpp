//===- LogicOps.cpp - Importers of ONNX comparison, logic and cast ops ----===//
//
// Equal/Less/Greater(OrEqual), And/Or/Xor/Not, BitShift, Where, IsNaN,
// IsInf, Cast and CastLike. Comparisons and casts read the importer's
// record of unsigned values to pick unsigned semantics.
//
//===----------------------------------------------------------------------===//

#include "ImporterContext.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static Type getElementType(Value value) {
  return getElementTypeOrSelf(value.getType());
}

/// Both inputs of a binary node, with one element type, broadcastable.
static FailureOr<std::pair<Value, Value>>
getBinaryOperands(ImporterContext &ic, const onnx::NodeProto &node,
                  Location loc) {
  if (node.input_size() != 2)
    return emitError(loc) << node.op_type() << " needs 2 inputs";
  FailureOr<Value> lhs = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> rhs = ic.getRequiredInput(node, 1, loc);
  if (failed(lhs) || failed(rhs))
    return failure();
  if (getElementType(*lhs) != getElementType(*rhs))
    return emitError(loc) << node.op_type()
                          << " operands have different element types";
  auto lhsType = cast<RankedTensorType>(lhs->getType());
  auto rhsType = cast<RankedTensorType>(rhs->getType());
  if (failed(getBroadcastShape(lhsType.getShape(), rhsType.getShape())))
    return emitError(loc) << node.op_type() << " operands " << lhsType
                          << " and " << rhsType << " do not broadcast";
  return std::make_pair(*lhs, *rhs);
}

template <typename Op>
static LogicalResult importCompare(ImporterContext &ic,
                                   const onnx::NodeProto &node, Location loc) {
  FailureOr<std::pair<Value, Value>> operands =
      getBinaryOperands(ic, node, loc);
  if (failed(operands))
    return failure();
  auto [lhs, rhs] = *operands;
  bool isUnsigned = ic.isUnsigned(lhs) || ic.isUnsigned(rhs);
  ic.setOutput(node, 0, Op::create(ic.builder, loc, lhs, rhs, isUnsigned));
  return success();
}

template <typename Op>
static LogicalResult importLogic(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  FailureOr<std::pair<Value, Value>> operands =
      getBinaryOperands(ic, node, loc);
  if (failed(operands))
    return failure();
  auto [lhs, rhs] = *operands;
  if (!getElementType(lhs).isInteger(1))
    return emitError(loc) << node.op_type() << " needs bool inputs";
  ic.setOutput(node, 0, Op::create(ic.builder, loc, lhs, rhs));
  return success();
}

static LogicalResult importNot(ImporterContext &ic, const onnx::NodeProto &node,
                               Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  if (!getElementType(*input).isInteger(1))
    return emitError(loc) << "Not needs a bool input";
  ic.setOutput(node, 0, NotOp::create(ic.builder, loc, *input));
  return success();
}

/// BitShift (opset 11) is defined on unsigned integers only.
static LogicalResult importBitShift(ImporterContext &ic,
                                    const onnx::NodeProto &node, Location loc) {
  FailureOr<std::pair<Value, Value>> operands =
      getBinaryOperands(ic, node, loc);
  if (failed(operands))
    return failure();
  auto [lhs, rhs] = *operands;
  Type elementType = getElementType(lhs);
  if (!isa<IntegerType>(elementType) || elementType.isInteger(1))
    return emitError(loc) << "BitShift needs integer inputs";
  std::string direction = getStringAttr(node, "direction", "");
  if (direction != "LEFT" && direction != "RIGHT")
    return emitError(loc) << "BitShift direction must be LEFT or RIGHT, got '"
                          << direction << "'";
  ic.setOutput(node, 0,
               BitShiftOp::create(ic.builder, loc, lhs, rhs,
                                  direction == "LEFT" ? "left" : "right"));
  return success();
}

static LogicalResult importWhere(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> condition = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> x = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> y = ic.getRequiredInput(node, 2, loc);
  if (failed(condition) || failed(x) || failed(y))
    return failure();
  if (!getElementType(*condition).isInteger(1))
    return emitError(loc) << "Where needs a bool condition";
  if (getElementType(*x) != getElementType(*y))
    return emitError(loc) << "Where operands have different element types";
  SmallVector<int64_t> shape;
  for (Value v : {*condition, *x, *y}) {
    FailureOr<SmallVector<int64_t>> next = getBroadcastShape(
        shape, cast<RankedTensorType>(v.getType()).getShape());
    if (failed(next))
      return emitError(loc) << "Where operands do not broadcast";
    shape = std::move(*next);
  }
  ic.setOutput(node, 0, WhereOp::create(ic.builder, loc, *condition, *x, *y));
  return success();
}

static LogicalResult importIsNaN(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  if (!isa<FloatType>(getElementType(*input)))
    return emitError(loc) << "IsNaN needs a float input";
  ic.setOutput(node, 0, IsNaNOp::create(ic.builder, loc, *input));
  return success();
}

static LogicalResult importIsInf(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  if (!isa<FloatType>(getElementType(*input)))
    return emitError(loc) << "IsInf needs a float input";
  ic.setOutput(node, 0,
               IsInfOp::create(ic.builder, loc, *input,
                               getIntAttr(node, "detect_positive", 1) != 0,
                               getIntAttr(node, "detect_negative", 1) != 0));
  return success();
}

/// Converts `input` to `elementType`, which is unsigned when `toUnsigned`;
/// the input itself when nothing changes.
static Value createCast(ImporterContext &ic, Location loc, Value input,
                        Type elementType, bool toUnsigned, bool saturate) {
  bool fromUnsigned = ic.isUnsigned(input);
  if (getElementType(input) == elementType && fromUnsigned == toUnsigned)
    return input;
  auto type = cast<RankedTensorType>(input.getType()).clone(elementType);
  Value result =
      CastOp::create(ic.builder, loc, type, input, fromUnsigned,
                     toUnsigned && !elementType.isInteger(1), saturate);
  if (toUnsigned)
    ic.unsignedValues.insert(result);
  return result;
}

/// Cast from opset 6 (`to` is an element type enum). `saturate` (opset 19,
/// default 1) only concerns float8 results.
static LogicalResult importCast(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  const onnx::AttributeProto *to = findAttr(node, "to");
  if (!to)
    return emitError(loc) << "Cast needs a 'to' attribute";
  FailureOr<Type> elementType =
      ic.convertElementType(static_cast<int32_t>(to->i()), loc);
  if (failed(elementType))
    return failure();
  bool toUnsigned =
      ImporterContext::isUnsignedElementType(static_cast<int32_t>(to->i()));
  ic.setOutput(node, 0,
               createCast(ic, loc, *input, *elementType, toUnsigned,
                          getIntAttr(node, "saturate", 1) != 0));
  return success();
}

/// CastLike (opset 15): Cast to the element type of the second input.
static LogicalResult importCastLike(ImporterContext &ic,
                                    const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> target = ic.getRequiredInput(node, 1, loc);
  if (failed(input) || failed(target))
    return failure();
  ic.setOutput(node, 0,
               createCast(ic, loc, *input, getElementType(*target),
                          ic.isUnsigned(*target),
                          getIntAttr(node, "saturate", 1) != 0));
  return success();
}

void mlc::onnx_import::registerLogicOpImporters(OpImporterTable &table) {
  // Equal takes floats from opset 11 and strings (unsupported) from 19;
  // Less/Greater take all numbers from opset 9.
  table.push_back({"Equal", 7, kLatestOpset, importCompare<EqualOp>});
  table.push_back({"Less", 7, kLatestOpset, importCompare<LessOp>});
  table.push_back({"Greater", 7, kLatestOpset, importCompare<GreaterOp>});
  table.push_back(
      {"LessOrEqual", 12, kLatestOpset, importCompare<LessEqualOp>});
  table.push_back(
      {"GreaterOrEqual", 12, kLatestOpset, importCompare<GreaterEqualOp>});
  table.push_back({"And", 7, kLatestOpset, importLogic<AndOp>});
  table.push_back({"Or", 7, kLatestOpset, importLogic<OrOp>});
  table.push_back({"Xor", 7, kLatestOpset, importLogic<XorOp>});
  table.push_back({"Not", 1, kLatestOpset, importNot});
  table.push_back({"BitShift", 11, kLatestOpset, importBitShift});
  table.push_back({"Where", 9, kLatestOpset, importWhere});
  table.push_back({"IsNaN", 9, kLatestOpset, importIsNaN});
  table.push_back({"IsInf", 10, kLatestOpset, importIsInf});
  table.push_back({"Cast", 6, kLatestOpset, importCast});
  table.push_back({"CastLike", 15, kLatestOpset, importCastLike});
}
