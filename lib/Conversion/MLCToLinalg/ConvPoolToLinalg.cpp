//===- ConvPoolToLinalg.cpp - mlc conv2d and pooling to linalg ------------===//
//
// Padding becomes tensor.pad, the window computation a named linalg
// convolution or pooling op (which tiling and vectorization know), grouped
// convolutions the NGCHW/GFCHW form through expand/collapse_shape.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlc;

/// Index of the H dimension of a 4-D tensor in `layout` (W follows it).
static int64_t getHeightDim(StringRef layout) {
  return layout == "NHWC" ? 1 : 2;
}

/// Pads the H and W dims (H at `heightDim`, W after it) of a 4-D tensor by
/// `pads` = [top, left, bottom, right] with the scalar `padValue`.
static Value padSpatial(OpBuilder &b, Location loc, Value input,
                        ArrayRef<int64_t> pads, TypedAttr padValue,
                        int64_t heightDim) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  // A dynamic dimension stays dynamic (tensor.pad sizes it).
  if (!type.isDynamicDim(heightDim))
    shape[heightDim] += pads[0] + pads[2];
  if (!type.isDynamicDim(heightDim + 1))
    shape[heightDim + 1] += pads[1] + pads[3];
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  SmallVector<OpFoldResult> low(4, b.getIndexAttr(0));
  SmallVector<OpFoldResult> high(4, b.getIndexAttr(0));
  low[heightDim] = b.getIndexAttr(pads[0]);
  low[heightDim + 1] = b.getIndexAttr(pads[1]);
  high[heightDim] = b.getIndexAttr(pads[2]);
  high[heightDim + 1] = b.getIndexAttr(pads[3]);
  Value scalar = arith::ConstantOp::create(b, loc, padValue);
  return tensor::PadOp::create(b, loc, resultType, input, low, high, scalar);
}

/// A tensor of `type` holding `bias` broadcast along every dim but `dim`.
static Value broadcastAlongDim(OpBuilder &b, Location loc, Value bias,
                               RankedTensorType type, int64_t dim,
                               ValueRange dynamicSizes = {}) {
  Value init = createEmpty(b, loc, type, dynamicSizes);
  SmallVector<int64_t> dims;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (i != dim)
      dims.push_back(i);
  return linalg::BroadcastOp::create(b, loc, bias, init, dims).getResult()[0];
}

/// The accumulator of a grouped convolution whose result type has the group
/// and per-group filter dims at `groupDim` and `groupDim + 1`: the bias
/// [G * F] broadcast over the other dims, or zeros.
static Value createGroupedInit(OpBuilder &b, Location loc, Value bias,
                               RankedTensorType groupedResultType,
                               int64_t groupDim, ValueRange dynamicSizes) {
  Type elementType = groupedResultType.getElementType();
  if (!bias)
    return createFilledTensor(b, loc, groupedResultType,
                              b.getZeroAttr(elementType), dynamicSizes);
  auto groupedBiasType =
      RankedTensorType::get({groupedResultType.getDimSize(groupDim),
                             groupedResultType.getDimSize(groupDim + 1)},
                            elementType);
  Value groupedBias = tensor::ExpandShapeOp::create(
      b, loc, groupedBiasType, bias, SmallVector<ReassociationIndices>{{0, 1}});
  Value empty = createEmpty(b, loc, groupedResultType, dynamicSizes);
  SmallVector<int64_t> dims;
  for (int64_t d = 0; d < groupedResultType.getRank(); ++d)
    if (d != groupDim && d != groupDim + 1)
      dims.push_back(d);
  return linalg::BroadcastOp::create(b, loc, groupedBias, empty, dims)
      .getResult()[0];
}

/// Reassociation of a rank-`rank` tensor into one of rank + 1 whose dims `d`
/// and `d + 1` come from dim `d`.
static SmallVector<ReassociationIndices> getSplitReassociation(int64_t rank,
                                                               int64_t d) {
  SmallVector<ReassociationIndices> reassociation;
  for (int64_t i = 0, next = 0; i < rank; ++i) {
    ReassociationIndices group = {next++};
    if (i == d)
      group.push_back(next++);
    reassociation.push_back(group);
  }
  return reassociation;
}

/// `type` with dim `d` split into [group, size / group].
static RankedTensorType splitDimType(RankedTensorType type, int64_t d,
                                     int64_t group) {
  SmallVector<int64_t> shape(type.getShape());
  shape[d] /= group;
  shape.insert(shape.begin() + d, group);
  return RankedTensorType::get(shape, type.getElementType());
}

template <typename ConvOp>
static Value createConv(OpBuilder &b, Location loc, RankedTensorType type,
                        ValueRange ins, Value init, Attribute strides,
                        Attribute dilations) {
  return ConvOp::create(b, loc, TypeRange{type}, ins, ValueRange{init}, strides,
                        dilations)
      .getResult(0);
}

/// Pools and convolutions take a dynamic batch (dimension 0) only.
static LogicalResult requireBatchOnlyDynamic(Operation *op, Value input,
                                             PatternRewriter &rewriter) {
  auto type = cast<RankedTensorType>(input.getType());
  if (llvm::any_of(llvm::seq<int64_t>(1, type.getRank()),
                   [&](int64_t d) { return type.isDynamicDim(d); }))
    return rewriter.notifyMatchFailure(op, "only the batch may be dynamic");
  return requireSizableLike(op, rewriter);
}

/// The dynamic batch size of `input`, or nothing when it is static.
static SmallVector<Value> getBatchSize(OpBuilder &b, Location loc,
                                       Value input) {
  if (!cast<RankedTensorType>(input.getType()).isDynamicDim(0))
    return {};
  return {tensor::DimOp::create(b, loc, input, 0)};
}

/// The run-time sizes of the dynamic dimensions of a convolution's
/// `resultType`, in order: the batch is the input's; a spatial size is
/// (padded - window) / stride + 1 of the already padded input's size.
static SmallVector<Value>
getConvResultSizes(OpBuilder &b, Location loc, Value input, Value paddedInput,
                   RankedTensorType resultType, int64_t heightDim,
                   ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                   ArrayRef<int64_t> dilations) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < resultType.getRank(); ++d) {
    if (!resultType.isDynamicDim(d))
      continue;
    int64_t spatial = d - heightDim;
    if (spatial < 0 || spatial > 1) {
      sizes.push_back(tensor::DimOp::create(b, loc, input, d));
      continue;
    }
    Value in = tensor::DimOp::create(b, loc, paddedInput, d);
    int64_t window = (kernel[spatial] - 1) * dilations[spatial] + 1;
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    Value span = arith::SubIOp::create(b, loc, in, c(window));
    Value steps = arith::DivUIOp::create(b, loc, span, c(strides[spatial]));
    sizes.push_back(arith::AddIOp::create(b, loc, steps, c(1)));
  }
  return sizes;
}

/// `x` (of the accumulator type) rounded to `elementType` when narrower.
static Value roundTo(OpBuilder &b, Location loc, Value x, Type elementType) {
  if (x.getType() == elementType)
    return x;
  return arith::TruncFOp::create(b, loc, elementType, x);
}

namespace {

struct Conv2DLowering : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  /// A 1x1, stride-1, unpadded, ungrouped NCHW convolution of one image is
  /// the matmul W[F, C] x X[C, H * W]: lowered so, its loops run over whole
  /// feature maps (H * W long) instead of single rows, which vectorizes far
  /// better. Returns null when `op` is not such a convolution.
  static Value lowerPointwiseAsMatmul(PatternRewriter &rewriter, Conv2DOp op) {
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType filterType = op.getFilter().getType();
    RankedTensorType resultType = op.getType();
    auto isOne = [](int64_t v) { return v == 1; };
    if (op.getLayout() != "NCHW" || op.getGroup() != 1 ||
        !inputType.hasStaticShape() || inputType.getDimSize(0) != 1 ||
        filterType.getDimSize(2) != 1 || filterType.getDimSize(3) != 1 ||
        !llvm::all_of(op.getStrides(), isOne) ||
        llvm::any_of(op.getPads(), [](int64_t p) { return p != 0; }))
      return {};
    Location loc = op.getLoc();
    Type elementType = resultType.getElementType();
    Type accType = getAccumulatorType(elementType);
    int64_t channels = inputType.getDimSize(1),
            filters = filterType.getDimSize(0);
    int64_t pixels = inputType.getDimSize(2) * inputType.getDimSize(3);
    SmallVector<ReassociationIndices> mergeNC_HW = {{0, 1}, {2, 3}};
    Value x = tensor::CollapseShapeOp::create(
        rewriter, loc, RankedTensorType::get({channels, pixels}, elementType),
        op.getInput(), mergeNC_HW);
    Value w = tensor::CollapseShapeOp::create(
        rewriter, loc, RankedTensorType::get({filters, channels}, elementType),
        op.getFilter(), SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    auto productType = RankedTensorType::get({filters, pixels}, accType);
    Value init =
        op.getBias()
            ? broadcastAlongDim(
                  rewriter, loc,
                  createFloatConversion(rewriter, loc, op.getBias(), accType),
                  productType, 0)
            : createFilledTensor(rewriter, loc, productType,
                                 rewriter.getZeroAttr(accType));
    Value product =
        linalg::MatmulOp::create(rewriter, loc, TypeRange{productType},
                                 ValueRange{w, x}, ValueRange{init})
            .getResult(0);
    product = createFloatConversion(rewriter, loc, product, elementType);
    return tensor::ExpandShapeOp::create(rewriter, loc, resultType, product,
                                         mergeNC_HW);
  }

  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    // The batch and the spatial dimensions may be dynamic (their output
    // sizes are computed from the padded input); the channels and the
    // filter are static.
    if (failed(requireSizableLike(op, rewriter)))
      return failure();
    RankedTensorType inType = op.getInput().getType();
    int64_t channelIndex = op.getLayout() == "NHWC" ? 3 : 1;
    if (inType.isDynamicDim(channelIndex) ||
        !op.getFilter().getType().hasStaticShape())
      return rewriter.notifyMatchFailure(
          op, "the channels and the filter must be static");
    if (Value matmul = lowerPointwiseAsMatmul(rewriter, op)) {
      rewriter.replaceOp(op, matmul);
      return success();
    }
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Type elementType = resultType.getElementType();
    // f16/bf16 products accumulate in f32 (the named ops widen their inputs
    // to the accumulator's type) and are rounded once at the end.
    Type accType = getAccumulatorType(elementType);
    RankedTensorType accResultType = resultType.clone(accType);
    Value bias = op.getBias() ? createFloatConversion(rewriter, loc,
                                                      op.getBias(), accType)
                              : Value();
    int64_t heightDim = getHeightDim(op.getLayout());
    Value input = padSpatial(rewriter, loc, op.getInput(), op.getPads(),
                             rewriter.getZeroAttr(elementType), heightDim);
    bool nhwc = op.getLayout() == "NHWC";
    ArrayRef<int64_t> filterShape = op.getFilter().getType().getShape();
    SmallVector<int64_t> kernel =
        nhwc ? SmallVector<int64_t>{filterShape[1], filterShape[2]}
             : SmallVector<int64_t>{filterShape[2], filterShape[3]};
    // The dynamic result sizes (batch, spatial) size every intermediate.
    SmallVector<Value> batch = getConvResultSizes(
        rewriter, loc, op.getInput(), input, resultType, heightDim, kernel,
        op.getStrides(), op.getDilations());
    Attribute strides = rewriter.getI64VectorAttr(op.getStrides());
    Attribute dilations = rewriter.getI64VectorAttr(op.getDilations());
    int64_t channelDim = nhwc ? 3 : 1;
    int64_t group = op.getGroup();
    if (group == 1) {
      // The bias, when present, initializes the accumulator.
      Value init =
          bias ? broadcastAlongDim(rewriter, loc, bias, accResultType,
                                   channelDim, batch)
               : createFilledTensor(rewriter, loc, accResultType,
                                    rewriter.getZeroAttr(accType), batch);
      Value ins[] = {input, op.getFilter()};
      Value conv =
          nhwc ? createConv<linalg::Conv2DNhwcFhwcOp>(rewriter, loc,
                                                      accResultType, ins, init,
                                                      strides, dilations)
               : createConv<linalg::Conv2DNchwFchwOp>(rewriter, loc,
                                                      accResultType, ins, init,
                                                      strides, dilations);
      rewriter.replaceOp(
          op, createFloatConversion(rewriter, loc, conv, elementType));
      return success();
    }

    // Grouped: the channel dims of input and result and the filter dim 0
    // split into [G, C / G]: NCHW x FCHW -> NGCHW x GFCHW -> NGFHW, NHWC x
    // FHWC -> NHWGC x GFHWC -> NHWGF.
    SmallVector<ReassociationIndices> splitChannels =
        getSplitReassociation(4, channelDim);
    auto groupedResultType = splitDimType(accResultType, channelDim, group);
    Value groupedInput = tensor::ExpandShapeOp::create(
        rewriter, loc,
        splitDimType(cast<RankedTensorType>(input.getType()), channelDim,
                     group),
        input, splitChannels);
    Value groupedFilter = tensor::ExpandShapeOp::create(
        rewriter, loc, splitDimType(op.getFilter().getType(), 0, group),
        op.getFilter(), getSplitReassociation(4, 0));
    Value init = createGroupedInit(rewriter, loc, bias, groupedResultType,
                                   channelDim, batch);
    Value ins[] = {groupedInput, groupedFilter};
    Value conv =
        nhwc ? createConv<linalg::Conv2DNhwgcGfhwcOp>(rewriter, loc,
                                                      groupedResultType, ins,
                                                      init, strides, dilations)
             : createConv<linalg::Conv2DNgchwGfchwOp>(rewriter, loc,
                                                      groupedResultType, ins,
                                                      init, strides, dilations);
    Value collapsed = tensor::CollapseShapeOp::create(
        rewriter, loc, accResultType, conv, splitChannels);
    rewriter.replaceOp(
        op, createFloatConversion(rewriter, loc, collapsed, elementType));
    return success();
  }
};

struct MaxPool2DLowering : OpRewritePattern<MaxPool2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPool2DOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireBatchOnlyDynamic(op, op.getInput(), rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    SmallVector<Value> batch = getBatchSize(rewriter, loc, op.getInput());
    TypedAttr lowest = getLowestValueAttr(resultType.getElementType());
    Value input = padSpatial(rewriter, loc, op.getInput(), op.getPads(), lowest,
                             getHeightDim(op.getLayout()));
    Value window = tensor::EmptyOp::create(rewriter, loc, op.getKernelShape(),
                                           resultType.getElementType());
    Value init = createFilledTensor(rewriter, loc, resultType, lowest, batch);
    Attribute strides = rewriter.getI64VectorAttr(op.getStrides());
    Attribute dilations = rewriter.getI64VectorAttr(op.getDilations());
    Value pool = op.getLayout() == "NHWC"
                     ? linalg::PoolingNhwcMaxOp::create(
                           rewriter, loc, TypeRange{resultType},
                           ValueRange{input, window}, ValueRange{init}, strides,
                           dilations)
                           .getResult(0)
                     : linalg::PoolingNchwMaxOp::create(
                           rewriter, loc, TypeRange{resultType},
                           ValueRange{input, window}, ValueRange{init}, strides,
                           dilations)
                           .getResult(0);
    rewriter.replaceOp(op, pool);
    return success();
  }
};

/// Sum pooling followed by a division by the window size, or, when padding
/// is excluded from the average, by a compile-time table of per-position
/// counts of real (unpadded) elements.
struct AvgPool2DLowering : OpRewritePattern<AvgPool2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AvgPool2DOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireBatchOnlyDynamic(op, op.getInput(), rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    SmallVector<Value> batch = getBatchSize(rewriter, loc, op.getInput());
    Type elementType = resultType.getElementType();
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      pads = op.getPads();
    int64_t heightDim = getHeightDim(op.getLayout());
    bool nhwc = op.getLayout() == "NHWC";
    Value input = padSpatial(rewriter, loc, op.getInput(), pads,
                             rewriter.getZeroAttr(elementType), heightDim);
    Value window = tensor::EmptyOp::create(rewriter, loc, kernel, elementType);
    // f16/bf16 windows are summed and divided in f32, rounded once.
    Type accType = getAccumulatorType(elementType);
    RankedTensorType sumType = resultType.clone(accType);
    Value init = createFilledTensor(rewriter, loc, sumType,
                                    rewriter.getZeroAttr(accType), batch);
    int64_t unitDilations[] = {1, 1};
    Attribute stridesAttr = rewriter.getI64VectorAttr(strides);
    Attribute dilationsAttr = rewriter.getI64VectorAttr(unitDilations);
    Value sum =
        nhwc ? linalg::PoolingNhwcSumOp::create(
                   rewriter, loc, TypeRange{sumType}, ValueRange{input, window},
                   ValueRange{init}, stridesAttr, dilationsAttr)
                   .getResult(0)
             : linalg::PoolingNchwSumOp::create(
                   rewriter, loc, TypeRange{sumType}, ValueRange{input, window},
                   ValueRange{init}, stridesAttr, dilationsAttr)
                   .getResult(0);

    bool hasPads = llvm::any_of(pads, [](int64_t p) { return p != 0; });
    Value result;
    if (op.getCountIncludePad() || !hasPads) {
      double count = kernel[0] * kernel[1];
      result = createElementwise(
          rewriter, loc, resultType, {sum},
          [&](OpBuilder &b, Location nloc, ValueRange args) -> Value {
            return roundTo(b, nloc,
                           arith::DivFOp::create(
                               b, nloc, args[0],
                               createScalarConstant(b, nloc, accType, count)),
                           elementType);
          });
    } else {
      int64_t inH = op.getInput().getType().getDimSize(heightDim);
      int64_t inW = op.getInput().getType().getDimSize(heightDim + 1);
      int64_t outH = resultType.getDimSize(heightDim);
      int64_t outW = resultType.getDimSize(heightDim + 1);
      auto realCount = [](int64_t out, int64_t stride, int64_t pad, int64_t k,
                          int64_t in) {
        int64_t start = out * stride - pad;
        return std::min(start + k, in) - std::max<int64_t>(start, 0);
      };
      SmallVector<Attribute> counts;
      for (int64_t h = 0; h < outH; ++h)
        for (int64_t w = 0; w < outW; ++w)
          counts.push_back(rewriter.getFloatAttr(
              accType, realCount(h, strides[0], pads[0], kernel[0], inH) *
                           realCount(w, strides[1], pads[1], kernel[1], inW)));
      // [OH, OW] broadcasts over NCHW; NHWC needs a trailing unit C dim.
      SmallVector<int64_t> countShape = {outH, outW};
      if (nhwc)
        countShape.push_back(1);
      auto countType = RankedTensorType::get(countShape, accType);
      Value countTable = arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(countType, ArrayRef(counts)));
      result = createElementwise(
          rewriter, loc, resultType, {sum, countTable},
          [&](OpBuilder &b, Location nloc, ValueRange args) -> Value {
            return roundTo(b, nloc,
                           arith::DivFOp::create(b, nloc, args[0], args[1]),
                           elementType);
          });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlc::populateConvPoolToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering, MaxPool2DLowering, AvgPool2DLowering>(
      patterns.getContext());
}
