//===- ContractionToMMA.cpp - Matmul-like ops to padded f16 matmuls -------===//
//
// Rewrites f32 matmul, batch matmul and NHWC convolution (as an im2col
// GEMM) on tensors into matmuls whose f16/bf16 operands are padded to the
// Tensor Core tile, with an f32 accumulator. Operands that are constants
// (weights) are gathered, padded and converted at compile time, so the
// artifact stores them in f16/bf16 and no kernel converts them per run.
//
// 8-bit contractions with i32 accumulation (the packed int8 x int8 -> i32
// linalg.generic of mlc-lower-quant's integer layers) become i8 x i8 -> i32
// matmuls with K padded to 32 (the mma.sync m16n8k32 step). The Tensor
// Core type is s8 x s8: an unsigned (zero-extended) activation a is fed as
// a - 128 (its bits with the top one flipped) and C is corrected by
// 128 * sum_k B[k, n], which keeps the i32 result exact.
//
//===----------------------------------------------------------------------===//

#include "CUDAPasses.h"
#include "IndexMath.h"

#include "mlc/Dialect/MLC/Transforms/ConstantUtils.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlc::cuda {
#define GEN_PASS_DEF_CONTRACTIONTOMMA
#include "CUDAPasses.h.inc"
} // namespace mlc::cuda

using namespace mlir;
using namespace mlc;

static int64_t roundUp(int64_t v, int64_t multiple = cuda::kMMATile) {
  return (v + multiple - 1) / multiple * multiple;
}

/// K of the 8-bit Tensor Core step (mma.sync m16n8k32).
static constexpr int64_t kInt8TileK = 32;

static bool isStaticF32(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape() && type.getElementType().isF32();
}

namespace {
/// Index functions of gathers are written once against cuda::IndexMath's
/// interface (IndexMath.h) and also run on integers by ConstIndexMath, to
/// fold gathers of constants.
using cuda::IndexMath;

/// The same index arithmetic evaluated at compile time.
struct ConstIndexMath {
  using Index = int64_t;
  using Flag = std::optional<bool>;
  int64_t c(int64_t v) { return v; }
  int64_t mul(int64_t x, int64_t v) { return x * v; }
  int64_t add(int64_t x, int64_t y) { return x + y; }
  int64_t div(int64_t x, int64_t v) { return x / v; }
  int64_t rem(int64_t x, int64_t v) { return x % v; }
  bool lt(int64_t x, int64_t v) { return x < v; }
  bool both(Flag x, bool y) { return x.value_or(true) && y; }
};
} // namespace

/// Gathers above this many elements are left to a kernel rather than
/// folded (compile time and memory).
static constexpr int64_t kMaxFoldedGather = int64_t(1) << 26;

/// `buildGather` of a constant `source`, evaluated at compile time: a
/// constant of `shape` x `elementType` (dense_resource when large); null
/// when `source` is not a readable constant.
template <typename Body>
static Value foldGather(OpBuilder &b, Location loc, Value source,
                        ArrayRef<int64_t> shape, Type elementType,
                        bool flipSign, Body &&body) {
  auto constant = source.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return {};
  auto attr = dyn_cast<ElementsAttr>(constant.getValue());
  auto resultType = RankedTensorType::get(shape, elementType);
  // Splats (zero accumulators) stay splats; gathers that grow the data
  // (beyond padding) are cheaper as a kernel than stored.
  if (!attr || attr.isSplat() ||
      resultType.getNumElements() > kMaxFoldedGather ||
      resultType.getNumElements() > 2 * attr.getNumElements() + 4096)
    return {};
  FailureOr<ConstTensor> input = ConstTensor::read(attr);
  if (failed(input) || input->isFloat() != isa<FloatType>(elementType))
    return {};
  ArrayRef<int64_t> sourceShape = input->type.getShape();
  SmallVector<int64_t> sourceStrides = getStrides(sourceShape);
  ConstTensor result = ConstTensor::zeros(resultType);
  ConstIndexMath math;
  SmallVector<int64_t> ivs(shape.size(), 0), indices;
  for (int64_t linear = 0, e = resultType.getNumElements(); linear < e;
       ++linear) {
    indices.clear();
    std::optional<bool> inBounds = body(math, ArrayRef<int64_t>(ivs), indices);
    if (inBounds.value_or(true)) {
      int64_t offset = 0;
      for (auto [d, index] : llvm::enumerate(indices))
        offset += std::min(index, sourceShape[d] - 1) * sourceStrides[d];
      if (input->isFloat())
        result.floats[linear] = input->floats[offset];
      else
        result.ints[linear] =
            flipSign ? (input->ints[offset] & 0xFF) - 128 : input->ints[offset];
    }
    // Next multi-index, row-major.
    for (unsigned d = shape.size(); d-- > 0;) {
      if (++ivs[d] < shape[d])
        break;
      ivs[d] = 0;
    }
  }
  return arith::ConstantOp::create(b, loc, resultType,
                                   result.toAttr("mma_operand"));
}

/// A tensor of `shape` x `elementType` whose element at `ivs` is
/// `source[indices]` converted, where `body(ivs)` returns the in-bounds flag
/// and fills `indices`; zero where the flag is false. Indices are clamped
/// to the source so that the padding never reads out of bounds. With
/// `flipSign` (8-bit integers), the top bit of each element read is
/// flipped: an unsigned u becomes the signed u - 128.
template <typename Body>
static Value buildGather(OpBuilder &b, Location loc, Value source,
                         ArrayRef<int64_t> shape, Type elementType, Body &&body,
                         bool flipSign = false) {
  if constexpr (std::is_invocable_v<Body &, ConstIndexMath &, ArrayRef<int64_t>,
                                    SmallVector<int64_t> &>)
    if (Value folded =
            foldGather(b, loc, source, shape, elementType, flipSign, body))
      return folded;
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
        Value inBounds = body(math, ValueRange(ivs), indices);
        for (auto [d, index] : llvm::enumerate(indices))
          index = arith::MinUIOp::create(nb, nl, index,
                                         math.c(sourceType.getDimSize(d) - 1));
        Value value = tensor::ExtractOp::create(nb, nl, source, indices);
        Type sourceElement = sourceType.getElementType();
        if (sourceElement != elementType && isa<FloatType>(elementType))
          value = arith::TruncFOp::create(nb, nl, elementType, value);
        else if (sourceElement != elementType)
          value = arith::TruncIOp::create(nb, nl, elementType, value);
        if (flipSign)
          value = arith::XOrIOp::create(
              nb, nl, value,
              arith::ConstantOp::create(nb, nl, elementType,
                                        nb.getIntegerAttr(elementType, 0x80)));
        Value zero = arith::ConstantOp::create(nb, nl, elementType,
                                               nb.getZeroAttr(elementType));
        if (inBounds)
          value = arith::SelectOp::create(nb, nl, inBounds, value, zero);
        linalg::YieldOp::create(nb, nl, value);
      });
  return generic.getResult(0);
}

/// The loop dimensions of one GEMM axis (batch, M, N or K), flattened
/// row-major into a single index.
struct Axis {
  SmallVector<unsigned> dims;
  int64_t size = 1;
};

/// Whether `op` is an 8-bit contraction with i32 accumulation: static i8
/// inputs, each extended (extsi or extui) to i32 in the body, a static i32
/// init. Returns, for each input, whether it is extended unsigned.
static FailureOr<std::array<bool, 2>>
matchInt8Contraction(linalg::LinalgOp op) {
  auto isStatic = [](Value v, unsigned width) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    return type && type.hasStaticShape() &&
           type.getElementType().isInteger(width);
  };
  if (!isStatic(op.getDpsInputs()[0], 8) ||
      !isStatic(op.getDpsInputs()[1], 8) || !isStatic(op.getDpsInits()[0], 32))
    return failure();
  Block *body = op.getBlock();
  std::array<bool, 2> isUnsigned{};
  for (unsigned i = 0; i < 2; ++i) {
    BlockArgument arg = body->getArgument(i);
    if (!arg.hasOneUse())
      return failure();
    Operation *ext = *arg.getUsers().begin();
    if (!isa<arith::ExtSIOp, arith::ExtUIOp>(ext) ||
        !ext->getResult(0).getType().isInteger(32))
      return failure();
    isUnsigned[i] = isa<arith::ExtUIOp>(ext);
  }
  return isUnsigned;
}

/// The column sums sum_k `bm`[.., k, n] of a constant 8-bit (batch x) K x N
/// matrix as an i32 constant of `sumShape`; null when `bm` is no constant.
static Value foldColumnSums(OpBuilder &b, Location loc, Value bm,
                            ArrayRef<int64_t> sumShape) {
  auto constant = bm.getDefiningOp<arith::ConstantOp>();
  auto attr =
      constant ? dyn_cast<ElementsAttr>(constant.getValue()) : ElementsAttr();
  if (!attr)
    return {};
  FailureOr<ConstTensor> weights = ConstTensor::read(attr);
  if (failed(weights) || weights->isFloat())
    return {};
  auto bType = cast<RankedTensorType>(bm.getType());
  int64_t nSize = bType.getShape().back();
  int64_t matrixSize = bType.getShape().end()[-2] * nSize;
  auto sumType = RankedTensorType::get(sumShape, b.getI32Type());
  ConstTensor result = ConstTensor::zeros(sumType);
  for (int64_t linear = 0; linear < weights->size(); ++linear)
    result.ints[linear / matrixSize * nSize + linear % nSize] +=
        weights->ints[linear];
  return arith::ConstantOp::create(b, loc, sumType,
                                   result.toAttr("mma_column_sums"));
}

/// `c` + 128 * sum_k sext(`bm`[.., k, n]), broadcast over the rows: the
/// correction of an unsigned activation a fed to the Tensor Cores as the
/// signed a - 128 (sum_k a b = sum_k (a - 128) b + 128 sum_k b). The sums
/// of constant weights are computed at compile time, others by a kernel.
static Value addUnsignedCorrection(OpBuilder &b, Location loc, Value bm,
                                   Value c, bool batched) {
  auto bType = cast<RankedTensorType>(bm.getType());
  auto cType = cast<RankedTensorType>(c.getType());
  Type i32 = b.getI32Type();
  MLIRContext *ctx = b.getContext();
  unsigned rank = cType.getRank();
  // Column sums: (batch x) N.
  SmallVector<int64_t> sumShape;
  if (batched)
    sumShape.push_back(bType.getDimSize(0));
  sumShape.push_back(bType.getDimSize(rank - 1));
  // Loops (batch,) k, n for the sums; (batch,) m, n for the addition.
  SmallVector<AffineExpr> vectorDims;
  if (batched)
    vectorDims.push_back(getAffineDimExpr(0, ctx));
  vectorDims.push_back(getAffineDimExpr(rank - 1, ctx));
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap columns = AffineMap::get(rank, 0, vectorDims, ctx);
  Value sums = foldColumnSums(b, loc, bm, sumShape);
  if (!sums) {
    Value zero = arith::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(0));
    Value init = linalg::FillOp::create(
                     b, loc, zero,
                     ValueRange{tensor::EmptyOp::create(b, loc, sumShape, i32)})
                     .getResult(0);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators[rank - 2] = utils::IteratorType::reduction;
    sums =
        linalg::GenericOp::create(
            b, loc, TypeRange{init.getType()}, ValueRange{bm}, ValueRange{init},
            ArrayRef<AffineMap>{identity, columns}, iterators,
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              Value wide = arith::ExtSIOp::create(nb, nl, i32, args[0]);
              Value sum = arith::AddIOp::create(nb, nl, args[1], wide);
              linalg::YieldOp::create(nb, nl, sum);
            })
            .getResult(0);
  }
  Value init = tensor::EmptyOp::create(b, loc, cType.getShape(), i32);
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{cType}, ValueRange{c, sums}, ValueRange{init},
             ArrayRef<AffineMap>{identity, columns, identity}, parallel,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value scaled = arith::MulIOp::create(
                   nb, nl, args[1],
                   arith::ConstantOp::create(nb, nl, i32,
                                             nb.getI32IntegerAttr(128)));
               Value sum = arith::AddIOp::create(nb, nl, args[0], scaled);
               linalg::YieldOp::create(nb, nl, sum);
             })
      .getResult(0);
}

/// Whether the i32 tensor `v` holds widened 8-bit integers: an extsi/extui
/// from i8 (on tensors, or as the whole body of an elementwise
/// linalg.generic), possibly seen through transposes (the layout pass's).
/// Returns whether the extension is unsigned.
static FailureOr<bool> matchWidenedInt8(Value v) {
  while (auto transpose = v.getDefiningOp<linalg::TransposeOp>())
    v = transpose.getInput();
  if (auto ext = v.getDefiningOp<arith::ExtUIOp>()) {
    if (!getElementTypeOrSelf(ext.getIn().getType()).isInteger(8))
      return failure();
    return true;
  }
  if (auto ext = v.getDefiningOp<arith::ExtSIOp>()) {
    if (!getElementTypeOrSelf(ext.getIn().getType()).isInteger(8))
      return failure();
    return false;
  }
  auto generic = v.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops() ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return failure();
  Block *body = generic.getBlock();
  if (!getElementTypeOrSelf(generic.getDpsInputs()[0].getType()).isInteger(8) ||
      body->getOperations().size() != 2)
    return failure();
  Operation *ext = &body->front();
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1 ||
      yield.getOperand(0) != ext->getResult(0) ||
      ext->getOperand(0) != body->getArgument(0))
    return failure();
  if (isa<arith::ExtUIOp>(ext))
    return true;
  if (isa<arith::ExtSIOp>(ext))
    return false;
  return failure();
}

/// Whether `v` is a constant whose integers all fit in int8.
static bool isInt8Constant(Value v) {
  auto constant = v.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return false;
  auto attr = dyn_cast<ElementsAttr>(constant.getValue());
  if (!attr)
    return false;
  FailureOr<ConstTensor> tensor = ConstTensor::read(attr);
  return succeeded(tensor) && !tensor->isFloat() &&
         llvm::all_of(tensor->ints,
                      [](int64_t x) { return x >= -128 && x <= 127; });
}

static bool isStaticI32(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape() && type.getElementType().isInteger(32);
}

namespace {
/// Any contraction (named matmul, batch matmul, or a generic with a
/// multiply-add body and projected-permutation maps, such as the batched
/// and broadcast matmuls of attention): batch, M, N and K loops are each
/// flattened into one dimension, and the operands gathered into padded
/// B x M x K / B x K x N / B x M x N matrices.
struct ContractionToMMAPattern : OpInterfaceRewritePattern<linalg::LinalgOp> {
  ContractionToMMAPattern(MLIRContext *ctx, Type elementType)
      : OpInterfaceRewritePattern(ctx), elementType(elementType) {}

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op))
      return rewriter.notifyMatchFailure(op, "not a tensor contraction");
    // f32, or 8-bit integers accumulated in i32.
    bool int8 = false, aUnsigned = false;
    if (!llvm::all_of(op->getOperands(), isStaticF32)) {
      FailureOr<std::array<bool, 2>> isUnsigned = matchInt8Contraction(op);
      if (failed(isUnsigned))
        return rewriter.notifyMatchFailure(op, "not static f32 or 8-bit");
      // s8 x s8 on the Tensor Cores: an unsigned activation is shifted
      // into s8 (and C corrected), unsigned weights are not handled.
      if ((*isUnsigned)[1])
        return rewriter.notifyMatchFailure(op, "unsigned 8-bit B operand");
      int8 = true;
      aUnsigned = (*isUnsigned)[0];
    }
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (failed(dims) || dims->m.empty() || dims->n.empty() || dims->k.empty())
      return rewriter.notifyMatchFailure(op, "no M, N or K dimension");
    for (AffineMap map : op.getIndexingMapsArray())
      for (AffineExpr expr : map.getResults())
        if (!isa<AffineDimExpr, AffineConstantExpr>(expr))
          return rewriter.notifyMatchFailure(op, "non-trivial indexing");
    OpOperand *init = op.getDpsInitOperand(0);
    AffineMap outMap = op.getMatchingIndexingMap(init);
    if (!outMap.isProjectedPermutation() ||
        outMap.getNumResults() !=
            dims->batch.size() + dims->m.size() + dims->n.size())
      return rewriter.notifyMatchFailure(op, "output is not batch x M x N");

    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    auto axis = [&](ArrayRef<unsigned> loops) {
      Axis a;
      a.dims.assign(loops.begin(), loops.end());
      for (unsigned d : loops)
        a.size *= ranges[d];
      return a;
    };
    Axis batch = axis(dims->batch), m = axis(dims->m), n = axis(dims->n),
         k = axis(dims->k);
    bool batched = !batch.dims.empty();
    unsigned numLoops = ranges.size();

    // Sets the loop indices of `a` from its flattened index `flat`.
    auto decode = [&](auto &math, auto flat, const Axis &a, auto &loops) {
      for (unsigned i = a.dims.size(); i-- > 1;) {
        loops[a.dims[i]] = math.rem(flat, ranges[a.dims[i]]);
        flat = math.div(flat, ranges[a.dims[i]]);
      }
      loops[a.dims[0]] = flat;
    };
    auto encode = [&](IndexMath &math, const Axis &a, ArrayRef<Value> loops) {
      Value flat = loops[a.dims[0]];
      for (unsigned d : llvm::drop_begin(a.dims))
        flat = math.add(math.mul(flat, ranges[d]), loops[d]);
      return flat;
    };
    // `operand` as a (batch x) rows x cols matrix, padded (rows and cols to
    // multiples of `rowPad` and `colPad`) and converted.
    Location loc = op.getLoc();
    auto gather = [&](OpOperand *operand, const Axis &rows, const Axis &cols,
                      Type type, int64_t rowPad, int64_t colPad,
                      bool flipSign) {
      SmallVector<int64_t> shape;
      if (batched)
        shape.push_back(batch.size);
      shape.append({roundUp(rows.size, rowPad), roundUp(cols.size, colPad)});
      AffineMap map = op.getMatchingIndexingMap(operand);
      return buildGather(
          rewriter, loc, operand->get(), shape, type,
          [&](auto &math, auto ivs, auto &indices) {
            using Math = std::decay_t<decltype(math)>;
            SmallVector<typename Math::Index> loops(numLoops, math.c(0));
            if (batched)
              decode(math, ivs[0], batch, loops);
            decode(math, ivs[batched], rows, loops);
            decode(math, ivs[batched + 1], cols, loops);
            for (AffineExpr expr : map.getResults()) {
              if (auto dim = dyn_cast<AffineDimExpr>(expr))
                indices.push_back(loops[dim.getPosition()]);
              else
                indices.push_back(
                    math.c(cast<AffineConstantExpr>(expr).getValue()));
            }
            typename Math::Flag inBounds{};
            auto bound = [&](typename Math::Index iv, int64_t size,
                             int64_t pad) {
              if (size == roundUp(size, pad))
                return;
              auto lt = math.lt(iv, size);
              if (inBounds)
                inBounds = math.both(inBounds, lt);
              else
                inBounds = lt;
            };
            bound(ivs[batched], rows.size, rowPad);
            bound(ivs[batched + 1], cols.size, colPad);
            return inBounds;
          },
          flipSign);
    };
    Type operandType = int8 ? rewriter.getI8Type() : elementType;
    Type accType = int8 ? Type(rewriter.getI32Type()) : rewriter.getF32Type();
    const int64_t tile = cuda::kMMATile;
    const int64_t padK = int8 ? kInt8TileK : tile;
    Value a = gather(op.getDpsInputOperand(0), m, k, operandType, tile, padK,
                     aUnsigned);
    Value b =
        gather(op.getDpsInputOperand(1), k, n, operandType, padK, tile, false);
    Value c = gather(init, m, n, accType, tile, tile, false);
    if (aUnsigned)
      c = addUnsignedCorrection(rewriter, loc, b, c, batched);
    Value product;
    if (batched)
      product =
          linalg::BatchMatmulOp::create(rewriter, loc, TypeRange{c.getType()},
                                        ValueRange{a, b}, ValueRange{c})
              .getResult(0);
    else
      product = linalg::MatmulOp::create(rewriter, loc, TypeRange{c.getType()},
                                         ValueRange{a, b}, ValueRange{c})
                    .getResult(0);
    auto outType = cast<RankedTensorType>(init->get().getType());
    Value result = buildGather(
        rewriter, loc, product, outType.getShape(), accType,
        [&](IndexMath &math, ValueRange ivs, SmallVectorImpl<Value> &indices) {
          SmallVector<Value> loops(numLoops, Value());
          for (auto [i, expr] : llvm::enumerate(outMap.getResults()))
            loops[cast<AffineDimExpr>(expr).getPosition()] = ivs[i];
          if (batched)
            indices.push_back(encode(math, batch, loops));
          indices.append({encode(math, m, loops), encode(math, n, loops)});
          return Value();
        });
    rewriter.replaceOp(op, result);
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
    // f32, or an i32 convolution of widened 8-bit activations by constant
    // weights within int8 (what mlc-lower-quant's convolutions become in
    // NHWC): then an i8 x i8 -> i32 GEMM with K padded to 32.
    bool int8 = false, aUnsigned = false;
    if (!isStaticF32(input) || !isStaticF32(filter) || !isStaticF32(init)) {
      FailureOr<bool> widened = failure();
      if (isStaticI32(input) && isStaticI32(filter) && isStaticI32(init) &&
          isInt8Constant(filter))
        widened = matchWidenedInt8(input);
      if (failed(widened))
        return rewriter.notifyMatchFailure(
            op, "not static f32 or widened 8-bit by int8 constants");
      int8 = true;
      aUnsigned = *widened;
    }
    Type gemmType = int8 ? Type(rewriter.getI8Type()) : elementType;
    const int64_t padK = int8 ? kInt8TileK : cuda::kMMATile;
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
    auto splitK = [&](auto &math, auto kIndex) {
      auto r = math.rem(kIndex, kw * channels);
      return std::array<decltype(r), 3>{math.div(kIndex, kw * channels),
                                        math.div(r, channels),
                                        math.rem(r, channels)};
    };
    Value a = buildGather(
        rewriter, loc, input, {roundUp(m), roundUp(k, padK)}, gemmType,
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
        },
        aUnsigned);
    Value b = buildGather(
        rewriter, loc, filter, {roundUp(k, padK), roundUp(features)}, gemmType,
        [&](auto &math, auto ivs, auto &indices) ->
        typename std::decay_t<decltype(math)>::Flag {
          auto [fh, fw, c] = splitK(math, ivs[0]);
          indices.append({ivs[1], fh, fw, c});
          return math.both(math.lt(ivs[0], k), math.lt(ivs[1], features));
        });
    // The accumulator and the result move between the NHWC and the M x F
    // views with gathers rather than reshapes: elementwise fusion
    // propagates reshapes into the matmul and turns it into a generic.
    auto splitM = [&](IndexMath &math, Value mIndex) {
      Value r = math.rem(mIndex, ohw);
      return std::array<Value, 3>{math.div(mIndex, ohw), math.div(r, ow),
                                  math.rem(r, ow)};
    };
    Value c = buildGather(
        rewriter, loc, init, {roundUp(m), roundUp(features)},
        outType.getElementType(),
        [&](IndexMath &math, ValueRange ivs, SmallVectorImpl<Value> &indices) {
          auto [n, oh, owIndex] = splitM(math, ivs[0]);
          indices.append({n, oh, owIndex, ivs[1]});
          return math.both(math.lt(ivs[0], m), math.lt(ivs[1], features));
        });
    if (aUnsigned)
      c = addUnsignedCorrection(rewriter, loc, b, c, /*batched=*/false);
    Value product =
        linalg::MatmulOp::create(rewriter, loc, TypeRange{c.getType()},
                                 ValueRange{a, b}, ValueRange{c})
            .getResult(0);
    Value result = buildGather(
        rewriter, loc, product, out, outType.getElementType(),
        [&](IndexMath &math, ValueRange ivs, SmallVectorImpl<Value> &indices) {
          Value row = math.add(
              math.add(math.mul(ivs[0], ohw), math.mul(ivs[1], ow)), ivs[2]);
          indices.append({row, ivs[3]});
          return Value();
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  Type elementType;
};
} // namespace

void cuda::populateContractionToMMAPatterns(RewritePatternSet &patterns,
                                            Type mmaElementType) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ContractionToMMAPattern, ConvToMMA>(ctx, mmaElementType);
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
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      return signalPassFailure();
  }
};
} // namespace
