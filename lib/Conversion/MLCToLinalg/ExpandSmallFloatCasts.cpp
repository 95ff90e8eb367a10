//===- ExpandSmallFloatCasts.cpp - f8/f4 conversions as integer ops -------===//
//
// LLVM has no float8 or float4 types: the LLVM type converter stores them as
// i8 / i4, so loads, stores and selects of them lower fine, but arith.extf,
// arith.truncf and arith.constant of these types do not. These patterns
// rewrite them into integer bit manipulation on i32 (and arith.bitcast):
//
// - truncf f32 -> f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ, f4E2M1FN rounds
//   to nearest even; values beyond the largest finite value become infinity
//   (f8E5M2) or NaN (the FN / FNUZ types, which have no infinity), as
//   APFloat and ONNX's non-saturating cast (ml_dtypes) do; f4E2M1FN, which
//   has neither, saturates to +-6 and maps NaN to +0. FNUZ types have no -0:
//   negative values that round to zero give +0. Saturating casts clamp in f32
//   first (createSmallFloatSaturation). Other source types go through f32.
// - extf f8/f4 -> f32 is exact (then extf/truncf to the result type, also
//   exact for f16, bf16 and f64).
// (Constants, loads, stores and selects of these types need nothing: LLVM
// handles them as integers.)
//
// Upstream's arith-expand covers f4E2M1FN and f8E8M0FNU only, without the
// FN/FNUZ NaN rules; these patterns handle all five ONNX types alike.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlc {
#define GEN_PASS_DEF_EXPANDSMALLFLOATCASTS
#include "mlc/Conversion/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

/// How the special values of a small float type are encoded.
enum class NonFinite {
  IEEE,       // f8E5M2: infinity and NaNs as in IEEE 754
  NanOnly,    // f8E4M3FN: S.1111.111 is NaN, no infinity
  NegZeroNan, // FNUZ types: 0x80 is the only NaN, no infinity, no -0
  None,       // f4E2M1FN: finite values only
};

/// The layout of one small float type.
struct SmallFloatFormat {
  unsigned mantissaBits, exponentBits;
  int bias;
  NonFinite nonFinite;
  /// The magnitude code (sign cleared) of the largest finite value.
  uint32_t maxFiniteCode;

  unsigned width() const { return 1 + exponentBits + mantissaBits; }
};

} // namespace

static std::optional<SmallFloatFormat> getSmallFloatFormat(Type type) {
  if (isa<Float8E4M3FNType>(type))
    return SmallFloatFormat{3, 4, 7, NonFinite::NanOnly, 0x7E};
  if (isa<Float8E4M3FNUZType>(type))
    return SmallFloatFormat{3, 4, 8, NonFinite::NegZeroNan, 0x7F};
  if (isa<Float8E5M2Type>(type))
    return SmallFloatFormat{2, 5, 15, NonFinite::IEEE, 0x7B};
  if (isa<Float8E5M2FNUZType>(type))
    return SmallFloatFormat{2, 5, 16, NonFinite::NegZeroNan, 0x7F};
  if (isa<Float4E2M1FNType>(type))
    return SmallFloatFormat{1, 2, 1, NonFinite::None, 0x7};
  return std::nullopt;
}

bool mlc::isSmallFloatType(Type type) {
  return getSmallFloatFormat(type).has_value();
}

Value mlc::createSmallFloatSaturation(OpBuilder &b, Location loc, Value x,
                                      Type smallFloat) {
  auto floatType = cast<FloatType>(smallFloat);
  double max =
      APFloat::getLargest(floatType.getFloatSemantics()).convertToDouble();
  Type ft = x.getType();
  // maximumf/minimumf keep NaN; infinities become +-max.
  Value lo = arith::ConstantOp::create(b, loc, b.getFloatAttr(ft, -max));
  Value hi = arith::ConstantOp::create(b, loc, b.getFloatAttr(ft, max));
  x = arith::MaximumFOp::create(b, loc, x, lo);
  return arith::MinimumFOp::create(b, loc, x, hi);
}

namespace {

/// i32 arithmetic helpers at one location.
struct Bits {
  OpBuilder &b;
  Location loc;

  Value c(int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  }
  Value f(float v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value band(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value bor(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value shl(Value x, int64_t n) {
    return arith::ShLIOp::create(b, loc, x, c(n));
  }
  Value shr(Value x, int64_t n) {
    return arith::ShRUIOp::create(b, loc, x, c(n));
  }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value select(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  Value toBits(Value f32) {
    return arith::BitcastOp::create(b, loc, b.getI32Type(), f32);
  }
  Value toFloat(Value i32) {
    return arith::BitcastOp::create(b, loc, b.getF32Type(), i32);
  }
};

/// The f32 value `x` rounded to the small float type `type` (`format`).
Value truncF32ToSmallFloat(OpBuilder &b, Location loc, Value x, Type type,
                           const SmallFloatFormat &format) {
  Bits k{b, loc};
  using P = arith::CmpIPredicate;
  unsigned m = format.mantissaBits;
  Value u = k.toBits(x);
  Value sign = k.shr(u, 31);
  Value a = k.band(u, k.c(0x7FFFFFFF));
  Value isNan = k.cmp(P::ugt, a, k.c(0x7F800000));

  // Normal results: round the f32 mantissa to `m` bits (nearest, ties to
  // even) with integer arithmetic; a carry moves into the exponent.
  int shift = 23 - static_cast<int>(m);
  Value odd = k.band(k.shr(a, shift), k.c(1));
  Value rounded = k.add(a, k.add(k.c((int64_t(1) << (shift - 1)) - 1), odd));
  Value normal =
      k.sub(k.shr(rounded, shift), k.c(int64_t(127 - format.bias) << m));

  // Results below the smallest normal value: |x| * 2^(bias - 1 + m) is the
  // code itself; adding 2^23 rounds it to an integer, ties to even.
  int scaleExp = format.bias - 1 + static_cast<int>(m);
  Value absF = k.toFloat(a);
  Value scaled =
      arith::MulFOp::create(b, loc, absF, k.f(std::ldexp(1.0f, scaleExp)));
  Value magic = arith::AddFOp::create(b, loc, scaled, k.f(8388608.0f));
  Value subnormal = k.sub(k.toBits(magic), k.c(0x4B000000));
  int64_t minNormalBits = int64_t(127 + 1 - format.bias) << 23;
  Value code =
      k.select(k.cmp(P::ult, a, k.c(minNormalBits)), subnormal, normal);

  // Overflow (infinite inputs included) and NaN.
  unsigned signShift = format.exponentBits + m;
  int64_t expOnes = ((int64_t(1) << format.exponentBits) - 1) << m;
  Value overflow = k.cmp(P::ugt, code, k.c(format.maxFiniteCode));
  Value result;
  switch (format.nonFinite) {
  case NonFinite::IEEE: {
    code = k.select(overflow, k.c(expOnes), code);
    code = k.select(isNan, k.c(expOnes | (int64_t(1) << (m - 1))), code);
    result = k.bor(code, k.shl(sign, signShift));
    break;
  }
  case NonFinite::NanOnly: {
    Value nan = k.c(expOnes | ((int64_t(1) << m) - 1));
    code = k.select(k.bor(overflow, isNan), nan, code);
    result = k.bor(code, k.shl(sign, signShift));
    break;
  }
  case NonFinite::NegZeroNan: {
    // No -0: a zero magnitude keeps no sign; NaN is the sign bit alone.
    Value isZero = k.cmp(P::eq, code, k.c(0));
    Value signBit = k.select(isZero, k.c(0), k.shl(sign, signShift));
    result = k.bor(code, signBit);
    result =
        k.select(k.bor(overflow, isNan), k.c(int64_t(1) << signShift), result);
    break;
  }
  case NonFinite::None: {
    code = k.select(overflow, k.c(format.maxFiniteCode), code);
    result = k.bor(code, k.shl(sign, signShift));
    result = k.select(isNan, k.c(0), result);
    break;
  }
  }
  Value narrow =
      arith::TruncIOp::create(b, loc, b.getIntegerType(format.width()), result);
  return arith::BitcastOp::create(b, loc, type, narrow);
}

/// The exact f32 value of `v`, of small float type (`format`).
Value extSmallFloatToF32(OpBuilder &b, Location loc, Value v,
                         const SmallFloatFormat &format) {
  Bits k{b, loc};
  using P = arith::CmpIPredicate;
  unsigned m = format.mantissaBits;
  unsigned signShift = format.exponentBits + m;
  Value narrow =
      arith::BitcastOp::create(b, loc, b.getIntegerType(format.width()), v);
  Value c = arith::ExtUIOp::create(b, loc, b.getI32Type(), narrow);
  Value sign = k.shl(k.shr(c, signShift), 31);
  Value mag = k.band(c, k.c((int64_t(1) << signShift) - 1));
  Value exp = k.shr(mag, m);
  Value mant = k.band(mag, k.c((int64_t(1) << m) - 1));
  // Normal: rebias the exponent; subnormal: mant * 2^(1 - bias - m).
  Value normal =
      k.add(k.shl(mag, 23 - m), k.c(int64_t(127 - format.bias) << 23));
  Value mantF = arith::UIToFPOp::create(b, loc, b.getF32Type(), mant);
  Value sub = arith::MulFOp::create(
      b, loc, mantF,
      k.f(std::ldexp(1.0f, 1 - format.bias - static_cast<int>(m))));
  Value bits = k.select(k.cmp(P::eq, exp, k.c(0)), k.toBits(sub), normal);
  bits = k.bor(bits, sign);
  Value nan = k.c(0x7FC00000);
  int64_t expOnes = ((int64_t(1) << format.exponentBits) - 1) << m;
  switch (format.nonFinite) {
  case NonFinite::IEEE: {
    Value special = k.cmp(P::uge, mag, k.c(expOnes));
    Value isInf = k.cmp(P::eq, mag, k.c(expOnes));
    Value inf = k.bor(k.c(0x7F800000), sign);
    bits = k.select(special, k.select(isInf, inf, nan), bits);
    break;
  }
  case NonFinite::NanOnly:
    bits =
        k.select(k.cmp(P::eq, mag, k.c(expOnes | ((1 << m) - 1))), nan, bits);
    break;
  case NonFinite::NegZeroNan:
    bits = k.select(k.cmp(P::eq, c, k.c(int64_t(1) << signShift)), nan, bits);
    break;
  case NonFinite::None:
    break;
  }
  return k.toFloat(bits);
}

/// Converts between f32 and `to` (any float type) with extf / truncf.
Value convertF32(OpBuilder &b, Location loc, Value x, Type to) {
  if (x.getType() == to)
    return x;
  if (cast<FloatType>(to).getWidth() > 32)
    return arith::ExtFOp::create(b, loc, to, x);
  return arith::TruncFOp::create(b, loc, to, x);
}

struct ExpandTruncFToSmallFloat : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<SmallFloatFormat> format = getSmallFloatFormat(op.getType());
    if (!format)
      return rewriter.notifyMatchFailure(op, "not a float8/float4 result");
    if (op.getRoundingmodeAttr() &&
        *op.getRoundingmode() != arith::RoundingMode::to_nearest_even)
      return rewriter.notifyMatchFailure(op, "rounding mode not supported");
    Location loc = op.getLoc();
    Value x = op.getIn();
    Type f32 = rewriter.getF32Type();
    if (auto from = getSmallFloatFormat(x.getType()))
      x = extSmallFloatToF32(rewriter, loc, x, *from);
    else if (cast<FloatType>(x.getType()).getWidth() > 32)
      x = arith::TruncFOp::create(rewriter, loc, f32, x);
    else if (!x.getType().isF32())
      x = arith::ExtFOp::create(rewriter, loc, f32, x);
    rewriter.replaceOp(
        op, truncF32ToSmallFloat(rewriter, loc, x, op.getType(), *format));
    return success();
  }
};

struct ExpandExtFFromSmallFloat : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<SmallFloatFormat> format =
        getSmallFloatFormat(op.getIn().getType());
    if (!format)
      return rewriter.notifyMatchFailure(op, "not a float8/float4 operand");
    Location loc = op.getLoc();
    Value x = extSmallFloatToF32(rewriter, loc, op.getIn(), *format);
    if (auto to = getSmallFloatFormat(op.getType()))
      x = truncF32ToSmallFloat(rewriter, loc, x, op.getType(), *to);
    else
      x = convertF32(rewriter, loc, x, op.getType());
    rewriter.replaceOp(op, x);
    return success();
  }
};

struct ExpandSmallFloatCastsPass
    : mlc::impl::ExpandSmallFloatCastsBase<ExpandSmallFloatCastsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateExpandSmallFloatCastsPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace

void mlc::populateExpandSmallFloatCastsPatterns(RewritePatternSet &patterns) {
  patterns.add<ExpandTruncFToSmallFloat, ExpandExtFFromSmallFloat>(
      patterns.getContext());
}
