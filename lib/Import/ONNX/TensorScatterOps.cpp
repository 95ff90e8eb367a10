//===- TensorScatterOps.cpp - ONNX TensorScatter as scatter_elements ------===//
//
// TensorScatter (opset 24) writes `update` into a KV cache along `axis`
// starting at write_indices[batch] (0 when absent), modulo the cache length
// in circular mode. The per-element target index, iota(seq) along the axis
// plus the batch's write index, is built from mlc ops and broadcast to the
// update's shape for mlc.scatter_elements.
//
//===----------------------------------------------------------------------===//

#include "TensorImportUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static LogicalResult importTensorScatter(ImporterContext &ic,
                                         const onnx::NodeProto &node,
                                         Location loc) {
  FailureOr<Value> cache = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> update = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> writeIndices = ic.getInput(node, 2, loc);
  if (failed(cache) || failed(update) || failed(writeIndices))
    return failure();
  for (Value value : {*cache, *update, *writeIndices})
    if (value && failed(requireStaticShape(node, value, loc)))
      return failure();
  RankedTensorType cacheType = getRankedType(*cache),
                   updateType = getRankedType(*update);
  int64_t rank = cacheType.getRank();
  int64_t axis = getIntAttr(node, "axis", -2);
  if (axis < -rank || axis >= rank)
    return emitError(loc) << "TensorScatter axis " << axis << " out of range";
  if (axis < 0)
    axis += rank;
  if (axis == 0)
    return emitError(loc) << "TensorScatter axis must not be the batch axis";
  std::string mode = getStringAttr(node, "mode", "linear");
  if (mode != "linear" && mode != "circular")
    return emitError(loc) << "TensorScatter mode must be linear or circular, "
                             "got '"
                          << mode << "'";
  bool shapesMatch = updateType.getRank() == rank &&
                     updateType.getElementType() == cacheType.getElementType();
  for (int64_t d = 0; shapesMatch && d < rank; ++d)
    shapesMatch = d == axis
                      ? updateType.getDimSize(d) <= cacheType.getDimSize(d)
                      : updateType.getDimSize(d) == cacheType.getDimSize(d);
  if (!shapesMatch)
    return emitError(loc) << "TensorScatter update " << updateType
                          << " does not fit the cache " << cacheType;
  OpBuilder &b = ic.builder;
  int64_t batch = cacheType.getDimSize(0);
  int64_t seq = updateType.getDimSize(axis);
  Type i64 = b.getI64Type();

  // positions[.., i, ..] = i along the axis.
  SmallVector<int64_t> iotaShape(rank, 1), iota;
  iotaShape[axis] = seq;
  for (int64_t i = 0; i < seq; ++i)
    iota.push_back(i);
  Value indices = ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get(iotaShape, i64),
                             ArrayRef(iota)));
  if (*writeIndices) {
    RankedTensorType writeType = getRankedType(*writeIndices);
    if (writeType.getRank() != 1 || writeType.getDimSize(0) != batch ||
        !writeType.getElementType().isInteger(64))
      return emitError(loc) << "TensorScatter write_indices must be int64 of "
                               "shape [batch]";
    SmallVector<int64_t> batchShape(rank, 1);
    batchShape[0] = batch;
    FailureOr<AddOp> shifted = createInferred<AddOp>(
        b, loc, indices, createReshape(ic, loc, *writeIndices, batchShape));
    if (failed(shifted))
      return failure();
    indices = *shifted;
  }
  if (mode == "circular") {
    Value length = ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({}, i64),
                               cacheType.getDimSize(axis)));
    FailureOr<ModOp> wrapped = createInferred<ModOp>(
        b, loc, indices, length, /*fmod=*/false, /*unsigned_ints=*/false);
    if (failed(wrapped))
      return failure();
    indices = *wrapped;
  }
  FailureOr<ExpandOp> expanded = createInferred<ExpandOp>(
      b, loc, indices, b.getDenseI64ArrayAttr(updateType.getShape()));
  if (failed(expanded))
    return failure();
  FailureOr<ScatterElementsOp> result = createInferred<ScatterElementsOp>(
      b, loc, ScatterReduction::None, *cache, expanded->getResult(), *update,
      static_cast<uint64_t>(axis));
  if (failed(result))
    return failure();
  ic.setOutput(node, 0, *result);
  return success();
}

void mlc::onnx_import::registerTensorScatterOpImporters(
    OpImporterTable &table) {
  table.push_back({"TensorScatter", 24, kLatestOpset, importTensorScatter});
}
