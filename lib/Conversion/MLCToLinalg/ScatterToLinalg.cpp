//===- ScatterToLinalg.cpp - scatter_elements, scatter_nd to scf + tensor -===//
//
// Scatters are sequential by definition (later updates win or combine with
// earlier ones), so they become an scf.for nest over the updates that
// threads the result tensor through tensor.extract / tensor.insert;
// bufferization turns that into in-place stores into one copy of the input.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlc;

/// Index `element` as `index`, plus `size` when negative.
static Value createWrappedIndex(OpBuilder &b, Location loc, Value element,
                                int64_t size) {
  Value v = element;
  if (v.getType() != b.getI64Type())
    v = arith::ExtSIOp::create(b, loc, b.getI64Type(), v);
  Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value isNegative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = arith::AddIOp::create(
      b, loc, index, arith::ConstantIndexOp::create(b, loc, size));
  return arith::SelectOp::create(b, loc, isNegative, wrapped, index);
}

static Value combine(OpBuilder &b, Location loc, ScatterReduction reduction,
                     Value old, Value update) {
  bool isFloat = isa<FloatType>(old.getType());
  switch (reduction) {
  case ScatterReduction::None:
    return update;
  case ScatterReduction::Add:
    return isFloat ? Value(arith::AddFOp::create(b, loc, old, update))
                   : Value(arith::AddIOp::create(b, loc, old, update));
  case ScatterReduction::Mul:
    return isFloat ? Value(arith::MulFOp::create(b, loc, old, update))
                   : Value(arith::MulIOp::create(b, loc, old, update));
  case ScatterReduction::Max:
    return isFloat ? Value(arith::MaximumFOp::create(b, loc, old, update))
                   : Value(arith::MaxSIOp::create(b, loc, old, update));
  case ScatterReduction::Min:
    return isFloat ? Value(arith::MinimumFOp::create(b, loc, old, update))
                   : Value(arith::MinSIOp::create(b, loc, old, update));
  }
  return update;
}

/// Loops over `shape` threading `init`; `position` maps the loop indices to
/// the element of the result to update.
static Value createScatterLoops(
    OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Value init,
    Value updates, ScatterReduction reduction,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>
        position) {
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t size : shape) {
    lbs.push_back(arith::ConstantIndexOp::create(b, loc, 0));
    ubs.push_back(arith::ConstantIndexOp::create(b, loc, size));
    steps.push_back(arith::ConstantIndexOp::create(b, loc, 1));
  }
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, ValueRange{init},
      [&](OpBuilder &nb, Location nloc, ValueRange ivs,
          ValueRange iterArgs) -> scf::ValueVector {
        SmallVector<Value> at = position(nb, nloc, ivs);
        Value update = tensor::ExtractOp::create(nb, nloc, updates, ivs);
        Value old = tensor::ExtractOp::create(nb, nloc, iterArgs[0], at);
        Value value = combine(nb, nloc, reduction, old, update);
        return {tensor::InsertOp::create(nb, nloc, value, iterArgs[0], at)};
      });
  return nest.results.front();
}

namespace {

struct ScatterElementsLowering : OpRewritePattern<ScatterElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScatterElementsOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    RankedTensorType inputType = op.getInput().getType();
    int64_t rank = inputType.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    Value indices = op.getIndices();
    if (op.getUpdates().getType().getNumElements() == 0) {
      rewriter.replaceOp(op, op.getInput());
      return success();
    }
    Value result = createScatterLoops(
        rewriter, op.getLoc(), op.getUpdates().getType().getShape(),
        op.getInput(), op.getUpdates(), op.getReduction(),
        [&](OpBuilder &b, Location loc, ValueRange ivs) {
          SmallVector<Value> at(ivs);
          at[axis] = createWrappedIndex(
              b, loc, tensor::ExtractOp::create(b, loc, indices, ivs),
              inputType.getDimSize(axis));
          return at;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ScatterNDLowering : OpRewritePattern<ScatterNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScatterNDOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType indicesType = op.getIndices().getType();
    int64_t q = indicesType.getRank();
    int64_t k = indicesType.getDimSize(q - 1);
    Value indices = op.getIndices();
    if (op.getUpdates().getType().getNumElements() == 0) {
      rewriter.replaceOp(op, op.getInput());
      return success();
    }
    Value result = createScatterLoops(
        rewriter, op.getLoc(), op.getUpdates().getType().getShape(),
        op.getInput(), op.getUpdates(), op.getReduction(),
        [&](OpBuilder &b, Location loc, ValueRange ivs) {
          SmallVector<Value> at;
          for (int64_t t = 0; t < k; ++t) {
            SmallVector<Value> tupleAt(ivs.take_front(q - 1));
            tupleAt.push_back(arith::ConstantIndexOp::create(b, loc, t));
            at.push_back(createWrappedIndex(
                b, loc, tensor::ExtractOp::create(b, loc, indices, tupleAt),
                inputType.getDimSize(t)));
          }
          llvm::append_range(at, ivs.drop_front(q - 1));
          return at;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlc::populateScatterToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ScatterElementsLowering, ScatterNDLowering>(
      patterns.getContext());
}
