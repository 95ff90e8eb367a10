//===- MathOps.cpp - Importers of ONNX elementwise math and activations ---===//

#include "ImporterContext.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

template <typename Op>
static LogicalResult importBinary(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> lhs = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> rhs = ic.getRequiredInput(node, 1, loc);
  if (failed(lhs) || failed(rhs))
    return failure();
  if (getElementTypeOrSelf(lhs->getType()) !=
      getElementTypeOrSelf(rhs->getType()))
    return emitError(loc) << node.op_type()
                          << " operands have different element types";
  // Checked here: the op's builder treats an inference failure as fatal.
  auto lhsType = cast<RankedTensorType>(lhs->getType());
  auto rhsType = cast<RankedTensorType>(rhs->getType());
  if (failed(getBroadcastShape(lhsType.getShape(), rhsType.getShape())))
    return emitError(loc) << node.op_type() << " operands " << lhsType
                          << " and " << rhsType << " do not broadcast";
  ic.setOutput(node, 0, Op::create(ic.builder, loc, *lhs, *rhs));
  return success();
}

template <typename Op>
static LogicalResult importUnary(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  if (!isa<FloatType>(getElementTypeOrSelf(input->getType())))
    return emitError(loc) << node.op_type() << " needs a float input";
  ic.setOutput(node, 0, Op::create(ic.builder, loc, *input));
  return success();
}

/// Clip before opset 11 has min/max attributes, from 11 on optional inputs,
/// which must be constants.
static LogicalResult importClip(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  if (!isa<FloatType>(getElementTypeOrSelf(input->getType())))
    return emitError(loc) << "Clip needs a float input";
  FloatAttr min, max;
  Builder &b = ic.builder;
  if (ic.opset < 11) {
    if (findAttr(node, "min"))
      min = b.getF32FloatAttr(getFloatAttr(node, "min", 0));
    if (findAttr(node, "max"))
      max = b.getF32FloatAttr(getFloatAttr(node, "max", 0));
  } else {
    for (int i : {1, 2}) {
      FailureOr<Value> bound = ic.getInput(node, i, loc);
      if (failed(bound))
        return failure();
      if (!*bound)
        continue;
      FailureOr<double> value =
          ic.getConstantScalar(*bound, loc, i == 1 ? "Clip min" : "Clip max");
      if (failed(value))
        return failure();
      (i == 1 ? min : max) = b.getF32FloatAttr(*value);
    }
  }
  ic.setOutput(node, 0, ClipOp::create(ic.builder, loc, *input, min, max));
  return success();
}

void mlc::onnx_import::registerMathOpImporters(OpImporterTable &table) {
  table.push_back({"Add", 7, 22, importBinary<AddOp>});
  table.push_back({"Sub", 7, 22, importBinary<SubOp>});
  table.push_back({"Mul", 7, 22, importBinary<MulOp>});
  table.push_back({"Div", 7, 22, importBinary<DivOp>});
  table.push_back({"Relu", 1, 22, importUnary<ReluOp>});
  table.push_back({"Sigmoid", 1, 22, importUnary<SigmoidOp>});
  table.push_back({"Tanh", 1, 22, importUnary<TanhOp>});
  table.push_back({"Clip", 1, 10, importClip});
  table.push_back({"Clip", 11, 22, importClip});
}
