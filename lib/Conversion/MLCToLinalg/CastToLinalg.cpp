//===- CastToLinalg.cpp - mlc.cast to linalg.generic ----------------------===//
//
// Element type conversion between floats, signed or unsigned integers and
// bool, as ONNX Cast defines it: float to integer truncates toward zero and
// any number converts to bool by testing for non-zero.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlc;

/// Converts scalar `x` to `to`; `unsignedFrom` / `unsignedTo` say how
/// integers are read and written (i1 is always unsigned). Conversions to
/// float8/float4 go through f32 and clamp first when `saturate`; the
/// arith.extf / arith.truncf of those types are expanded into integer ops
/// later (populateExpandSmallFloatCastsPatterns).
static Value convertScalar(OpBuilder &b, Location loc, Value x, Type to,
                           bool unsignedFrom, bool unsignedTo, bool saturate) {
  Type from = x.getType();
  if (from == to)
    return x;
  if (isSmallFloatType(from))
    x = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
  if (isSmallFloatType(to)) {
    x = convertScalar(b, loc, x, b.getF32Type(), unsignedFrom, false, false);
    if (saturate)
      x = createSmallFloatSaturation(b, loc, x, to);
    return arith::TruncFOp::create(b, loc, to, x);
  }
  from = x.getType();
  if (from == to)
    return x;
  unsignedFrom |= from.isInteger(1);
  if (to.isInteger(1)) {
    Value zero = createScalarConstant(b, loc, from, 0);
    if (isa<FloatType>(from))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
  }
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (fromFloat && toFloat) {
    if (fromFloat.getWidth() == toFloat.getWidth()) // bf16 <-> f16
      return arith::TruncFOp::create(
          b, loc, to, arith::ExtFOp::create(b, loc, b.getF32Type(), x));
    if (fromFloat.getWidth() < toFloat.getWidth())
      return arith::ExtFOp::create(b, loc, to, x);
    return arith::TruncFOp::create(b, loc, to, x);
  }
  if (fromFloat) {
    // fptosi/fptoui from f16/bf16 go through f32, which LLVM handles on
    // every target.
    if (fromFloat.getWidth() < 32)
      x = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
    if (unsignedTo)
      return arith::FPToUIOp::create(b, loc, to, x);
    return arith::FPToSIOp::create(b, loc, to, x);
  }
  if (toFloat) {
    if (unsignedFrom)
      return arith::UIToFPOp::create(b, loc, to, x);
    return arith::SIToFPOp::create(b, loc, to, x);
  }
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth > toWidth)
    return arith::TruncIOp::create(b, loc, to, x);
  if (fromWidth == toWidth) // int32 <-> uint32: same bits
    return x;
  if (unsignedFrom)
    return arith::ExtUIOp::create(b, loc, to, x);
  return arith::ExtSIOp::create(b, loc, to, x);
}

namespace mlc {
template <>
Value ElementwiseLowering<CastOp>::buildScalar(CastOp op, OpBuilder &b,
                                               Location loc, ValueRange args,
                                               Type elementType) {
  return convertScalar(b, loc, args[0], elementType, op.getUnsignedInput(),
                       op.getUnsignedResult(), op.getSaturate());
}
} // namespace mlc

void mlc::populateCastToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ElementwiseLowering<CastOp>>(patterns.getContext());
}
