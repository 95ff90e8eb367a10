//===- CenterCropPadOps.cpp - ONNX CenterCropPad as slice + pad -----------===//
//
// CenterCropPad (opset 18) with a constant `shape` (or a runtime one fixed by
// the output shape the graph declares): every listed axis longer
// than its target is cropped around the center by mlc.slice (the extra
// element of an odd difference is dropped at the end), every shorter one is
// padded with zeros by mlc.pad (the extra element goes at the end).
//
//===----------------------------------------------------------------------===//

#include "TensorImportUtils.h"

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static LogicalResult importCenterCropPad(ImporterContext &ic,
                                         const onnx::NodeProto &node,
                                         Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> shapeInput = ic.getRequiredInput(node, 1, loc);
  if (failed(input) || failed(shapeInput) ||
      failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes;
  if (findAttr(node, "axes")) {
    FailureOr<SmallVector<int64_t>> normalized =
        normalizeAxes(node, getIntsAttr(node, "axes", {}), rank, loc);
    if (failed(normalized))
      return failure();
    axes = *normalized;
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  FailureOr<SmallVector<int64_t>> targets = failure();
  if (succeeded(foldToConstant(*shapeInput))) {
    targets = ic.getConstantInts(*shapeInput, loc, "CenterCropPad's shape");
  } else {
    // A runtime shape: the output shape the graph declares fixes it.
    auto declared = ic.declaredTypes.find(node.output(0));
    if (declared == ic.declaredTypes.end() ||
        declared->second.getRank() != rank)
      return emitError(loc) << "CenterCropPad with a runtime shape needs a "
                               "static output shape declared in the graph";
    SmallVector<int64_t> fromOutput;
    for (int64_t axis : axes)
      fromOutput.push_back(declared->second.getDimSize(axis));
    targets = fromOutput;
  }
  if (failed(targets))
    return failure();
  if (targets->size() != axes.size())
    return emitError(loc) << "CenterCropPad's shape has " << targets->size()
                          << " entries for " << axes.size() << " axes";
  SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()),
      strides(rank, 1), pads(2 * rank, 0);
  bool crops = false, padsAny = false;
  for (auto [axis, target] : llvm::zip(axes, *targets)) {
    if (target < 0)
      return emitError(loc) << "CenterCropPad's shape must be non-negative";
    int64_t dim = type.getDimSize(axis);
    if (target < dim) {
      offsets[axis] = (dim - target) / 2;
      sizes[axis] = target;
      crops = true;
    } else if (target > dim) {
      pads[axis] = (target - dim) / 2;
      pads[axis + rank] = target - dim - pads[axis];
      padsAny = true;
    }
  }
  OpBuilder &b = ic.builder;
  Value result = *input;
  if (crops)
    result = SliceOp::create(
        b, loc, type.clone(sizes), result, b.getDenseI64ArrayAttr(offsets),
        b.getDenseI64ArrayAttr(sizes), b.getDenseI64ArrayAttr(strides));
  if (padsAny) {
    FailureOr<PadOp> padded =
        createInferred<PadOp>(b, loc, PadMode::Constant, result,
                              ArrayRef<int64_t>(pads), APFloat(0.0));
    if (failed(padded))
      return failure();
    result = *padded;
  }
  ic.setOutput(node, 0, result);
  return success();
}

void mlc::onnx_import::registerCenterCropPadOpImporters(
    OpImporterTable &table) {
  table.push_back({"CenterCropPad", 18, kLatestOpset, importCenterCropPad});
}
