//===- ControlFlowToSCF.cpp - mlc.if / mlc.loop to scf on tensors ---------===//
//
// mlc.if becomes scf.if and mlc.loop becomes scf.while, both on tensors; the
// regions move over unchanged and their mlc ops are converted with the rest
// of the function. The loop carries the iteration number and condition as
// scalars beside the carried tensors and one buffer per scan output, which
// starts zero-filled and receives each iteration's value with
// tensor.insert_slice at row `i`; the loop stops at the trip count, on a
// false condition, or when a scan buffer is full. One-shot bufferization
// handles scf.if/scf.while upstream (the buffers are updated in place).
// mlc.runtime_error becomes a call of the runtime hook kRuntimeErrorFuncName
// carrying its message (RuntimeHooks.h), and empty tensors for its results.
//
//===----------------------------------------------------------------------===//

#include "mlc/Conversion/MLCToLinalg/ControlFlowToSCF.h"
#include "mlc/Conversion/MLCToLinalg/RuntimeHooks.h"
#include "mlc/Dialect/MLC/IR/MLCControlFlowOps.h"

#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlc;

/// The element of a single-element tensor.
static Value extractScalar(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<Value> indices;
  if (type.getRank() > 0)
    indices.assign(type.getRank(), arith::ConstantIndexOp::create(b, loc, 0));
  return tensor::ExtractOp::create(b, loc, tensor, indices);
}

/// `value` as `type` (a tensor.cast when the static sizes differ).
static Value castTo(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return tensor::CastOp::create(b, loc, type, value);
}

namespace {

struct IfToSCF : OpRewritePattern<IfOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(IfOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value condition = extractScalar(rewriter, loc, op.getCondition());
    auto scfIf = scf::IfOp::create(rewriter, loc, op.getResultTypes(),
                                   condition, /*addThenBlock=*/false,
                                   /*addElseBlock=*/false);
    for (auto [from, to] :
         {std::pair{&op.getThenRegion(), &scfIf.getThenRegion()},
          std::pair{&op.getElseRegion(), &scfIf.getElseRegion()}}) {
      rewriter.inlineRegionBefore(*from, *to, to->end());
      auto yield = cast<CFYieldOp>(to->front().getTerminator());
      rewriter.setInsertionPoint(yield);
      SmallVector<Value> values;
      for (auto [value, type] :
           llvm::zip(yield.getValues(), op.getResultTypes()))
        values.push_back(castTo(rewriter, loc, value, type));
      scf::YieldOp::create(rewriter, loc, values);
      rewriter.eraseOp(yield);
    }
    rewriter.replaceOp(op, scfIf.getResults());
    return success();
  }
};

struct LoopToSCF : OpRewritePattern<LoopOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LoopOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    unsigned numCarried = op.getNumCarried();
    Block &body = op.getBody().front();
    TypeRange carriedTypes = TypeRange(body.getArgumentTypes()).drop_front(2);
    TypeRange scanTypes = TypeRange(op.getResultTypes()).drop_front(numCarried);

    Value tripCount = extractScalar(rewriter, loc, op.getMaxTripCount());
    SmallVector<Value> inits{arith::ConstantIntOp::create(rewriter, loc, 0, 64),
                             extractScalar(rewriter, loc, op.getCondition())};
    for (auto [init, type] : llvm::zip(op.getInit(), carriedTypes))
      inits.push_back(castTo(rewriter, loc, init, type));
    // A scan output of static length L is a zero-filled buffer of L rows
    // (the loop stops when one is full); one of dynamic length holds
    // max(M, 0) rows and is sliced to the rows run after the loop.
    std::optional<int64_t> capacity;
    Value tripRows;
    for (Type type : scanTypes) {
      auto tensorType = cast<RankedTensorType>(type);
      if (tensorType.isDynamicDim(0)) {
        if (!tripRows) {
          Value zeroRows = arith::ConstantIntOp::create(rewriter, loc, 0, 64);
          tripRows = arith::IndexCastOp::create(
              rewriter, loc, rewriter.getIndexType(),
              arith::MaxSIOp::create(rewriter, loc, tripCount, zeroRows));
        }
        inits.push_back(tensor::EmptyOp::create(
            rewriter, loc, tensorType.getShape(), tensorType.getElementType(),
            ValueRange{tripRows}));
        continue;
      }
      Value zero = arith::ConstantOp::create(
          rewriter, loc, rewriter.getZeroAttr(tensorType.getElementType()));
      Value empty = tensor::EmptyOp::create(
          rewriter, loc, tensorType.getShape(), tensorType.getElementType());
      inits.push_back(
          linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0));
      capacity = std::min(capacity.value_or(tensorType.getDimSize(0)),
                          tensorType.getDimSize(0));
    }

    auto whileOp = scf::WhileOp::create(
        rewriter, loc, ValueRange(inits).getTypes(), inits,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value iteration = args[0];
          Value go = arith::AndIOp::create(
              b, loc, args[1],
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                    iteration, tripCount));
          if (capacity) {
            Value limit = arith::ConstantIntOp::create(b, loc, *capacity, 64);
            go = arith::AndIOp::create(
                b, loc, go,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                      iteration, limit));
          }
          scf::ConditionOp::create(b, loc, go, args);
        },
        [](OpBuilder &, Location, ValueRange) {});

    // The mlc body sees the iteration number and condition as tensors.
    Block *after = whileOp.getAfterBody();
    rewriter.setInsertionPointToEnd(after);
    Value iteration = after->getArgument(0);
    SmallVector<Value> replacements{
        tensor::FromElementsOp::create(
            rewriter, loc, body.getArgument(0).getType(), iteration),
        tensor::FromElementsOp::create(rewriter, loc,
                                       body.getArgument(1).getType(),
                                       after->getArgument(1))};
    llvm::append_range(replacements,
                       after->getArguments().slice(2, numCarried));
    auto yield = cast<CFYieldOp>(body.getTerminator());
    rewriter.mergeBlocks(&body, after, replacements);

    rewriter.setInsertionPoint(yield);
    ValueRange yielded = yield.getValues();
    SmallVector<Value> next{arith::AddIOp::create(rewriter, loc, iteration,
                                                  arith::ConstantIntOp::create(
                                                      rewriter, loc, 1, 64)),
                            extractScalar(rewriter, loc, yielded[0])};
    for (auto [value, type] :
         llvm::zip(yielded.slice(1, numCarried), carriedTypes))
      next.push_back(castTo(rewriter, loc, value, type));
    for (auto [j, type] : llvm::enumerate(scanTypes)) {
      auto bufferType = cast<RankedTensorType>(type);
      auto rowType = RankedTensorType::get(bufferType.getShape().drop_front(),
                                           bufferType.getElementType());
      Value row = castTo(rewriter, loc, yielded[1 + numCarried + j], rowType);
      Value buffer = after->getArgument(2 + numCarried + j);
      SmallVector<OpFoldResult> offsets(bufferType.getRank(),
                                        rewriter.getIndexAttr(0));
      offsets[0] = arith::IndexCastOp::create(
                       rewriter, loc, rewriter.getIndexType(), iteration)
                       .getResult();
      SmallVector<OpFoldResult> sizes{rewriter.getIndexAttr(1)};
      for (int64_t size : rowType.getShape())
        sizes.push_back(rewriter.getIndexAttr(size));
      SmallVector<OpFoldResult> strides(bufferType.getRank(),
                                        rewriter.getIndexAttr(1));
      next.push_back(tensor::InsertSliceOp::create(rewriter, loc, row, buffer,
                                                   offsets, sizes, strides));
    }
    scf::YieldOp::create(rewriter, loc, next);
    rewriter.eraseOp(yield);

    rewriter.setInsertionPointAfter(whileOp);
    SmallVector<Value> results(whileOp.getResults().drop_front(2));
    Value rowsRun;
    for (auto [j, type] : llvm::enumerate(scanTypes)) {
      auto bufferType = cast<RankedTensorType>(type);
      if (!bufferType.isDynamicDim(0))
        continue;
      if (!rowsRun)
        rowsRun = arith::IndexCastOp::create(
            rewriter, loc, rewriter.getIndexType(), whileOp.getResult(0));
      SmallVector<OpFoldResult> offsets(bufferType.getRank(),
                                        rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes{rowsRun};
      for (int64_t size : bufferType.getShape().drop_front())
        sizes.push_back(rewriter.getIndexAttr(size));
      SmallVector<OpFoldResult> strides(bufferType.getRank(),
                                        rewriter.getIndexAttr(1));
      Value &result = results[numCarried + j];
      result = tensor::ExtractSliceOp::create(rewriter, loc, bufferType, result,
                                              offsets, sizes, strides);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

namespace {
struct RuntimeErrorToCall : OpRewritePattern<RuntimeErrorOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RuntimeErrorOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    func::FuncOp hook = getOrDeclareHook(rewriter, op, kRuntimeErrorFuncName,
                                         rewriter.getFunctionType({}, {}));
    auto call = func::CallOp::create(rewriter, loc, hook, ValueRange{});
    call->setAttr(kRuntimeErrorMessageAttr, op.getMessageAttr());
    // Placeholders: the run has ended when these would be read.
    SmallVector<Value> results;
    Value zero;
    for (Type type : op.getResultTypes()) {
      auto tensorType = cast<RankedTensorType>(type);
      SmallVector<Value> sizes;
      if (!tensorType.hasStaticShape() && !zero)
        zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      for (int64_t i = 0, e = tensorType.getNumDynamicDims(); i < e; ++i)
        sizes.push_back(zero);
      results.push_back(
          tensor::EmptyOp::create(rewriter, loc, tensorType.getShape(),
                                  tensorType.getElementType(), sizes));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};
} // namespace

void mlc::populateControlFlowToSCFPatterns(RewritePatternSet &patterns) {
  patterns.add<IfToSCF, LoopToSCF, RuntimeErrorToCall>(patterns.getContext());
}
