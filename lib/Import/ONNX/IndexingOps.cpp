//===- IndexingOps.cpp - Importers of ONNX indexing operators -------------===//
//
// Gather, GatherElements, GatherND, ScatterElements (Scatter), ScatterND,
// OneHot, Trilu and CumSum. Indices may be runtime tensors; depth, k and
// axis inputs must be constants.
//
//===----------------------------------------------------------------------===//

#include "TensorImportUtils.h"

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// Constant indices are checked against the axis size at import time.
static LogicalResult checkConstantIndices(const onnx::NodeProto &node,
                                          Value indices, int64_t dim,
                                          Location loc) {
  auto constant = indices.getDefiningOp<ConstantOp>();
  auto dense = constant ? dyn_cast<DenseIntElementsAttr>(constant.getValue())
                        : DenseIntElementsAttr();
  if (!dense || ShapedType::isDynamic(dim))
    return success();
  for (const APInt &v : dense.getValues<APInt>()) {
    int64_t index = v.getSExtValue();
    if (index < -dim || index >= dim)
      return emitError(loc) << node.op_type() << " index " << index
                            << " out of range for dimension of size " << dim;
  }
  return success();
}

template <typename OpTy>
static LogicalResult importGatherLike(ImporterContext &ic,
                                      const onnx::NodeProto &node,
                                      Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> indices = ic.getRequiredInput(node, 1, loc);
  if (failed(input) || failed(indices))
    return failure();
  RankedTensorType type = getRankedType(*input);
  RankedTensorType indicesType = getRankedType(*indices);
  int64_t rank = type.getRank();
  int64_t axis = getIntAttr(node, "axis", 0);
  if (axis < -rank || axis >= rank)
    return emitError(loc) << node.op_type() << " axis " << axis
                          << " out of range";
  if (!isa<IntegerType>(indicesType.getElementType()) ||
      indicesType.getElementType().isInteger(1))
    return emitError(loc) << node.op_type() << " indices must be integers";
  if constexpr (std::is_same_v<OpTy, GatherElementsOp>) {
    if (indicesType.getRank() != rank)
      return emitError(loc) << "GatherElements indices must have the data's "
                               "rank";
    for (int64_t d = 0; d < rank; ++d)
      if (d != (axis < 0 ? axis + rank : axis) &&
          indicesType.getDimSize(d) > type.getDimSize(d))
        return emitError(loc) << "GatherElements indices exceed the data in "
                                 "dimension "
                              << d;
  }
  if constexpr (std::is_same_v<OpTy, GatherOp>) {
    // Gather from a runtime Shape with constant indices picks its pieces:
    // the static dimensions stay constants.
    std::optional<SmallVector<Value>> pieces = getShapePieces(*input);
    FailureOr<ConstTensor> picked = foldToConstant(*indices);
    if (pieces && pieces->size() > 1 && succeeded(picked) &&
        !picked->isFloat() && indicesType.getRank() <= 1) {
      int64_t count = pieces->size();
      SmallVector<Value> chosen;
      for (int64_t i : picked->ints) {
        if (i < -count || i >= count)
          return emitError(loc) << "Gather index " << i << " out of range";
        chosen.push_back((*pieces)[i < 0 ? i + count : i]);
      }
      OpBuilder &b = ic.builder;
      Value result = indicesType.getRank() == 0
                         ? createReshape(ic, loc, chosen.front(), {})
                         : (chosen.size() == 1
                                ? chosen.front()
                                : Value(ConcatOp::create(
                                      b, loc, chosen, b.getI64IntegerAttr(0))));
      if (getRankedType(result).getElementType() != type.getElementType())
        result = CastOp::create(
            b, loc, getRankedType(result).clone(type.getElementType()), result);
      ic.setOutput(node, 0, result);
      return success();
    }
  }
  if (failed(checkConstantIndices(
          node, *indices, type.getDimSize(axis < 0 ? axis + rank : axis), loc)))
    return failure();
  ic.setOutput(node, 0,
               OpTy::create(ic.builder, loc, *input, *indices,
                            ic.builder.getI64IntegerAttr(axis)));
  return success();
}

static LogicalResult importGatherND(ImporterContext &ic,
                                    const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> indices = ic.getRequiredInput(node, 1, loc);
  if (failed(input) || failed(indices))
    return failure();
  RankedTensorType type = getRankedType(*input);
  RankedTensorType indicesType = getRankedType(*indices);
  int64_t batchDims = getIntAttr(node, "batch_dims", 0);
  int64_t q = indicesType.getRank(), r = type.getRank();
  if (!isa<IntegerType>(indicesType.getElementType()) ||
      indicesType.getElementType().isInteger(1))
    return emitError(loc) << "GatherND indices must be integers";
  if (q < 1 || batchDims < 0 || batchDims >= std::min(q, r))
    return emitError(loc) << "GatherND batch_dims " << batchDims
                          << " out of range";
  int64_t k = indicesType.getDimSize(q - 1);
  if (ShapedType::isDynamic(k) || batchDims + k > r)
    return emitError(loc) << "GatherND index tuples of length " << k
                          << " do not fit " << type;
  for (int64_t d = 0; d < batchDims; ++d)
    if (indicesType.getDimSize(d) != type.getDimSize(d))
      return emitError(loc) << "GatherND batch dimension " << d
                            << " differs between data and indices";
  ic.setOutput(node, 0,
               GatherNDOp::create(ic.builder, loc, *input, *indices,
                                  ic.builder.getI64IntegerAttr(batchDims)));
  return success();
}

/// ScatterElements (and its opset 9-10 name Scatter) and ScatterND.
template <typename OpTy>
static LogicalResult importScatter(ImporterContext &ic,
                                   const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> indices = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> updates = ic.getRequiredInput(node, 2, loc);
  if (failed(input) || failed(indices) || failed(updates))
    return failure();
  RankedTensorType type = getRankedType(*input);
  RankedTensorType indicesType = getRankedType(*indices);
  RankedTensorType updatesType = getRankedType(*updates);
  std::string reductionName = getStringAttr(node, "reduction", "none");
  std::optional<ScatterReduction> reduction =
      symbolizeScatterReduction(reductionName);
  if (!reduction)
    return emitError(loc) << node.op_type() << " reduction '" << reductionName
                          << "' is not supported";
  if (!isa<IntegerType>(indicesType.getElementType()) ||
      indicesType.getElementType().isInteger(1))
    return emitError(loc) << node.op_type() << " indices must be integers";
  if (updatesType.getElementType() != type.getElementType())
    return emitError(loc) << node.op_type()
                          << " updates must have the data's element type";
  OpBuilder &b = ic.builder;
  if constexpr (std::is_same_v<OpTy, ScatterElementsOp>) {
    int64_t rank = type.getRank();
    int64_t axis = getIntAttr(node, "axis", 0);
    if (axis < -rank || axis >= rank)
      return emitError(loc)
             << node.op_type() << " axis " << axis << " out of range";
    if (indicesType.getShape() != updatesType.getShape() ||
        indicesType.getRank() != rank)
      return emitError(loc) << node.op_type()
                            << " indices and updates must have one shape and "
                               "the data's rank";
    if (failed(checkConstantIndices(
            node, *indices, type.getDimSize(axis < 0 ? axis + rank : axis),
            loc)))
      return failure();
    ic.setOutput(node, 0,
                 ScatterElementsOp::create(b, loc, *reduction, *input, *indices,
                                           *updates, axis));
  } else {
    int64_t q = indicesType.getRank();
    int64_t k = q ? indicesType.getDimSize(q - 1) : -1;
    if (q < 1 || k < 0 || k > type.getRank())
      return emitError(loc) << "ScatterND index tuples do not fit " << type;
    SmallVector<int64_t> expected(indicesType.getShape().drop_back());
    llvm::append_range(expected, type.getShape().drop_front(k));
    if (updatesType.getShape() != ArrayRef<int64_t>(expected))
      return emitError(loc) << "ScatterND updates " << updatesType
                            << " do not match indices and data";
    ic.setOutput(
        node, 0,
        ScatterNDOp::create(b, loc, *reduction, *input, *indices, *updates));
  }
  return success();
}

static LogicalResult importOneHot(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> indices = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> depthInput = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> values = ic.getRequiredInput(node, 2, loc);
  if (failed(indices) || failed(depthInput) || failed(values))
    return failure();
  int64_t outRank = getRankedType(*indices).getRank() + 1;
  std::optional<RankedTensorType> declared = getDeclaredOutputType(ic, node, 0);
  int64_t declaredAxis = getIntAttr(node, "axis", -1);
  // A runtime depth is the size of the declared output along axis.
  FailureOr<SmallVector<double>> depth =
      isRuntimeValue(*depthInput) && declared &&
              declared->getRank() == outRank && declaredAxis >= -outRank &&
              declaredAxis < outRank
          ? FailureOr<SmallVector<double>>(
                SmallVector<double>{static_cast<double>(declared->getDimSize(
                    declaredAxis < 0 ? declaredAxis + outRank : declaredAxis))})
          : getConstantValues(*depthInput, loc, "OneHot's depth");
  if (failed(depth))
    return failure();
  if (depth->size() != 1 || depth->front() < 1)
    return emitError(loc) << "OneHot depth must be a positive scalar";
  RankedTensorType valuesType = getRankedType(*values);
  if (valuesType.getRank() != 1 || valuesType.getDimSize(0) != 2)
    return emitError(loc) << "OneHot values must be a 2-element vector";
  if (getRankedType(*indices).getElementType().isInteger(1))
    return emitError(loc) << "OneHot indices must be numbers";
  int64_t rank = getRankedType(*indices).getRank() + 1;
  int64_t axis = getIntAttr(node, "axis", -1);
  if (axis < -rank || axis >= rank)
    return emitError(loc) << "OneHot axis " << axis << " out of range";
  OpBuilder &b = ic.builder;
  ic.setOutput(node, 0,
               OneHotOp::create(
                   b, loc, *indices, *values,
                   b.getI64IntegerAttr(static_cast<int64_t>(depth->front())),
                   b.getI64IntegerAttr(axis)));
  return success();
}

/// Trilu with a runtime k: where((j - i) >= k (upper) or <= k, x, 0) with
/// a constant [rows, cols] tensor of j - i broadcast over the batch dims.
static LogicalResult importRuntimeTrilu(ImporterContext &ic,
                                        const onnx::NodeProto &node,
                                        Location loc, Value input, Value k) {
  if (failed(requireStaticShape(node, input, loc)))
    return failure();
  RankedTensorType type = getRankedType(input);
  RankedTensorType kType = getRankedType(k);
  if (kType.getNumElements() != 1 || !kType.getElementType().isInteger(64))
    return emitError(loc) << "Trilu's k must be an int64 scalar, got " << kType;
  OpBuilder &b = ic.builder;
  int64_t rank = type.getRank();
  int64_t rows = type.getDimSize(rank - 2), cols = type.getDimSize(rank - 1);
  SmallVector<int64_t> diagonal;
  diagonal.reserve(rows * cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      diagonal.push_back(j - i);
  Value offsets = ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(
          RankedTensorType::get({rows, cols}, b.getI64Type()),
          ArrayRef(diagonal)));
  Value kScalar = createReshape(ic, loc, k, {});
  FailureOr<Value> mask = failure();
  if (getIntAttr(node, "upper", 1) != 0) {
    FailureOr<GreaterEqualOp> cmp =
        createInferred<GreaterEqualOp>(b, loc, offsets, kScalar);
    if (succeeded(cmp))
      mask = cmp->getResult();
  } else {
    FailureOr<LessEqualOp> cmp =
        createInferred<LessEqualOp>(b, loc, offsets, kScalar);
    if (succeeded(cmp))
      mask = cmp->getResult();
  }
  if (failed(mask))
    return failure();
  Type elementType = type.getElementType();
  auto scalarType = RankedTensorType::get({}, elementType);
  Value zero = ConstantOp::create(
      b, loc,
      isa<FloatType>(elementType)
          ? DenseElementsAttr::get(scalarType, b.getFloatAttr(elementType, 0.0))
          : DenseElementsAttr::get(scalarType,
                                   b.getIntegerAttr(elementType, 0)));
  FailureOr<WhereOp> result =
      createInferred<WhereOp>(b, loc, *mask, input, zero);
  if (failed(result))
    return failure();
  ic.setOutput(node, 0, *result);
  return success();
}

static LogicalResult importTrilu(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> kInput = ic.getInput(node, 1, loc);
  if (failed(input) || failed(kInput))
    return failure();
  if (getRankedType(*input).getRank() < 2)
    return emitError(loc) << "Trilu needs rank >= 2";
  int64_t k = 0;
  if (*kInput && failed(foldToConstant(*kInput)))
    return importRuntimeTrilu(ic, node, loc, *input, *kInput);
  if (*kInput) {
    FailureOr<SmallVector<int64_t>> values =
        ic.getConstantInts(*kInput, loc, "Trilu's k");
    if (failed(values))
      return failure();
    if (values->size() != 1)
      return emitError(loc) << "Trilu's k must be a scalar";
    k = values->front();
  }
  OpBuilder &b = ic.builder;
  ic.setOutput(node, 0,
               TriluOp::create(b, loc, *input,
                               b.getBoolAttr(getIntAttr(node, "upper", 1) != 0),
                               b.getI64IntegerAttr(k)));
  return success();
}

static LogicalResult importCumSum(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> axisInput = ic.getRequiredInput(node, 1, loc);
  if (failed(input) || failed(axisInput))
    return failure();
  int64_t rank = getRankedType(*input).getRank();
  OpBuilder &b = ic.builder;
  if (isRuntimeValue(*axisInput)) {
    // A runtime axis: one cumsum per axis, selected at run time.
    if (getRankedType(*input).getElementType().isInteger(1))
      return emitError(loc) << "CumSum of booleans is not supported";
    SmallVector<SmallVector<int64_t>> candidates;
    for (int64_t d = 0; d < rank; ++d)
      candidates.push_back({d});
    FailureOr<Value> result = selectOnRuntimeInts(
        ic, loc, *axisInput, candidates, rank,
        [&](ArrayRef<int64_t> axis) -> FailureOr<Value> {
          return Value(CumSumOp::create(
              b, loc, *input, b.getI64IntegerAttr(axis.front()),
              b.getBoolAttr(getIntAttr(node, "exclusive", 0) != 0),
              b.getBoolAttr(getIntAttr(node, "reverse", 0) != 0)));
        });
    if (failed(result))
      return failure();
    ic.setOutput(node, 0, *result);
    return success();
  }
  FailureOr<SmallVector<int64_t>> axis =
      ic.getConstantInts(*axisInput, loc, "CumSum's axis");
  if (failed(axis))
    return failure();
  if (axis->size() != 1 || axis->front() < -rank || axis->front() >= rank)
    return emitError(loc) << "CumSum axis must be a scalar in range";
  if (getRankedType(*input).getElementType().isInteger(1))
    return emitError(loc) << "CumSum of booleans is not supported";
  ic.setOutput(
      node, 0,
      CumSumOp::create(b, loc, *input, b.getI64IntegerAttr(axis->front()),
                       b.getBoolAttr(getIntAttr(node, "exclusive", 0) != 0),
                       b.getBoolAttr(getIntAttr(node, "reverse", 0) != 0)));
  return success();
}

void mlc::onnx_import::registerIndexingOpImporters(OpImporterTable &table) {
  table.push_back({"Gather", 1, kLatestOpset, importGatherLike<GatherOp>});
  table.push_back(
      {"GatherElements", 11, kLatestOpset, importGatherLike<GatherElementsOp>});
  table.push_back({"GatherND", 11, kLatestOpset, importGatherND});
  table.push_back({"OneHot", 9, kLatestOpset, importOneHot});
  table.push_back({"Scatter", 9, 10, importScatter<ScatterElementsOp>});
  table.push_back(
      {"ScatterElements", 11, kLatestOpset, importScatter<ScatterElementsOp>});
  table.push_back({"ScatterND", 11, kLatestOpset, importScatter<ScatterNDOp>});
  table.push_back({"Trilu", 14, kLatestOpset, importTrilu});
  table.push_back({"CumSum", 11, kLatestOpset, importCumSum});
}
