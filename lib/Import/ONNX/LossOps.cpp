//===- LossOps.cpp - ONNX NegativeLogLikelihoodLoss and SCE loss ----------===//
//
// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (used at inference
// as scoring heads) are compositions of existing mlc ops, so nothing new
// reaches the lowering:
//   picked[n, d..] = input[n, target[n, d..], d..]  (mlc.gather_elements)
//   w[n, d..]      = weight[target] (1 without weights), 0 where target is
//                    ignore_index
//   loss           = -picked * w, then summed (sum), or summed and divided by
//                    the sum of w (mean), or returned as is (none).
// SoftmaxCrossEntropyLoss is the same on mlc.log_softmax of the scores
// along the class axis (1), whose value is its optional second output.
//
//===----------------------------------------------------------------------===//

#include "ComposeUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// The loss of `logProb` [N, C, d..] at integer `target` [N, d..] with
/// optional `weight` [C]; sets output 0 of `node`.
static LogicalResult buildNLLLoss(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc,
                                  Value logProb, Value target, Value weight) {
  StringRef op = node.op_type();
  RankedTensorType type = getRankedType(logProb);
  RankedTensorType targetType = getRankedType(target);
  Type elementType = type.getElementType();
  if (!type.hasStaticShape() || !targetType.hasStaticShape())
    return emitError(loc) << op
                          << " of dynamically shaped tensors is not "
                             "supported";
  if (type.getRank() < 2 || !isa<FloatType>(elementType))
    return emitError(loc) << op << " needs float [N, C, d..] scores, got "
                          << type;
  SmallVector<int64_t> targetShape{type.getDimSize(0)};
  targetShape.append(type.getShape().begin() + 2, type.getShape().end());
  if (targetType.getShape() != ArrayRef<int64_t>(targetShape) ||
      !isa<IntegerType>(targetType.getElementType()) ||
      targetType.getElementType().isInteger(1))
    return emitError(loc) << op << " needs integer labels of shape ["
                          << ArrayRef<int64_t>(targetShape) << "], got "
                          << targetType;
  int64_t classes = type.getDimSize(1);
  if (weight) {
    RankedTensorType weightType = getRankedType(weight);
    if (weightType.getShape() != ArrayRef<int64_t>{classes} ||
        weightType.getElementType() != elementType)
      return emitError(loc) << op << " weights must be "
                            << RankedTensorType::get({classes}, elementType)
                            << ", got " << weightType;
  }
  std::string reduction = getStringAttr(node, "reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return emitError(loc) << op << ": unknown reduction '" << reduction << "'";
  OpBuilder &b = ic.builder;
  Type i64 = b.getI64Type();
  Value labels = target;
  if (targetType.getElementType() != i64)
    labels = CastOp::create(b, loc, targetType.clone(i64), target,
                            ic.isUnsigned(target), false);
  // Ignored positions read class 0 (any valid index) and weigh nothing.
  Value valid;
  if (const onnx::AttributeProto *ignore = findAttr(node, "ignore_index")) {
    valid = NotOp::create(
        b, loc,
        EqualOp::create(
            b, loc, labels,
            ConstantOp::create(
                b, loc,
                DenseElementsAttr::get(RankedTensorType::get({}, i64),
                                       b.getIntegerAttr(i64, ignore->i())))));
    labels = WhereOp::create(b, loc, valid, labels,
                             createScalarConst(b, loc, i64, 0));
  }
  SmallVector<int64_t> pickedShape(targetShape);
  pickedShape.insert(pickedShape.begin() + 1, 1);
  Value picked = GatherElementsOp::create(
      b, loc, logProb, createReshape(ic, loc, labels, pickedShape),
      b.getI64IntegerAttr(1));
  picked = createReshape(ic, loc, picked, targetShape);
  Value weights;
  if (weight)
    weights = GatherOp::create(b, loc, weight, labels, b.getI64IntegerAttr(0));
  if (valid) {
    Value mask =
        CastOp::create(b, loc, RankedTensorType::get(targetShape, elementType),
                       valid, false, false);
    weights = weights ? Value(MulOp::create(b, loc, weights, mask)) : mask;
  }
  Value loss = NegOp::create(b, loc, picked);
  if (weights)
    loss = MulOp::create(b, loc, loss, weights);
  if (reduction == "none") {
    ic.setOutput(node, 0, loss);
    return success();
  }
  SmallVector<int64_t> all =
      llvm::to_vector(llvm::seq<int64_t>(0, targetShape.size()));
  auto sumAll = [&](Value v) -> Value {
    return ReduceOp::create(b, loc, ReduceKind::Sum, v, all,
                            /*keepdims=*/false);
  };
  Value total = sumAll(loss);
  if (reduction == "mean") {
    // The mean weighs each position by its weight (1 without weights);
    // ignored positions count for nothing.
    Value count = weights
                      ? sumAll(weights)
                      : createScalarConst(
                            b, loc, elementType,
                            static_cast<double>(
                                RankedTensorType::get(targetShape, elementType)
                                    .getNumElements()));
    total = DivOp::create(b, loc, total, count);
  }
  ic.setOutput(node, 0, total);
  return success();
}

static LogicalResult importNLLLoss(ImporterContext &ic,
                                   const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> target = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> weight = ic.getInput(node, 2, loc);
  if (failed(input) || failed(target) || failed(weight))
    return failure();
  return buildNLLLoss(ic, node, loc, *input, *target, *weight);
}

static LogicalResult importSoftmaxCrossEntropyLoss(ImporterContext &ic,
                                                   const onnx::NodeProto &node,
                                                   Location loc) {
  FailureOr<Value> scores = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> labels = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> weight = ic.getInput(node, 2, loc);
  if (failed(scores) || failed(labels) || failed(weight))
    return failure();
  RankedTensorType type = getRankedType(*scores);
  if (type.getRank() < 2 || !isa<FloatType>(type.getElementType()))
    return emitError(loc) << "SoftmaxCrossEntropyLoss needs float [N, C, d..] "
                             "scores, got "
                          << type;
  Value logProb = LogSoftmaxOp::create(ic.builder, loc, *scores,
                                       ic.builder.getI64IntegerAttr(1));
  if (failed(buildNLLLoss(ic, node, loc, logProb, *labels, *weight)))
    return failure();
  if (node.output_size() > 1)
    ic.setOutput(node, 1, logProb);
  return success();
}

void mlc::onnx_import::registerLossOpImporters(OpImporterTable &table) {
  table.push_back(
      {"NegativeLogLikelihoodLoss", 12, kLatestOpset, importNLLLoss});
  table.push_back({"SoftmaxCrossEntropyLoss", 12, kLatestOpset,
                   importSoftmaxCrossEntropyLoss});
}
