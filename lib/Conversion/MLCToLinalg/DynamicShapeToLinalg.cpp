//===- DynamicShapeToLinalg.cpp - Runtime-shape ops to linalg -------------===//
//
// mlc.dynamic_slice, mlc.dynamic_pad, mlc.dynamic_expand, mlc.dynamic_tile
// and mlc.dynamic_range: the bounds are read from their operand tensors with
// tensor.extract, resolved in scalar index arithmetic (ONNX's clamping), and
// the result is one linalg.generic that reads the input through
// tensor.extract at the computed positions. Result dimensions that are `?`
// are sized with the computed extents.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlc;

namespace {

/// Scalar i64 arithmetic with short names; every value is an i64.
struct I64Builder {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivSIOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value select(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  Value clamp(Value x, Value lo, Value hi) { return min(max(x, lo), hi); }
  /// Element `i` of a 1-D integer tensor, as i64.
  Value element(Value tensor, int64_t i) {
    Value index = arith::ConstantIndexOp::create(b, loc, i);
    Value v = tensor::ExtractOp::create(b, loc, tensor, ValueRange{index});
    return toI64(v);
  }
  Value toI64(Value v) {
    Type type = v.getType();
    if (type.isIndex())
      return arith::IndexCastOp::create(b, loc, b.getI64Type(), v);
    unsigned width = type.getIntOrFloatBitWidth();
    if (width < 64)
      return arith::ExtSIOp::create(b, loc, b.getI64Type(), v);
    return v;
  }
  Value toIndex(Value v) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  }
  /// Size of dimension `d` of `tensor`, as i64.
  Value dim(Value tensor, int64_t d) {
    auto type = cast<RankedTensorType>(tensor.getType());
    if (!type.isDynamicDim(d))
      return c(type.getDimSize(d));
    return toI64(tensor::DimOp::create(b, loc, tensor, d));
  }
};

/// The sizes of `type`'s `?` dimensions, from i64 `extents`.
SmallVector<Value> getDynamicSizes(I64Builder &ib, RankedTensorType type,
                                   ArrayRef<Value> extents) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(ib.toIndex(extents[d]));
  return sizes;
}

struct DynamicSliceLowering : OpRewritePattern<DynamicSliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DynamicSliceOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    I64Builder ib{rewriter, loc};
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    int64_t count =
        cast<RankedTensorType>(op.getStarts().getType()).getDimSize(0);
    Value zero = ib.c(0), one = ib.c(1);
    SmallVector<Value> dims, offsets, sizes, strides;
    for (int64_t d = 0; d < rank; ++d) {
      dims.push_back(ib.dim(op.getInput(), d));
      offsets.push_back(zero);
      sizes.push_back(dims.back());
      strides.push_back(one);
    }
    using P = arith::CmpIPredicate;
    for (int64_t i = 0; i < count; ++i) {
      Value axis = ib.element(op.getAxes(), i);
      axis =
          ib.select(ib.cmp(P::slt, axis, zero), ib.add(axis, ib.c(rank)), axis);
      Value start = ib.element(op.getStarts(), i);
      Value end = ib.element(op.getEnds(), i);
      Value step = ib.element(op.getSteps(), i);
      step = ib.select(ib.cmp(P::eq, step, zero), one, step);
      Value forward = ib.cmp(P::sgt, step, zero);
      for (int64_t d = 0; d < rank; ++d) {
        Value dim = dims[d];
        Value s =
            ib.select(ib.cmp(P::slt, start, zero), ib.add(start, dim), start);
        Value e = ib.select(ib.cmp(P::slt, end, zero), ib.add(end, dim), end);
        Value dimMinusOne = ib.sub(dim, one);
        // Forward: [0, dim] for both; backward: start in [0, dim-1], end in
        // [-1, dim-1].
        Value sF = ib.clamp(s, zero, dim), eF = ib.clamp(e, zero, dim);
        Value sB = ib.clamp(s, zero, dimMinusOne);
        Value eB = ib.clamp(e, ib.c(-1), dimMinusOne);
        Value sizeF = ib.select(
            ib.cmp(P::sgt, eF, sF),
            ib.add(ib.div(ib.sub(ib.sub(eF, sF), one), step), one), zero);
        // ceil((sB - eB) / -step) = 1 - (sB - eB - 1) / step, no overflow.
        Value sizeB = ib.select(
            ib.cmp(P::sgt, sB, eB),
            ib.sub(one, ib.div(ib.sub(ib.sub(sB, eB), one), step)), zero);
        Value size = ib.select(forward, sizeF, sizeB);
        Value offset = ib.select(forward, sF, sB);
        offset = ib.select(ib.cmp(P::eq, size, zero), zero, offset);
        Value selected = ib.cmp(P::eq, axis, ib.c(d));
        offsets[d] = ib.select(selected, offset, offsets[d]);
        sizes[d] = ib.select(selected, size, sizes[d]);
        strides[d] = ib.select(selected, step, strides[d]);
      }
    }
    SmallVector<Value> offsetIdx, strideIdx;
    for (int64_t d = 0; d < rank; ++d) {
      offsetIdx.push_back(ib.toIndex(offsets[d]));
      strideIdx.push_back(ib.toIndex(strides[d]));
    }
    Value init = tensor::EmptyOp::create(rewriter, loc, type,
                                         getDynamicSizes(ib, type, sizes));
    Value input = op.getInput();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location nloc, ValueRange) {
          SmallVector<Value> indices;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(b, nloc, d);
            indices.push_back(arith::AddIOp::create(
                b, nloc, offsetIdx[d],
                arith::MulIOp::create(b, nloc, i, strideIdx[d])));
          }
          linalg::YieldOp::create(
              b, nloc,
              ValueRange{tensor::ExtractOp::create(b, nloc, input, indices)});
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Index into the input for a padded index `j` (already shifted by the low
/// pad) of a border mode over a dimension of `size` > 0 (index values).
Value createDynamicBorderIndex(OpBuilder &b, Location loc, PadMode mode,
                               Value j, Value size) {
  auto c = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto positiveMod = [&](Value v, Value m) -> Value {
    Value r = arith::RemSIOp::create(b, loc, v, m);
    return arith::RemSIOp::create(b, loc, arith::AddIOp::create(b, loc, r, m),
                                  m);
  };
  Value last = arith::SubIOp::create(b, loc, size, c(1));
  switch (mode) {
  case PadMode::Edge:
    return arith::MinSIOp::create(
        b, loc, arith::MaxSIOp::create(b, loc, j, c(0)), last);
  case PadMode::Wrap:
    return positiveMod(j, size);
  case PadMode::Reflect: {
    // Period 2 * (size - 1), at least 1 so that size 1 reads index 0.
    Value period = arith::MaxSIOp::create(
        b, loc, arith::MulIOp::create(b, loc, last, c(2)), c(1));
    Value k = positiveMod(j, period);
    Value mirrored = arith::SubIOp::create(b, loc, period, k);
    Value second =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, k, size);
    return arith::SelectOp::create(b, loc, second, mirrored, k);
  }
  case PadMode::Constant:
    break;
  }
  return arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, j, c(0)),
                                arith::MaxSIOp::create(b, loc, last, c(0)));
}

struct DynamicPadLowering : OpRewritePattern<DynamicPadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DynamicPadOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    I64Builder ib{rewriter, loc};
    RankedTensorType type = op.getType();
    RankedTensorType inputType = op.getInput().getType();
    int64_t rank = type.getRank();
    SmallVector<Value> lows, dimsIdx, extents;
    for (int64_t d = 0; d < rank; ++d) {
      Value low = ib.element(op.getPads(), d);
      Value high = ib.element(op.getPads(), d + rank);
      Value dim = ib.dim(op.getInput(), d);
      extents.push_back(ib.max(ib.add(ib.add(dim, low), high), ib.c(0)));
      lows.push_back(ib.toIndex(low));
      dimsIdx.push_back(ib.toIndex(dim));
    }
    Value fill =
        tensor::ExtractOp::create(rewriter, loc, op.getValue(), ValueRange{});
    Value init = tensor::EmptyOp::create(rewriter, loc, type,
                                         getDynamicSizes(ib, type, extents));
    Value input = op.getInput();
    PadMode mode = op.getMode();
    // Reading an input with a (static) empty dimension is never needed:
    // constant mode fills everything.
    bool emptyInput =
        inputType.hasStaticShape() && inputType.getNumElements() == 0;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location nloc, ValueRange) {
          if (emptyInput) {
            linalg::YieldOp::create(b, nloc, ValueRange{fill});
            return;
          }
          SmallVector<Value> indices;
          Value inside = arith::ConstantIntOp::create(b, nloc, 1, 1);
          Value zeroIdx = arith::ConstantIndexOp::create(b, nloc, 0);
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(b, nloc, d);
            Value j = arith::SubIOp::create(b, nloc, i, lows[d]);
            if (mode == PadMode::Constant) {
              Value ge = arith::CmpIOp::create(
                  b, nloc, arith::CmpIPredicate::sge, j, zeroIdx);
              Value lt = arith::CmpIOp::create(
                  b, nloc, arith::CmpIPredicate::slt, j, dimsIdx[d]);
              inside = arith::AndIOp::create(
                  b, nloc, inside, arith::AndIOp::create(b, nloc, ge, lt));
            }
            indices.push_back(
                createDynamicBorderIndex(b, nloc, mode, j, dimsIdx[d]));
          }
          Value v = tensor::ExtractOp::create(b, nloc, input, indices);
          if (mode == PadMode::Constant)
            v = arith::SelectOp::create(b, nloc, inside, v, fill);
          linalg::YieldOp::create(b, nloc, ValueRange{v});
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct DimLowering : OpRewritePattern<DimOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DimOp op,
                                PatternRewriter &rewriter) const override {
    I64Builder ib{rewriter, op.getLoc()};
    Value size = ib.dim(op.getInput(), static_cast<int64_t>(op.getIndex()));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, op.getType(),
                                                        ValueRange{size});
    return success();
  }
};

/// The target sizes are resolved in scalar code (0 copies, -1 is the element
/// count divided by the other sizes), then tensor.reshape.
struct DynamicReshapeLowering : OpRewritePattern<DynamicReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DynamicReshapeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    I64Builder ib{rewriter, loc};
    RankedTensorType type = op.getType();
    RankedTensorType inputType = op.getInput().getType();
    int64_t rank = type.getRank();
    using P = arith::CmpIPredicate;
    Value total = ib.c(1);
    for (int64_t d = 0; d < inputType.getRank(); ++d)
      total = ib.mul(total, ib.dim(op.getInput(), d));
    SmallVector<Value> entries;
    Value known = ib.c(1);
    for (int64_t i = 0; i < rank; ++i) {
      Value v = ib.element(op.getShape(), i);
      if (!op.getAllowzero() && i < inputType.getRank())
        v = ib.select(ib.cmp(P::eq, v, ib.c(0)), ib.dim(op.getInput(), i), v);
      entries.push_back(v);
      Value isInferred = ib.cmp(P::eq, v, ib.c(-1));
      known = ib.mul(known, ib.select(isInferred, ib.c(1), v));
    }
    // max(known, 1): a zero-sized target infers 0 without dividing by 0.
    Value inferred = ib.div(total, ib.max(known, ib.c(1)));
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < rank; ++i) {
      Value v =
          ib.select(ib.cmp(P::eq, entries[i], ib.c(-1)), inferred, entries[i]);
      sizes.push_back(type.isDynamicDim(i)
                          ? ib.toIndex(v)
                          : Value(arith::ConstantIndexOp::create(
                                rewriter, loc, type.getDimSize(i))));
    }
    Value shape = tensor::FromElementsOp::create(
        rewriter, loc, RankedTensorType::get({rank}, rewriter.getIndexType()),
        sizes);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, type, op.getInput(),
                                                   shape);
    return success();
  }
};

/// A generic over `type` (sized by `extents`, i64 per dimension) whose
/// element at i reads `input` at `index(b, loc, d, i_d)` per input dim.
static Value createGatherGeneric(
    PatternRewriter &rewriter, Location loc, I64Builder &ib,
    RankedTensorType type, ArrayRef<Value> extents, Value input,
    function_ref<Value(OpBuilder &, Location, int64_t, ArrayRef<Value>)>
        index) {
  int64_t rank = type.getRank();
  int64_t inputRank = cast<RankedTensorType>(input.getType()).getRank();
  Value init = tensor::EmptyOp::create(rewriter, loc, type,
                                       getDynamicSizes(ib, type, extents));
  auto generic = linalg::GenericOp::create(
      rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
      ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank)},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &b, Location nloc, ValueRange) {
        SmallVector<Value> ivs;
        for (int64_t d = 0; d < rank; ++d)
          ivs.push_back(linalg::IndexOp::create(b, nloc, d));
        SmallVector<Value> indices;
        for (int64_t d = 0; d < inputRank; ++d)
          indices.push_back(index(b, nloc, d, ivs));
        linalg::YieldOp::create(
            b, nloc,
            ValueRange{tensor::ExtractOp::create(b, nloc, input, indices)});
      });
  return generic.getResult(0);
}

/// Extents are resolved in scalar code (a size-1 input dimension takes the
/// shape entry), then one generic reads index 0 along stretched dimensions.
struct DynamicExpandLowering : OpRewritePattern<DynamicExpandOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DynamicExpandOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    I64Builder ib{rewriter, loc};
    RankedTensorType type = op.getType();
    Value input = op.getInput();
    int64_t rank = type.getRank();
    int64_t inputRank = op.getInput().getType().getRank();
    int64_t length =
        cast<RankedTensorType>(op.getShape().getType()).getDimSize(0);
    int64_t inputOffset = rank - inputRank, shapeOffset = rank - length;
    using P = arith::CmpIPredicate;
    SmallVector<Value> extents, inputDims(inputRank);
    for (int64_t d = 0; d < rank; ++d) {
      Value entry = d >= shapeOffset
                        ? ib.element(op.getShape(), d - shapeOffset)
                        : ib.c(1);
      Value extent = entry;
      if (d >= inputOffset) {
        Value in = ib.dim(input, d - inputOffset);
        inputDims[d - inputOffset] = ib.toIndex(in);
        extent = ib.select(ib.cmp(P::eq, in, ib.c(1)), entry, in);
      }
      extents.push_back(ib.max(extent, ib.c(0)));
    }
    Value result = createGatherGeneric(
        rewriter, loc, ib, type, extents, input,
        [&](OpBuilder &b, Location nloc, int64_t d, ArrayRef<Value> ivs) {
          Value zero = arith::ConstantIndexOp::create(b, nloc, 0);
          Value isOne =
              arith::CmpIOp::create(b, nloc, P::eq, inputDims[d],
                                    arith::ConstantIndexOp::create(b, nloc, 1));
          return Value(arith::SelectOp::create(b, nloc, isOne, zero,
                                               ivs[d + inputOffset]));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Extent input[d] * max(repeats[d], 0); element i reads i mod input[d].
struct DynamicTileLowering : OpRewritePattern<DynamicTileOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DynamicTileOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    I64Builder ib{rewriter, loc};
    RankedTensorType type = op.getType();
    Value input = op.getInput();
    SmallVector<Value> extents, inputDims;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      Value in = ib.dim(input, d);
      inputDims.push_back(ib.toIndex(in));
      extents.push_back(
          ib.mul(in, ib.max(ib.element(op.getRepeats(), d), ib.c(0))));
    }
    Value result = createGatherGeneric(
        rewriter, loc, ib, type, extents, input,
        [&](OpBuilder &b, Location nloc, int64_t d, ArrayRef<Value> ivs) {
          return Value(arith::RemUIOp::create(b, nloc, ivs[d], inputDims[d]));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// count = max(ceil((limit - start) / delta), 0) (0 when delta is 0), then
/// a generic computes start + i * delta.
struct DynamicRangeLowering : OpRewritePattern<DynamicRangeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DynamicRangeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    I64Builder ib{rewriter, loc};
    RankedTensorType type = op.getType();
    Type elementType = type.getElementType();
    auto scalar = [&](Value v) -> Value {
      auto vType = cast<RankedTensorType>(v.getType());
      SmallVector<Value> zeros(
          vType.getRank(), arith::ConstantIndexOp::create(rewriter, loc, 0));
      return tensor::ExtractOp::create(rewriter, loc, v, zeros);
    };
    Value start = scalar(op.getStart()), limit = scalar(op.getLimit()),
          delta = scalar(op.getDelta());
    Value count;
    using P = arith::CmpIPredicate;
    if (auto floatType = dyn_cast<FloatType>(elementType)) {
      Type f64 = rewriter.getF64Type();
      auto toF64 = [&](Value v) -> Value {
        return floatType.getWidth() < 64
                   ? Value(arith::ExtFOp::create(rewriter, loc, f64, v))
                   : v;
      };
      Value quotient = arith::DivFOp::create(
          rewriter, loc,
          arith::SubFOp::create(rewriter, loc, toF64(limit), toF64(start)),
          toF64(delta));
      Value ceiled = math::CeilOp::create(rewriter, loc, quotient);
      // NaN (delta 0 over 0) and negative counts give 0; so does an
      // infinite quotient (delta 0), which no buffer could hold anyway.
      Value valid = arith::AndIOp::create(
          rewriter, loc,
          arith::CmpFOp::create(
              rewriter, loc, arith::CmpFPredicate::OGT, ceiled,
              arith::ConstantOp::create(rewriter, loc,
                                        rewriter.getF64FloatAttr(0))),
          arith::CmpFOp::create(
              rewriter, loc, arith::CmpFPredicate::OLT, ceiled,
              arith::ConstantOp::create(rewriter, loc,
                                        rewriter.getF64FloatAttr(0x1p62))));
      count = ib.select(
          valid,
          arith::FPToSIOp::create(rewriter, loc, rewriter.getI64Type(), ceiled),
          ib.c(0));
    } else {
      Value s = ib.toI64(start), l = ib.toI64(limit), d = ib.toI64(delta);
      Value isZero = ib.cmp(P::eq, d, ib.c(0));
      Value safeDelta = ib.select(isZero, ib.c(1), d);
      Value quotient =
          arith::CeilDivSIOp::create(rewriter, loc, ib.sub(l, s), safeDelta);
      count = ib.select(isZero, ib.c(0), ib.max(quotient, ib.c(0)));
    }
    Value init = tensor::EmptyOp::create(rewriter, loc, type,
                                         getDynamicSizes(ib, type, {count}));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(1)},
        SmallVector<utils::IteratorType>(1, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location nloc, ValueRange) {
          Value i = arith::IndexCastOp::create(
              b, nloc, b.getI64Type(), linalg::IndexOp::create(b, nloc, 0));
          Value v;
          if (isa<FloatType>(elementType)) {
            Value fi = arith::SIToFPOp::create(b, nloc, elementType, i);
            v = arith::AddFOp::create(
                b, nloc, start, arith::MulFOp::create(b, nloc, fi, delta));
          } else {
            if (elementType.getIntOrFloatBitWidth() < 64)
              i = arith::TruncIOp::create(b, nloc, elementType, i);
            v = arith::AddIOp::create(b, nloc, start,
                                      arith::MulIOp::create(b, nloc, i, delta));
          }
          linalg::YieldOp::create(b, nloc, ValueRange{v});
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlc::populateDynamicShapeToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<DynamicSliceLowering, DynamicPadLowering, DimLowering,
               DynamicReshapeLowering, DynamicExpandLowering,
               DynamicTileLowering, DynamicRangeLowering>(
      patterns.getContext());
}
