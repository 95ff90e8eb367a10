//===- FoldBatchNorm.cpp - The mlc-fold-batchnorm pass --------------------===//
//
// Inference batch normalization is an affine map per channel,
// y = x * s + t with s = gamma / sqrt(var + eps) and t = beta - mean * s.
// After a conv2d, gemm or 2-D matmul with constant weights it folds into
// the weights and bias; elsewhere it becomes one multiply and one add.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/Transforms/ConstantUtils.h"

#include "mlc/Dialect/MLC/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlc {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "mlc/Dialect/MLC/Transforms/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

/// Per-channel scale s and shift t of a batch norm with constant parameters.
struct ChannelAffine {
  std::vector<double> scale, shift;
};

FailureOr<ChannelAffine> getChannelAffine(BatchNormOp op) {
  FailureOr<ConstTensor> gamma = readConstant(op.getScale());
  FailureOr<ConstTensor> beta = readConstant(op.getBias());
  FailureOr<ConstTensor> mean = readConstant(op.getMean());
  FailureOr<ConstTensor> var = readConstant(op.getVariance());
  if (failed(gamma) || failed(beta) || failed(mean) || failed(var))
    return failure();
  double eps = op.getEpsilon().convertToDouble();
  ChannelAffine affine;
  for (int64_t c = 0, e = gamma->size(); c < e; ++c) {
    double s = gamma->floats[c] / std::sqrt(var->floats[c] + eps);
    affine.scale.push_back(s);
    affine.shift.push_back(beta->floats[c] - mean->floats[c] * s);
  }
  return affine;
}

Value createConstant(PatternRewriter &rewriter, Location loc,
                     const ConstTensor &value, StringRef name) {
  return ConstantOp::create(rewriter, loc, cast<TypedAttr>(value.toAttr(name)));
}

/// A rank-1 float tensor of `values` with `elementType`.
ConstTensor makeVector(ArrayRef<double> values, Type elementType) {
  ConstTensor t = ConstTensor::zeros(RankedTensorType::get(
      {static_cast<int64_t>(values.size())}, elementType));
  t.floats.assign(values.begin(), values.end());
  return t;
}

/// The blob name for a folded weight of the op at `loc`.
std::string getFoldedName(Location loc, StringRef suffix) {
  if (auto nameLoc = dyn_cast<NameLoc>(loc))
    return (nameLoc.getName().strref() + suffix).str();
  return ("batchnorm" + suffix).str();
}

/// batch_norm(conv2d(x, W, b)) -> conv2d(x, W * s, (b - mean) * s + beta).
struct FoldIntoConv : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    auto conv = op.getInput().getDefiningOp<Conv2DOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(op, "input is no single-use conv2d");
    FailureOr<ChannelAffine> affine = getChannelAffine(op);
    FailureOr<ConstTensor> filter = readConstant(conv.getFilter());
    if (failed(affine) || failed(filter))
      return rewriter.notifyMatchFailure(op, "parameters are not constant");
    int64_t channels = filter->type.getDimSize(0);
    std::vector<double> bias(channels, 0.0);
    if (Value b = conv.getBias()) {
      FailureOr<ConstTensor> convBias = readConstant(b);
      if (failed(convBias))
        return rewriter.notifyMatchFailure(op, "conv bias is not constant");
      bias = convBias->floats;
    }
    int64_t perChannel = filter->size() / channels;
    for (int64_t f = 0; f < channels; ++f) {
      for (int64_t i = 0; i < perChannel; ++i)
        filter->floats[f * perChannel + i] *= affine->scale[f];
      bias[f] = bias[f] * affine->scale[f] + affine->shift[f];
    }
    Location loc = conv.getLoc();
    Type elementType = filter->type.getElementType();
    Value newFilter =
        createConstant(rewriter, loc, *filter, getFoldedName(loc, "_w_bn"));
    Value newBias = createConstant(rewriter, loc, makeVector(bias, elementType),
                                   getFoldedName(loc, "_b_bn"));
    rewriter.replaceOpWithNewOp<Conv2DOp>(
        op, op.getType(), conv.getInput(), newFilter, newBias,
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
        conv.getGroupAttr());
    return success();
  }
};

/// Scales output column n of a [K, N] (or, transposed, [N, K]) weight.
void scaleColumns(ConstTensor &weight, ArrayRef<double> scale, bool nMajor) {
  int64_t rows = weight.type.getDimSize(0), cols = weight.type.getDimSize(1);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      weight.floats[r * cols + c] *= scale[nMajor ? r : c];
}

/// batch_norm(gemm(A, B, C)) on a [M, N] result -> gemm(A, B', C') with the
/// output columns of B scaled and C' = (beta * C) * s + t, of shape [N].
struct FoldIntoGemm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    auto gemm = op.getInput().getDefiningOp<GemmOp>();
    if (!gemm || !gemm->hasOneUse())
      return rewriter.notifyMatchFailure(op, "input is no single-use gemm");
    FailureOr<ChannelAffine> affine = getChannelAffine(op);
    FailureOr<ConstTensor> weight = readConstant(gemm.getB());
    if (failed(affine) || failed(weight))
      return rewriter.notifyMatchFailure(op, "parameters are not constant");
    int64_t n = op.getType().getDimSize(1);
    std::vector<double> bias(n, 0.0);
    if (Value c = gemm.getC()) {
      FailureOr<ConstTensor> cValue = readConstant(c);
      if (failed(cValue) || cValue->type.getRank() > 1 ||
          (cValue->size() != 1 && cValue->size() != n))
        return rewriter.notifyMatchFailure(op, "C is not a constant [N] bias");
      double beta = gemm.getBeta().convertToDouble();
      for (int64_t j = 0; j < n; ++j)
        bias[j] = beta * cValue->floats[cValue->size() == 1 ? 0 : j];
    }
    scaleColumns(*weight, affine->scale, gemm.getTransB());
    for (int64_t j = 0; j < n; ++j)
      bias[j] = bias[j] * affine->scale[j] + affine->shift[j];
    Location loc = gemm.getLoc();
    Value newB =
        createConstant(rewriter, loc, *weight, getFoldedName(loc, "_w_bn"));
    Value newC = createConstant(rewriter, loc,
                                makeVector(bias, weight->type.getElementType()),
                                getFoldedName(loc, "_b_bn"));
    rewriter.replaceOpWithNewOp<GemmOp>(
        op, op.getType(), gemm.getA(), newB, newC, gemm.getAlphaAttr(),
        rewriter.getF32FloatAttr(1.0f), gemm.getTransAAttr(),
        gemm.getTransBAttr());
    return success();
  }
};

/// batch_norm(matmul(x, W)) with 2-D operands -> matmul(x, W') + t.
struct FoldIntoMatMul : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    auto matmul = op.getInput().getDefiningOp<MatMulOp>();
    if (!matmul || !matmul->hasOneUse() || op.getType().getRank() != 2)
      return rewriter.notifyMatchFailure(op, "input is no single-use matmul");
    FailureOr<ChannelAffine> affine = getChannelAffine(op);
    FailureOr<ConstTensor> weight = readConstant(matmul.getRhs());
    if (failed(affine) || failed(weight) || weight->type.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "parameters are not constant");
    scaleColumns(*weight, affine->scale, /*nMajor=*/false);
    Location loc = matmul.getLoc();
    Value newWeight =
        createConstant(rewriter, loc, *weight, getFoldedName(loc, "_w_bn"));
    Value product = MatMulOp::create(rewriter, loc, matmul.getLhs(), newWeight);
    Value shift = createConstant(
        rewriter, loc, makeVector(affine->shift, weight->type.getElementType()),
        getFoldedName(loc, "_b_bn"));
    rewriter.replaceOpWithNewOp<AddOp>(op, product, shift);
    return success();
  }
};

/// Any other batch_norm with constant parameters -> x * s + t, with s and t
/// of shape [C, 1, ..., 1] so that they broadcast over dimension 1.
struct BatchNormToScaleShift : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<ChannelAffine> affine = getChannelAffine(op);
    if (failed(affine))
      return rewriter.notifyMatchFailure(op, "parameters are not constant");
    RankedTensorType type = op.getType();
    SmallVector<int64_t> shape(std::max<int64_t>(type.getRank() - 1, 1), 1);
    shape[0] = affine->scale.size();
    auto paramType = RankedTensorType::get(shape, type.getElementType());
    ConstTensor scale = ConstTensor::zeros(paramType);
    scale.floats = affine->scale;
    ConstTensor shift = ConstTensor::zeros(paramType);
    shift.floats = affine->shift;
    Location loc = op.getLoc();
    Value scaled = MulOp::create(
        rewriter, loc, op.getInput(),
        createConstant(rewriter, loc, scale, getFoldedName(loc, "_scale")));
    rewriter.replaceOpWithNewOp<AddOp>(
        op, scaled,
        createConstant(rewriter, loc, shift, getFoldedName(loc, "_shift")));
    return success();
  }
};

struct FoldBatchNormPass
    : public mlc::impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldBatchNormPatterns(patterns);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace

void mlc::populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  // Folding into a producer beats the standalone rewrite.
  patterns.add<FoldIntoConv, FoldIntoGemm, FoldIntoMatMul>(
      patterns.getContext(), /*benefit=*/2);
  patterns.add<BatchNormToScaleShift>(patterns.getContext(), /*benefit=*/1);
}
