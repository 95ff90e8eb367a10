//===- QuantToLinalg.cpp - mlc quantize/dequantize to linalg.generic ------===//
//
// mlc.quantize_linear and mlc.dequantize_linear become one linalg.generic
// each, reading the scale and zero point through an indexing map that picks
// the element of the tensor, of the axis, or of the block. Quantization
// rounds half to even (math.roundeven) and saturates in float before the
// conversion, so out-of-range values never reach fptosi/fptoui.
//
// Values typed with upstream quant types (quant.qcast / quant.scast /
// quant.dcast, as the importer produces for constant parameters) are first
// expanded into those two ops with constant scale and zero point operands
// (populateExpandQuantCastsPatterns).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;
using namespace mlc;

/// The map from the data's loop indices to the element of `param` (scale or
/// zero point) that applies: per tensor, per `axis`, or per block.
static AffineMap getParamMap(MLIRContext *ctx, int64_t rank,
                             RankedTensorType param, int64_t axis,
                             int64_t blockSize) {
  if (blockSize > 0) {
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d) {
      AffineExpr e = getAffineDimExpr(d, ctx);
      exprs.push_back(d == axis ? e.floorDiv(blockSize) : e);
    }
    return AffineMap::get(rank, 0, exprs, ctx);
  }
  if (param.getNumElements() == 1 && param.getRank() <= 1) {
    SmallVector<AffineExpr> exprs(param.getRank(),
                                  getAffineConstantExpr(0, ctx));
    return AffineMap::get(rank, 0, exprs, ctx);
  }
  return AffineMap::get(rank, 0, getAffineDimExpr(axis, ctx));
}

static Value floatToF32(OpBuilder &b, Location loc, Value x) {
  if (x.getType().isF32())
    return x;
  if (x.getType().getIntOrFloatBitWidth() < 32)
    return arith::ExtFOp::create(b, loc, b.getF32Type(), x);
  return arith::TruncFOp::create(b, loc, b.getF32Type(), x);
}

namespace {

struct QuantizeLinearLowering : OpRewritePattern<QuantizeLinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeLinearOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    RankedTensorType resultType = op.getType();
    int64_t rank = resultType.getRank();
    Type storage = resultType.getElementType();
    bool isUnsigned = op.getUnsignedResult();
    bool isFloatStorage = isa<FloatType>(storage);
    double qmin = 0, qmax = 0;
    if (auto intStorage = dyn_cast<IntegerType>(storage)) {
      unsigned width = intStorage.getWidth();
      APInt lo = isUnsigned ? APInt::getMinValue(width)
                            : APInt::getSignedMinValue(width);
      APInt hi = isUnsigned ? APInt::getMaxValue(width)
                            : APInt::getSignedMaxValue(width);
      // (Two statements: a ?: of uint64_t and int64_t would be unsigned.)
      qmin = static_cast<double>(lo.getSExtValue());
      qmax = static_cast<double>(hi.getSExtValue());
      if (isUnsigned) {
        qmin = static_cast<double>(lo.getZExtValue());
        qmax = static_cast<double>(hi.getZExtValue());
      }
    }

    SmallVector<Value> inputs = {op.getInput(), op.getScale()};
    AffineMap paramMap = getParamMap(ctx, rank, op.getScale().getType(),
                                     op.getAxis(), op.getBlockSize());
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   paramMap};
    if (Value zp = op.getZeroPoint()) {
      inputs.push_back(zp);
      maps.push_back(getParamMap(ctx, rank,
                                 cast<RankedTensorType>(zp.getType()),
                                 op.getAxis(), op.getBlockSize()));
    }
    // The result of x / scale is computed in f32 (f64 inputs in f64), as
    // the ONNX reference does for f16 and bf16 inputs.
    Value result = createParallelGeneric(
        rewriter, loc, resultType, inputs, maps,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value x = args[0], scale = args[1];
          if (!x.getType().isF64()) {
            x = floatToF32(b, l, x);
            scale = floatToF32(b, l, scale);
          }
          Type ft = x.getType();
          Value q = arith::DivFOp::create(b, l, x, scale);
          if (isFloatStorage) {
            // float8: saturate(x / scale) (the zero point is zero);
            // float4: x / scale + zero_point, saturated by the type.
            if (args.size() > 2 && isa<Float4E2M1FNType>(storage))
              q = arith::AddFOp::create(
                  b, l, q, arith::ExtFOp::create(b, l, ft, args[2]));
            if (op.getSaturate())
              q = createSmallFloatSaturation(b, l, q, storage);
            return arith::TruncFOp::create(b, l, storage, q);
          }
          q = math::RoundEvenOp::create(b, l, q);
          if (args.size() > 2) {
            Value zp = isUnsigned
                           ? Value(arith::UIToFPOp::create(b, l, ft, args[2]))
                           : Value(arith::SIToFPOp::create(b, l, ft, args[2]));
            q = arith::AddFOp::create(b, l, q, zp);
          }
          // Saturate in float; NaN (which maximumf/minimumf propagate)
          // becomes 0 so that the conversion is always defined.
          Value lowV = createScalarConstant(b, l, ft, qmin);
          Value highV = createScalarConstant(b, l, ft, qmax);
          q = arith::MaximumFOp::create(b, l, q, lowV);
          q = arith::MinimumFOp::create(b, l, q, highV);
          Value isNan =
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, q, q);
          Value zero = createScalarConstant(b, l, ft, 0.0);
          q = arith::SelectOp::create(b, l, isNan, zero, q);
          if (isUnsigned)
            return arith::FPToUIOp::create(b, l, storage, q);
          return arith::FPToSIOp::create(b, l, storage, q);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DequantizeLinearLowering : OpRewritePattern<DequantizeLinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DequantizeLinearOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    RankedTensorType resultType = op.getType();
    int64_t rank = resultType.getRank();
    bool isUnsigned = op.getUnsignedInput();
    SmallVector<Value> inputs = {op.getInput(), op.getScale()};
    AffineMap paramMap = getParamMap(ctx, rank, op.getScale().getType(),
                                     op.getAxis(), op.getBlockSize());
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   paramMap};
    if (Value zp = op.getZeroPoint()) {
      inputs.push_back(zp);
      maps.push_back(getParamMap(ctx, rank,
                                 cast<RankedTensorType>(zp.getType()),
                                 op.getAxis(), op.getBlockSize()));
    }
    Type resultElement = resultType.getElementType();
    Value result = createParallelGeneric(
        rewriter, loc, resultType, inputs, maps,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          if (isa<FloatType>(args[0].getType())) {
            // float8/float4: (x - zp) * scale in f32 (f64 results in f64).
            Type ft = resultElement.isF64() ? b.getF64Type() : b.getF32Type();
            Value x = arith::ExtFOp::create(b, l, ft, args[0]);
            if (args.size() > 2)
              x = arith::SubFOp::create(
                  b, l, x, arith::ExtFOp::create(b, l, ft, args[2]));
            Value scale = ft.isF64() ? args[1] : floatToF32(b, l, args[1]);
            Value y = arith::MulFOp::create(b, l, x, scale);
            if (y.getType() != resultElement)
              y = arith::TruncFOp::create(b, l, resultElement, y);
            return y;
          }
          // x - zp is exact in i64 for every storage type up to 32 bits;
          // the difference is then converted once, as the reference does.
          Type i64 = b.getI64Type();
          auto widen = [&](Value v) -> Value {
            if (isUnsigned)
              return arith::ExtUIOp::create(b, l, i64, v);
            return arith::ExtSIOp::create(b, l, i64, v);
          };
          Value x = widen(args[0]);
          if (args.size() > 2)
            x = arith::SubIOp::create(b, l, x, widen(args[2]));
          bool wide = resultElement.isF64();
          Type ft = wide ? b.getF64Type() : b.getF32Type();
          Value xf = arith::SIToFPOp::create(b, l, ft, x);
          Value scale = wide ? args[1] : floatToF32(b, l, args[1]);
          Value y = arith::MulFOp::create(b, l, xf, scale);
          if (y.getType() != resultElement)
            y = arith::TruncFOp::create(b, l, resultElement, y);
          return y;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Integer arithmetic only: i64 product, rounding bias, arithmetic shift,
/// zero point, clamp, truncation. Per-channel multipliers (i32) and shifts
/// (i8: the verifier keeps them in [1, 62]) are constant tensors read along the
/// axis, stored at their own width (5 bytes a channel); the rounding bias
/// 2^(s-1) is computed from the shift in the loop. When every shift is at
/// least 33, the same result in i32: with P = x * m = hi * 2^32 + lo
/// (0 <= lo < 2^32) and t = s - 32, (P + 2^(s-1)) / 2^s = (hi + 2^(t-1) +
/// lo / 2^32) / 2^t, whose floor is that of (hi + 2^(t-1)) / 2^t; |hi| <
/// 2^30, so nothing overflows. The shifts are stored as t, and the vector
/// code takes one high multiply (vpmuldq pairs on x86) instead of i64 lanes.
struct RequantizeLowering : OpRewritePattern<RequantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    int64_t rank = resultType.getRank();
    Type i64 = rewriter.getI64Type();
    ArrayRef<int32_t> multipliers = op.getMultipliers();
    ArrayRef<int64_t> shifts = op.getShifts();
    int64_t channels = multipliers.size();
    Value mult = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({channels}, rewriter.getI32Type()),
            multipliers));
    // Shifts of 33 and more (a multiplier below 1/2, the usual case): the
    // product's low word cannot change the result, so the arithmetic stays
    // in i32 on the product's high word (exact, see the description).
    bool highWord = llvm::all_of(shifts, [](int64_t s) { return s >= 33; });
    SmallVector<int8_t> narrowShifts;
    for (int64_t s : shifts)
      narrowShifts.push_back(static_cast<int8_t>(highWord ? s - 32 : s));
    Value shift = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({channels}, rewriter.getI8Type()),
            ArrayRef<int8_t>(narrowShifts)));
    AffineMap paramMap =
        channels == 1
            ? AffineMap::get(rank, 0, rewriter.getAffineConstantExpr(0))
            : AffineMap::get(rank, 0, rewriter.getAffineDimExpr(op.getAxis()));
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   paramMap, paramMap};
    auto zp = static_cast<int64_t>(op.getOutputZeroPoint());
    auto lo = static_cast<int64_t>(op.getMin());
    auto hi = static_cast<int64_t>(op.getMax());
    Type storage = resultType.getElementType();
    Value result = createParallelGeneric(
        rewriter, loc, resultType, ValueRange{op.getInput(), mult, shift}, maps,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          if (highWord) {
            // (x * m + 2^(s-1)) >> s == (hi + 2^(t-1)) >> t for t = s - 32
            // >= 1, hi the high word of the i64 product x * m: the low word
            // adds less than one unit before the floor.
            auto c = [&](int64_t v) -> Value {
              return arith::ConstantOp::create(b, l, b.getI32IntegerAttr(v));
            };
            Type i32 = b.getI32Type();
            Value high = arith::MulSIExtendedOp::create(b, l, args[0], args[1])
                             .getHigh();
            Value t = arith::ExtSIOp::create(b, l, i32, args[2]);
            Value round = arith::ShLIOp::create(
                b, l, c(1), arith::SubIOp::create(b, l, t, c(1)));
            Value p = arith::AddIOp::create(b, l, high, round);
            p = arith::ShRSIOp::create(b, l, p, t);
            p = arith::AddIOp::create(b, l, p, c(zp));
            p = arith::MaxSIOp::create(b, l, p, c(lo));
            p = arith::MinSIOp::create(b, l, p, c(hi));
            return arith::TruncIOp::create(b, l, storage, p);
          }
          auto c = [&](int64_t v) -> Value {
            return arith::ConstantOp::create(b, l, b.getI64IntegerAttr(v));
          };
          Value x = arith::ExtSIOp::create(b, l, i64, args[0]);
          Value m = arith::ExtSIOp::create(b, l, i64, args[1]);
          Value s = arith::ExtSIOp::create(b, l, i64, args[2]);
          Value round = arith::ShLIOp::create(
              b, l, c(1), arith::SubIOp::create(b, l, s, c(1)));
          Value p = arith::MulIOp::create(b, l, x, m);
          p = arith::AddIOp::create(b, l, p, round);
          p = arith::ShRSIOp::create(b, l, p, s);
          p = arith::AddIOp::create(b, l, p, c(zp));
          p = arith::MaxSIOp::create(b, l, p, c(lo));
          p = arith::MinSIOp::create(b, l, p, c(hi));
          return arith::TruncIOp::create(b, l, storage, p);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

namespace {

/// The quantization parameters of a quant type as mlc.constant operands.
struct QuantParams {
  Value scale, zeroPoint;
  int64_t axis = 1;
  bool isUnsigned = false;
  Type storage;
};

} // namespace

static FailureOr<QuantParams> getQuantParams(OpBuilder &b, Location loc,
                                             Type type) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!tensorType)
    return failure();
  Type element = tensorType.getElementType();
  QuantParams params;
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  quant::QuantizedType quantized;
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(element)) {
    scales.push_back(uniform.getScale());
    zeroPoints.push_back(uniform.getZeroPoint());
    quantized = uniform;
  } else if (auto perAxis =
                 dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
    scales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
    zeroPoints.assign(perAxis.getZeroPoints().begin(),
                      perAxis.getZeroPoints().end());
    params.axis = perAxis.getQuantizedDimension();
    quantized = perAxis;
  } else {
    return failure();
  }
  Type expressed = quantized.getExpressedType();
  params.storage = quantized.getStorageType();
  params.isUnsigned = !quantized.isSigned();
  SmallVector<int64_t> shape;
  if (isa<quant::UniformQuantizedPerAxisType>(element))
    shape.push_back(scales.size());
  SmallVector<Attribute> scaleAttrs, zpAttrs;
  for (auto [s, zp] : llvm::zip(scales, zeroPoints)) {
    scaleAttrs.push_back(b.getFloatAttr(expressed, s));
    zpAttrs.push_back(b.getIntegerAttr(params.storage, zp));
  }
  params.scale = ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get(shape, expressed),
                             scaleAttrs));
  params.zeroPoint = ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get(shape, params.storage),
                             zpAttrs));
  return params;
}

/// mlc.quantize_linear of the float `input` into quant-typed `quantType`,
/// giving its storage integers.
static FailureOr<Value> buildQuantize(OpBuilder &b, Location loc, Value input,
                                      Type quantType) {
  FailureOr<QuantParams> params = getQuantParams(b, loc, quantType);
  if (failed(params))
    return failure();
  auto type = cast<RankedTensorType>(input.getType()).clone(params->storage);
  return QuantizeLinearOp::create(b, loc, type, input, params->scale,
                                  params->zeroPoint, params->axis,
                                  /*block_size=*/0, params->isUnsigned)
      .getResult();
}

/// The storage integers of the quant-typed `value` when they can be had
/// without a quant op: a quant.scast from integers, or a quant.qcast
/// (quantized anew).
static FailureOr<Value> getStorage(OpBuilder &b, Location loc, Value value) {
  if (auto scast = value.getDefiningOp<quant::StorageCastOp>()) {
    auto type = cast<RankedTensorType>(scast.getInput().getType());
    if (isa<IntegerType>(type.getElementType()))
      return scast.getInput();
    return failure();
  }
  if (auto qcast = value.getDefiningOp<quant::QuantizeCastOp>())
    return buildQuantize(b, loc, qcast.getInput(), value.getType());
  return failure();
}

namespace {

/// quant.scast from a quant type to its storage integers.
struct ExpandStorageCast : OpRewritePattern<quant::StorageCastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(quant::StorageCastOp op,
                                PatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!resultType || !isa<IntegerType>(resultType.getElementType()))
      return rewriter.notifyMatchFailure(op, "not a cast to integers");
    FailureOr<Value> storage = getStorage(rewriter, op.getLoc(), op.getInput());
    if (failed(storage))
      return rewriter.notifyMatchFailure(op, "operand is not a quant cast");
    rewriter.replaceOp(op, *storage);
    return success();
  }
};

/// quant.dcast of a value whose storage integers are known.
struct ExpandDequantizeCast : OpRewritePattern<quant::DequantizeCastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(quant::DequantizeCastOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<QuantParams> params =
        getQuantParams(rewriter, loc, op.getInput().getType());
    if (failed(params))
      return rewriter.notifyMatchFailure(op, "unsupported quant type");
    FailureOr<Value> storage = getStorage(rewriter, loc, op.getInput());
    if (failed(storage))
      return rewriter.notifyMatchFailure(op, "operand is not a quant cast");
    rewriter.replaceOpWithNewOp<DequantizeLinearOp>(
        op, op.getType(), *storage, params->scale, params->zeroPoint,
        params->axis, /*block_size=*/0, params->isUnsigned);
    return success();
  }
};

} // namespace

void mlc::populateExpandQuantCastsPatterns(RewritePatternSet &patterns) {
  patterns.add<ExpandStorageCast, ExpandDequantizeCast>(patterns.getContext());
}

void mlc::populateQuantToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<QuantizeLinearLowering, DequantizeLinearLowering,
               RequantizeLowering>(patterns.getContext());
}
