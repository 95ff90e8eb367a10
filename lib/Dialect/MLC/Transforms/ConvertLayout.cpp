//===- ConvertLayout.cpp - The mlc-convert-layout pass --------------------===//
//
// Rewrites spatial ops (conv2d, pooling) to the layout a backend prefers by
// wrapping them in transposes, then moves transposes down through
// elementwise ops, composes the ones that meet and absorbs them into
// constants, so that only the transposes at the graph's boundaries remain.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/IR/MLCOps.h"
#include "mlc/Dialect/MLC/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlc {
#define GEN_PASS_DEF_CONVERTLAYOUT
#include "mlc/Dialect/MLC/Transforms/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

constexpr int64_t kToNHWC[] = {0, 2, 3, 1};
constexpr int64_t kToNCHW[] = {0, 3, 1, 2};

/// Transposes `value` by `perm` (result dim i is input dim perm[i]).
Value createTranspose(PatternRewriter &rewriter, Location loc, Value value,
                      ArrayRef<int64_t> perm) {
  return TransposeOp::create(rewriter, loc, value,
                             rewriter.getDenseI64ArrayAttr(perm));
}

SmallVector<int64_t> invertPermutation(ArrayRef<int64_t> perm) {
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  return inverse;
}

/// A convolution with one input and one output channel per group.
bool isDepthwise(Conv2DOp op) {
  auto filter = cast<RankedTensorType>(op.getFilter().getType());
  int64_t channelAxis = op.getLayout() == "NHWC" ? 3 : 1;
  return filter.getRank() == 4 && filter.getDimSize(channelAxis) == 1 &&
         filter.getDimSize(0) == static_cast<int64_t>(op.getGroup());
}

/// Rewrites one spatial op from layout `from` to layout `to`: operands in,
/// results out through transposes, the filter of a conv2d too (constant
/// filters are folded by the constant patterns run alongside).
template <typename Op> struct ConvertSpatialOp : OpRewritePattern<Op> {
  ConvertSpatialOp(MLIRContext *context, StringRef targetLayout)
      : OpRewritePattern<Op>(context), targetLayout(targetLayout.str()) {}

  LogicalResult matchAndRewrite(Op op,
                                PatternRewriter &rewriter) const override {
    if (op.getLayout() == targetLayout)
      return rewriter.notifyMatchFailure(op, "already in the target layout");
    if (op.getInput().getType().getRank() != 4)
      return rewriter.notifyMatchFailure(op, "not a 4-D activation");
    // The 8-bit lowering (Int8ContractionToLinalg.cpp) has both layouts
    // for ungrouped and depthwise integer convolutions; other grouped ones
    // keep theirs.
    if constexpr (std::is_same_v<Op, Conv2DOp>) {
      if (isa<IntegerType>(op.getInput().getType().getElementType()) &&
          op.getGroup() != 1 && !isDepthwise(op))
        return rewriter.notifyMatchFailure(
            op, "grouped integer convolutions keep their layout");
    }
    bool toNHWC = targetLayout == "NHWC";
    ArrayRef<int64_t> in = toNHWC ? kToNHWC : kToNCHW;
    ArrayRef<int64_t> out = toNHWC ? kToNCHW : kToNHWC;
    Location loc = op.getLoc();
    SmallVector<Value> operands(op->getOperands());
    operands[0] = createTranspose(rewriter, loc, operands[0], in);
    if constexpr (std::is_same_v<Op, Conv2DOp>)
      operands[1] = createTranspose(rewriter, loc, operands[1], in);
    // Same op, same attributes but the layout; the result type is inferred.
    NamedAttrList attrs(op->getAttrs());
    attrs.set("layout", rewriter.getStringAttr(targetLayout));
    auto converted = Op::create(rewriter, loc, operands, attrs.getAttrs());
    rewriter.replaceOp(
        op, createTranspose(rewriter, loc, converted.getResult(), out));
    return success();
  }

  std::string targetLayout;
};

/// transpose(transpose(x, p), q) -> transpose(x, p o q).
struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<TransposeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "input is not a transpose");
    SmallVector<int64_t> perm;
    for (int64_t p : op.getPerm())
      perm.push_back(inner.getPerm()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(
        op, inner.getInput(), rewriter.getDenseI64ArrayAttr(perm));
    return success();
  }
};

/// A transpose that keeps the order of the non-unit dimensions moves no
/// data: it is a reshape (e.g. [N, 1, 1, C] -> [N, C, 1, 1]).
struct TransposeOfUnitDimsToReshape : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getInput().getType();
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    int64_t last = -1;
    for (int64_t p : op.getPerm()) {
      if (type.getDimSize(p) == 1)
        continue;
      if (p < last)
        return rewriter.notifyMatchFailure(op, "moves a non-unit dimension");
      last = p;
    }
    rewriter.replaceOpWithNewOp<ReshapeOp>(
        op, op.getInput(),
        rewriter.getDenseI64ArrayAttr(op.getType().getShape()));
    return success();
  }
};

/// Clones `op`, whose operand 0 is `transpose`'s result, onto the
/// transpose's input with result shape `shape`, and replaces `op` with the
/// same transpose of the clone; returns the clone.
Operation *sinkBelowTranspose(PatternRewriter &rewriter, Operation *op,
                              TransposeOp transpose, ArrayRef<int64_t> shape) {
  IRMapping mapping;
  mapping.map(transpose.getResult(), transpose.getInput());
  Operation *moved = rewriter.clone(*op, mapping);
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  moved->getResult(0).setType(
      RankedTensorType::get(shape, type.getElementType()));
  rewriter.replaceOp(op,
                     createTranspose(rewriter, op->getLoc(),
                                     moved->getResult(0), transpose.getPerm()));
  return moved;
}

/// Unary elementwise op(transpose(x, p)) -> transpose(op(x), p).
template <typename Op> struct SinkTransposeThroughUnary : OpRewritePattern<Op> {
  using OpRewritePattern<Op>::OpRewritePattern;
  LogicalResult matchAndRewrite(Op op,
                                PatternRewriter &rewriter) const override {
    auto transpose = op->getOperand(0).template getDefiningOp<TransposeOp>();
    if (!transpose)
      return rewriter.notifyMatchFailure(op, "operand is not a transpose");
    sinkBelowTranspose(rewriter, op, transpose,
                       transpose.getInput().getType().getShape());
    return success();
  }
};

/// Binary elementwise op(transpose(a, p), b) -> transpose(op(a, b'), p) where
/// b is transpose(b', p), a constant (reshaped to full rank and transposed
/// back by the inverse of p, which the constant patterns fold), or a value
/// already transposed by the inverse of p earlier in the block (a graph
/// input feeding both a converted conv and a residual add). The transposed
/// operands must not be broadcast by the op.
template <typename Op>
struct SinkTransposeThroughBinary : OpRewritePattern<Op> {
  using OpRewritePattern<Op>::OpRewritePattern;

  /// A transpose of `value` by `perm` placed before `op`, if there is one.
  static TransposeOp findTransposeBefore(Value value, ArrayRef<int64_t> perm,
                                         Operation *op) {
    for (Operation *user : value.getUsers()) {
      auto transpose = dyn_cast<TransposeOp>(user);
      if (transpose && !transpose->use_empty() && transpose.getPerm() == perm &&
          transpose->getBlock() == op->getBlock() &&
          transpose->isBeforeInBlock(op))
        return transpose;
    }
    return {};
  }

  LogicalResult matchAndRewrite(Op op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    std::optional<SmallVector<int64_t>> perm;
    for (Value operand : op->getOperands()) {
      auto transpose = operand.getDefiningOp<TransposeOp>();
      if (!transpose)
        continue;
      if (operand.getType() != type)
        return rewriter.notifyMatchFailure(op, "transposed operand broadcasts");
      SmallVector<int64_t> p(transpose.getPerm());
      if (perm && *perm != p)
        return rewriter.notifyMatchFailure(op, "different permutations");
      perm = p;
    }
    if (!perm)
      return rewriter.notifyMatchFailure(op, "no transposed operand");
    SmallVector<int64_t> inverse = invertPermutation(*perm);

    // Check every operand before creating anything. Reusing an existing
    // transpose only pays when the transposed operands die with the op;
    // otherwise the rewrite could be undone by the same pattern forever.
    SmallVector<TransposeOp> existing(op->getNumOperands());
    bool transposedOperandsDie = llvm::all_of(op->getOperands(), [](Value v) {
      return !v.getDefiningOp<TransposeOp>() || v.hasOneUse();
    });
    for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
      if (operand.template getDefiningOp<TransposeOp>() ||
          operand.template getDefiningOp<ConstantOp>())
        continue;
      if (transposedOperandsDie)
        existing[i] = findTransposeBefore(operand, inverse, op);
      if (!existing[i] || operand.getType() != type)
        return rewriter.notifyMatchFailure(op, "operand cannot be moved");
    }

    Location loc = op.getLoc();
    SmallVector<Value> operands;
    for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
      if (auto transpose = operand.template getDefiningOp<TransposeOp>()) {
        operands.push_back(transpose.getInput());
        continue;
      }
      if (existing[i]) {
        operands.push_back(existing[i].getResult());
        continue;
      }
      auto operandType = cast<RankedTensorType>(operand.getType());
      SmallVector<int64_t> fullShape(type.getRank() - operandType.getRank(), 1);
      llvm::append_range(fullShape, operandType.getShape());
      Value full = operand;
      if (operandType.getRank() != type.getRank())
        full = ReshapeOp::create(rewriter, loc, operand,
                                 rewriter.getDenseI64ArrayAttr(fullShape));
      operands.push_back(createTranspose(rewriter, loc, full, inverse));
    }
    Value moved = Op::create(rewriter, loc, operands[0], operands[1]);
    rewriter.replaceOp(op, createTranspose(rewriter, loc, moved, *perm));
    return success();
  }
};

/// Whether a quantization op's parameters apply per index of its `axis`
/// (and not per tensor).
bool hasPerAxisParams(RequantizeOp op) {
  return op.getMultipliers().size() > 1;
}
template <typename Op> bool hasPerAxisParams(Op op) {
  return op.getScale().getType().getNumElements() != 1;
}

/// A quantization op(transpose(x, p)) with parameters per tensor or per
/// axis (not per block) -> transpose(op'(x), p), where op' reads its
/// parameters along dim p[axis] of x.
template <typename Op>
struct SinkTransposeThroughQuantOp : OpRewritePattern<Op> {
  using OpRewritePattern<Op>::OpRewritePattern;
  LogicalResult matchAndRewrite(Op op,
                                PatternRewriter &rewriter) const override {
    auto transpose = op->getOperand(0).template getDefiningOp<TransposeOp>();
    if (!transpose)
      return rewriter.notifyMatchFailure(op, "operand is not a transpose");
    if constexpr (!std::is_same_v<Op, RequantizeOp>) {
      if (op.getBlockSize() != 0)
        return rewriter.notifyMatchFailure(op, "block quantization");
    }
    auto moved = cast<Op>(sinkBelowTranspose(
        rewriter, op, transpose, transpose.getInput().getType().getShape()));
    if (hasPerAxisParams(moved))
      moved.setAxis(transpose.getPerm()[moved.getAxis()]);
    return success();
  }
};

/// pad(transpose(x, p)) -> transpose(pad'(x), p), pad' padding dim p[i] of
/// x as pad pads dim i.
struct SinkTransposeThroughPad : OpRewritePattern<PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PadOp op,
                                PatternRewriter &rewriter) const override {
    auto transpose = op.getInput().getDefiningOp<TransposeOp>();
    if (!transpose)
      return rewriter.notifyMatchFailure(op, "operand is not a transpose");
    ArrayRef<int64_t> perm = transpose.getPerm();
    ArrayRef<int64_t> pads = op.getPads();
    int64_t rank = perm.size();
    if (static_cast<int64_t>(pads.size()) != 2 * rank)
      return rewriter.notifyMatchFailure(op, "pads do not cover every dim");
    SmallVector<int64_t> moved(2 * rank);
    for (int64_t i = 0; i < rank; ++i) {
      moved[perm[i]] = pads[i];
      moved[rank + perm[i]] = pads[rank + i];
    }
    RankedTensorType inType = transpose.getInput().getType();
    SmallVector<int64_t> shape(inType.getShape());
    for (int64_t d = 0; d < rank; ++d)
      if (!ShapedType::isDynamic(shape[d]))
        shape[d] += moved[d] + moved[rank + d];
    cast<PadOp>(sinkBelowTranspose(rewriter, op, transpose, shape))
        .setPads(moved);
    return success();
  }
};

struct ConvertLayoutPass
    : public mlc::impl::ConvertLayoutBase<ConvertLayoutPass> {
  using Base::Base;
  void runOnOperation() override {
    std::string target = StringRef(layout).upper();
    if (target != "NHWC" && target != "NCHW") {
      getOperation().emitError("unknown layout '")
          << layout << "' (expected nhwc or nchw)";
      return signalPassFailure();
    }
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns
        .add<ConvertSpatialOp<Conv2DOp>, ConvertSpatialOp<MaxPool2DOp>,
             ConvertSpatialOp<AvgPool2DOp>, ConvertSpatialOp<GlobalAvgPoolOp>>(
            context, target);
    patterns.add<
        ComposeTransposes, TransposeOfUnitDimsToReshape,
        SinkTransposeThroughUnary<ReluOp>, SinkTransposeThroughUnary<SigmoidOp>,
        SinkTransposeThroughUnary<TanhOp>, SinkTransposeThroughUnary<ClipOp>,
        SinkTransposeThroughUnary<LeakyReluOp>,
        SinkTransposeThroughUnary<EluOp>, SinkTransposeThroughUnary<SeluOp>,
        SinkTransposeThroughUnary<CeluOp>,
        SinkTransposeThroughUnary<ThresholdedReluOp>,
        SinkTransposeThroughUnary<HardSigmoidOp>,
        SinkTransposeThroughUnary<HardSwishOp>,
        SinkTransposeThroughUnary<GeluOp>, SinkTransposeThroughUnary<MishOp>,
        SinkTransposeThroughUnary<SoftplusOp>,
        SinkTransposeThroughUnary<SoftsignOp>,
        SinkTransposeThroughUnary<CastOp>,
        SinkTransposeThroughQuantOp<QuantizeLinearOp>,
        SinkTransposeThroughQuantOp<DequantizeLinearOp>,
        SinkTransposeThroughQuantOp<RequantizeOp>, SinkTransposeThroughPad,
        SinkTransposeThroughBinary<AddOp>, SinkTransposeThroughBinary<SubOp>,
        SinkTransposeThroughBinary<MulOp>, SinkTransposeThroughBinary<DivOp>>(
        context);
    // Weight transposes and reshaped constants become constants right away.
    populateFoldConstantsPatterns(patterns, maxFoldElements);
    TransposeOp::getCanonicalizationPatterns(patterns, context);
    ReshapeOp::getCanonicalizationPatterns(patterns, context);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      getOperation().emitWarning("layout conversion did not converge");
  }
};

} // namespace
