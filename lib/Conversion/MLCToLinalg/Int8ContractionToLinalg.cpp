//===- Int8ContractionToLinalg.cpp - 8-bit GEMMs for integer layers -------===//
//
// An i32 mlc.conv2d / mlc.matmul whose activation is an mlc.cast of 8-bit
// integers and whose weights are constants within [-128, 127] (what
// mlc-lower-quant produces) is computed on the 8-bit values: an int8 x int8
// product accumulated in i32, never widening a tensor in memory, with the
// weights stored as i8 constants.
//
// The contraction becomes one linalg.generic in the packed form that the
// targets' dot-product instructions want (see docs/Quantization.md, "CPU
// integer codegen"):
//
//   A [M, K1, 4]       i8   activation rows (im2col rows for a convolution),
//                           K padded with zeros to a multiple of 8
//   B [N1, K1, 16, 4]  i8   weights packed at compile time: 16 output
//                           channels by 4 consecutive k per tile
//   C [M, N1, 16]      i32  += ext(A[m, k1, k0]) * sext(B[n1, k1, n0, k0])
//
// (ext is zero extension for an unsigned activation, sign extension for a
// signed one), initialized with the i32 bias. Any backend can run it as
// loops; the CPU backend's mlc-cpu-int8-gemm replaces it with a register-
// blocked kernel of vpdpbusd / vpmaddwd / sdot / usdot.
//
// Grouped and depthwise convolutions, whose per-group sums are short (C/G *
// KH * KW: 9 for a 3x3 depthwise one), are no GEMM: they become a direct
// window-sum linalg.generic on the same 8-bit operands.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"
#include "mlc/Dialect/MLC/Transforms/ConstantUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlc;

/// Output channels per packed weight tile, and k per dot-product group.
static constexpr int64_t kTileN = 16;
static constexpr int64_t kTileK = 4;
/// K is padded to a multiple of this (two groups: AArch64 smmla reads 8).
static constexpr int64_t kPadK = 8;

static int64_t roundUp(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

namespace {

/// The 8-bit source of an i32 activation: mlc.cast from i8.
struct NarrowActivation {
  Value ints;
  bool isUnsigned;
  /// A transpose of the widened values that the contraction reads.
  TransposeOp transpose;
};

} // namespace

/// The 8-bit source of an i32 activation: mlc.cast from i8, or a transpose
/// of one (layout conversion leaves one at the graph's input: the 8-bit
/// values are transposed instead, by materializeNarrowActivation).
static FailureOr<NarrowActivation> matchNarrowActivation(Value v) {
  auto transpose = v.getDefiningOp<TransposeOp>();
  auto widen = (transpose ? transpose.getInput() : v).getDefiningOp<CastOp>();
  if (!widen)
    return failure();
  auto type = cast<RankedTensorType>(widen.getInput().getType());
  if (!type.getElementType().isInteger(8) || !type.hasStaticShape())
    return failure();
  return NarrowActivation{widen.getInput(), widen.getUnsignedInput(),
                          transpose};
}

/// Creates the transpose of the 8-bit values that `x` stands for, if any;
/// called once the pattern has matched.
static void materializeNarrowActivation(OpBuilder &b, NarrowActivation &x) {
  if (!x.transpose)
    return;
  Location loc = x.transpose.getLoc();
  auto type = cast<RankedTensorType>(x.ints.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : x.transpose.getPerm())
    shape.push_back(type.getDimSize(p));
  Value init = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  x.ints =
      linalg::TransposeOp::create(b, loc, x.ints, init, x.transpose.getPerm())
          .getResult()[0];
  x.transpose = {};
}

/// The constant i32 weights, when every value fits in int8.
static FailureOr<ConstTensor> readInt8Weights(Value v) {
  FailureOr<ConstTensor> w = readConstant(v);
  if (failed(w) || !w->type.getElementType().isInteger(32))
    return failure();
  for (int64_t x : w->ints)
    if (x < -128 || x > 127)
      return failure();
  return w;
}

/// The 8-bit tensor `input` (NCHW, or NHWC when `nhwc`) with H and W padded
/// by `pads` = [top, left, bottom, right] with 0, what the i32 convolution
/// pads with.
static Value padSpatialWithZero(OpBuilder &b, Location loc, Value input,
                                ArrayRef<int64_t> pads, bool nhwc) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  int64_t hAxis = nhwc ? 1 : 2, wAxis = hAxis + 1;
  SmallVector<int64_t> shape(type.getShape());
  shape[hAxis] += pads[0] + pads[2];
  shape[wAxis] += pads[1] + pads[3];
  SmallVector<OpFoldResult> low(4, b.getIndexAttr(0));
  SmallVector<OpFoldResult> high(4, b.getIndexAttr(0));
  low[hAxis] = b.getIndexAttr(pads[0]);
  low[wAxis] = b.getIndexAttr(pads[1]);
  high[hAxis] = b.getIndexAttr(pads[2]);
  high[wAxis] = b.getIndexAttr(pads[3]);
  Value zero = arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type.getElementType(), 0));
  return tensor::PadOp::create(b, loc, type.clone(shape), input, low, high,
                               zero);
}

/// The constant i32 bias of a conv2d (empty without one).
static FailureOr<SmallVector<int64_t>> readBias(Conv2DOp op) {
  SmallVector<int64_t> bias;
  if (Value b = op.getBias()) {
    FailureOr<ConstTensor> bc = readConstant(b);
    if (failed(bc))
      return failure();
    bias.assign(bc->ints.begin(), bc->ints.end());
  }
  return bias;
}

/// The operands of an i32 conv2d that runs on 8 bits: an 8-bit activation,
/// constant weights that fit int8 and a constant i32 bias; NCHW with
/// [F, C/G, KH, KW] filters or NHWC with [F, KH, KW, C/G] ones.
struct Int8ConvOperands {
  NarrowActivation x;
  ConstTensor w;
  SmallVector<int64_t> bias;
  bool nhwc;
};

static FailureOr<Int8ConvOperands> matchInt8Conv(Conv2DOp op,
                                                 PatternRewriter &rewriter) {
  RankedTensorType resultType = op.getType();
  if (!resultType.getElementType().isInteger(32) ||
      !resultType.hasStaticShape() ||
      (op.getLayout() != "NCHW" && op.getLayout() != "NHWC"))
    return rewriter.notifyMatchFailure(op, "not a static NCHW/NHWC i32 conv");
  FailureOr<NarrowActivation> x = matchNarrowActivation(op.getInput());
  if (failed(x))
    return rewriter.notifyMatchFailure(op, "activation not 8-bit");
  FailureOr<ConstTensor> w = readInt8Weights(op.getFilter());
  if (failed(w))
    return rewriter.notifyMatchFailure(op, "weights not constant int8");
  FailureOr<SmallVector<int64_t>> bias = readBias(op);
  if (failed(bias))
    return rewriter.notifyMatchFailure(op, "bias not constant");
  return Int8ConvOperands{*x, std::move(*w), std::move(*bias),
                          op.getLayout() == "NHWC"};
}

/// `ext(x) * sext(w) + acc` in i32, the body of every 8-bit contraction:
/// zero extension for an unsigned activation, sign extension otherwise.
static void buildInt8MulAcc(OpBuilder &b, Location loc, ValueRange args,
                            bool isUnsigned) {
  Type i32 = b.getI32Type();
  Value x = isUnsigned
                ? arith::ExtUIOp::create(b, loc, i32, args[0]).getResult()
                : arith::ExtSIOp::create(b, loc, i32, args[0]).getResult();
  Value w = arith::ExtSIOp::create(b, loc, i32, args[1]);
  Value p = arith::MulIOp::create(b, loc, x, w);
  Value s = arith::AddIOp::create(b, loc, args[2], p);
  linalg::YieldOp::create(b, loc, s);
}

/// The packed weight tiles B[N1][K1][16][4] of the [N][K] matrix `at(n, k)`.
static Value
createPackedWeights(OpBuilder &b, Location loc, int64_t n, int64_t k,
                    llvm::function_ref<int64_t(int64_t, int64_t)> at) {
  int64_t n1 = roundUp(n, kTileN) / kTileN, k1 = roundUp(k, kPadK) / kTileK;
  auto type = RankedTensorType::get({n1, k1, kTileN, kTileK}, b.getI8Type());
  ConstTensor packed = ConstTensor::zeros(type);
  for (int64_t i = 0; i < n1; ++i)
    for (int64_t j = 0; j < k1; ++j)
      for (int64_t r = 0; r < kTileN; ++r)
        for (int64_t c = 0; c < kTileK; ++c) {
          int64_t row = i * kTileN + r, col = j * kTileK + c;
          if (row < n && col < k)
            packed.ints[((i * k1 + j) * kTileN + r) * kTileK + c] =
                at(row, col);
        }
  return arith::ConstantOp::create(b, loc, packed.toAttr("packed_weights"));
}

/// C[M][N1][16] = init + A[M][K] x B^T, with A 8-bit (`isUnsigned` says how
/// to extend it), returned as [M][N] i32.
static Value createInt8Gemm(OpBuilder &b, Location loc, Value a,
                            bool isUnsigned, Value packedWeights,
                            ArrayRef<int64_t> bias, int64_t n) {
  MLIRContext *ctx = b.getContext();
  auto aType = cast<RankedTensorType>(a.getType());
  int64_t m = aType.getDimSize(0), k = aType.getDimSize(1);
  int64_t kp = roundUp(k, kPadK), k1 = kp / kTileK;
  int64_t n1 = roundUp(n, kTileN) / kTileN;
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  if (kp != k) {
    SmallVector<OpFoldResult> low(2, b.getIndexAttr(0));
    SmallVector<OpFoldResult> high = {b.getIndexAttr(0),
                                      b.getIndexAttr(kp - k)};
    Value zero = arith::ConstantOp::create(b, loc, b.getIntegerAttr(i8, 0));
    a = tensor::PadOp::create(b, loc, RankedTensorType::get({m, kp}, i8), a,
                              low, high, zero);
  }
  Value a3 = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({m, k1, kTileK}, i8), a,
      SmallVector<ReassociationIndices>{{0}, {1, 2}});

  // The accumulator starts as the bias (zero past the N real channels).
  auto accType = RankedTensorType::get({m, n1, kTileN}, i32);
  Value init;
  if (bias.empty()) {
    init = createFilledTensor(b, loc, accType, b.getI32IntegerAttr(0));
  } else {
    ConstTensor tiles =
        ConstTensor::zeros(RankedTensorType::get({n1, kTileN}, i32));
    for (int64_t i = 0; i < n; ++i)
      tiles.ints[i] = bias[i];
    Value biasTiles =
        arith::ConstantOp::create(b, loc, tiles.toAttr("packed_bias"));
    Value empty = tensor::EmptyOp::create(b, loc, accType.getShape(), i32);
    init = linalg::BroadcastOp::create(b, loc, biasTiles, empty,
                                       ArrayRef<int64_t>{0})
               .getResult()[0];
  }

  // Loops (m, n1, n0, k1, k0).
  AffineExpr dm, dn1, dn0, dk1, dk0;
  bindDims(ctx, dm, dn1, dn0, dk1, dk0);
  SmallVector<AffineMap> maps = {
      AffineMap::get(5, 0, {dm, dk1, dk0}, ctx),
      AffineMap::get(5, 0, {dn1, dk1, dn0, dk0}, ctx),
      AffineMap::get(5, 0, {dm, dn1, dn0}, ctx)};
  SmallVector<utils::IteratorType> iterators = {
      utils::IteratorType::parallel, utils::IteratorType::parallel,
      utils::IteratorType::parallel, utils::IteratorType::reduction,
      utils::IteratorType::reduction};
  Value acc = linalg::GenericOp::create(
                  b, loc, TypeRange{accType}, ValueRange{a3, packedWeights},
                  ValueRange{init}, maps, iterators,
                  [&](OpBuilder &nb, Location nloc, ValueRange args) {
                    buildInt8MulAcc(nb, nloc, args, isUnsigned);
                  })
                  .getResult(0);

  Value flat = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({m, n1 * kTileN}, i32), acc,
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
  if (n1 * kTileN == n)
    return flat;
  SmallVector<OpFoldResult> offsets(2, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(m), b.getIndexAttr(n)};
  SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc,
                                        RankedTensorType::get({m, n}, i32),
                                        flat, offsets, sizes, strides);
}

namespace {

/// conv2d (ungrouped) as im2col rows times the packed filters. In NHWC the
/// rows are the output pixels and the GEMM's [pixels, F] result is the
/// output itself; a 1x1 convolution with unit strides reads the activation
/// as the rows, without a copy. In NCHW the rows are gathered from the
/// channel planes and the result is transposed back.
struct Int8Conv2DToGemm : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getGroup() != 1)
      return rewriter.notifyMatchFailure(op, "grouped conv");
    FailureOr<Int8ConvOperands> operands = matchInt8Conv(op, rewriter);
    if (failed(operands))
      return failure();
    RankedTensorType resultType = op.getType();
    materializeNarrowActivation(rewriter, operands->x);
    const NarrowActivation *x = &operands->x;
    const ConstTensor *w = &operands->w;
    bool nhwc = operands->nhwc;

    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
    Value input =
        padSpatialWithZero(rewriter, loc, x->ints, op.getPads(), nhwc);
    ArrayRef<int64_t> wShape = w->type.getShape();
    int64_t f = wShape[0];
    int64_t c = nhwc ? wShape[3] : wShape[1];
    int64_t kh = nhwc ? wShape[1] : wShape[2];
    int64_t kw = nhwc ? wShape[2] : wShape[3];
    int64_t batch = resultType.getDimSize(0);
    int64_t oh = resultType.getDimSize(nhwc ? 1 : 2);
    int64_t ow = resultType.getDimSize(nhwc ? 2 : 3);
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    int64_t m = batch * oh * ow, k = c * kh * kw;

    // The rows [M, K]: K ordered as the filter's (c, kh, kw) in NCHW and
    // (kh, kw, c) in NHWC, so that the weights are read row-major.
    Value a;
    bool direct =
        nhwc && kh == 1 && kw == 1 && strides[0] == 1 && strides[1] == 1;
    if (direct) {
      a = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({m, k}, i8), input,
          SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
    } else {
      // Loops (n, oh, ow, c, kh, kw) in NCHW, (n, oh, ow, kh, kw, c) in
      // NHWC: the copy's innermost loop reads contiguous bytes there.
      AffineExpr dn, doh, dow, dc, dkh, dkw;
      if (nhwc)
        bindDims(ctx, dn, doh, dow, dkh, dkw, dc);
      else
        bindDims(ctx, dn, doh, dow, dc, dkh, dkw);
      AffineExpr ih = doh * strides[0] + dkh * dilations[0];
      AffineExpr iw = dow * strides[1] + dkw * dilations[1];
      AffineMap inputMap = nhwc ? AffineMap::get(6, 0, {dn, ih, iw, dc}, ctx)
                                : AffineMap::get(6, 0, {dn, dc, ih, iw}, ctx);
      SmallVector<int64_t> colsShape =
          nhwc ? SmallVector<int64_t>{batch, oh, ow, kh, kw, c}
               : SmallVector<int64_t>{batch, oh, ow, c, kh, kw};
      auto colsType = RankedTensorType::get(colsShape, i8);
      Value colsInit =
          tensor::EmptyOp::create(rewriter, loc, colsType.getShape(), i8);
      Value cols = linalg::GenericOp::create(
                       rewriter, loc, TypeRange{colsType}, ValueRange{input},
                       ValueRange{colsInit},
                       SmallVector<AffineMap>{
                           inputMap, AffineMap::getMultiDimIdentityMap(6, ctx)},
                       SmallVector<utils::IteratorType>(
                           6, utils::IteratorType::parallel),
                       [](OpBuilder &nb, Location nloc, ValueRange args) {
                         linalg::YieldOp::create(nb, nloc, args[0]);
                       })
                       .getResult(0);
      a = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({m, k}, i8), cols,
          SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
    }
    Value packed =
        createPackedWeights(rewriter, loc, f, k, [&](int64_t row, int64_t col) {
          return w->ints[row * k + col];
        });
    Value gemm = createInt8Gemm(rewriter, loc, a, x->isUnsigned, packed,
                                operands->bias, f);

    // [N * OH * OW, F] -> [N, OH, OW, F], the NHWC result.
    Value nhwcResult = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get({batch, oh, ow, f}, i32), gemm,
        SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
    if (nhwc) {
      rewriter.replaceOp(op, nhwcResult);
      return success();
    }
    Value empty =
        tensor::EmptyOp::create(rewriter, loc, resultType.getShape(), i32);
    AffineExpr n, fo, h, wo;
    bindDims(ctx, n, fo, h, wo);
    Value nchw =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{resultType}, ValueRange{nhwcResult},
            ValueRange{empty},
            SmallVector<AffineMap>{AffineMap::get(4, 0, {n, h, wo, fo}, ctx),
                                   AffineMap::getMultiDimIdentityMap(4, ctx)},
            SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
            [](OpBuilder &nb, Location nloc, ValueRange args) {
              linalg::YieldOp::create(nb, nloc, args[0]);
            })
            .getResult(0);
    rewriter.replaceOp(op, nchw);
    return success();
  }
};

/// conv2d (NCHW) with groups, depthwise included: the window sums of the
/// 8-bit activation and the int8 filters (an i8 constant) accumulated in i32
/// from the bias, as one linalg.generic. A depthwise convolution (one input
/// and one output channel per group) reads and writes NCHW directly:
///   loops (n, c, oh, ow, kh, kw),
///   acc[n, c, oh, ow] += ext(x[n, c, oh*s + kh*d, ow*s + kw*d]) * w[c, kh, kw]
/// any other grouping the NGCHW form of the float lowering:
///   loops (n, g, f, oh, ow, c, kh, kw), x as [N, G, C/G, H, W],
///   w as [G, F/G, C/G, KH, KW], acc as [N, G, F/G, OH, OW].
struct Int8GroupedConv2D : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getGroup() == 1)
      return rewriter.notifyMatchFailure(op, "ungrouped conv");
    FailureOr<Int8ConvOperands> operands = matchInt8Conv(op, rewriter);
    if (failed(operands))
      return failure();
    RankedTensorType resultType = op.getType();
    const NarrowActivation *x = &operands->x;
    const ConstTensor *w = &operands->w;
    const SmallVector<int64_t> *bias = &operands->bias;
    if (operands->nhwc)
      return rewriter.notifyMatchFailure(op, "NHWC (Int8DepthwiseConv2DNHWC)");
    materializeNarrowActivation(rewriter, operands->x);

    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
    Value input = padSpatialWithZero(rewriter, loc, x->ints, op.getPads(),
                                     /*nhwc=*/false);
    auto inputType = cast<RankedTensorType>(input.getType());
    ArrayRef<int64_t> wShape = w->type.getShape();
    int64_t group = op.getGroup(), f = wShape[0], cg = wShape[1],
            kh = wShape[2], kw = wShape[3];
    int64_t fg = f / group;
    int64_t batch = resultType.getDimSize(0), oh = resultType.getDimSize(2),
            ow = resultType.getDimSize(3);
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    bool depthwise = cg == 1 && fg == 1;

    // The filters as i8 ([F, C/G, KH, KW] row-major is [G, F/G, C/G, KH, KW]
    // row-major), the bias as the accumulator's start.
    SmallVector<int64_t> filterShape =
        depthwise ? SmallVector<int64_t>{f, kh, kw}
                  : SmallVector<int64_t>{group, fg, cg, kh, kw};
    ConstTensor filter =
        ConstTensor::zeros(RankedTensorType::get(filterShape, i8));
    filter.ints = w->ints;
    Value filterConst = arith::ConstantOp::create(
        rewriter, loc, filter.toAttr("int8_grouped_weights"));
    SmallVector<int64_t> accShape =
        depthwise ? SmallVector<int64_t>{batch, f, oh, ow}
                  : SmallVector<int64_t>{batch, group, fg, oh, ow};
    auto accType = RankedTensorType::get(accShape, i32);
    Value init;
    if (bias->empty()) {
      init = createFilledTensor(rewriter, loc, accType,
                                rewriter.getI32IntegerAttr(0));
    } else {
      SmallVector<int64_t> biasShape =
          depthwise ? SmallVector<int64_t>{f} : SmallVector<int64_t>{group, fg};
      ConstTensor b32 =
          ConstTensor::zeros(RankedTensorType::get(biasShape, i32));
      b32.ints.assign(bias->begin(), bias->end());
      Value biasConst =
          arith::ConstantOp::create(rewriter, loc, b32.toAttr("int8_bias"));
      Value empty = tensor::EmptyOp::create(rewriter, loc, accShape, i32);
      SmallVector<int64_t> dims = depthwise ? SmallVector<int64_t>{0, 2, 3}
                                            : SmallVector<int64_t>{0, 3, 4};
      init = linalg::BroadcastOp::create(rewriter, loc, biasConst, empty, dims)
                 .getResult()[0];
    }

    SmallVector<AffineMap> maps;
    SmallVector<utils::IteratorType> iterators;
    auto parallel = utils::IteratorType::parallel,
         reduction = utils::IteratorType::reduction;
    if (depthwise) {
      AffineExpr dn, dc, doh, dow, dkh, dkw;
      bindDims(ctx, dn, dc, doh, dow, dkh, dkw);
      maps = {AffineMap::get(6, 0,
                             {dn, dc, doh * strides[0] + dkh * dilations[0],
                              dow * strides[1] + dkw * dilations[1]},
                             ctx),
              AffineMap::get(6, 0, {dc, dkh, dkw}, ctx),
              AffineMap::get(6, 0, {dn, dc, doh, dow}, ctx)};
      iterators = {parallel, parallel,  parallel,
                   parallel, reduction, reduction};
    } else {
      SmallVector<int64_t> groupedShape(inputType.getShape());
      groupedShape[1] = cg;
      groupedShape.insert(groupedShape.begin() + 1, group);
      input = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(groupedShape, i8), input,
          SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
      AffineExpr dn, dg, df, doh, dow, dc, dkh, dkw;
      bindDims(ctx, dn, dg, df, doh, dow, dc, dkh, dkw);
      maps = {AffineMap::get(8, 0,
                             {dn, dg, dc, doh * strides[0] + dkh * dilations[0],
                              dow * strides[1] + dkw * dilations[1]},
                             ctx),
              AffineMap::get(8, 0, {dg, df, dc, dkh, dkw}, ctx),
              AffineMap::get(8, 0, {dn, dg, df, doh, dow}, ctx)};
      iterators = {parallel, parallel,  parallel,  parallel,
                   parallel, reduction, reduction, reduction};
    }
    bool isUnsigned = x->isUnsigned;
    Value acc =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{accType}, ValueRange{input, filterConst},
            ValueRange{init}, maps, iterators,
            [&](OpBuilder &nb, Location nloc, ValueRange args) {
              buildInt8MulAcc(nb, nloc, args, isUnsigned);
            })
            .getResult(0);
    if (!depthwise)
      acc = tensor::CollapseShapeOp::create(
          rewriter, loc, resultType, acc,
          SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    rewriter.replaceOp(op, acc);
    return success();
  }
};

/// A depthwise conv2d in NHWC ([C, KH, KW, 1] filters): the window sums
/// with the channels innermost, so that they vectorize,
///   loops (n, oh, ow, kh, kw, c),
///   acc[n, oh, ow, c] += ext(x[n, oh*s + kh*d, ow*s + kw*d, c]) * w[kh, kw, c]
/// from the bias. (ConvertLayout leaves other grouped integer convolutions
/// in NCHW.)
struct Int8DepthwiseConv2DNHWC : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getGroup() == 1 || op.getLayout() != "NHWC")
      return rewriter.notifyMatchFailure(op, "not a grouped NHWC conv");
    FailureOr<Int8ConvOperands> operands = matchInt8Conv(op, rewriter);
    if (failed(operands))
      return failure();
    ArrayRef<int64_t> wShape = operands->w.type.getShape();
    int64_t c = wShape[0], kh = wShape[1], kw = wShape[2];
    if (wShape[3] != 1 || c != static_cast<int64_t>(op.getGroup()))
      return rewriter.notifyMatchFailure(op, "not depthwise");
    RankedTensorType resultType = op.getType();
    materializeNarrowActivation(rewriter, operands->x);
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
    Value input = padSpatialWithZero(rewriter, loc, operands->x.ints,
                                     op.getPads(), /*nhwc=*/true);

    // [C, KH, KW, 1] -> [KH, KW, C].
    ConstTensor filter =
        ConstTensor::zeros(RankedTensorType::get({kh, kw, c}, i8));
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < kh * kw; ++i)
        filter.ints[i * c + ch] = operands->w.ints[ch * kh * kw + i];
    Value filterConst = arith::ConstantOp::create(
        rewriter, loc, filter.toAttr("int8_depthwise_weights"));
    Value init;
    if (operands->bias.empty()) {
      init = createFilledTensor(rewriter, loc, resultType,
                                rewriter.getI32IntegerAttr(0));
    } else {
      ConstTensor b32 = ConstTensor::zeros(RankedTensorType::get({c}, i32));
      b32.ints.assign(operands->bias.begin(), operands->bias.end());
      Value biasConst =
          arith::ConstantOp::create(rewriter, loc, b32.toAttr("int8_bias"));
      Value empty =
          tensor::EmptyOp::create(rewriter, loc, resultType.getShape(), i32);
      init = linalg::BroadcastOp::create(rewriter, loc, biasConst, empty,
                                         ArrayRef<int64_t>{0, 1, 2})
                 .getResult()[0];
    }
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    AffineExpr dn, doh, dow, dkh, dkw, dc;
    bindDims(ctx, dn, doh, dow, dkh, dkw, dc);
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0,
                       {dn, doh * strides[0] + dkh * dilations[0],
                        dow * strides[1] + dkw * dilations[1], dc},
                       ctx),
        AffineMap::get(6, 0, {dkh, dkw, dc}, ctx),
        AffineMap::get(6, 0, {dn, doh, dow, dc}, ctx)};
    auto parallel = utils::IteratorType::parallel,
         reduction = utils::IteratorType::reduction;
    SmallVector<utils::IteratorType> iterators = {
        parallel, parallel, parallel, reduction, reduction, parallel};
    bool isUnsigned = operands->x.isUnsigned;
    Value acc =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{resultType},
            ValueRange{input, filterConst}, ValueRange{init}, maps, iterators,
            [&](OpBuilder &nb, Location nloc, ValueRange args) {
              buildInt8MulAcc(nb, nloc, args, isUnsigned);
            })
            .getResult(0);
    rewriter.replaceOp(op, acc);
    return success();
  }
};

static Value subtractZeroPointTerm(OpBuilder &b, Location loc, Value gemm,
                                   Value zeroPoint, const ConstTensor &w);

/// matmul [..., M, K] x constant [K, N]: the rows times the packed columns.
/// An activation that has a run-time zero point subtracted (dynamic
/// quantization: (x - zp) x W) is computed as x x W - zp * colsum(W), the
/// column sums of the constant weights folded at compile time, so that the
/// GEMM still reads the 8-bit x.
struct Int8MatMulToGemm : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    if (!resultType.getElementType().isInteger(32) ||
        !resultType.hasStaticShape() || resultType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "not a static i32 matmul");
    Value lhs = op.getLhs(), zeroPoint;
    if (auto sub = lhs.getDefiningOp<SubOp>()) {
      auto zpType = cast<RankedTensorType>(sub.getRhs().getType());
      if (zpType.hasStaticShape() && zpType.getNumElements() == 1 &&
          sub.getLhs().getType() == lhs.getType()) {
        zeroPoint = sub.getRhs();
        lhs = sub.getLhs();
      }
    }
    // A reshape that keeps the rows (the last dim) reads the same rows.
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    if (auto reshape = lhs.getDefiningOp<ReshapeOp>()) {
      auto inType = cast<RankedTensorType>(reshape.getInput().getType());
      if (inType.hasStaticShape() && inType.getRank() >= 1 &&
          inType.getShape().back() == lhsType.getShape().back())
        lhs = reshape.getInput();
    }
    FailureOr<NarrowActivation> x = matchNarrowActivation(lhs);
    if (failed(x) || x->transpose)
      return rewriter.notifyMatchFailure(op, "activation not 8-bit");
    FailureOr<ConstTensor> w = readInt8Weights(op.getRhs());
    if (failed(w) || w->type.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "weights not constant 2-D int8");
    auto xType = cast<RankedTensorType>(x->ints.getType());
    if (lhsType.getRank() != resultType.getRank() || xType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "broadcast batch dims");
    Location loc = op.getLoc();
    int64_t k = w->type.getDimSize(0), n = w->type.getDimSize(1);
    int64_t m = xType.getNumElements() / k;
    Value a = x->ints;
    if (xType.getRank() != 2) {
      SmallVector<ReassociationIndices> rows(1);
      for (int64_t d = 0; d + 1 < xType.getRank(); ++d)
        rows[0].push_back(d);
      rows.push_back({xType.getRank() - 1});
      a = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({m, k}, xType.getElementType()),
          a, rows);
    }
    Value packed =
        createPackedWeights(rewriter, loc, n, k, [&](int64_t row, int64_t col) {
          return w->ints[col * n + row];
        });
    Value gemm = createInt8Gemm(rewriter, loc, a, x->isUnsigned, packed, {}, n);
    if (zeroPoint)
      gemm = subtractZeroPointTerm(rewriter, loc, gemm, zeroPoint, *w);
    if (resultType.getRank() != 2) {
      SmallVector<ReassociationIndices> rows(1);
      for (int64_t d = 0; d + 1 < resultType.getRank(); ++d)
        rows[0].push_back(d);
      rows.push_back({resultType.getRank() - 1});
      gemm =
          tensor::ExpandShapeOp::create(rewriter, loc, resultType, gemm, rows);
    }
    rewriter.replaceOp(op, gemm);
    return success();
  }
};

/// gemm [M, N] - zp * colsum(w)[n], with `zp` a one-element i32 tensor
/// and `w` the constant [K, N] weights.
static Value subtractZeroPointTerm(OpBuilder &b, Location loc, Value gemm,
                                   Value zeroPoint, const ConstTensor &w) {
  MLIRContext *ctx = b.getContext();
  int64_t k = w.type.getDimSize(0), n = w.type.getDimSize(1);
  Type i32 = b.getI32Type();
  ConstTensor sums = ConstTensor::zeros(RankedTensorType::get({n}, i32));
  for (int64_t row = 0; row < k; ++row)
    for (int64_t col = 0; col < n; ++col)
      sums.ints[col] += w.ints[row * n + col];
  Value colSums =
      arith::ConstantOp::create(b, loc, sums.toAttr("int8_column_sums"));
  auto zpType = cast<RankedTensorType>(zeroPoint.getType());
  auto gemmType = cast<RankedTensorType>(gemm.getType());
  SmallVector<AffineExpr> zpIndex(zpType.getRank(),
                                  getAffineConstantExpr(0, ctx));
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(2, ctx),
                                 AffineMap::get(2, 0, zpIndex, ctx),
                                 AffineMap::get(2, 0, getAffineDimExpr(1, ctx)),
                                 AffineMap::getMultiDimIdentityMap(2, ctx)};
  Value empty = tensor::EmptyOp::create(b, loc, gemmType.getShape(), i32);
  return linalg::GenericOp::create(
             b, loc, TypeRange{gemmType}, ValueRange{gemm, zeroPoint, colSums},
             ValueRange{empty}, maps,
             SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
             [](OpBuilder &nb, Location nloc, ValueRange args) {
               Value term = arith::MulIOp::create(nb, nloc, args[1], args[2]);
               linalg::YieldOp::create(
                   nb, nloc,
                   arith::SubIOp::create(nb, nloc, args[0], term).getResult());
             })
      .getResult(0);
}

} // namespace

void mlc::populateInt8ContractionPatterns(RewritePatternSet &patterns) {
  patterns.add<Int8Conv2DToGemm, Int8GroupedConv2D, Int8DepthwiseConv2DNHWC,
               Int8MatMulToGemm>(patterns.getContext());
}
