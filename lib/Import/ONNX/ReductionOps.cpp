//===- ReductionOps.cpp - Importers of ONNX reductions --------------------===//
//
// Reduce{Sum,Mean,Max,Min,Prod,L1,L2,LogSum,LogSumExp,SumSquare} (axes as an
// attribute before opset 13 for ReduceSum and 18 for the others, as a
// constant input after), ArgMax/ArgMin, LogSoftmax and Hardmax (flattened
// 2-D semantics before opset 13).
//
//===----------------------------------------------------------------------===//

#include "TensorImportUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// The reduction of `input` over `axes` (all when empty).
static Value createReduce(ImporterContext &ic, Location loc,
                          std::optional<ReduceKind> kind, Value input,
                          ArrayRef<int64_t> axes, bool keepdims) {
  OpBuilder &b = ic.builder;
  if (!kind)
    return ReduceMeanOp::create(b, loc, input, b.getDenseI64ArrayAttr(axes),
                                b.getBoolAttr(keepdims));
  return ReduceOp::create(b, loc, *kind, input, axes, keepdims);
}

/// Reduce<kind> whose axes are only known at run time: their number is the
/// static length of the axes tensor, and the sets of that many axes whose
/// result has the declared output shape are the candidates, one reduction
/// each, selected at run time (one candidate needs no selection).
static LogicalResult importRuntimeAxesReduce(ImporterContext &ic,
                                             const onnx::NodeProto &node,
                                             Location loc,
                                             std::optional<ReduceKind> kind,
                                             Value input, Value axes) {
  RankedTensorType type = getRankedType(input);
  RankedTensorType axesType = getRankedType(axes);
  int64_t rank = type.getRank();
  bool keepdims = getIntAttr(node, "keepdims", 1) != 0;
  if (axesType.getRank() != 1 || !axesType.hasStaticShape())
    return emitError(loc) << node.op_type()
                          << "'s runtime axes must be a 1-D tensor of "
                             "static length";
  int64_t count = axesType.getDimSize(0);
  if (count > rank)
    return emitError(loc) << node.op_type() << " has more axes than dims";
  if (count == 0) {
    if (getIntAttr(node, "noop_with_empty_axes", 0)) {
      ic.setOutput(node, 0, input);
      return success();
    }
    ic.setOutput(node, 0, createReduce(ic, loc, kind, input, {}, keepdims));
    return success();
  }
  std::optional<RankedTensorType> declared = getDeclaredOutputType(ic, node, 0);
  SmallVector<SmallVector<int64_t>> candidates;
  for (uint64_t mask = 0; mask < (uint64_t(1) << rank); ++mask) {
    if (llvm::popcount(mask) != count)
      continue;
    SmallVector<int64_t> subset, shape;
    for (int64_t d = 0; d < rank; ++d) {
      bool reduced = mask & (uint64_t(1) << d);
      if (reduced)
        subset.push_back(d);
      if (!reduced)
        shape.push_back(type.getDimSize(d));
      else if (keepdims)
        shape.push_back(1);
    }
    if (!declared || declared->getShape() == ArrayRef<int64_t>(shape))
      candidates.push_back(subset);
  }
  FailureOr<Value> result = selectOnRuntimeInts(
      ic, loc, axes, candidates, rank,
      [&](ArrayRef<int64_t> subset) -> FailureOr<Value> {
        return createReduce(ic, loc, kind, input, subset, keepdims);
      });
  if (failed(result))
    return failure();
  ic.setOutput(node, 0, *result);
  return success();
}

/// Imports Reduce<kind>; `kind` is std::nullopt for ReduceMean, which has
/// its own op.
static LogicalResult importReduce(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc,
                                  std::optional<ReduceKind> kind,
                                  int64_t axesInputSince) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  FailureOr<Value> runtimeAxes =
      getRuntimeInput(ic, node, 1, axesInputSince, loc);
  if (failed(runtimeAxes))
    return failure();
  if (*runtimeAxes)
    return importRuntimeAxesReduce(ic, node, loc, kind, *input, *runtimeAxes);
  auto axesOr = getIntsAttrOrInput(ic, node, "axes", 1, axesInputSince, loc);
  if (failed(axesOr))
    return failure();
  SmallVector<int64_t> axes = *axesOr ? **axesOr : SmallVector<int64_t>();
  if (ic.opset >= axesInputSince && axes.empty() &&
      getIntAttr(node, "noop_with_empty_axes", 0)) {
    ic.setOutput(node, 0, *input);
    return success();
  }
  RankedTensorType type = getRankedType(*input);
  if (failed(normalizeAxes(node, axes, type.getRank(), loc)))
    return failure();
  Type elementType = type.getElementType();
  bool isFloat = isa<FloatType>(elementType);
  bool needsFloat = !kind || *kind == ReduceKind::L2 ||
                    *kind == ReduceKind::LogSum ||
                    *kind == ReduceKind::LogSumExp;
  if (needsFloat && !isFloat)
    return emitError(loc) << node.op_type() << " needs a float input";
  if (elementType.isInteger(1) && *kind != ReduceKind::Max &&
      *kind != ReduceKind::Min)
    return emitError(loc) << node.op_type() << " of booleans is not supported";
  OpBuilder &b = ic.builder;
  bool keepdims = getIntAttr(node, "keepdims", 1) != 0;
  if (!kind) {
    ic.setOutput(node, 0,
                 ReduceMeanOp::create(b, loc, *input,
                                      b.getDenseI64ArrayAttr(axes),
                                      b.getBoolAttr(keepdims)));
    return success();
  }
  ic.setOutput(node, 0,
               ReduceOp::create(b, loc, *kind, *input, axes, keepdims));
  return success();
}

template <ReduceKind kind, int64_t axesInputSince>
static LogicalResult importReduceKind(ImporterContext &ic,
                                      const onnx::NodeProto &node,
                                      Location loc) {
  return importReduce(ic, node, loc, kind, axesInputSince);
}

static LogicalResult importReduceMean(ImporterContext &ic,
                                      const onnx::NodeProto &node,
                                      Location loc) {
  return importReduce(ic, node, loc, std::nullopt, 18);
}

template <ArgReduceKind kind>
static LogicalResult importArgReduce(ImporterContext &ic,
                                     const onnx::NodeProto &node,
                                     Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  int64_t axis = getIntAttr(node, "axis", 0);
  if (axis < -rank || axis >= rank)
    return emitError(loc) << node.op_type() << " axis " << axis
                          << " out of range";
  if (type.getElementType().isInteger(1))
    return emitError(loc) << node.op_type() << " of booleans is not supported";
  if (type.getDimSize(axis < 0 ? axis + rank : axis) == 0)
    return emitError(loc) << node.op_type() << " over an empty axis";
  ic.setOutput(
      node, 0,
      ArgReduceOp::create(ic.builder, loc, kind, *input, axis,
                          getIntAttr(node, "keepdims", 1) != 0,
                          getIntAttr(node, "select_last_index", 0) != 0));
  return success();
}

/// LogSoftmax and Hardmax: axis over one dimension from opset 13, over the
/// input flattened to 2-D at `axis` (default 1) before.
template <typename OpTy>
static LogicalResult importSoftmaxLike(ImporterContext &ic,
                                       const onnx::NodeProto &node,
                                       Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  if (!isa<FloatType>(getRankedType(*input).getElementType()))
    return emitError(loc) << node.op_type() << " needs a float input";
  bool legacy = ic.opset < 13;
  int64_t axis = getIntAttr(node, "axis", legacy ? 1 : -1);
  FailureOr<Value> result = applyOnCoercedAxis(
      ic, node, loc, *input, axis, legacy, [&](Value x, int64_t a) -> Value {
        return OpTy::create(ic.builder, loc, x,
                            ic.builder.getI64IntegerAttr(a));
      });
  if (failed(result))
    return failure();
  ic.setOutput(node, 0, *result);
  return success();
}

void mlc::onnx_import::registerReductionOpImporters(OpImporterTable &table) {
  table.push_back({"ReduceMean", 1, 17, importReduceMean});
  table.push_back({"ReduceMean", 18, kLatestOpset, importReduceMean});
  table.push_back({"ReduceSum", 1, 12, importReduceKind<ReduceKind::Sum, 13>});
  table.push_back(
      {"ReduceSum", 13, kLatestOpset, importReduceKind<ReduceKind::Sum, 13>});
#define MLC_REDUCE_18(NAME, KIND)                                              \
  table.push_back({NAME, 1, 17, importReduceKind<ReduceKind::KIND, 18>});      \
  table.push_back(                                                             \
      {NAME, 18, kLatestOpset, importReduceKind<ReduceKind::KIND, 18>});
  MLC_REDUCE_18("ReduceMax", Max)
  MLC_REDUCE_18("ReduceMin", Min)
  MLC_REDUCE_18("ReduceProd", Prod)
  MLC_REDUCE_18("ReduceL1", L1)
  MLC_REDUCE_18("ReduceL2", L2)
  MLC_REDUCE_18("ReduceLogSum", LogSum)
  MLC_REDUCE_18("ReduceLogSumExp", LogSumExp)
  MLC_REDUCE_18("ReduceSumSquare", SumSquare)
#undef MLC_REDUCE_18
  table.push_back(
      {"ArgMax", 1, kLatestOpset, importArgReduce<ArgReduceKind::ArgMax>});
  table.push_back(
      {"ArgMin", 1, kLatestOpset, importArgReduce<ArgReduceKind::ArgMin>});
  table.push_back({"LogSoftmax", 1, 12, importSoftmaxLike<LogSoftmaxOp>});
  table.push_back(
      {"LogSoftmax", 13, kLatestOpset, importSoftmaxLike<LogSoftmaxOp>});
  table.push_back({"Hardmax", 1, 12, importSoftmaxLike<HardmaxOp>});
  table.push_back({"Hardmax", 13, kLatestOpset, importSoftmaxLike<HardmaxOp>});
}
