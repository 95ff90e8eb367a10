//===- BitwiseOps.cpp - Importers of ONNX bitwise operators ---------------===//
//
// BitwiseAnd/Or/Xor (opset 18) become mlc.and/or/xor and BitwiseNot
// mlc.not on integer tensors, where those ops act bit by bit; signedness
// does not change the bits, and the result keeps the inputs' (un)signedness.
//
//===----------------------------------------------------------------------===//

#include "TensorImportUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static bool isBitwiseType(Type type) {
  return isa<IntegerType>(type) && !type.isInteger(1);
}

template <typename Op>
static LogicalResult importBitwiseBinary(ImporterContext &ic,
                                         const onnx::NodeProto &node,
                                         Location loc) {
  FailureOr<Value> lhs = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> rhs = ic.getRequiredInput(node, 1, loc);
  if (failed(lhs) || failed(rhs))
    return failure();
  RankedTensorType lhsType = getRankedType(*lhs), rhsType = getRankedType(*rhs);
  if (!isBitwiseType(lhsType.getElementType()) ||
      lhsType.getElementType() != rhsType.getElementType())
    return emitError(loc) << node.op_type()
                          << " needs two integer inputs of one type";
  FailureOr<Op> op = createInferred<Op>(ic.builder, loc, *lhs, *rhs);
  if (failed(op))
    return failure();
  ic.setOutput(node, 0, *op);
  return success();
}

static LogicalResult importBitwiseNot(ImporterContext &ic,
                                      const onnx::NodeProto &node,
                                      Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  if (!isBitwiseType(getRankedType(*input).getElementType()))
    return emitError(loc) << "BitwiseNot needs an integer input";
  ic.setOutput(node, 0, NotOp::create(ic.builder, loc, *input));
  return success();
}

void mlc::onnx_import::registerBitwiseOpImporters(OpImporterTable &table) {
  table.push_back({"BitwiseAnd", 18, kLatestOpset, importBitwiseBinary<AndOp>});
  table.push_back({"BitwiseOr", 18, kLatestOpset, importBitwiseBinary<OrOp>});
  table.push_back({"BitwiseXor", 18, kLatestOpset, importBitwiseBinary<XorOp>});
  table.push_back({"BitwiseNot", 18, kLatestOpset, importBitwiseNot});
}
