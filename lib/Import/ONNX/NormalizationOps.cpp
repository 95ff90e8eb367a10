//===- NormalizationOps.cpp - Importers of ONNX normalization operators ---===//
//
// LayerNormalization becomes mlc.layer_norm (a graph pass can recognize it);
// InstanceNormalization is a layer_norm over the spatial dimensions followed
// by the per-channel scale and bias; GroupNormalization (opset 21) a
// layer_norm of [N, groups, rest] with the per-channel scale and bias after.
// MeanVarianceNormalization is (x - mean) / sqrt(var + 1e-9) over its axes.
// RMSNormalization (opset 23) is x / sqrt(mean(x^2) + epsilon) * scale and
// LpNormalization x / reduce l1 or l2 along the axis, both composed from
// mlc ops.
//
//===----------------------------------------------------------------------===//

#include "TensorImportUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static LogicalResult importLayerNorm(ImporterContext &ic,
                                     const onnx::NodeProto &node,
                                     Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> scale = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> bias = ic.getInput(node, 2, loc);
  if (failed(input) || failed(scale) || failed(bias))
    return failure();
  RankedTensorType type = getRankedType(*input);
  if (!isa<FloatType>(type.getElementType()))
    return emitError(loc) << "LayerNormalization needs a float input";
  int64_t rank = type.getRank();
  int64_t axis = getIntAttr(node, "axis", -1);
  if (axis < -rank || axis >= rank)
    return emitError(loc) << "LayerNormalization axis " << axis
                          << " out of range";
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> normalized = type.getShape().drop_front(axis);
  for (Value param : {*scale, *bias}) {
    if (!param)
      continue;
    RankedTensorType paramType = getRankedType(param);
    FailureOr<SmallVector<int64_t>> shape =
        getBroadcastShape(paramType.getShape(), normalized);
    if (paramType.getElementType() != type.getElementType() ||
        paramType.getRank() > static_cast<int64_t>(normalized.size()) ||
        failed(shape) || ArrayRef<int64_t>(*shape) != normalized)
      return emitError(loc)
             << "LayerNormalization parameter " << paramType
             << " does not match the normalized dimensions of " << type;
  }
  OpBuilder &b = ic.builder;
  auto op = LayerNormOp::create(
      b, loc, *input, *scale, *bias, b.getI64IntegerAttr(axis),
      b.getF32FloatAttr(getFloatAttr(node, "epsilon", 1e-5f)));
  ic.setOutput(node, 0, op.getResult());
  ic.setOutput(node, 1, op.getMean());
  ic.setOutput(node, 2, op.getInvStdDev());
  return success();
}

static LogicalResult importInstanceNorm(ImporterContext &ic,
                                        const onnx::NodeProto &node,
                                        Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> scale = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> bias = ic.getRequiredInput(node, 2, loc);
  if (failed(input) || failed(scale) || failed(bias))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  if (rank < 3 || !isa<FloatType>(type.getElementType()))
    return emitError(loc) << "InstanceNormalization needs a float input of "
                             "rank >= 3";
  int64_t channels = type.getDimSize(1);
  for (Value param : {*scale, *bias}) {
    RankedTensorType paramType = getRankedType(param);
    if (paramType.getRank() != 1 || paramType.getDimSize(0) != channels ||
        paramType.getElementType() != type.getElementType())
      return emitError(loc) << "InstanceNormalization scale and B must be "
                               "1-D with one entry per channel";
  }
  OpBuilder &b = ic.builder;
  auto norm = LayerNormOp::create(
      b, loc, *input, Value(), Value(), b.getI64IntegerAttr(2),
      b.getF32FloatAttr(getFloatAttr(node, "epsilon", 1e-5f)));
  // [C] -> [C, 1, ..., 1] broadcasts against [N, C, spatial...].
  SmallVector<int64_t> paramShape(rank - 1, 1);
  paramShape[0] = channels;
  Value scaled = MulOp::create(b, loc, norm.getResult(),
                               createReshape(ic, loc, *scale, paramShape));
  ic.setOutput(
      node, 0,
      AddOp::create(b, loc, scaled, createReshape(ic, loc, *bias, paramShape)));
  return success();
}

static LogicalResult importMeanVarianceNorm(ImporterContext &ic,
                                            const onnx::NodeProto &node,
                                            Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  RankedTensorType type = getRankedType(*input);
  if (!isa<FloatType>(type.getElementType()))
    return emitError(loc) << "MeanVarianceNormalization needs a float input";
  FailureOr<SmallVector<int64_t>> axes = normalizeAxes(
      node, getIntsAttr(node, "axes", {0, 2, 3}), type.getRank(), loc);
  if (failed(axes))
    return failure();
  OpBuilder &b = ic.builder;
  Value x = *input;
  auto mean = [&](Value v) -> Value {
    return ReduceMeanOp::create(b, loc, v, b.getDenseI64ArrayAttr(*axes),
                                b.getBoolAttr(true));
  };
  Value meanX = mean(x);
  Value meanSquare = mean(MulOp::create(b, loc, x, x));
  Value variance =
      SubOp::create(b, loc, meanSquare, MulOp::create(b, loc, meanX, meanX));
  Value epsilon = ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get({}, type.getElementType()),
                             b.getFloatAttr(type.getElementType(), 1e-9)));
  Value denominator =
      AddOp::create(b, loc, SqrtOp::create(b, loc, variance), epsilon);
  ic.setOutput(
      node, 0,
      DivOp::create(b, loc, SubOp::create(b, loc, x, meanX), denominator));
  return success();
}

/// RMSNormalization: x / sqrt(mean(x^2 over [axis, rank)) + epsilon) * scale.
/// A rank-0 constant of the float type `elementType`.
static Value createFloatScalar(OpBuilder &b, Location loc, Type elementType,
                               double value) {
  auto type = RankedTensorType::get({}, elementType);
  return ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, b.getFloatAttr(elementType, value)));
}

static LogicalResult importRMSNorm(ImporterContext &ic,
                                   const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> scale = ic.getRequiredInput(node, 1, loc);
  if (failed(input) || failed(scale))
    return failure();
  RankedTensorType type = getRankedType(*input);
  Type elementType = type.getElementType();
  if (!isa<FloatType>(elementType) ||
      getRankedType(*scale).getElementType() != elementType)
    return emitError(loc) << "RMSNormalization needs a float input and scale "
                             "of one type";
  int64_t rank = type.getRank();
  int64_t axis = getIntAttr(node, "axis", -1);
  if (axis < -rank || axis >= rank)
    return emitError(loc) << "RMSNormalization axis " << axis
                          << " out of range";
  if (axis < 0)
    axis += rank;
  if (getIntAttr(node, "stash_type", 1) != 1)
    return emitError(loc) << "RMSNormalization stash_type other than float "
                             "is not supported";
  SmallVector<int64_t> axes;
  for (int64_t d = axis; d < rank; ++d)
    axes.push_back(d);
  OpBuilder &b = ic.builder;
  double epsilon = getFloatAttr(node, "epsilon", 1e-5f);
  FailureOr<MulOp> square = createInferred<MulOp>(b, loc, *input, *input);
  if (failed(square))
    return failure();
  Value mean = ReduceMeanOp::create(
      b, loc, *square, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(true));
  FailureOr<AddOp> shifted = createInferred<AddOp>(
      b, loc, mean, createFloatScalar(b, loc, elementType, epsilon));
  if (failed(shifted))
    return failure();
  Value rms = SqrtOp::create(b, loc, shifted->getResult());
  Value inverse = ReciprocalOp::create(b, loc, rms);
  FailureOr<MulOp> normalized = createInferred<MulOp>(b, loc, *input, inverse);
  if (failed(normalized))
    return failure();
  FailureOr<MulOp> result =
      createInferred<MulOp>(b, loc, normalized->getResult(), *scale);
  if (failed(result))
    return emitError(loc) << "RMSNormalization scale " << getRankedType(*scale)
                          << " does not broadcast to " << type;
  ic.setOutput(node, 0, *result);
  return success();
}

static LogicalResult importGroupNorm(ImporterContext &ic,
                                     const onnx::NodeProto &node,
                                     Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> scale = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> bias = ic.getRequiredInput(node, 2, loc);
  if (failed(input) || failed(scale) || failed(bias) ||
      failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  if (rank < 3 || !isa<FloatType>(type.getElementType()))
    return emitError(loc) << "GroupNormalization needs a float input of "
                             "rank >= 3";
  int64_t groups = getIntAttr(node, "num_groups", 0);
  int64_t channels = type.getDimSize(1);
  if (groups <= 0 || channels % groups)
    return emitError(loc) << "GroupNormalization num_groups " << groups
                          << " does not divide " << channels << " channels";
  for (Value param : {*scale, *bias}) {
    RankedTensorType paramType = getRankedType(param);
    if (paramType.getRank() != 1 || paramType.getDimSize(0) != channels ||
        paramType.getElementType() != type.getElementType())
      return emitError(loc) << "GroupNormalization scale and bias must be "
                               "1-D with one entry per channel (opset 21)";
  }
  OpBuilder &b = ic.builder;
  int64_t batch = type.getDimSize(0);
  int64_t rest = type.getNumElements() / std::max<int64_t>(1, batch * groups);
  Value grouped = createReshape(ic, loc, *input, {batch, groups, rest});
  auto norm = LayerNormOp::create(
      b, loc, grouped, Value(), Value(), b.getI64IntegerAttr(2),
      b.getF32FloatAttr(getFloatAttr(node, "epsilon", 1e-5f)));
  Value normalized = createReshape(ic, loc, norm.getResult(), type.getShape());
  SmallVector<int64_t> paramShape(rank - 1, 1);
  paramShape[0] = channels;
  Value scaled = MulOp::create(b, loc, normalized,
                               createReshape(ic, loc, *scale, paramShape));
  ic.setOutput(
      node, 0,
      AddOp::create(b, loc, scaled, createReshape(ic, loc, *bias, paramShape)));
  return success();
}

static LogicalResult importLpNorm(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  RankedTensorType type = getRankedType(*input);
  if (!isa<FloatType>(type.getElementType()))
    return emitError(loc) << "LpNormalization needs a float input";
  int64_t rank = type.getRank();
  int64_t axis = getIntAttr(node, "axis", -1);
  if (axis < -rank || axis >= rank)
    return emitError(loc) << "LpNormalization axis " << axis << " out of range";
  if (axis < 0)
    axis += rank;
  int64_t p = getIntAttr(node, "p", 2);
  if (p != 1 && p != 2)
    return emitError(loc) << "LpNormalization p must be 1 or 2, got " << p;
  OpBuilder &b = ic.builder;
  Value norm =
      ReduceOp::create(b, loc, p == 1 ? ReduceKind::L1 : ReduceKind::L2, *input,
                       ArrayRef<int64_t>{axis},
                       /*keepdims=*/true);
  FailureOr<DivOp> result = createInferred<DivOp>(b, loc, *input, norm);
  if (failed(result))
    return failure();
  ic.setOutput(node, 0, *result);
  return success();
}

void mlc::onnx_import::registerNormalizationOpImporters(
    OpImporterTable &table) {
  table.push_back({"LayerNormalization", 17, kLatestOpset, importLayerNorm});
  table.push_back(
      {"InstanceNormalization", 1, kLatestOpset, importInstanceNorm});
  table.push_back(
      {"MeanVarianceNormalization", 9, kLatestOpset, importMeanVarianceNorm});
  table.push_back({"RMSNormalization", 23, kLatestOpset, importRMSNorm});
  table.push_back({"GroupNormalization", 21, kLatestOpset, importGroupNorm});
  table.push_back({"LpNormalization", 1, kLatestOpset, importLpNorm});
}
