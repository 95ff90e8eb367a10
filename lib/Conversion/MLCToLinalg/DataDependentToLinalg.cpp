//===- DataDependentToLinalg.cpp - Ops whose result size depends on data --===//
//
// mlc.nonzero, mlc.compress and mlc.dynamic_topk. The result extent is
// computed in the lowered code before the result is allocated: NonZero and
// Compress count the selected positions in one scf.for, allocate a tensor
// of that many positions and fill it in a second scf.for, then one
// linalg.generic over the (dynamically sized) result reads the input at
// those positions. TopK ranks every element against the others along the
// axis (a reduction generic) and picks rank j into result slot j.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlc;

/// Size of dimension `d` of `tensor` as an index value.
static Value getDimSize(OpBuilder &b, Location loc, Value tensor, int64_t d) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.isDynamicDim(d))
    return arith::ConstantIndexOp::create(b, loc, type.getDimSize(d));
  return tensor::DimOp::create(b, loc, tensor, d);
}

static Value getIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Whether the scalar `v` is not zero (NaN counts as non-zero, as in numpy).
static Value isNonZero(OpBuilder &b, Location loc, Value v) {
  Type type = v.getType();
  if (type.isInteger(1))
    return v;
  if (isa<FloatType>(type))
    return arith::CmpFOp::create(
        b, loc, arith::CmpFPredicate::UNE, v,
        arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 0.0)));
  return arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne, v,
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, 0)));
}

/// The positions p in [0, count) where `selected(p)` holds, as a 1-D i64
/// tensor of run-time length: one scf.for counts, a second one fills.
static Value createSelectedPositions(
    OpBuilder &b, Location loc, Value count,
    function_ref<Value(OpBuilder &, Location, Value)> selected) {
  Value zero = getIndex(b, loc, 0), one = getIndex(b, loc, 1);
  auto counter = scf::ForOp::create(
      b, loc, zero, count, one, ValueRange{zero},
      [&](OpBuilder &nb, Location nloc, Value i, ValueRange iters) {
        Value inc = arith::SelectOp::create(nb, nloc, selected(nb, nloc, i),
                                            getIndex(nb, nloc, 1),
                                            getIndex(nb, nloc, 0));
        scf::YieldOp::create(
            nb, nloc,
            ValueRange{arith::AddIOp::create(nb, nloc, iters[0], inc)});
      });
  Value total = counter.getResult(0);
  Type i64 = b.getI64Type();
  Value empty = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{ShapedType::kDynamic}, i64, ValueRange{total});
  auto filler = scf::ForOp::create(
      b, loc, zero, count, one, ValueRange{empty, zero},
      [&](OpBuilder &nb, Location nloc, Value i, ValueRange iters) {
        Value positions = iters[0], next = iters[1];
        auto ifOp = scf::IfOp::create(
            nb, nloc, selected(nb, nloc, i),
            [&](OpBuilder &tb, Location tloc) {
              Value value = arith::IndexCastOp::create(tb, tloc, i64, i);
              Value inserted = tensor::InsertOp::create(
                  tb, tloc, value, positions, ValueRange{next});
              Value bumped =
                  arith::AddIOp::create(tb, tloc, next, getIndex(tb, tloc, 1));
              scf::YieldOp::create(tb, tloc, ValueRange{inserted, bumped});
            },
            [&](OpBuilder &eb, Location eloc) {
              scf::YieldOp::create(eb, eloc, ValueRange{positions, next});
            });
        scf::YieldOp::create(nb, nloc, ifOp.getResults());
      });
  return filler.getResult(0);
}

/// The multi-index of the row-major flat index `flat` into `dims`.
static SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value flat,
                                      ArrayRef<Value> dims) {
  SmallVector<Value> indices(dims.size());
  for (int64_t d = static_cast<int64_t>(dims.size()) - 1; d >= 0; --d) {
    indices[d] = arith::RemUIOp::create(b, loc, flat, dims[d]);
    flat = arith::DivUIOp::create(b, loc, flat, dims[d]);
  }
  return indices;
}

namespace {

/// result[d, j] = component d of the multi-index of the j-th non-zero.
struct NonZeroLowering : OpRewritePattern<NonZeroOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(NonZeroOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    int64_t rank = op.getInput().getType().getRank();
    SmallVector<Value> dims;
    Value total = getIndex(rewriter, loc, 1);
    for (int64_t d = 0; d < rank; ++d) {
      dims.push_back(getDimSize(rewriter, loc, input, d));
      total = arith::MulIOp::create(rewriter, loc, total, dims.back());
    }
    Value positions = createSelectedPositions(
        rewriter, loc, total, [&](OpBuilder &b, Location nloc, Value i) {
          Value v = tensor::ExtractOp::create(b, nloc, input,
                                              delinearize(b, nloc, i, dims));
          return isNonZero(b, nloc, v);
        });
    auto type = cast<RankedTensorType>(op.getType());
    Value count = tensor::DimOp::create(rewriter, loc, positions, 0);
    SmallVector<Value> sizes;
    if (type.isDynamicDim(0))
      sizes.push_back(getIndex(rewriter, loc, rank));
    if (type.isDynamicDim(1))
      sizes.push_back(count);
    Value init = createEmpty(rewriter, loc, type, sizes);
    Type i64 = rewriter.getI64Type();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(2)},
        SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location nloc, ValueRange) {
          Value d = linalg::IndexOp::create(b, nloc, 0);
          Value j = linalg::IndexOp::create(b, nloc, 1);
          Value flat = arith::IndexCastOp::create(
              b, nloc, b.getIndexType(),
              tensor::ExtractOp::create(b, nloc, positions, ValueRange{j}));
          SmallVector<Value> components = delinearize(b, nloc, flat, dims);
          Value result = components.back();
          for (int64_t k = rank - 2; k >= 0; --k) {
            Value isK = arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::eq,
                                              d, getIndex(b, nloc, k));
            result =
                arith::SelectOp::create(b, nloc, isK, components[k], result);
          }
          linalg::YieldOp::create(
              b, nloc,
              ValueRange{arith::IndexCastOp::create(b, nloc, i64, result)});
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// result[.., j, ..] = input[.., p_j, ..] for the j-th true condition p_j.
struct CompressLowering : OpRewritePattern<CompressOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CompressOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput(), condition = op.getCondition();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    // Condition entries past the axis (or the axis past the condition)
    // select nothing.
    Value count = arith::MinUIOp::create(
        rewriter, loc, getDimSize(rewriter, loc, condition, 0),
        getDimSize(rewriter, loc, input, axis));
    Value positions = createSelectedPositions(
        rewriter, loc, count, [&](OpBuilder &b, Location nloc, Value i) {
          return tensor::ExtractOp::create(b, nloc, condition, ValueRange{i});
        });
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        sizes.push_back(d == axis ? Value(tensor::DimOp::create(rewriter, loc,
                                                                positions, 0))
                                  : getDimSize(rewriter, loc, input, d));
    Value init = createEmpty(rewriter, loc, type, sizes);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location nloc, ValueRange) {
          SmallVector<Value> indices;
          for (int64_t d = 0; d < rank; ++d)
            indices.push_back(linalg::IndexOp::create(b, nloc, d));
          indices[axis] = arith::IndexCastOp::create(
              b, nloc, b.getIndexType(),
              tensor::ExtractOp::create(b, nloc, positions,
                                        ValueRange{indices[axis]}));
          linalg::YieldOp::create(
              b, nloc,
              ValueRange{tensor::ExtractOp::create(b, nloc, input, indices)});
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// rank[.., i, ..] = #{i' : x[i'] comes before x[i]} along the axis (larger,
/// or smaller without `largest`; equal values in index order); the results
/// take at slot j the element of rank j.
struct DynamicTopKLowering : OpRewritePattern<DynamicTopKOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DynamicTopKOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = op.getInput();
    RankedTensorType inputType = op.getInput().getType();
    Type elementType = inputType.getElementType();
    int64_t rank = inputType.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    bool largest = op.getLargest();
    Type i64 = rewriter.getI64Type();

    // k, clamped to [0, n].
    Value n = getDimSize(rewriter, loc, input, axis);
    auto kType = cast<RankedTensorType>(op.getK().getType());
    SmallVector<Value> kIndices(kType.getRank(), getIndex(rewriter, loc, 0));
    Value k = arith::IndexCastOp::create(
        rewriter, loc, rewriter.getIndexType(),
        tensor::ExtractOp::create(rewriter, loc, op.getK(), kIndices));
    k = arith::MaxSIOp::create(rewriter, loc, k, getIndex(rewriter, loc, 0));
    k = arith::MinSIOp::create(rewriter, loc, k, n);

    // Iteration space: the input's dims, then e over the axis.
    SmallVector<AffineExpr> self, other;
    for (int64_t d = 0; d < rank; ++d) {
      self.push_back(getAffineDimExpr(d, ctx));
      other.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
    }
    AffineMap selfMap = AffineMap::get(rank + 1, 0, self, ctx);
    AffineMap otherMap = AffineMap::get(rank + 1, 0, other, ctx);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);

    SmallVector<Value> inputSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (inputType.isDynamicDim(d))
        inputSizes.push_back(tensor::DimOp::create(rewriter, loc, input, d));
    auto ranksType = RankedTensorType::get(inputType.getShape(), i64);
    Value ranksInit = createFilledTensor(
        rewriter, loc, ranksType, rewriter.getI64IntegerAttr(0), inputSizes);
    auto ranks = linalg::GenericOp::create(
        rewriter, loc, TypeRange{ranksType}, ValueRange{input, input},
        ValueRange{ranksInit}, ArrayRef<AffineMap>{selfMap, otherMap, selfMap},
        iterators, [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value mine = args[0], theirs = args[1];
          Value better, equal;
          if (isa<FloatType>(elementType)) {
            better = arith::CmpFOp::create(b, nloc,
                                           largest ? arith::CmpFPredicate::OGT
                                                   : arith::CmpFPredicate::OLT,
                                           theirs, mine);
            equal = arith::CmpFOp::create(b, nloc, arith::CmpFPredicate::OEQ,
                                          theirs, mine);
          } else {
            better = arith::CmpIOp::create(b, nloc,
                                           largest ? arith::CmpIPredicate::sgt
                                                   : arith::CmpIPredicate::slt,
                                           theirs, mine);
            equal = arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::eq,
                                          theirs, mine);
          }
          Value earlier =
              arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::ult,
                                    linalg::IndexOp::create(b, nloc, rank),
                                    linalg::IndexOp::create(b, nloc, axis));
          Value before = arith::OrIOp::create(
              b, nloc, better, arith::AndIOp::create(b, nloc, equal, earlier));
          Value one = arith::ExtUIOp::create(b, nloc, i64, before);
          linalg::YieldOp::create(
              b, nloc,
              ValueRange{arith::AddIOp::create(b, nloc, args[2], one)});
        });

    // Results: slot j takes the element whose rank is j.
    RankedTensorType valuesType = op.getValues().getType();
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    SmallVector<Value> resultSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (valuesType.isDynamicDim(d))
        resultSizes.push_back(d == axis ? k
                                        : getDimSize(rewriter, loc, input, d));
    Value valuesInit = createFilledTensor(
        rewriter, loc, valuesType,
        cast<TypedAttr>(rewriter.getZeroAttr(elementType)), resultSizes);
    Value indicesInit = createFilledTensor(
        rewriter, loc, indicesType, rewriter.getI64IntegerAttr(0), resultSizes);
    auto picked = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valuesType, indicesType},
        ValueRange{input, ranks.getResult(0)},
        ValueRange{valuesInit, indicesInit},
        ArrayRef<AffineMap>{otherMap, otherMap, selfMap, selfMap}, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value slot = arith::IndexCastOp::create(
              b, nloc, i64, linalg::IndexOp::create(b, nloc, axis));
          Value e = arith::IndexCastOp::create(
              b, nloc, i64, linalg::IndexOp::create(b, nloc, rank));
          Value hit = arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::eq,
                                            args[1], slot);
          linalg::YieldOp::create(
              b, nloc,
              ValueRange{
                  arith::SelectOp::create(b, nloc, hit, args[0], args[2]),
                  arith::SelectOp::create(b, nloc, hit, e, args[3])});
        });
    rewriter.replaceOp(op, picked.getResults());
    return success();
  }
};

} // namespace

void mlc::populateDataDependentToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<NonZeroLowering, CompressLowering, DynamicTopKLowering>(
      patterns.getContext());
}
