//===- ContractionToLinalg.cpp - mlc.matmul and mlc.gemm to linalg --------===//
//
// 2-D products become linalg.matmul (the named op that tiling and
// vectorization understand); batched / broadcast / vector products become one
// linalg.generic whose indexing maps encode numpy.matmul broadcasting.
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

/// Multiply-accumulate of one scalar pair into `acc`.
/// f16/bf16 operands are widened to an f32 accumulator first.
static Value createMulAdd(OpBuilder &b, Location loc, Value lhs, Value rhs,
                          Value acc) {
  if (isa<FloatType>(acc.getType())) {
    if (lhs.getType() != acc.getType())
      lhs = arith::ExtFOp::create(b, loc, acc.getType(), lhs);
    if (rhs.getType() != acc.getType())
      rhs = arith::ExtFOp::create(b, loc, acc.getType(), rhs);
    return arith::AddFOp::create(b, loc, acc,
                                 arith::MulFOp::create(b, loc, lhs, rhs));
  }
  return arith::AddIOp::create(b, loc, acc,
                               arith::MulIOp::create(b, loc, lhs, rhs));
}

static Value createZeroFilled(OpBuilder &b, Location loc, RankedTensorType type,
                              ValueRange dynamicSizes = {}) {
  return createFilledTensor(b, loc, type, b.getZeroAttr(type.getElementType()),
                            dynamicSizes);
}

/// tensor.dim of `source` dimension `d` when `type` dimension `resultDim`
/// is dynamic, appended to `sizes`.
static void addDynamicSize(OpBuilder &b, Location loc, RankedTensorType type,
                           int64_t resultDim, Value source, int64_t d,
                           SmallVectorImpl<Value> &sizes) {
  if (type.isDynamicDim(resultDim))
    sizes.push_back(tensor::DimOp::create(b, loc, source, d));
}

static Value createTranspose2D(OpBuilder &b, Location loc, Value input) {
  auto type = cast<RankedTensorType>(input.getType());
  auto resultType = RankedTensorType::get(
      {type.getDimSize(1), type.getDimSize(0)}, type.getElementType());
  SmallVector<Value> sizes;
  addDynamicSize(b, loc, resultType, 0, input, 1, sizes);
  addDynamicSize(b, loc, resultType, 1, input, 0, sizes);
  Value init = createEmpty(b, loc, resultType, sizes);
  int64_t perm[] = {1, 0};
  return linalg::TransposeOp::create(b, loc, input, init, perm).getResult()[0];
}

namespace {

struct MatMulLowering : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    RankedTensorType lhsType = op.getLhs().getType();
    RankedTensorType rhsType = op.getRhs().getType();
    // Dynamic result sizes: m from lhs, n from rhs, batch dims from the
    // operand that has them dynamic (a runtime size 1 is not broadcast).
    SmallVector<Value> sizes;
    {
      int64_t rank = resultType.getRank();
      bool hasM = lhsType.getRank() >= 2, hasN = rhsType.getRank() >= 2;
      int64_t numBatch = rank - hasM - hasN;
      for (int64_t d = 0; d < rank; ++d) {
        if (!resultType.isDynamicDim(d))
          continue;
        Value size;
        if (hasN && d == rank - 1) {
          size = tensor::DimOp::create(rewriter, loc, op.getRhs(),
                                       rhsType.getRank() - 1);
        } else if (hasM && d == numBatch) {
          size = tensor::DimOp::create(rewriter, loc, op.getLhs(),
                                       lhsType.getRank() - 2);
        } else {
          for (auto [v, t] : {std::pair(op.getLhs(), lhsType),
                              std::pair(op.getRhs(), rhsType)}) {
            int64_t operandBatch = std::max<int64_t>(t.getRank() - 2, 0);
            int64_t i = d - (numBatch - operandBatch);
            if (i >= 0 && i < operandBatch && t.isDynamicDim(i)) {
              size = tensor::DimOp::create(rewriter, loc, v, i);
              break;
            }
          }
        }
        if (!size)
          return rewriter.notifyMatchFailure(op, "unsizable dynamic dim");
        sizes.push_back(size);
      }
    }
    // f16/bf16 products accumulate in f32 and are rounded once at the end.
    Type elementType = resultType.getElementType();
    RankedTensorType accType =
        resultType.clone(getAccumulatorType(elementType));
    Value init = createZeroFilled(rewriter, loc, accType, sizes);
    if (lhsType.getRank() == 2 && rhsType.getRank() == 2) {
      Value product =
          linalg::MatmulOp::create(rewriter, loc, TypeRange{accType},
                                   ValueRange{op.getLhs(), op.getRhs()},
                                   ValueRange{init})
              .getResult(0);
      rewriter.replaceOp(
          op, createFloatConversion(rewriter, loc, product, elementType));
      return success();
    }

    // Loops: [batch..., m?, n?, k]. A 1-D operand has no m (resp. n) loop.
    bool hasM = lhsType.getRank() >= 2, hasN = rhsType.getRank() >= 2;
    int64_t numBatch = resultType.getRank() - hasM - hasN;
    int64_t numLoops = numBatch + hasM + hasN + 1;
    int64_t mDim = numBatch, nDim = numBatch + hasM, kDim = numLoops - 1;
    MLIRContext *ctx = rewriter.getContext();
    auto dim = [&](int64_t d) { return rewriter.getAffineDimExpr(d); };

    // Batch dims of an operand align to the right of the result's batch dims;
    // its size-1 dims stretch and always read index 0.
    auto operandMap = [&](RankedTensorType type, bool isLhs) {
      int64_t operandBatch = std::max<int64_t>(type.getRank() - 2, 0);
      SmallVector<AffineExpr> exprs;
      for (int64_t i = 0; i < operandBatch; ++i) {
        int64_t resultDim = numBatch - operandBatch + i;
        if (type.getDimSize(i) == 1 && resultType.getDimSize(resultDim) != 1)
          exprs.push_back(rewriter.getAffineConstantExpr(0));
        else
          exprs.push_back(dim(resultDim));
      }
      if (isLhs) {
        if (hasM)
          exprs.push_back(dim(mDim));
        exprs.push_back(dim(kDim));
      } else {
        exprs.push_back(dim(kDim));
        if (hasN)
          exprs.push_back(dim(nDim));
      }
      return AffineMap::get(numLoops, 0, exprs, ctx);
    };
    SmallVector<AffineExpr> outExprs;
    for (int64_t d = 0; d < numLoops - 1; ++d)
      outExprs.push_back(dim(d));
    SmallVector<AffineMap> maps = {operandMap(lhsType, true),
                                   operandMap(rhsType, false),
                                   AffineMap::get(numLoops, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(numLoops,
                                               utils::IteratorType::parallel);
    iterators.back() = utils::IteratorType::reduction;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{accType}, ValueRange{op.getLhs(), op.getRhs()},
        ValueRange{init}, maps, iterators,
        [](OpBuilder &b, Location nloc, ValueRange args) {
          linalg::YieldOp::create(
              b, nloc, createMulAdd(b, nloc, args[0], args[1], args[2]));
        });
    rewriter.replaceOp(op, createFloatConversion(rewriter, loc,
                                                 generic.getResult(0),
                                                 elementType));
    return success();
  }
};

/// alpha * op(A) * op(B) + beta * C: transposes, a linalg.matmul, and one
/// elementwise epilogue when alpha, beta or C are present.
struct GemmLowering : OpRewritePattern<GemmOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GemmOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Value a = op.getTransA() ? createTranspose2D(rewriter, loc, op.getA())
                             : op.getA();
    Value b = op.getTransB() ? createTranspose2D(rewriter, loc, op.getB())
                             : op.getB();
    SmallVector<Value> sizes;
    addDynamicSize(rewriter, loc, resultType, 0, a, 0, sizes);
    addDynamicSize(rewriter, loc, resultType, 1, b, 1, sizes);
    // f16/bf16: the product and the epilogue run in f32, rounded once.
    Type elementType = resultType.getElementType();
    Type accElementType = getAccumulatorType(elementType);
    RankedTensorType accType = resultType.clone(accElementType);
    Value product =
        linalg::MatmulOp::create(
            rewriter, loc, TypeRange{accType}, ValueRange{a, b},
            ValueRange{createZeroFilled(rewriter, loc, accType, sizes)})
            .getResult(0);
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Value c = op.getC();
    if (alpha == 1.0 && (!c || beta == 0.0)) {
      rewriter.replaceOp(
          op, createFloatConversion(rewriter, loc, product, elementType));
      return success();
    }
    SmallVector<Value> inputs = {product};
    if (c && beta != 0.0)
      inputs.push_back(c);
    Value result = createElementwise(
        rewriter, loc, resultType, inputs,
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Type type = args[0].getType();
          Value acc = args[0];
          if (alpha != 1.0)
            acc = arith::MulFOp::create(
                nb, nloc, acc, createScalarConstant(nb, nloc, type, alpha));
          if (args.size() > 1) {
            Value bias = args[1];
            if (bias.getType() != type)
              bias = arith::ExtFOp::create(nb, nloc, type, bias);
            if (beta != 1.0)
              bias = arith::MulFOp::create(
                  nb, nloc, bias, createScalarConstant(nb, nloc, type, beta));
            acc = arith::AddFOp::create(nb, nloc, acc, bias);
          }
          if (type != elementType)
            acc = arith::TruncFOp::create(nb, nloc, elementType, acc);
          return acc;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlc::populateContractionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, GemmLowering>(patterns.getContext());
}
