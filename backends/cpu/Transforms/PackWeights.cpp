//===- PackWeights.cpp - The mlc-cpu-pack-weights pass --------------------===//
//
// Rewrites convolutions into the forms the CPU register tiles read well:
// NHWC x FHWC into NHWC x HWCF (output channels contiguous), and grouped
// convolutions with one channel per group into depthwise ones. Constant
// filters are permuted here, at compile time.
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"
#include "ConstantBytes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cstring>

namespace mlc::cpu {
#define GEN_PASS_DEF_PACKWEIGHTS
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;
using mlc::cpu::getRawBytes;

namespace {

/// `attr` read as `sourceShape` (its own shape or a reshape of it),
/// transposed (result dim i is source dim perm[i]) and given `resultShape`
/// (the permuted shape, or a reshape of it), or null when its bytes are not
/// at hand.
ElementsAttr permuteConstant(ElementsAttr attr, ArrayRef<int64_t> sourceShape,
                             ArrayRef<int64_t> perm,
                             ArrayRef<int64_t> resultShape) {
  auto type = RankedTensorType::get(
      sourceShape, cast<ShapedType>(attr.getType()).getElementType());
  auto resultType = RankedTensorType::get(resultShape, type.getElementType());
  if (auto dense = dyn_cast<DenseElementsAttr>(attr); dense && dense.isSplat())
    return dense.resizeSplat(resultType);
  std::optional<ArrayRef<char>> data = getRawBytes(attr);
  if (!data)
    return {};
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size();
  size_t bytes = type.getElementTypeBitWidth() / 8;
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  SmallVector<int64_t> permutedShape, permutedStrides;
  for (int64_t p : perm) {
    permutedShape.push_back(shape[p]);
    permutedStrides.push_back(strides[p]);
  }
  std::vector<char> out(data->size());
  SmallVector<int64_t> index(rank, 0);
  int64_t count = type.getNumElements();
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t source = 0;
    for (int64_t d = 0; d < rank; ++d)
      source += index[d] * permutedStrides[d];
    std::memcpy(out.data() + linear * bytes, data->data() + source * bytes,
                bytes);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < permutedShape[d])
        break;
      index[d] = 0;
    }
  }
  // Small filters stay inline (and readable), as the importer keeps them.
  if (count <= 64)
    return DenseElementsAttr::getFromRawBuffer(resultType, ArrayRef<char>(out));
  auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      ArrayRef<char>(out), alignof(std::max_align_t));
  return DenseResourceElementsAttr::get(resultType, "mlc_packed_filter",
                                        std::move(blob));
}

/// `filter` permuted by `perm` and reshaped to `resultShape`: a new
/// constant when it is one, else a transpose (and a reshape) at run time.
Value permuteFilter(PatternRewriter &rewriter, Location loc, Value filter,
                    ArrayRef<int64_t> perm, ArrayRef<int64_t> resultShape) {
  auto type = cast<RankedTensorType>(filter.getType());
  if (auto constant = filter.getDefiningOp<arith::ConstantOp>())
    if (auto attr = dyn_cast<ElementsAttr>(constant.getValue()))
      if (ElementsAttr permuted =
              permuteConstant(attr, type.getShape(), perm, resultShape))
        return arith::ConstantOp::create(rewriter, loc, permuted);
  SmallVector<int64_t> permutedShape;
  for (int64_t p : perm)
    permutedShape.push_back(type.getDimSize(p));
  Value init = tensor::EmptyOp::create(rewriter, loc, permutedShape,
                                       type.getElementType());
  Value transposed =
      linalg::TransposeOp::create(rewriter, loc, filter, init, perm)
          .getResult()[0];
  if (ArrayRef<int64_t>(permutedShape) == resultShape)
    return transposed;
  auto resultType = RankedTensorType::get(resultShape, type.getElementType());
  return tensor::CollapseShapeOp::create(
      rewriter, loc, resultType, transposed,
      *getReassociationIndicesForCollapse(permutedShape, resultShape));
}

/// conv_2d_nhwc_fhwc -> conv_2d_nhwc_hwcf.
struct ConvFhwcToHwcf : OpRewritePattern<linalg::Conv2DNhwcFhwcOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::Conv2DNhwcFhwcOp op,
                                PatternRewriter &rewriter) const override {
    auto filterType =
        dyn_cast<RankedTensorType>(op.getDpsInputs()[1].getType());
    if (!filterType || !filterType.hasStaticShape() ||
        !op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "needs a static filter tensor");
    ArrayRef<int64_t> s = filterType.getShape(); // F, H, W, C
    int64_t perm[] = {1, 2, 3, 0};
    int64_t shape[] = {s[1], s[2], s[3], s[0]};
    Value filter =
        permuteFilter(rewriter, op.getLoc(), op.getDpsInputs()[1], perm, shape);
    rewriter.replaceOpWithNewOp<linalg::Conv2DNhwcHwcfOp>(
        op, op->getResultTypes(), ValueRange{op.getDpsInputs()[0], filter},
        op.getDpsInits(), op.getStrides(), op.getDilations());
    return success();
  }
};

/// A grouped NHWC convolution with one input and one output channel per
/// group (input N,H,W,G,1; filter G,1,KH,KW,1) -> depthwise_conv_2d_nhwc_hwc.
struct GroupedToDepthwise : OpRewritePattern<linalg::Conv2DNhwgcGfhwcOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::Conv2DNhwgcGfhwcOp op,
                                PatternRewriter &rewriter) const override {
    Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1];
    Value init = op.getDpsInits()[0];
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    auto filterType = dyn_cast<RankedTensorType>(filter.getType());
    auto initType = dyn_cast<RankedTensorType>(init.getType());
    if (!inputType || !filterType || !initType ||
        !op.hasPureTensorSemantics() || !filterType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static tensors");
    ArrayRef<int64_t> f = filterType.getShape(); // G, F, KH, KW, C
    if (f[1] != 1 || f[4] != 1 || inputType.getDimSize(4) != 1)
      return rewriter.notifyMatchFailure(op, "not one channel per group");
    Location loc = op.getLoc();
    SmallVector<ReassociationIndices> dropLast = {{0}, {1}, {2}, {3, 4}};
    auto collapse = [&](Value v, RankedTensorType type) -> Value {
      auto collapsed = RankedTensorType::get(type.getShape().drop_back(),
                                             type.getElementType());
      return tensor::CollapseShapeOp::create(rewriter, loc, collapsed, v,
                                             dropLast);
    };
    int64_t perm[] = {2, 3, 0, 1, 4};
    int64_t shape[] = {f[2], f[3], f[0]};
    Value hwc = permuteFilter(rewriter, loc, filter, perm, shape);
    Value init3 = collapse(init, initType);
    Value conv = linalg::DepthwiseConv2DNhwcHwcOp::create(
                     rewriter, loc, TypeRange{init3.getType()},
                     ValueRange{collapse(input, inputType), hwc},
                     ValueRange{init3}, op.getStrides(), op.getDilations())
                     .getResult(0);
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, initType, conv,
                                                       dropLast);
    return success();
  }
};

/// linalg.transpose of a constant (a Gemm's transposed weights) -> the
/// permuted constant, so that no transpose runs at inference time.
struct FoldConstantTranspose : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    // Through a reshape of the constant (a MatMul weight expanded with a
    // unit dim before its transpose): the same bytes in another shape.
    Value input = op.getInput();
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    if (auto expand = input.getDefiningOp<tensor::ExpandShapeOp>())
      input = expand.getSrc();
    else if (auto collapse = input.getDefiningOp<tensor::CollapseShapeOp>())
      input = collapse.getSrc();
    auto constant = input.getDefiningOp<arith::ConstantOp>();
    auto resultType = dyn_cast<RankedTensorType>(op.getInit().getType());
    if (!inputType || !inputType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic input");
    if (!constant || !resultType || !resultType.hasStaticShape() ||
        !op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "input is not a constant");
    auto attr = dyn_cast<ElementsAttr>(constant.getValue());
    if (!attr)
      return rewriter.notifyMatchFailure(op, "not an elements constant");
    ElementsAttr permuted = permuteConstant(
        attr, inputType.getShape(), op.getPermutation(), resultType.getShape());
    if (!permuted)
      return rewriter.notifyMatchFailure(op, "constant bytes not at hand");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, permuted);
    return success();
  }
};

struct PackWeightsPass
    : public mlc::cpu::impl::PackWeightsBase<PackWeightsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ConvFhwcToHwcf, GroupedToDepthwise, FoldConstantTranspose>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
