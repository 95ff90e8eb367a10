//===- MLCControlFlowOps.cpp - Verifiers and folding of mlc.if/loop -------===//
//
// The ops of MLCControlFlowOps.td: the region signatures and the
// compatibility of yielded values, and the folding of an mlc.if whose
// condition is a constant.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/IR/MLCControlFlowOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlc;

/// Same element type and rank, equal sizes where both are static: a value of
/// one type can stand for the other after a tensor.cast.
static bool areCastCompatible(Type a, Type b) {
  return getElementTypeOrSelf(a) == getElementTypeOrSelf(b) &&
         succeeded(verifyCompatibleShape(a, b));
}

/// A single-element tensor of the given element type.
static bool isScalarLike(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  return ranked && ranked.hasStaticShape() && ranked.getNumElements() == 1;
}

static LogicalResult verifyYield(Operation *op, CFYieldOp yield,
                                 TypeRange expected, StringRef what) {
  if (yield.getValues().size() != expected.size())
    return op->emitOpError() << what << " yields " << yield.getValues().size()
                             << " values, expected " << expected.size();
  for (auto [i, pair] :
       llvm::enumerate(llvm::zip(yield.getValues().getTypes(), expected)))
    if (!areCastCompatible(std::get<0>(pair), std::get<1>(pair)))
      return op->emitOpError()
             << what << " yields " << std::get<0>(pair) << " as value " << i
             << ", incompatible with " << std::get<1>(pair);
  return success();
}

//===----------------------------------------------------------------------===//
// IfOp
//===----------------------------------------------------------------------===//

LogicalResult IfOp::verify() {
  if (!isScalarLike(getCondition().getType()))
    return emitOpError("condition must be a single-element tensor");
  for (auto [region, name] : {std::pair{&getThenRegion(), "then region"},
                              std::pair{&getElseRegion(), "else region"}}) {
    auto yield = dyn_cast<CFYieldOp>(region->front().getTerminator());
    if (!yield)
      return emitOpError() << name << " must end in mlc.cf.yield";
    if (failed(verifyYield(*this, yield, getResultTypes(), name)))
      return failure();
  }
  return success();
}

LogicalResult IfOp::canonicalize(IfOp op, PatternRewriter &rewriter) {
  DenseElementsAttr condition;
  if (!matchPattern(op.getCondition(), m_Constant(&condition)))
    return rewriter.notifyMatchFailure(op, "condition is not a constant");
  Region &taken =
      condition.getSplatValue<bool>() ? op.getThenRegion() : op.getElseRegion();
  Block &block = taken.front();
  auto yield = cast<CFYieldOp>(block.getTerminator());
  // The mlc dialect has no cast: fold only when the branch's types are the
  // result types.
  if (yield.getValues().getTypes() != op.getResultTypes())
    return rewriter.notifyMatchFailure(op, "branch types differ from results");
  SmallVector<Value> values(yield.getValues());
  rewriter.eraseOp(yield);
  rewriter.inlineBlockBefore(&block, op);
  rewriter.replaceOp(op, values);
  return success();
}

//===----------------------------------------------------------------------===//
// LoopOp
//===----------------------------------------------------------------------===//

CFYieldOp LoopOp::getYield() {
  return dyn_cast<CFYieldOp>(getBody().front().getTerminator());
}

LogicalResult LoopOp::verify() {
  if (!isScalarLike(getMaxTripCount().getType()))
    return emitOpError("max_trip_count must be a single-element tensor");
  if (!isScalarLike(getCondition().getType()))
    return emitOpError("condition must be a single-element tensor");
  unsigned numCarried = getNumCarried();
  if (getNumResults() < numCarried)
    return emitOpError("has fewer results than loop-carried values");
  Block &body = getBody().front();
  if (body.getNumArguments() != numCarried + 2)
    return emitOpError("body must take the iteration number, the condition "
                       "and the ")
           << numCarried << " loop-carried values";
  MLIRContext *ctx = getContext();
  auto indexType = RankedTensorType::get({}, IntegerType::get(ctx, 64));
  auto condType = RankedTensorType::get({}, IntegerType::get(ctx, 1));
  if (body.getArgument(0).getType() != indexType ||
      body.getArgument(1).getType() != condType)
    return emitOpError("body arguments 0 and 1 must be tensor<i64> and "
                       "tensor<i1>");
  TypeRange carried = TypeRange(body.getArgumentTypes()).drop_front(2);
  for (auto [i, pair] :
       llvm::enumerate(llvm::zip(getInit().getTypes(), carried)))
    if (!areCastCompatible(std::get<0>(pair), std::get<1>(pair)))
      return emitOpError() << "initial value " << i << " of type "
                           << std::get<0>(pair)
                           << " is incompatible with the carried type "
                           << std::get<1>(pair);
  if (TypeRange(getResultTypes()).take_front(numCarried) != carried)
    return emitOpError("loop-carried results must have the body's argument "
                       "types");

  CFYieldOp yield = getYield();
  if (!yield)
    return emitOpError("body must end in mlc.cf.yield");
  unsigned numScans = getNumResults() - numCarried;
  if (yield.getValues().size() != 1 + numCarried + numScans)
    return emitOpError() << "body yields " << yield.getValues().size()
                         << " values, expected " << 1 + numCarried + numScans
                         << " (condition, carried values, scan outputs)";
  Type condOut = yield.getValues()[0].getType();
  if (!isScalarLike(condOut) || !getElementTypeOrSelf(condOut).isInteger(1))
    return emitOpError("body must yield a single-element i1 condition first");
  SmallVector<Type> expected(carried);
  for (Type scan : TypeRange(getResultTypes()).drop_front(numCarried)) {
    auto type = cast<RankedTensorType>(scan);
    if (type.getRank() == 0 ||
        !RankedTensorType::get(type.getShape().drop_front(),
                               type.getElementType())
             .hasStaticShape())
      return emitOpError("scan output type ")
             << type
             << " must have a leading iteration dimension and static "
                "other dimensions";
    expected.push_back(RankedTensorType::get(type.getShape().drop_front(),
                                             type.getElementType()));
  }
  for (auto [i, pair] : llvm::enumerate(
           llvm::zip(yield.getValues().drop_front().getTypes(), expected)))
    if (!areCastCompatible(std::get<0>(pair), std::get<1>(pair)))
      return emitOpError() << "body yields " << std::get<0>(pair)
                           << " as value " << i + 1 << ", incompatible with "
                           << std::get<1>(pair);
  return success();
}

#define GET_OP_CLASSES
#include "mlc/Dialect/MLC/IR/MLCControlFlowOps.cpp.inc"
