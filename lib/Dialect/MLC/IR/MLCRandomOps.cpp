//===- MLCRandomOps.cpp - Verifier of mlc.random
//----------------------------===//
//
// The ops of MLCRandomOps.td: a known distribution with a valid parameter,
// and a `like` operand wherever the result has dynamic sizes.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/IR/MLCRandomOps.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlc;

LogicalResult RandomOp::verify() {
  StringRef distribution = getDistribution();
  if (distribution != "uniform" && distribution != "normal")
    return emitOpError("distribution must be 'uniform' or 'normal', got '")
           << distribution << "'";
  double a = getA().convertToDouble(), b = getB().convertToDouble();
  if (!std::isfinite(a) || !std::isfinite(b))
    return emitOpError("parameters must be finite");
  if (distribution == "normal" && b < 0)
    return emitOpError("a normal distribution needs a standard deviation "
                       ">= 0, got ")
           << b;
  auto type = cast<RankedTensorType>(getResult().getType());
  Value like = getLike();
  if (!like) {
    if (!type.hasStaticShape())
      return emitOpError("a result with dynamic sizes needs a 'like' operand "
                         "that gives them");
    return success();
  }
  if (failed(verifyCompatibleShape(like.getType(), type)))
    return emitOpError("result type ")
           << type << " does not have the shape of 'like' " << like.getType();
  return success();
}

#define GET_OP_CLASSES
#include "mlc/Dialect/MLC/IR/MLCRandomOps.cpp.inc"
