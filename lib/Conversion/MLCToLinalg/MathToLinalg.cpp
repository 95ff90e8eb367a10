//===- MathToLinalg.cpp - mlc math ops to linalg.generic ------------------===//
//
// Unary math, activations, max/min/mod/pow: one elementwise linalg.generic
// per op whose body is built from arith and math scalar ops. f16 and bf16
// are computed in f32 and rounded back once, so that every math op used
// here has an f32 or f64 libm/LLVM lowering on the CPU.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace mlc;

namespace {

/// Builds the scalar arithmetic of one op on operands `args`.
struct ScalarBuilder {
  OpBuilder &b;
  Location loc;

  Value constant(Type type, double value) {
    return createScalarConstant(b, loc, type, value);
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value max(Value x, Value y) {
    return arith::MaximumFOp::create(b, loc, x, y);
  }
  Value min(Value x, Value y) {
    return arith::MinimumFOp::create(b, loc, x, y);
  }
  Value cmp(arith::CmpFPredicate pred, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, pred, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value exp(Value x) { return math::ExpOp::create(b, loc, x); }
  /// exp(x) - 1 for the negative branch of ELU-like activations.
  Value expMinusOne(Value x) { return sub(exp(x), constant(x.getType(), 1)); }
  /// log(exp(x) + 1) as max(x, 0) + log1p(exp(-|x|)), which neither
  /// overflows for large x nor loses the small values of very negative x.
  Value softplus(Value x) {
    Type t = x.getType();
    Value negAbs =
        arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
    return add(max(x, constant(t, 0)),
               math::Log1pOp::create(b, loc, exp(negAbs)));
  }
  /// max(0, min(1, alpha * x + beta)).
  Value hardSigmoid(Value x, double alpha, double beta) {
    Type t = x.getType();
    Value linear = add(mul(x, constant(t, alpha)), constant(t, beta));
    return max(constant(t, 0), min(constant(t, 1), linear));
  }
};

bool isNarrowFloat(Type type) {
  auto floatType = dyn_cast<FloatType>(type);
  return floatType && floatType.getWidth() < 32;
}

/// Lowers a float op through `compute`, which sees f32 in place of f16/bf16.
Value buildFloatScalar(
    OpBuilder &b, Location loc, ValueRange args, Type resultType,
    function_ref<Value(ScalarBuilder &, ValueRange)> compute) {
  ScalarBuilder sb{b, loc};
  SmallVector<Value> promoted(args);
  bool narrow = isNarrowFloat(resultType);
  if (narrow)
    for (Value &v : promoted)
      if (isNarrowFloat(v.getType()))
        v = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
  Value result = compute(sb, promoted);
  if (narrow)
    result = arith::TruncFOp::create(b, loc, resultType, result);
  return result;
}

/// Converts `value` to float type `type` (signed integers or floats).
Value toFloat(OpBuilder &b, Location loc, Value value, Type type) {
  Type from = value.getType();
  if (from == type)
    return value;
  if (!isa<FloatType>(from))
    return arith::SIToFPOp::create(b, loc, type, value);
  if (cast<FloatType>(from).getWidth() < cast<FloatType>(type).getWidth())
    return arith::ExtFOp::create(b, loc, type, value);
  return arith::TruncFOp::create(b, loc, type, value);
}

} // namespace

namespace mlc {

/// Float ops whose body is `compute(x)` on f32 or f64.
#define MLC_FLOAT_UNARY(OP, EXPR)                                              \
  template <>                                                                  \
  Value ElementwiseLowering<OP>::buildScalar(                                  \
      OP op, OpBuilder &b, Location loc, ValueRange args, Type elementType) {  \
    return buildFloatScalar(b, loc, args, elementType,                         \
                            [&](ScalarBuilder &s, ValueRange v) -> Value {     \
                              Value x = v[0];                                  \
                              [[maybe_unused]] Type t = x.getType();           \
                              return EXPR;                                     \
                            });                                                \
  }

MLC_FLOAT_UNARY(ExpOp, s.exp(x))
MLC_FLOAT_UNARY(LogOp, math::LogOp::create(b, loc, x))
MLC_FLOAT_UNARY(SqrtOp, math::SqrtOp::create(b, loc, x))
MLC_FLOAT_UNARY(ReciprocalOp, s.div(s.constant(t, 1), x))
MLC_FLOAT_UNARY(FloorOp, math::FloorOp::create(b, loc, x))
MLC_FLOAT_UNARY(CeilOp, math::CeilOp::create(b, loc, x))
MLC_FLOAT_UNARY(RoundOp, math::RoundEvenOp::create(b, loc, x))
MLC_FLOAT_UNARY(ErfOp, math::ErfOp::create(b, loc, x))
MLC_FLOAT_UNARY(SinOp, math::SinOp::create(b, loc, x))
MLC_FLOAT_UNARY(CosOp, math::CosOp::create(b, loc, x))
MLC_FLOAT_UNARY(TanOp, math::TanOp::create(b, loc, x))
MLC_FLOAT_UNARY(AsinOp, math::AsinOp::create(b, loc, x))
MLC_FLOAT_UNARY(AcosOp, math::AcosOp::create(b, loc, x))
MLC_FLOAT_UNARY(AtanOp, math::AtanOp::create(b, loc, x))
MLC_FLOAT_UNARY(SinhOp, math::SinhOp::create(b, loc, x))
MLC_FLOAT_UNARY(CoshOp, math::CoshOp::create(b, loc, x))
MLC_FLOAT_UNARY(AsinhOp, math::AsinhOp::create(b, loc, x))
MLC_FLOAT_UNARY(AcoshOp, math::AcoshOp::create(b, loc, x))
MLC_FLOAT_UNARY(AtanhOp, math::AtanhOp::create(b, loc, x))
MLC_FLOAT_UNARY(SoftplusOp, s.softplus(x))
MLC_FLOAT_UNARY(SoftsignOp, s.div(x, s.add(s.constant(t, 1),
                                           math::AbsFOp::create(b, loc, x))))
MLC_FLOAT_UNARY(MishOp, s.mul(x, math::TanhOp::create(b, loc, s.softplus(x))))
MLC_FLOAT_UNARY(HardSwishOp, s.mul(x, s.hardSigmoid(x, 1.0 / 6.0, 0.5)))
MLC_FLOAT_UNARY(
    LeakyReluOp,
    s.select(s.cmp(arith::CmpFPredicate::OLT, x, s.constant(t, 0)),
             s.mul(x, s.constant(t, op.getAlpha().convertToDouble())), x))
MLC_FLOAT_UNARY(EluOp,
                s.select(s.cmp(arith::CmpFPredicate::OLT, x, s.constant(t, 0)),
                         s.mul(s.constant(t, op.getAlpha().convertToDouble()),
                               s.expMinusOne(x)),
                         x))
MLC_FLOAT_UNARY(
    SeluOp,
    s.mul(s.constant(t, op.getGamma().convertToDouble()),
          s.select(s.cmp(arith::CmpFPredicate::OLE, x, s.constant(t, 0)),
                   s.mul(s.constant(t, op.getAlpha().convertToDouble()),
                         s.expMinusOne(x)),
                   x)))
MLC_FLOAT_UNARY(
    CeluOp,
    s.add(s.max(s.constant(t, 0), x),
          s.min(s.constant(t, 0),
                s.mul(s.constant(t, op.getAlpha().convertToDouble()),
                      s.expMinusOne(s.div(
                          x,
                          s.constant(t, op.getAlpha().convertToDouble())))))))
MLC_FLOAT_UNARY(ThresholdedReluOp,
                s.select(s.cmp(arith::CmpFPredicate::OGT, x,
                               s.constant(t, op.getAlpha().convertToDouble())),
                         x, s.constant(t, 0)))
MLC_FLOAT_UNARY(HardSigmoidOp, s.hardSigmoid(x, op.getAlpha().convertToDouble(),
                                             op.getBeta().convertToDouble()))
#undef MLC_FLOAT_UNARY

template <>
Value ElementwiseLowering<GeluOp>::buildScalar(GeluOp op, OpBuilder &b,
                                               Location loc, ValueRange args,
                                               Type elementType) {
  bool useTanh = op.getApproximate() == "tanh";
  return buildFloatScalar(
      b, loc, args, elementType, [&](ScalarBuilder &s, ValueRange v) -> Value {
        Value x = v[0];
        Type t = x.getType();
        Value inner;
        if (useTanh) {
          // tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))
          Value cube = s.mul(x, s.mul(x, x));
          Value arg = s.mul(s.constant(t, std::sqrt(2.0 / M_PI)),
                            s.add(x, s.mul(s.constant(t, 0.044715), cube)));
          inner = math::TanhOp::create(b, loc, arg);
        } else {
          inner =
              math::ErfOp::create(b, loc, s.mul(x, s.constant(t, M_SQRT1_2)));
        }
        return s.mul(s.mul(s.constant(t, 0.5), x),
                     s.add(s.constant(t, 1), inner));
      });
}

template <>
Value ElementwiseLowering<PReluOp>::buildScalar(PReluOp, OpBuilder &b,
                                                Location loc, ValueRange args,
                                                Type elementType) {
  return buildFloatScalar(
      b, loc, args, elementType, [&](ScalarBuilder &s, ValueRange v) -> Value {
        Value x = v[0];
        Value negative =
            s.cmp(arith::CmpFPredicate::OLT, x, s.constant(x.getType(), 0));
        return s.select(negative, s.mul(x, v[1]), x);
      });
}

//===----------------------------------------------------------------------===//
// Ops on floats and signed integers
//===----------------------------------------------------------------------===//

template <>
Value ElementwiseLowering<AbsOp>::buildScalar(AbsOp, OpBuilder &b, Location loc,
                                              ValueRange args, Type) {
  if (isa<FloatType>(args[0].getType()))
    return math::AbsFOp::create(b, loc, args[0]);
  return math::AbsIOp::create(b, loc, args[0]);
}

template <>
Value ElementwiseLowering<NegOp>::buildScalar(NegOp, OpBuilder &b, Location loc,
                                              ValueRange args, Type) {
  Value x = args[0];
  if (isa<FloatType>(x.getType()))
    return arith::NegFOp::create(b, loc, x);
  return arith::SubIOp::create(b, loc,
                               createScalarConstant(b, loc, x.getType(), 0), x);
}

template <>
Value ElementwiseLowering<SignOp>::buildScalar(SignOp, OpBuilder &b,
                                               Location loc, ValueRange args,
                                               Type) {
  Value x = args[0];
  Type t = x.getType();
  Value zero = createScalarConstant(b, loc, t, 0);
  Value one = createScalarConstant(b, loc, t, 1);
  Value minusOne = createScalarConstant(b, loc, t, -1);
  Value positive, negative, otherwise;
  if (isa<FloatType>(t)) {
    positive =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
    negative =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
    otherwise = x; // keeps 0, -0 and NaN
  } else {
    positive =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero);
    negative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
    otherwise = zero;
  }
  return arith::SelectOp::create(
      b, loc, positive, one,
      arith::SelectOp::create(b, loc, negative, minusOne, otherwise));
}

template <>
Value ElementwiseLowering<MaxOp>::buildScalar(MaxOp op, OpBuilder &b,
                                              Location loc, ValueRange args,
                                              Type) {
  if (isa<FloatType>(args[0].getType()))
    return arith::MaximumFOp::create(b, loc, args[0], args[1]);
  if (op.getUnsignedInts())
    return arith::MaxUIOp::create(b, loc, args[0], args[1]);
  return arith::MaxSIOp::create(b, loc, args[0], args[1]);
}

template <>
Value ElementwiseLowering<MinOp>::buildScalar(MinOp op, OpBuilder &b,
                                              Location loc, ValueRange args,
                                              Type) {
  if (isa<FloatType>(args[0].getType()))
    return arith::MinimumFOp::create(b, loc, args[0], args[1]);
  if (op.getUnsignedInts())
    return arith::MinUIOp::create(b, loc, args[0], args[1]);
  return arith::MinSIOp::create(b, loc, args[0], args[1]);
}

/// fmod: the sign of the dividend (C fmod, truncated division); otherwise the
/// sign of the divisor (Python %, floored division).
template <>
Value ElementwiseLowering<ModOp>::buildScalar(ModOp op, OpBuilder &b,
                                              Location loc, ValueRange args,
                                              Type elementType) {
  if (isa<FloatType>(elementType))
    return buildFloatScalar(b, loc, args, elementType,
                            [&](ScalarBuilder &, ValueRange v) -> Value {
                              return arith::RemFOp::create(b, loc, v[0], v[1]);
                            });
  // A zero divisor gives 0 (as numpy does) instead of a trap, and so does
  // -1, whose remainder is always 0 but traps for the minimum value.
  Value x = args[0], y = args[1];
  Value one = createScalarConstant(b, loc, elementType, 1);
  Value isZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y,
                            createScalarConstant(b, loc, elementType, 0));
  Value trapping = isZero;
  if (!op.getUnsignedInts())
    trapping = arith::OrIOp::create(
        b, loc, isZero,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y,
                              createScalarConstant(b, loc, elementType, -1)));
  Value safeY = arith::SelectOp::create(b, loc, trapping, one, y);
  if (op.getUnsignedInts())
    return arith::RemUIOp::create(b, loc, x, safeY);
  Value rem = arith::RemSIOp::create(b, loc, x, safeY);
  if (op.getFmod())
    return rem;
  Value zero = createScalarConstant(b, loc, elementType, 0);
  Value nonZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, rem, zero);
  Value remNegative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rem, zero);
  Value divisorNegative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, y, zero);
  Value signsDiffer =
      arith::XOrIOp::create(b, loc, remNegative, divisorNegative);
  Value adjust = arith::AndIOp::create(b, loc, nonZero, signsDiffer);
  return arith::SelectOp::create(
      b, loc, adjust, arith::AddIOp::create(b, loc, rem, safeY), rem);
}

/// Float base: powf with the exponent converted to the base's type. Integer
/// base: ipowi for an integer exponent, else powf in the exponent's float
/// type truncated back (as numpy computes it).
template <>
Value ElementwiseLowering<PowOp>::buildScalar(PowOp, OpBuilder &b, Location loc,
                                              ValueRange args,
                                              Type elementType) {
  Value base = args[0], exponent = args[1];
  if (isa<FloatType>(elementType))
    return buildFloatScalar(b, loc, {base}, elementType,
                            [&](ScalarBuilder &, ValueRange v) -> Value {
                              Value e =
                                  toFloat(b, loc, exponent, v[0].getType());
                              return math::PowFOp::create(b, loc, v[0], e);
                            });
  Type exponentType = exponent.getType();
  if (!isa<FloatType>(exponentType)) {
    if (exponentType != elementType)
      exponent =
          cast<IntegerType>(exponentType).getWidth() <
                  cast<IntegerType>(elementType).getWidth()
              ? Value(arith::ExtSIOp::create(b, loc, elementType, exponent))
              : Value(arith::TruncIOp::create(b, loc, elementType, exponent));
    return math::IPowIOp::create(b, loc, base, exponent);
  }
  Type computeType =
      isNarrowFloat(exponentType) ? b.getF32Type() : exponentType;
  Value power = math::PowFOp::create(b, loc, toFloat(b, loc, base, computeType),
                                     toFloat(b, loc, exponent, computeType));
  return arith::FPToSIOp::create(b, loc, elementType, power);
}

} // namespace mlc

void mlc::populateMathToLinalgPatterns(RewritePatternSet &patterns) {
  patterns
      .add<ElementwiseLowering<ExpOp>, ElementwiseLowering<LogOp>,
           ElementwiseLowering<SqrtOp>, ElementwiseLowering<ReciprocalOp>,
           ElementwiseLowering<FloorOp>, ElementwiseLowering<CeilOp>,
           ElementwiseLowering<RoundOp>, ElementwiseLowering<ErfOp>,
           ElementwiseLowering<SinOp>, ElementwiseLowering<CosOp>,
           ElementwiseLowering<TanOp>, ElementwiseLowering<AsinOp>,
           ElementwiseLowering<AcosOp>, ElementwiseLowering<AtanOp>,
           ElementwiseLowering<SinhOp>, ElementwiseLowering<CoshOp>,
           ElementwiseLowering<AsinhOp>, ElementwiseLowering<AcoshOp>,
           ElementwiseLowering<AtanhOp>, ElementwiseLowering<SoftplusOp>,
           ElementwiseLowering<SoftsignOp>, ElementwiseLowering<MishOp>,
           ElementwiseLowering<HardSwishOp>, ElementwiseLowering<LeakyReluOp>,
           ElementwiseLowering<EluOp>, ElementwiseLowering<SeluOp>,
           ElementwiseLowering<CeluOp>, ElementwiseLowering<ThresholdedReluOp>,
           ElementwiseLowering<HardSigmoidOp>, ElementwiseLowering<GeluOp>,
           ElementwiseLowering<PReluOp>, ElementwiseLowering<AbsOp>,
           ElementwiseLowering<NegOp>, ElementwiseLowering<SignOp>,
           ElementwiseLowering<MaxOp>, ElementwiseLowering<MinOp>,
           ElementwiseLowering<ModOp>, ElementwiseLowering<PowOp>>(
          patterns.getContext());
}
