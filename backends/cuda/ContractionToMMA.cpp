//===- ContractionToMMA.cpp - Matmul-like ops to padded f16 matmuls -------===//
//
// Rewrites f32 matmul, batch matmul and NHWC convolution (as an im2col
// GEMM) on tensors into matmuls whose f16/bf16 operands are padded to the
// Tensor Core tile, with an f32 accumulator.
//
//===----------------------------------------------------------------------===//

#include "CUDAPasses.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlc::cuda {
#define GEN_PASS_DEF_CONTRACTIONTOMMA
#include "CUDAPasses.h.inc"
} // namespace mlc::cuda

using namespace mlir;
using namespace mlc;

static int64_t roundUp(int64_t v) {
  return (v + cuda::kMMATile - 1) / cuda::kMMATile * cuda::kMMATile;
}

static bool isStaticF32(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape() && type.getElementType().isF32();
}

namespace {
/// Builds index arithmetic inside a generic body.
struct IndexMath {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value mul(Value x, int64_t v) { return arith::MulIOp::create(b, loc, x, c(v)); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value div(Value x, int64_t v) { return arith::DivUIOp::create(b, loc, x, c(v)); }
  Value rem(Value x, int64_t v) { return arith::RemUIOp::create(b, loc, x, c(v)); }
  Value lt(Value x, int64_t v) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, c(v));
  }
  Value both(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
};
} // namespace

using GatherFn = function_ref<Value(IndexMath &, ValueRange)>;

/// A tensor of `shape` x `elementType` whose element at `ivs` is
/// `source[indices]` converted, where `body(ivs)` returns the in-bounds flag
/// and fills `indices`; zero where the flag is false. Indices are clamped
/// to the source so that the padding never reads out of bounds.
static Value
buildGather(OpBuilder &b, Location loc, Value source, ArrayRef<int64_t> shape,
            Type elementType,
            function_ref<Value(IndexMath &, ValueRange, SmallVectorImpl<Value> &)>
                body) {
  auto sourceType = cast<RankedTensorType>(source.getType());
  Value init = tensor::EmptyOp::create(b, loc, shape, elementType);
  unsigned rank = shape.size();
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{}, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nl, ValueRange) {
        IndexMath math{nb, nl};
        SmallVector<Value> ivs;
        for (unsigned d = 0; d < rank; ++d)
          ivs.push_back(linalg::IndexOp::create(nb, nl, d));
        SmallVector<Value> indices;
        Value inBounds = body(math, ivs, indices);
        for (auto [d, index] : llvm::enumerate(indices))
          index = arith::MinUIOp::create(nb, nl, index,
                                         math.c(sourceType.getDimSize(d) - 1));
        Value value = tensor::ExtractOp::create(nb, nl, source, indices);
        Type sourceElement = sourceType.getElementType();
        if (sourceElement != elementType)
          value = arith::TruncFOp::create(nb, nl, elementType, value);
        Value zero = arith::ConstantOp::create(nb, nl, elementType,
                                               nb.getZeroAttr(elementType));
        if (inBounds)
          value = arith::SelectOp::create(nb, nl, inBounds, value, zero);
        linalg::YieldOp::create(nb, nl, value);
      });
  return generic.getResult(0);
}

/// `source` (rank 2 or 3, the last two dims a row-major matrix) converted to
/// `elementType` and zero-padded to `paddedShape`.
static Value padMatrix(OpBuilder &b, Location loc, Value source,
                       ArrayRef<int64_t> paddedShape, Type elementType) {
  auto type = cast<RankedTensorType>(source.getType());
  if (type.getShape() == paddedShape && type.getElementType() == elementType)
    return source;
  return buildGather(b, loc, source, paddedShape, elementType,
                     [&](IndexMath &m, ValueRange ivs,
                         SmallVectorImpl<Value> &indices) -> Value {
                       Value inBounds;
                       for (auto [d, iv] : llvm::enumerate(ivs)) {
                         indices.push_back(iv);
                         if (type.getDimSize(d) == paddedShape[d])
                           continue;
                         Value lt = m.lt(iv, type.getDimSize(d));
                         inBounds = inBounds ? m.both(inBounds, lt) : lt;
                       }
                       return inBounds;
                     });
}

/// The padded matmul (batched when the operands have rank 3) of `a` and `b`
/// into `c`, cut back to `c`'s shape.
static Value buildPaddedMatmul(PatternRewriter &rewriter, Location loc,
                               Value a, Value b, Value c, Type elementType) {
  auto aType = cast<RankedTensorType>(a.getType());
  auto cType = cast<RankedTensorType>(c.getType());
  bool batched = cType.getRank() == 3;
  int64_t batch = batched ? cType.getDimSize(0) : 0;
  int64_t m = cType.getDimSize(batched), n = cType.getDimSize(batched + 1);
  int64_t k = aType.getDimSize(batched + 1);
  auto shape = [&](int64_t rows, int64_t cols) {
    SmallVector<int64_t> s;
    if (batched)
      s.push_back(batch);
    s.append({roundUp(rows), roundUp(cols)});
    return s;
  };
  Value a16 = padMatrix(rewriter, loc, a, shape(m, k), elementType);
  Value b16 = padMatrix(rewriter, loc, b, shape(k, n), elementType);
  Value cPad = padMatrix(rewriter, loc, c, shape(m, n), cType.getElementType());
  Value result;
  if (batched)
    result = linalg::BatchMatmulOp::create(rewriter, loc,
                                           TypeRange{cPad.getType()},
                                           ValueRange{a16, b16}, ValueRange{cPad})
                 .getResult(0);
  else
    result = linalg::MatmulOp::create(rewriter, loc, TypeRange{cPad.getType()},
                                      ValueRange{a16, b16}, ValueRange{cPad})
                 .getResult(0);
  if (result.getType() == c.getType())
    return result;
  SmallVector<OpFoldResult> offsets(cType.getRank(), rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(cType.getRank(), rewriter.getIndexAttr(1));
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : cType.getShape())
    sizes.push_back(rewriter.getIndexAttr(d));
  return tensor::ExtractSliceOp::create(rewriter, loc, cType, result, offsets,
                                        sizes, strides);
}

namespace {
/// Matmul and batch matmul with default indexing maps.
template <typename OpTy>
struct MatmulToMMA : OpRewritePattern<OpTy> {
  MatmulToMMA(MLIRContext *ctx, Type elementType)
      : OpRewritePattern<OpTy>(ctx), elementType(elementType) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.hasUserDefinedMaps())
      return rewriter.notifyMatchFailure(op, "not a plain tensor matmul");
    Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1];
    Value c = op.getDpsInits()[0];
    if (!isStaticF32(a) || !isStaticF32(b) || !isStaticF32(c))
      return rewriter.notifyMatchFailure(op, "not static f32");
    rewriter.replaceOp(
        op, buildPaddedMatmul(rewriter, op.getLoc(), a, b, c, elementType));
    return success();
  }

  Type elementType;
};

/// NHWC convolution as a GEMM over the im2col matrix.
struct ConvToMMA : OpRewritePattern<linalg::Conv2DNhwcFhwcOp> {
  ConvToMMA(MLIRContext *ctx, Type elementType)
      : OpRewritePattern(ctx), elementType(elementType) {}

  LogicalResult matchAndRewrite(linalg::Conv2DNhwcFhwcOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "not on tensors");
    Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1];
    Value init = op.getDpsInits()[0];
    if (!isStaticF32(input) || !isStaticF32(filter) || !isStaticF32(init))
      return rewriter.notifyMatchFailure(op, "not static f32");
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(init.getType());
    auto filterType = cast<RankedTensorType>(filter.getType());
    ArrayRef<int64_t> out = outType.getShape();
    int64_t kh = filterType.getDimSize(1), kw = filterType.getDimSize(2);
    int64_t channels = filterType.getDimSize(3), features = out[3];
    int64_t ohw = out[1] * out[2], ow = out[2];
    int64_t m = out[0] * ohw, k = kh * kw * channels;
    SmallVector<int64_t> strides(op.getStrides().getValues<int64_t>());
    SmallVector<int64_t> dilations(op.getDilations().getValues<int64_t>());

    // k -> (kh, kw, c): the filter's row-major order, so B is the filter
    // read as F x K, transposed.
    auto splitK = [&](IndexMath &math, Value kIndex) {
      Value r = math.rem(kIndex, kw * channels);
      return std::array<Value, 3>{math.div(kIndex, kw * channels),
                                  math.div(r, channels), math.rem(r, channels)};
    };
    Value a = buildGather(
        rewriter, loc, input, {roundUp(m), roundUp(k)}, elementType,
        [&](IndexMath &math, ValueRange ivs, SmallVectorImpl<Value> &indices) {
          Value r = math.rem(ivs[0], ohw);
          Value oh = math.div(r, ow), owIndex = math.rem(r, ow);
          auto [fh, fw, c] = splitK(math, ivs[1]);
          indices.append(
              {math.div(ivs[0], ohw),
               math.add(math.mul(oh, strides[0]), math.mul(fh, dilations[0])),
               math.add(math.mul(owIndex, strides[1]),
                        math.mul(fw, dilations[1])),
               c});
          return math.both(math.lt(ivs[0], m), math.lt(ivs[1], k));
        });
    Value b = buildGather(
        rewriter, loc, filter, {roundUp(k), roundUp(features)}, elementType,
        [&](IndexMath &math, ValueRange ivs, SmallVectorImpl<Value> &indices) {
          auto [fh, fw, c] = splitK(math, ivs[0]);
          indices.append({ivs[1], fh, fw, c});
          return math.both(math.lt(ivs[0], k), math.lt(ivs[1], features));
        });
    SmallVector<ReassociationIndices> collapse{{0, 1, 2}, {3}};
    Value c = tensor::CollapseShapeOp::create(rewriter, loc, init, collapse);
    Value cPad = padMatrix(rewriter, loc, c, {roundUp(m), roundUp(features)},
                           outType.getElementType());
    Value product =
        linalg::MatmulOp::create(rewriter, loc, TypeRange{cPad.getType()},
                                 ValueRange{a, b}, ValueRange{cPad})
            .getResult(0);
    if (product.getType() != c.getType()) {
      SmallVector<OpFoldResult> zeros(2, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> ones(2, rewriter.getIndexAttr(1));
      SmallVector<OpFoldResult> sizes{rewriter.getIndexAttr(m),
                                      rewriter.getIndexAttr(features)};
      product = tensor::ExtractSliceOp::create(
          rewriter, loc, cast<RankedTensorType>(c.getType()), product, zeros,
          sizes, ones);
    }
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, outType, product,
                                                       collapse);
    return success();
  }

  Type elementType;
};
} // namespace

void cuda::populateContractionToMMAPatterns(RewritePatternSet &patterns,
                                            Type mmaElementType) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<MatmulToMMA<linalg::MatmulOp>,
               MatmulToMMA<linalg::BatchMatmulOp>, ConvToMMA>(ctx,
                                                              mmaElementType);
}

namespace {
struct ContractionToMMAPass
    : cuda::impl::ContractionToMMABase<ContractionToMMAPass> {
  using ContractionToMMABase::ContractionToMMABase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    Type type;
    if (elementType == "f16")
      type = Float16Type::get(ctx);
    else if (elementType == "bf16")
      type = BFloat16Type::get(ctx);
    else {
      getOperation().emitError("unknown Tensor Core element type '")
          << elementType << "' (expected f16 or bf16)";
      return signalPassFailure();
    }
    RewritePatternSet patterns(ctx);
    cuda::populateContractionToMMAPatterns(patterns, type);
    // Rewrite each op once: the matmuls it creates are f16 and do not match.
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingOps);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      return signalPassFailure();
  }
};
} // namespace
