//===- LowerQuant.cpp - The mlc-lower-quant pass --------------------------===//
//
// Rewrites DQ -> conv2d / matmul -> [relu | clip] -> Q chains (as QDQ
// models spell quantized layers) into integer arithmetic:
//   acc = conv2d_i32(x - zx, W - zw, round(b / (sx * sw)))
//   y   = requantize(acc, M = sx * sw / sy as multiplier and shift, zy)
// The activation enters as its storage integers; the weights' zero points
// and the bias are folded into i32 constants at compile time; the
// requantization is fixed-point (mlc.requantize) with a fused ReLU / Clip
// as its clamp bounds. Activations must be quantized per tensor, weights
// per tensor or per output channel, all parameters constants; anything
// else stays in float with its DQ / Q at the edges.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/Transforms/ConstantUtils.h"
#include "mlc/Dialect/MLC/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlc {
#define GEN_PASS_DEF_LOWERQUANT
#include "mlc/Dialect/MLC/Transforms/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

/// A dequantized value: its storage integers and constant parameters.
struct Dequantized {
  Value ints;
  bool isUnsigned = false;
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  int64_t axis = 1;
  bool perTensor() const { return scales.size() == 1; }
};

} // namespace

/// Parameters of the quant type `type` (per tensor or per axis).
static FailureOr<Dequantized> readQuantType(Type type) {
  Type element = cast<RankedTensorType>(type).getElementType();
  Dequantized d;
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(element)) {
    d.scales = {uniform.getScale()};
    d.zeroPoints = {uniform.getZeroPoint()};
    d.isUnsigned = !uniform.isSigned();
    return d;
  }
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
    d.scales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
    d.zeroPoints.assign(perAxis.getZeroPoints().begin(),
                        perAxis.getZeroPoints().end());
    d.axis = perAxis.getQuantizedDimension();
    d.isUnsigned = !perAxis.isSigned();
    return d;
  }
  return failure();
}

/// `value` as the dequantization of integers with constant parameters:
/// quant.dcast(quant.scast(ints)) or mlc.dequantize_linear(ints, constants).
static FailureOr<Dequantized> matchDequantize(Value value) {
  if (auto dcast = value.getDefiningOp<quant::DequantizeCastOp>()) {
    auto scast = dcast.getInput().getDefiningOp<quant::StorageCastOp>();
    if (!scast)
      return failure();
    FailureOr<Dequantized> d = readQuantType(dcast.getInput().getType());
    if (failed(d))
      return failure();
    d->ints = scast.getInput();
    return d;
  }
  auto dq = value.getDefiningOp<DequantizeLinearOp>();
  if (!dq || dq.getBlockSize() != 0 ||
      !isa<IntegerType>(dq.getInput().getType().getElementType()) ||
      !dq.getType().getElementType().isF32())
    return failure();
  FailureOr<ConstTensor> scale = readConstant(dq.getScale());
  if (failed(scale))
    return failure();
  Dequantized d;
  d.ints = dq.getInput();
  d.isUnsigned = dq.getUnsignedInput();
  d.scales = scale->floats;
  d.zeroPoints.assign(d.scales.size(), 0);
  d.axis = dq.getAxis();
  if (Value zp = dq.getZeroPoint()) {
    FailureOr<ConstTensor> zpValues = readConstant(zp);
    if (failed(zpValues) || zpValues->size() != scale->size())
      return failure();
    unsigned width = zpValues->type.getElementType().getIntOrFloatBitWidth();
    for (auto [i, v] : llvm::enumerate(zpValues->ints))
      d.zeroPoints[i] = d.isUnsigned && v < 0 ? v + (int64_t(1) << width) : v;
  }
  return d;
}

/// The fixed-point form m * 2^-s of the positive real multiplier `real`:
/// m in [2^30, 2^31), s in [1, 62] (m = 0 when `real` is too small).
static std::pair<int32_t, int64_t> getFixedPoint(double real) {
  int exponent = 0;
  double fraction = std::frexp(real, &exponent); // real = fraction * 2^exp
  int64_t m = std::llround(fraction * double(int64_t(1) << 31));
  if (m == (int64_t(1) << 31)) {
    m /= 2;
    ++exponent;
  }
  int64_t shift = 31 - exponent;
  if (shift > 62 || m == 0)
    return {0, 1};
  if (shift < 1) // |M| >= 2^30: out of any quantized range anyway
    return {INT32_MAX, 1};
  return {static_cast<int32_t>(m), shift};
}

namespace {

struct LowerQuantizedLayer : OpRewritePattern<QuantizeLinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeLinearOp q,
                                PatternRewriter &rewriter) const override {
    if (!isa<IntegerType>(q.getType().getElementType()))
      return rewriter.notifyMatchFailure(q, "float8/float4 storage");
    // Output parameters: constant, per tensor.
    FailureOr<ConstTensor> yScale = readConstant(q.getScale());
    if (q.getBlockSize() != 0 || failed(yScale) || yScale->size() != 1)
      return rewriter.notifyMatchFailure(q, "output not per-tensor constant");
    int64_t yZp = 0;
    if (Value zp = q.getZeroPoint()) {
      FailureOr<ConstTensor> zpValue = readConstant(zp);
      if (failed(zpValue) || zpValue->size() != 1)
        return rewriter.notifyMatchFailure(q, "output zero point not constant");
      yZp = zpValue->ints[0];
      unsigned width = zpValue->type.getElementType().getIntOrFloatBitWidth();
      if (q.getUnsignedResult() && yZp < 0)
        yZp += int64_t(1) << width;
    }
    auto storage = cast<IntegerType>(q.getType().getElementType());
    unsigned width = storage.getWidth();
    if (width > 16)
      return rewriter.notifyMatchFailure(q, "wider than 16 bits");
    bool isUnsigned = q.getUnsignedResult();
    int64_t qmin = isUnsigned ? 0 : -(int64_t(1) << (width - 1));
    int64_t qmax = isUnsigned ? (int64_t(1) << width) - 1
                              : (int64_t(1) << (width - 1)) - 1;
    double sy = yScale->floats[0];
    if (!(sy > 0))
      return rewriter.notifyMatchFailure(q, "non-positive output scale");

    // Fused activation: narrows the clamp.
    Value v = q.getInput();
    int64_t lo = qmin, hi = qmax;
    Operation *activation = v.getDefiningOp();
    if (isa_and_nonnull<ReluOp>(activation)) {
      lo = std::max(lo, yZp);
      v = activation->getOperand(0);
    } else if (auto clip = dyn_cast_or_null<ClipOp>(activation)) {
      if (auto min = clip.getMin())
        lo = std::max<int64_t>(lo,
                               yZp + std::llround(min->convertToDouble() / sy));
      if (auto max = clip.getMax())
        hi = std::min<int64_t>(hi,
                               yZp + std::llround(max->convertToDouble() / sy));
      v = clip.getInput();
    } else {
      activation = nullptr;
    }
    if (lo > hi)
      return rewriter.notifyMatchFailure(q, "empty clamp range");
    if (activation && !activation->hasOneUse())
      return rewriter.notifyMatchFailure(q, "activation has other users");

    Operation *layer = v.getDefiningOp();
    if (!layer || !v.hasOneUse() || !isa<Conv2DOp, MatMulOp>(layer))
      return rewriter.notifyMatchFailure(q, "not a conv2d or matmul");
    auto conv = dyn_cast<Conv2DOp>(layer);
    if (conv && conv.getLayout() != "NCHW")
      return rewriter.notifyMatchFailure(q, "NHWC conv2d");
    FailureOr<Dequantized> x = matchDequantize(layer->getOperand(0));
    FailureOr<Dequantized> w = matchDequantize(layer->getOperand(1));
    if (failed(x) || failed(w) || !x->perTensor())
      return rewriter.notifyMatchFailure(q, "operands not dequantized");
    FailureOr<ConstTensor> weights = readConstant(w->ints);
    if (failed(weights))
      return rewriter.notifyMatchFailure(q, "weights not constant");
    RankedTensorType wType = weights->type;
    // The output channel: filter dim 0 of a conv, column of a 2-D matmul.
    int64_t channelDim = conv ? 0 : 1;
    if (!conv && wType.getRank() != 2)
      return rewriter.notifyMatchFailure(q, "matmul weights not 2-D");
    int64_t channels = wType.getDimSize(channelDim);
    if (!w->perTensor() && (w->axis != channelDim ||
                            static_cast<int64_t>(w->scales.size()) != channels))
      return rewriter.notifyMatchFailure(q, "weights not per output channel");
    auto wScale = [&](int64_t c) { return w->scales[w->perTensor() ? 0 : c]; };
    auto wZp = [&](int64_t c) { return w->zeroPoints[w->perTensor() ? 0 : c]; };

    // Bias (conv only): a constant or a dequantized constant, in float,
    // requantized to i32 at scale sx * sw[c].
    double sx = x->scales[0];
    std::vector<double> bias;
    if (conv && conv.getBias()) {
      Value b = conv.getBias();
      if (FailureOr<Dequantized> bq = matchDequantize(b); succeeded(bq)) {
        FailureOr<ConstTensor> bi = readConstant(bq->ints);
        if (failed(bi))
          return rewriter.notifyMatchFailure(q, "bias not constant");
        for (int64_t c = 0; c < bi->size(); ++c) {
          int64_t k = bq->perTensor() ? 0 : c;
          bias.push_back((bi->ints[c] - bq->zeroPoints[k]) * bq->scales[k]);
        }
      } else if (FailureOr<ConstTensor> bf = readConstant(b); succeeded(bf)) {
        bias = bf->floats;
      } else {
        return rewriter.notifyMatchFailure(q, "bias not constant");
      }
    }

    // Weights minus their zero points, at compile time.
    Location loc = q.getLoc();
    auto i32 = rewriter.getI32Type();
    ConstTensor w32 = ConstTensor::zeros(wType.clone(i32));
    int64_t inner = 1;
    for (int64_t d = channelDim + 1; d < wType.getRank(); ++d)
      inner *= wType.getDimSize(d);
    unsigned wWidth = wType.getElementType().getIntOrFloatBitWidth();
    for (int64_t i = 0; i < weights->size(); ++i) {
      int64_t c = (i / inner) % channels;
      int64_t raw = weights->ints[i];
      if (w->isUnsigned && raw < 0)
        raw += int64_t(1) << wWidth;
      w32.ints[i] = raw - wZp(c);
    }
    Value wConst =
        ConstantOp::create(rewriter, loc, w32.toAttr("quantized_weights"));

    // The activation enters as its storage integers widened to i32; its
    // zero point is never subtracted at run time: padding fills with zx (so
    // a padded element contributes (zx - zx) * w = 0) and the term
    // -zx * sum_k W'[c, k] is folded into the i32 bias at compile time. The
    // contraction thus reads the 8-bit activation as it is, which is what
    // convert-mlc-to-linalg narrows to an i8 x i8 -> i32 GEMM.
    auto xType = cast<RankedTensorType>(x->ints.getType());
    int64_t zx = x->zeroPoints[0];
    std::vector<int64_t> correction(channels, 0);
    for (int64_t i = 0; i < w32.size(); ++i)
      correction[(i / inner) % channels] -= zx * w32.ints[i];
    Value xInts = x->ints;
    SmallVector<int64_t> pads =
        conv ? SmallVector<int64_t>(conv.getPads()) : SmallVector<int64_t>();
    if (conv && llvm::any_of(pads, [](int64_t p) { return p != 0; })) {
      // ONNX order: [N, C, top, left] begins, then ends.
      int64_t onnxPads[] = {0, 0, pads[0], pads[1], 0, 0, pads[2], pads[3]};
      SmallVector<int64_t> shape(xType.getShape());
      shape[2] += pads[0] + pads[2];
      shape[3] += pads[1] + pads[3];
      xType = xType.clone(shape);
      xInts = PadOp::create(rewriter, loc, xType,
                            PadModeAttr::get(getContext(), PadMode::Constant),
                            xInts, rewriter.getDenseI64ArrayAttr(onnxPads),
                            rewriter.getF64FloatAttr(double(zx)));
      pads.assign(4, 0);
    }
    Value x32 = CastOp::create(rewriter, loc, xType.clone(i32), xInts,
                               x->isUnsigned, /*unsigned_result=*/false);

    Value acc;
    auto accType = cast<RankedTensorType>(v.getType()).clone(i32);
    if (conv) {
      Value biasConst;
      if (!bias.empty() || zx != 0) {
        ConstTensor b32 =
            ConstTensor::zeros(RankedTensorType::get({channels}, i32));
        for (int64_t c = 0; c < channels; ++c)
          b32.ints[c] =
              (bias.empty() ? 0 : std::llround(bias[c] / (sx * wScale(c)))) +
              correction[c];
        biasConst =
            ConstantOp::create(rewriter, loc, b32.toAttr("quantized_bias"));
      }
      acc = Conv2DOp::create(
          rewriter, loc, accType, x32, wConst, biasConst, conv.getStrides(),
          rewriter.getDenseI64ArrayAttr(pads), conv.getDilations(),
          conv.getGroup(), conv.getLayout());
    } else {
      acc = MatMulOp::create(rewriter, loc, accType, x32, wConst);
      if (zx != 0) {
        ConstTensor c32 =
            ConstTensor::zeros(RankedTensorType::get({channels}, i32));
        for (int64_t c = 0; c < channels; ++c)
          c32.ints[c] = correction[c];
        Value cConst = ConstantOp::create(rewriter, loc,
                                          c32.toAttr("zero_point_correction"));
        acc = AddOp::create(rewriter, loc, accType, acc, cConst);
      }
    }

    SmallVector<int32_t> multipliers;
    SmallVector<int64_t> shifts;
    int64_t params = w->perTensor() ? 1 : channels;
    for (int64_t c = 0; c < params; ++c) {
      auto [m, s] = getFixedPoint(sx * wScale(c) / sy);
      multipliers.push_back(m);
      shifts.push_back(s);
    }
    int64_t axis = conv ? 1 : accType.getRank() - 1;
    Value y = RequantizeOp::create(
        rewriter, loc, q.getType(), acc,
        rewriter.getDenseI32ArrayAttr(multipliers),
        rewriter.getDenseI64ArrayAttr(shifts), rewriter.getI64IntegerAttr(axis),
        rewriter.getI64IntegerAttr(yZp), rewriter.getI64IntegerAttr(lo),
        rewriter.getI64IntegerAttr(hi));
    rewriter.replaceOp(q, y);
    return success();
  }
};

struct LowerQuantPass : mlc::impl::LowerQuantBase<LowerQuantPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateLowerQuantPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlc::populateLowerQuantPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerQuantizedLayer>(patterns.getContext());
}
