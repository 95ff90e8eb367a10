//===- RaiseComposites.cpp - The mlc-raise-composites pass ----------------===//
//
// Exporters of older opsets spell LayerNorm, GELU and Softmax as chains of
// primitive ops. These patterns recognize the chains and replace them by
// the single ops (mlc.layer_norm, mlc.gelu, mlc.softmax), which fusion and
// backends handle as one kernel.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"
#include "mlc/Dialect/MLC/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlc {
#define GEN_PASS_DEF_RAISECOMPOSITES
#include "mlc/Dialect/MLC/Transforms/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

/// True when `value` is a constant whose elements all equal `expected`
/// (within a relative 1e-6, for constants such as sqrt(2) written in f32).
bool isConstantSplat(Value value, double expected) {
  FailureOr<ConstTensor> constant = readConstant(value);
  if (failed(constant) || !constant->isFloat() || constant->size() == 0)
    return false;
  return llvm::all_of(constant->floats, [&](double v) {
    return std::abs(v - expected) <= 1e-6 * std::max(1.0, std::abs(expected));
  });
}

/// The scalar value of a constant splat, if `value` is one.
std::optional<double> getConstantSplat(Value value) {
  FailureOr<ConstTensor> constant = readConstant(value);
  if (failed(constant) || !constant->isFloat() || constant->size() == 0)
    return std::nullopt;
  double first = constant->floats[0];
  if (!llvm::all_of(constant->floats, [&](double v) { return v == first; }))
    return std::nullopt;
  return first;
}

/// For a commutative binary op with `known` as one operand, the other one.
template <typename Op> Value getOtherOperand(Op op, Value known) {
  if (op.getLhs() == known)
    return op.getRhs();
  if (op.getRhs() == known)
    return op.getLhs();
  return {};
}

/// reduce_mean over the trailing axes [axis, rank) with keepdims: returns
/// axis, or nullopt.
std::optional<int64_t> getTrailingMeanAxis(ReduceMeanOp mean) {
  if (!mean || !mean.getKeepdims())
    return std::nullopt;
  int64_t rank = mean.getInput().getType().getRank();
  SmallVector<int64_t> axes;
  for (int64_t a : mean.getAxes())
    axes.push_back(a < 0 ? a + rank : a);
  llvm::sort(axes);
  if (axes.empty() || axes.back() != rank - 1)
    return std::nullopt;
  for (size_t i = 1; i < axes.size(); ++i)
    if (axes[i] != axes[i - 1] + 1)
      return std::nullopt;
  return axes.front();
}

/// (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps), means over trailing
/// axes, -> layer_norm(x) without scale and bias.
struct RaiseLayerNorm : OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DivOp div,
                                PatternRewriter &rewriter) const override {
    auto centered = div.getLhs().getDefiningOp<SubOp>();
    auto sqrt = div.getRhs().getDefiningOp<SqrtOp>();
    if (!centered || !sqrt)
      return rewriter.notifyMatchFailure(div, "not (x - m) / sqrt(...)");
    Value x = centered.getLhs();
    auto mean = centered.getRhs().getDefiningOp<ReduceMeanOp>();
    if (!mean || mean.getInput() != x || x.getType() != div.getType())
      return rewriter.notifyMatchFailure(div, "not x - mean(x)");
    std::optional<int64_t> axis = getTrailingMeanAxis(mean);
    auto addEps = sqrt.getInput().getDefiningOp<AddOp>();
    if (!axis || !addEps)
      return rewriter.notifyMatchFailure(div, "no trailing mean or epsilon");
    auto variance = addEps.getLhs().getDefiningOp<ReduceMeanOp>();
    Value epsValue = addEps.getRhs();
    if (!variance) {
      variance = addEps.getRhs().getDefiningOp<ReduceMeanOp>();
      epsValue = addEps.getLhs();
    }
    std::optional<double> eps = getConstantSplat(epsValue);
    if (!variance || !eps || getTrailingMeanAxis(variance) != axis)
      return rewriter.notifyMatchFailure(div, "no variance + epsilon");
    Operation *square = variance.getInput().getDefiningOp();
    bool isSquare = false;
    if (auto pow = dyn_cast_or_null<PowOp>(square))
      isSquare = pow.getBase() == centered.getResult() &&
                 isConstantSplat(pow.getExponent(), 2.0);
    else if (auto mul = dyn_cast_or_null<MulOp>(square))
      isSquare = mul.getLhs() == centered.getResult() &&
                 mul.getRhs() == centered.getResult();
    if (!isSquare)
      return rewriter.notifyMatchFailure(div, "variance is not of (x - m)^2");
    auto layerNorm =
        LayerNormOp::create(rewriter, div.getLoc(), x, /*scale=*/Value(),
                            /*bias=*/Value(), rewriter.getI64IntegerAttr(*axis),
                            rewriter.getF32FloatAttr(static_cast<float>(*eps)));
    rewriter.replaceOp(div, layerNorm.getResult());
    return success();
  }
};

/// True when `param` broadcasts over the normalized dims [axis, rank) of
/// `type` only (it has no more dims than those).
bool isNormalizedDimsParam(Value param, RankedTensorType type, int64_t axis) {
  auto paramType = dyn_cast<RankedTensorType>(param.getType());
  if (!paramType || paramType.getRank() > type.getRank() - axis)
    return false;
  int64_t offset = type.getRank() - paramType.getRank();
  for (int64_t d = 0; d < paramType.getRank(); ++d)
    if (paramType.getDimSize(d) != type.getDimSize(offset + d))
      return false;
  return true;
}

/// layer_norm(x) * gamma -> layer_norm(x) scale(gamma), and then + beta ->
/// bias(beta), when gamma and beta have the normalized dims' shape.
template <typename Op> struct AbsorbIntoLayerNorm : OpRewritePattern<Op> {
  using OpRewritePattern<Op>::OpRewritePattern;
  LogicalResult matchAndRewrite(Op op,
                                PatternRewriter &rewriter) const override {
    constexpr bool isScale = std::is_same_v<Op, MulOp>;
    for (Value operand : {op.getLhs(), op.getRhs()}) {
      auto layerNorm = operand.template getDefiningOp<LayerNormOp>();
      if (!layerNorm || !layerNorm.getResult().hasOneUse() ||
          !layerNorm.getMean().use_empty() ||
          !layerNorm.getInvStdDev().use_empty())
        continue;
      if (isScale ? (layerNorm.getScale() || layerNorm.getBias())
                  : static_cast<bool>(layerNorm.getBias()))
        continue;
      Value param = getOtherOperand(op, operand);
      RankedTensorType type = layerNorm.getResult().getType();
      int64_t axis = static_cast<int64_t>(layerNorm.getAxis());
      if (axis < 0)
        axis += type.getRank();
      if (op.getType() != type || !isNormalizedDimsParam(param, type, axis))
        continue;
      // Without a scale, a bias still needs one: use ones.
      Value scale = layerNorm.getScale();
      Value bias;
      if (isScale) {
        scale = param;
      } else {
        bias = param;
        if (!scale) {
          auto paramType = cast<RankedTensorType>(param.getType());
          scale = ConstantOp::create(
              rewriter, op.getLoc(),
              DenseElementsAttr::get(
                  paramType,
                  rewriter.getFloatAttr(paramType.getElementType(), 1.0)));
        }
      }
      auto raised = LayerNormOp::create(
          rewriter, op.getLoc(), layerNorm.getInput(), scale, bias,
          layerNorm.getAxisAttr(), layerNorm.getEpsilonAttr());
      rewriter.replaceOp(op, raised.getResult());
      return success();
    }
    return rewriter.notifyMatchFailure(op, "no layer_norm to absorb into");
  }
};

/// x * 0.5 * (1 + erf(x / sqrt(2))) in the forms torch and TF export
/// (the 0.5 on either product) -> gelu(x).
struct RaiseGelu : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;

  /// erf(x / sqrt(2)) or erf(x * (1 / sqrt(2))) -> x.
  static Value matchErfArgument(ErfOp erf) {
    if (!erf)
      return {};
    Value arg = erf.getInput();
    if (auto div = arg.getDefiningOp<DivOp>())
      return isConstantSplat(div.getRhs(), std::sqrt(2.0)) ? div.getLhs()
                                                           : Value();
    if (auto mul = arg.getDefiningOp<MulOp>()) {
      if (isConstantSplat(mul.getRhs(), 1.0 / std::sqrt(2.0)))
        return mul.getLhs();
      if (isConstantSplat(mul.getLhs(), 1.0 / std::sqrt(2.0)))
        return mul.getRhs();
    }
    return {};
  }

  /// 1 + erf(x / sqrt(2)) -> x.
  static Value matchOnePlusErf(Value value) {
    auto add = value.getDefiningOp<AddOp>();
    if (!add)
      return {};
    for (auto [one, erf] : {std::pair(add.getLhs(), add.getRhs()),
                            std::pair(add.getRhs(), add.getLhs())})
      if (isConstantSplat(one, 1.0))
        if (Value x = matchErfArgument(erf.getDefiningOp<ErfOp>()))
          return x;
    return {};
  }

  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    // Collect the factors of a product of two muls: {x, 0.5, 1 + erf(..)}.
    SmallVector<Value> factors;
    for (Value operand : {op.getLhs(), op.getRhs()}) {
      auto inner = operand.getDefiningOp<MulOp>();
      if (inner && inner->hasOneUse()) {
        factors.push_back(inner.getLhs());
        factors.push_back(inner.getRhs());
      } else {
        factors.push_back(operand);
      }
    }
    if (factors.size() != 3)
      return rewriter.notifyMatchFailure(op, "not a product of three factors");
    for (int half = 0; half < 3; ++half) {
      if (!isConstantSplat(factors[half], 0.5))
        continue;
      for (int phi = 0; phi < 3; ++phi) {
        if (phi == half)
          continue;
        Value x = factors[3 - half - phi];
        if (matchOnePlusErf(factors[phi]) == x && x.getType() == op.getType()) {
          rewriter.replaceOpWithNewOp<GeluOp>(op, x,
                                              rewriter.getStringAttr("none"));
          return success();
        }
      }
    }
    return rewriter.notifyMatchFailure(op, "not x * 0.5 * (1 + erf(x/√2))");
  }
};

/// e / reduce_sum(e) with e = exp(x - reduce_max(x)) over one axis (keepdims)
/// -> softmax(x).
struct RaiseSoftmax : OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;

  static std::optional<int64_t> getSingleAxis(ReduceOp reduce,
                                              ReduceKind kind) {
    if (!reduce || reduce.getKind() != kind || !reduce.getKeepdims() ||
        reduce.getAxes().size() != 1)
      return std::nullopt;
    int64_t axis = reduce.getAxes()[0];
    return axis < 0 ? axis + reduce.getInput().getType().getRank() : axis;
  }

  LogicalResult matchAndRewrite(DivOp div,
                                PatternRewriter &rewriter) const override {
    auto exp = div.getLhs().getDefiningOp<ExpOp>();
    auto sum = div.getRhs().getDefiningOp<ReduceOp>();
    if (!exp || !sum || sum.getInput() != exp.getResult())
      return rewriter.notifyMatchFailure(div, "not exp(..) / sum(exp(..))");
    auto shifted = exp.getInput().getDefiningOp<SubOp>();
    if (!shifted)
      return rewriter.notifyMatchFailure(div, "exp input is not x - max(x)");
    Value x = shifted.getLhs();
    auto max = shifted.getRhs().getDefiningOp<ReduceOp>();
    std::optional<int64_t> sumAxis = getSingleAxis(sum, ReduceKind::Sum);
    if (!max || max.getInput() != x || !sumAxis ||
        getSingleAxis(max, ReduceKind::Max) != sumAxis ||
        x.getType() != div.getType())
      return rewriter.notifyMatchFailure(div, "reductions do not match");
    rewriter.replaceOpWithNewOp<SoftmaxOp>(
        div, x, rewriter.getI64IntegerAttr(*sumAxis));
    return success();
  }
};

struct RaiseCompositesPass
    : public mlc::impl::RaiseCompositesBase<RaiseCompositesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRaiseCompositesPatterns(patterns);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace

void mlc::populateRaiseCompositesPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseLayerNorm, AbsorbIntoLayerNorm<MulOp>,
               AbsorbIntoLayerNorm<AddOp>, RaiseGelu, RaiseSoftmax>(
      patterns.getContext());
}
