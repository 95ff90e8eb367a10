//===- MLCMathOps.cpp - Type inference and verifiers of math ops ----------===//
//
// The ops of MLCMathOps.td: broadcast shapes of binary, comparison and
// select ops, i1 results of predicates, and attribute checks.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlc;

/// The numpy broadcast shape of all `operands`, or an error at `loc`.
static FailureOr<SmallVector<int64_t>>
inferBroadcastShape(std::optional<Location> loc, ValueRange operands) {
  SmallVector<int64_t> shape;
  for (Value operand : operands) {
    auto type = cast<RankedTensorType>(operand.getType());
    FailureOr<SmallVector<int64_t>> next =
        getBroadcastShape(shape, type.getShape());
    if (failed(next)) {
      (void)emitOptionalError(
          loc, "operands are not broadcast-compatible: ", operands.getTypes());
      return failure();
    }
    shape = std::move(*next);
  }
  return shape;
}

/// Broadcast shape of all operands with `elementType`, or with the element
/// type of the first operand when null.
static LogicalResult inferBroadcastType(std::optional<Location> loc,
                                        ValueRange operands, Type elementType,
                                        SmallVectorImpl<Type> &inferred) {
  FailureOr<SmallVector<int64_t>> shape = inferBroadcastShape(loc, operands);
  if (failed(shape))
    return failure();
  if (!elementType)
    elementType = getElementTypeOrSelf(operands.front().getType());
  inferred.push_back(RankedTensorType::get(*shape, elementType));
  return success();
}

#define MLC_BROADCAST_INFER(OP, ELEMENT_TYPE)                                  \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *context, std::optional<Location> loc, Adaptor adaptor,      \
      SmallVectorImpl<Type> &inferred) {                                       \
    (void)context;                                                             \
    return inferBroadcastType(loc, adaptor.getOperands(), ELEMENT_TYPE,        \
                              inferred);                                       \
  }
MLC_BROADCAST_INFER(MaxOp, Type())
MLC_BROADCAST_INFER(MinOp, Type())
MLC_BROADCAST_INFER(ModOp, Type())
MLC_BROADCAST_INFER(AndOp, Type())
MLC_BROADCAST_INFER(OrOp, Type())
MLC_BROADCAST_INFER(XorOp, Type())
MLC_BROADCAST_INFER(BitShiftOp, Type())
MLC_BROADCAST_INFER(PowOp, Type())
MLC_BROADCAST_INFER(EqualOp, IntegerType::get(context, 1))
MLC_BROADCAST_INFER(LessOp, IntegerType::get(context, 1))
MLC_BROADCAST_INFER(LessEqualOp, IntegerType::get(context, 1))
MLC_BROADCAST_INFER(GreaterOp, IntegerType::get(context, 1))
MLC_BROADCAST_INFER(GreaterEqualOp, IntegerType::get(context, 1))
#undef MLC_BROADCAST_INFER

LogicalResult WhereOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  return inferBroadcastType(loc, adaptor.getOperands(),
                            getElementTypeOrSelf(adaptor.getX().getType()),
                            inferred);
}

LogicalResult WhereOp::verify() {
  if (getElementTypeOrSelf(getX().getType()) !=
      getElementTypeOrSelf(getY().getType()))
    return emitOpError("x and y must have the same element type");
  return success();
}

#define MLC_PREDICATE_INFER(OP)                                                \
  LogicalResult OP::inferReturnTypes(MLIRContext *context,                     \
                                     std::optional<Location>, Adaptor adaptor, \
                                     SmallVectorImpl<Type> &inferred) {        \
    auto type = cast<RankedTensorType>(adaptor.getInput().getType());          \
    inferred.push_back(type.clone(IntegerType::get(context, 1)));              \
    return success();                                                          \
  }
MLC_PREDICATE_INFER(IsNaNOp)
MLC_PREDICATE_INFER(IsInfOp)
#undef MLC_PREDICATE_INFER

LogicalResult CeluOp::verify() {
  if (getAlpha().isZero())
    return emitOpError("alpha must be non-zero");
  return success();
}

LogicalResult PReluOp::verify() {
  ArrayRef<int64_t> input = getInput().getType().getShape();
  FailureOr<SmallVector<int64_t>> shape =
      getBroadcastShape(input, getSlope().getType().getShape());
  if (failed(shape) || ArrayRef<int64_t>(*shape) != input)
    return emitOpError("slope of type ")
           << getSlope().getType() << " does not broadcast to the input type "
           << getInput().getType();
  return success();
}

LogicalResult ModOp::verify() {
  if (isa<FloatType>(getType().getElementType()) && !getFmod())
    return emitOpError("float operands need fmod = true");
  return success();
}
