//===- LogicToLinalg.cpp - mlc comparisons, logic and select to linalg ----===//
//
// Comparisons, boolean logic, bit shifts, is_nan / is_inf and where: one
// elementwise linalg.generic per op with an arith body.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlc;

namespace {

/// One comparison as float, signed and unsigned integer predicates.
struct Predicates {
  arith::CmpFPredicate floatPred;
  arith::CmpIPredicate signedPred, unsignedPred;
};

template <typename CompareOp>
Value buildCompare(CompareOp op, OpBuilder &b, Location loc, ValueRange args,
                   Predicates preds) {
  if (isa<FloatType>(args[0].getType()))
    return arith::CmpFOp::create(b, loc, preds.floatPred, args[0], args[1]);
  // Booleans are unsigned: true (1) > false (0).
  bool isUnsigned = op.getUnsignedInts() || args[0].getType().isInteger(1);
  return arith::CmpIOp::create(
      b, loc, isUnsigned ? preds.unsignedPred : preds.signedPred, args[0],
      args[1]);
}

} // namespace

namespace mlc {

#define MLC_COMPARE(OP, FPRED, SPRED, UPRED)                                   \
  template <>                                                                  \
  Value ElementwiseLowering<OP>::buildScalar(                                  \
      OP op, OpBuilder &b, Location loc, ValueRange args, Type) {              \
    return buildCompare(op, b, loc, args,                                      \
                        {arith::CmpFPredicate::FPRED,                          \
                         arith::CmpIPredicate::SPRED,                          \
                         arith::CmpIPredicate::UPRED});                        \
  }
MLC_COMPARE(EqualOp, OEQ, eq, eq)
MLC_COMPARE(LessOp, OLT, slt, ult)
MLC_COMPARE(LessEqualOp, OLE, sle, ule)
MLC_COMPARE(GreaterOp, OGT, sgt, ugt)
MLC_COMPARE(GreaterEqualOp, OGE, sge, uge)
#undef MLC_COMPARE

#define MLC_BINARY(OP, ARITH_OP)                                               \
  template <>                                                                  \
  Value ElementwiseLowering<OP>::buildScalar(OP, OpBuilder &b, Location loc,   \
                                             ValueRange args, Type) {          \
    return ARITH_OP::create(b, loc, args[0], args[1]);                         \
  }
MLC_BINARY(AndOp, arith::AndIOp)
MLC_BINARY(OrOp, arith::OrIOp)
MLC_BINARY(XorOp, arith::XOrIOp)
#undef MLC_BINARY

template <>
Value ElementwiseLowering<NotOp>::buildScalar(NotOp, OpBuilder &b, Location loc,
                                              ValueRange args, Type) {
  Type type = args[0].getType();
  Value allOnes = arith::ConstantOp::create(
      b, loc,
      b.getIntegerAttr(type, APInt::getAllOnes(type.getIntOrFloatBitWidth())));
  return arith::XOrIOp::create(b, loc, args[0], allOnes);
}

/// Logical shifts; LLVM's shift by >= the bit width is poison, ONNX's (as
/// numpy's) gives 0.
template <>
Value ElementwiseLowering<BitShiftOp>::buildScalar(BitShiftOp op, OpBuilder &b,
                                                   Location loc,
                                                   ValueRange args,
                                                   Type elementType) {
  Value x = args[0], amount = args[1];
  Value shifted = op.getDirection() == "left"
                      ? Value(arith::ShLIOp::create(b, loc, x, amount))
                      : Value(arith::ShRUIOp::create(b, loc, x, amount));
  Value width = createScalarConstant(b, loc, elementType,
                                     elementType.getIntOrFloatBitWidth());
  Value inRange =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, amount, width);
  return arith::SelectOp::create(b, loc, inRange, shifted,
                                 createScalarConstant(b, loc, elementType, 0));
}

template <>
Value ElementwiseLowering<IsNaNOp>::buildScalar(IsNaNOp, OpBuilder &b,
                                                Location loc, ValueRange args,
                                                Type) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, args[0],
                               args[0]);
}

template <>
Value ElementwiseLowering<IsInfOp>::buildScalar(IsInfOp op, OpBuilder &b,
                                                Location loc, ValueRange args,
                                                Type) {
  Value x = args[0];
  auto floatType = cast<FloatType>(x.getType());
  auto isInfinity = [&](bool negative) -> Value {
    Value inf = arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(floatType, APFloat::getInf(floatType.getFloatSemantics(),
                                                  negative)));
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, inf);
  };
  Value result = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
  if (op.getDetectPositive())
    result = isInfinity(/*negative=*/false);
  if (op.getDetectNegative())
    result =
        arith::OrIOp::create(b, loc, result, isInfinity(/*negative=*/true));
  return result;
}

template <>
Value ElementwiseLowering<WhereOp>::buildScalar(WhereOp, OpBuilder &b,
                                                Location loc, ValueRange args,
                                                Type) {
  return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
}

} // namespace mlc

void mlc::populateLogicToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ElementwiseLowering<EqualOp>, ElementwiseLowering<LessOp>,
               ElementwiseLowering<LessEqualOp>, ElementwiseLowering<GreaterOp>,
               ElementwiseLowering<GreaterEqualOp>, ElementwiseLowering<AndOp>,
               ElementwiseLowering<OrOp>, ElementwiseLowering<XorOp>,
               ElementwiseLowering<NotOp>, ElementwiseLowering<BitShiftOp>,
               ElementwiseLowering<IsNaNOp>, ElementwiseLowering<IsInfOp>,
               ElementwiseLowering<WhereOp>>(patterns.getContext());
}
