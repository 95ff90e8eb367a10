//===- RoiAlignToLinalg.cpp - mlc.roi_align to linalg ---------------------===//
//
// One linalg.generic over the [R, C, OH, OW] result. Its body reads the
// region's box and image (tensor.extract), derives the bin and the sampling
// grid (sampling_ratio, or the ceiling of the bin size when 0: a run-time
// trip count), and runs two nested scf.for loops over the grid that
// interpolate the input bilinearly (tensor.extract of the four corners) and
// accumulate the sum or the maximum. The geometry and the accumulation are
// in f64, as in the ONNX reference; samples outside [-1, H] x [-1, W]
// count as zero, as there. An image index outside [0, N) reads the nearest
// image (the ONNX reference would read out of bounds).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlc;

namespace {

/// Builds the scalar code of one result element.
struct RoiAlignBody {
  mutable RoiAlignOp op;
  Value input, rois, batchIndices;
  Value batches, height, width; // index

  Value f64(OpBuilder &b, Location loc, double v) const {
    return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(v));
  }
  Value index(OpBuilder &b, Location loc, int64_t v) const {
    return arith::ConstantIndexOp::create(b, loc, v);
  }
  Value toF64(OpBuilder &b, Location loc, Value v) const {
    if (v.getType().isF64())
      return v;
    if (v.getType().isIndex())
      v = arith::IndexCastOp::create(b, loc, b.getI64Type(), v);
    if (isa<IntegerType>(v.getType()))
      return arith::SIToFPOp::create(b, loc, b.getF64Type(), v);
    return arith::ExtFOp::create(b, loc, b.getF64Type(), v);
  }

  /// Interpolation of one sample point (y, x) of image plane (n, c): the
  /// four weighted corner terms, zero outside [-1, H] x [-1, W].
  SmallVector<Value> cornerTerms(OpBuilder &b, Location loc, Value n, Value c,
                                 Value y, Value x) const {
    Value h = toF64(b, loc, height), w = toF64(b, loc, width);
    Value zero = f64(b, loc, 0.0), one = f64(b, loc, 1.0);
    auto cmp = [&](arith::CmpFPredicate p, Value a, Value v) {
      return arith::CmpFOp::create(b, loc, p, a, v);
    };
    Value inside = arith::AndIOp::create(
        b, loc,
        arith::AndIOp::create(
            b, loc, cmp(arith::CmpFPredicate::OGE, y, f64(b, loc, -1.0)),
            cmp(arith::CmpFPredicate::OLE, y, h)),
        arith::AndIOp::create(
            b, loc, cmp(arith::CmpFPredicate::OGE, x, f64(b, loc, -1.0)),
            cmp(arith::CmpFPredicate::OLE, x, w)));
    // Clamped to [0, size - 1], a coordinate past the last row or column
    // interpolates that one alone, as the reference does.
    auto axis = [&](Value v, Value size,
                    Value sizeIndex) -> std::tuple<Value, Value, Value> {
      Value last = arith::SubFOp::create(b, loc, size, one);
      Value clamped = arith::MinimumFOp::create(
          b, loc, arith::MaximumFOp::create(b, loc, v, zero), last);
      Value low = math::FloorOp::create(b, loc, clamped);
      Value frac = arith::SubFOp::create(b, loc, clamped, low);
      Value lowIndex = arith::IndexCastOp::create(
          b, loc, b.getIndexType(),
          arith::FPToSIOp::create(b, loc, b.getI64Type(), low));
      lowIndex =
          arith::SelectOp::create(b, loc, inside, lowIndex, index(b, loc, 0));
      Value highIndex = arith::MinSIOp::create(
          b, loc, arith::AddIOp::create(b, loc, lowIndex, index(b, loc, 1)),
          arith::SubIOp::create(b, loc, sizeIndex, index(b, loc, 1)));
      return {lowIndex, highIndex, frac};
    };
    auto [yLow, yHigh, ly] = axis(y, h, height);
    auto [xLow, xHigh, lx] = axis(x, w, width);
    Value hy = arith::SubFOp::create(b, loc, one, ly);
    Value hx = arith::SubFOp::create(b, loc, one, lx);
    auto term = [&](Value wy, Value wx, Value row, Value col) -> Value {
      Value weight = arith::MulFOp::create(b, loc, wy, wx);
      weight = arith::SelectOp::create(b, loc, inside, weight, zero);
      Value v =
          tensor::ExtractOp::create(b, loc, input, ValueRange{n, c, row, col});
      return arith::MulFOp::create(b, loc, weight, toF64(b, loc, v));
    };
    return {term(hy, hx, yLow, xLow), term(hy, lx, yLow, xHigh),
            term(ly, hx, yHigh, xLow), term(ly, lx, yHigh, xHigh)};
  }

  Value build(OpBuilder &b, Location loc) const {
    RankedTensorType resultType = op.getType();
    int64_t pooledH = resultType.getDimSize(2),
            pooledW = resultType.getDimSize(3);
    Value r = linalg::IndexOp::create(b, loc, 0);
    Value c = linalg::IndexOp::create(b, loc, 1);
    Value ph = toF64(b, loc, linalg::IndexOp::create(b, loc, 2));
    Value pw = toF64(b, loc, linalg::IndexOp::create(b, loc, 3));
    Value batch =
        tensor::ExtractOp::create(b, loc, batchIndices, ValueRange{r});
    // An image index out of range (invalid input) reads the nearest image
    // rather than out of bounds.
    Value n = arith::IndexCastOp::create(b, loc, b.getIndexType(), batch);
    n = arith::MinSIOp::create(
        b, loc, arith::MaxSIOp::create(b, loc, n, index(b, loc, 0)),
        arith::SubIOp::create(b, loc, batches, index(b, loc, 1)));
    double scale = op.getSpatialScale().convertToDouble();
    double offset = op.getHalfPixel() ? 0.5 : 0.0;
    auto coordinate = [&](int64_t k) -> Value {
      Value v = toF64(b, loc,
                      tensor::ExtractOp::create(
                          b, loc, rois, ValueRange{r, index(b, loc, k)}));
      return arith::SubFOp::create(
          b, loc, arith::MulFOp::create(b, loc, v, f64(b, loc, scale)),
          f64(b, loc, offset));
    };
    Value startW = coordinate(0), startH = coordinate(1);
    Value roiW = arith::SubFOp::create(b, loc, coordinate(2), startW);
    Value roiH = arith::SubFOp::create(b, loc, coordinate(3), startH);
    if (!op.getHalfPixel()) {
      roiW = arith::MaximumFOp::create(b, loc, roiW, f64(b, loc, 1.0));
      roiH = arith::MaximumFOp::create(b, loc, roiH, f64(b, loc, 1.0));
    }
    Value binH = arith::DivFOp::create(b, loc, roiH, f64(b, loc, pooledH));
    Value binW = arith::DivFOp::create(b, loc, roiW, f64(b, loc, pooledW));
    // Grid points per bin side; an adaptive count is known at run time only
    // (ceil of the bin size; a non-positive one samples nothing).
    auto gridOf = [&](Value bin) -> Value {
      int64_t ratio = op.getSamplingRatioAttr().getInt();
      if (ratio > 0)
        return index(b, loc, ratio);
      Value ceil = math::CeilOp::create(b, loc, bin);
      return arith::IndexCastOp::create(
          b, loc, b.getIndexType(),
          arith::FPToSIOp::create(b, loc, b.getI64Type(), ceil));
    };
    Value gridH = gridOf(binH), gridW = gridOf(binW);
    Value gridHf = toF64(b, loc, gridH), gridWf = toF64(b, loc, gridW);
    // Bin origin plus (i + 0.5) * bin / grid.
    auto samplePoint = [&](OpBuilder &nb, Location nloc, Value start, Value bin,
                           Value p, Value grid, Value i) -> Value {
      Value origin = arith::AddFOp::create(
          nb, nloc, start, arith::MulFOp::create(nb, nloc, p, bin));
      Value step = arith::DivFOp::create(nb, nloc, bin, grid);
      Value at = arith::AddFOp::create(nb, nloc, toF64(nb, nloc, i),
                                       f64(nb, nloc, 0.5));
      return arith::AddFOp::create(nb, nloc, origin,
                                   arith::MulFOp::create(nb, nloc, at, step));
    };
    bool isMax = op.getMax();
    Value init =
        f64(b, loc, isMax ? -std::numeric_limits<double>::infinity() : 0.0);
    Value zeroIndex = index(b, loc, 0), oneIndex = index(b, loc, 1);
    auto rows = scf::ForOp::create(
        b, loc, zeroIndex, gridH, oneIndex, ValueRange{init},
        [&](OpBuilder &rb, Location rloc, Value iy, ValueRange rowAcc) {
          Value y = samplePoint(rb, rloc, startH, binH, ph, gridHf, iy);
          auto cols = scf::ForOp::create(
              rb, rloc, zeroIndex, gridW, oneIndex, rowAcc,
              [&](OpBuilder &cb, Location cloc, Value ix, ValueRange acc) {
                Value x = samplePoint(cb, cloc, startW, binW, pw, gridWf, ix);
                SmallVector<Value> terms = cornerTerms(cb, cloc, n, c, y, x);
                Value next;
                if (isMax) {
                  Value best = terms[0];
                  for (Value t : ArrayRef(terms).drop_front())
                    best = arith::MaxNumFOp::create(cb, cloc, best, t);
                  next = arith::MaxNumFOp::create(cb, cloc, acc[0], best);
                } else {
                  next = acc[0];
                  for (Value t : terms)
                    next = arith::AddFOp::create(cb, cloc, next, t);
                }
                scf::YieldOp::create(cb, cloc, ValueRange{next});
              });
          scf::YieldOp::create(rb, rloc, cols.getResults());
        });
    Value acc = rows.getResult(0);
    Value value;
    if (isMax) {
      // No sample at all gives 0, as in the reference.
      Value sampled = arith::AndIOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, gridH,
                                zeroIndex),
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, gridW,
                                zeroIndex));
      value = arith::SelectOp::create(b, loc, sampled, acc, f64(b, loc, 0.0));
    } else {
      Value count = arith::MaxSIOp::create(
          b, loc, arith::MulIOp::create(b, loc, gridH, gridW), oneIndex);
      value = arith::DivFOp::create(b, loc, acc, toF64(b, loc, count));
    }
    Type elementType = resultType.getElementType();
    if (elementType.isF64())
      return value;
    return arith::TruncFOp::create(b, loc, elementType, value);
  }
};

struct RoiAlignLowering : OpRewritePattern<RoiAlignOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RoiAlignOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    if (!isa<Float32Type, Float64Type, Float16Type, BFloat16Type>(
            resultType.getElementType()))
      return rewriter.notifyMatchFailure(op, "element type");
    Value input = op.getInput();
    auto dimOf = [&](Value v, int64_t d) -> Value {
      return tensor::DimOp::create(rewriter, loc, v, d);
    };
    SmallVector<Value> dynamicSizes;
    if (resultType.isDynamicDim(0))
      dynamicSizes.push_back(dimOf(op.getRois(), 0));
    if (resultType.isDynamicDim(1))
      dynamicSizes.push_back(dimOf(input, 1));
    RoiAlignBody body{op,
                      input,
                      op.getRois(),
                      op.getBatchIndices(),
                      dimOf(input, 0),
                      dimOf(input, 2),
                      dimOf(input, 3)};
    Value result = createParallelGeneric(
        rewriter, loc, resultType, {}, {},
        [&](OpBuilder &b, Location bloc, ValueRange) {
          return body.build(b, bloc);
        },
        dynamicSizes);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlc::populateRoiAlignToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<RoiAlignLowering>(patterns.getContext());
}
