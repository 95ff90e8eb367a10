//===- FoldConstants.cpp - The mlc-fold-constants pass --------------------===//
//
// Evaluates mlc ops whose operands are all constants on the host and
// replaces them by mlc.constant, to a fixpoint, so that constant subgraphs
// (shape arithmetic, weight transposes, elementwise math on weights)
// disappear from the compiled model.
//
//===----------------------------------------------------------------------===//

#include "ConstantUtils.h"

#include "mlc/Dialect/MLC/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace mlc {
#define GEN_PASS_DEF_FOLDCONSTANTS
#include "mlc/Dialect/MLC/Transforms/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

/// Applies `f` elementwise to `input` into a tensor of `resultType`.
template <typename FloatFn>
FailureOr<ConstTensor> mapFloats(const ConstTensor &input,
                                 RankedTensorType resultType, FloatFn f) {
  if (!input.isFloat())
    return failure();
  ConstTensor result = ConstTensor::zeros(resultType);
  for (int64_t i = 0, e = input.size(); i < e; ++i)
    result.floats[i] = f(input.floats[i]);
  return result;
}

enum class BinaryKind { Add, Sub, Mul, Div };

/// numpy-broadcast binary arithmetic; integer division truncates like
/// arith.divsi and is not folded when a divisor is zero.
FailureOr<ConstTensor> evaluateBinary(BinaryKind kind, const ConstTensor &lhs,
                                      const ConstTensor &rhs,
                                      RankedTensorType resultType) {
  ArrayRef<int64_t> shape = resultType.getShape();
  std::vector<int64_t> li = getBroadcastIndices(lhs.type.getShape(), shape);
  std::vector<int64_t> ri = getBroadcastIndices(rhs.type.getShape(), shape);
  ConstTensor result = ConstTensor::zeros(resultType);
  for (int64_t i = 0, e = result.size(); i < e; ++i) {
    if (result.isFloat()) {
      double a = lhs.floats[li[i]], b = rhs.floats[ri[i]];
      switch (kind) {
      case BinaryKind::Add: result.floats[i] = a + b; break;
      case BinaryKind::Sub: result.floats[i] = a - b; break;
      case BinaryKind::Mul: result.floats[i] = a * b; break;
      case BinaryKind::Div: result.floats[i] = a / b; break;
      }
      continue;
    }
    int64_t a = lhs.ints[li[i]], b = rhs.ints[ri[i]];
    switch (kind) {
    case BinaryKind::Add: result.ints[i] = a + b; break;
    case BinaryKind::Sub: result.ints[i] = a - b; break;
    case BinaryKind::Mul: result.ints[i] = a * b; break;
    case BinaryKind::Div:
      if (b == 0 || (a == INT64_MIN && b == -1))
        return failure();
      result.ints[i] = a / b;
      break;
    }
  }
  return result;
}

FailureOr<ConstTensor> evaluateConcat(ArrayRef<ConstTensor> inputs,
                                      int64_t axis,
                                      RankedTensorType resultType) {
  ConstTensor result = ConstTensor::zeros(resultType);
  ArrayRef<int64_t> shape = resultType.getShape();
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  int64_t offset = 0;
  int64_t rowSize = result.size() / std::max<int64_t>(outer, 1);
  for (const ConstTensor &input : inputs) {
    int64_t chunk = input.size() / std::max<int64_t>(outer, 1);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < chunk; ++j) {
        int64_t to = o * rowSize + offset + j, from = o * chunk + j;
        if (result.isFloat())
          result.floats[to] = input.floats[from];
        else
          result.ints[to] = input.ints[from];
      }
    offset += chunk;
  }
  return result;
}

/// The value of `op` computed from its constant operands, or failure when
/// the op is not one this pass evaluates.
FailureOr<ConstTensor> evaluate(Operation *op, ArrayRef<ConstTensor> operands) {
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  auto binary = [&](BinaryKind kind) {
    return evaluateBinary(kind, operands[0], operands[1], resultType);
  };
  auto reinterpret = [&]() -> FailureOr<ConstTensor> {
    ConstTensor result = operands[0];
    result.type = resultType;
    return result;
  };
  return llvm::TypeSwitch<Operation *, FailureOr<ConstTensor>>(op)
      .Case([&](AddOp) { return binary(BinaryKind::Add); })
      .Case([&](SubOp) { return binary(BinaryKind::Sub); })
      .Case([&](MulOp) { return binary(BinaryKind::Mul); })
      .Case([&](DivOp) { return binary(BinaryKind::Div); })
      .Case([&](ReluOp) {
        return mapFloats(operands[0], resultType,
                         [](double x) { return x > 0 ? x : 0.0; });
      })
      .Case([&](SigmoidOp) {
        return mapFloats(operands[0], resultType,
                         [](double x) { return 1.0 / (1.0 + std::exp(-x)); });
      })
      .Case([&](TanhOp) {
        return mapFloats(operands[0], resultType,
                         [](double x) { return std::tanh(x); });
      })
      .Case([&](ClipOp clip) {
        double lo = clip.getMin() ? clip.getMin()->convertToDouble() : -INFINITY;
        double hi = clip.getMax() ? clip.getMax()->convertToDouble() : INFINITY;
        return mapFloats(operands[0], resultType, [&](double x) {
          return std::min(std::max(x, lo), hi);
        });
      })
      .Case([&](TransposeOp transposeOp) -> FailureOr<ConstTensor> {
        return transpose(operands[0], transposeOp.getPerm());
      })
      .Case<ReshapeOp, FlattenOp>([&](Operation *) { return reinterpret(); })
      .Case([&](ConcatOp concat) {
        int64_t axis = concat.getAxis();
        if (axis < 0)
          axis += resultType.getRank();
        return evaluateConcat(operands, axis, resultType);
      })
      .Default([](Operation *) { return failure(); });
}

/// Replaces an mlc op with all-constant operands by its value.
struct FoldConstantOp : RewritePattern {
  FoldConstantOp(MLIRContext *context, int64_t maxElements)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context),
        maxElements(maxElements) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<MLCDialect>(op->getDialect()) || isa<ConstantOp>(op) ||
        op->getNumResults() != 1 || op->getNumRegions() != 0)
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "result shape is not static");
    if (resultType.getNumElements() > maxElements)
      return rewriter.notifyMatchFailure(op, "result above max-elements");
    SmallVector<ConstTensor> operands;
    for (Value operand : op->getOperands()) {
      FailureOr<ConstTensor> value = readConstant(operand);
      if (failed(value))
        return rewriter.notifyMatchFailure(op, "operand is not constant");
      operands.push_back(std::move(*value));
    }
    FailureOr<ConstTensor> result = evaluate(op, operands);
    if (failed(result))
      return rewriter.notifyMatchFailure(op, "not evaluated by this pass");
    std::string blobName = "folded";
    if (auto nameLoc = dyn_cast<NameLoc>(op->getLoc()))
      blobName = nameLoc.getName().str();
    rewriter.replaceOpWithNewOp<ConstantOp>(
        op, cast<TypedAttr>(result->toAttr(blobName)));
    return success();
  }

  int64_t maxElements;
};

struct FoldConstantsPass
    : public mlc::impl::FoldConstantsBase<FoldConstantsPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldConstantsPatterns(patterns, maxElements);
    // Not converging within the driver's limit leaves a correct, partly
    // folded module: no reason to fail the compilation.
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace

void mlc::populateFoldConstantsPatterns(RewritePatternSet &patterns,
                                        int64_t maxElements) {
  patterns.add<FoldConstantOp>(patterns.getContext(), maxElements);
}
