//===- MLCTensorOps.cpp - Type inference and verifiers of tensor ops ------===//
//
// The ops of MLCTensorOps.td: slicing, indexing, padding, reductions and
// normalization. Result types are inferred here; verifiers check what the
// types alone do not (index bounds, axis ranges, element types).
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using namespace mlc;

#include "mlc/Dialect/MLC/IR/MLCTensorEnums.cpp.inc"

static RankedTensorType getTensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Normalizes a possibly negative axis; failure when out of [-rank, rank).
static FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return failure();
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  ArrayRef<int64_t> sizes = adaptor.getSizes();
  if (static_cast<int64_t>(sizes.size()) != input.getRank())
    return emitOptionalError(loc, "slice needs one size per dimension");
  if (llvm::any_of(sizes, [](int64_t s) { return s < 0; }))
    return emitOptionalError(loc, "slice sizes must be non-negative");
  inferred.push_back(RankedTensorType::get(sizes, input.getElementType()));
  return success();
}

LogicalResult SliceOp::verify() {
  RankedTensorType input = getInput().getType();
  ArrayRef<int64_t> offsets = getOffsets(), sizes = getSizes(),
                    strides = getStrides();
  int64_t rank = input.getRank();
  if (static_cast<int64_t>(offsets.size()) != rank ||
      static_cast<int64_t>(strides.size()) != rank)
    return emitOpError("needs one offset and one stride per dimension");
  for (int64_t d = 0; d < rank; ++d) {
    if (strides[d] == 0)
      return emitOpError("stride of dimension ") << d << " is zero";
    int64_t dim = input.getDimSize(d);
    if (sizes[d] == 0 || ShapedType::isDynamic(dim))
      continue;
    int64_t last = offsets[d] + (sizes[d] - 1) * strides[d];
    if (offsets[d] < 0 || offsets[d] >= dim || last < 0 || last >= dim)
      return emitOpError("dimension ")
             << d << " reads indices " << offsets[d] << " to " << last
             << " outside [0, " << dim << ")";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// GatherOp, GatherElementsOp
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  RankedTensorType indices = getTensorType(adaptor.getIndices());
  FailureOr<int64_t> axis =
      normalizeAxis(static_cast<int64_t>(adaptor.getAxis()), input.getRank());
  if (failed(axis))
    return emitOptionalError(loc, "gather axis out of range");
  SmallVector<int64_t> shape(input.getShape().take_front(*axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, input.getShape().drop_front(*axis + 1));
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult
GatherElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                   Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  RankedTensorType indices = getTensorType(adaptor.getIndices());
  if (input.getRank() != indices.getRank())
    return emitOptionalError(
        loc, "gather_elements indices must have the input's rank");
  if (failed(normalizeAxis(static_cast<int64_t>(adaptor.getAxis()),
                           input.getRank())))
    return emitOptionalError(loc, "gather_elements axis out of range");
  inferred.push_back(
      RankedTensorType::get(indices.getShape(), input.getElementType()));
  return success();
}

LogicalResult GatherNDOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  RankedTensorType indices = getTensorType(adaptor.getIndices());
  int64_t batchDims = static_cast<int64_t>(adaptor.getBatchDims());
  int64_t q = indices.getRank(), r = input.getRank();
  if (q < 1 || batchDims < 0 || batchDims >= std::min(q, r))
    return emitOptionalError(loc, "gather_nd batch_dims out of range");
  int64_t k = indices.getDimSize(q - 1);
  if (ShapedType::isDynamic(k) || batchDims + k > r)
    return emitOptionalError(
        loc, "gather_nd index tuples must be static and fit the input rank");
  for (int64_t d = 0; d < batchDims; ++d)
    if (indices.getDimSize(d) != input.getDimSize(d))
      return emitOptionalError(loc, "gather_nd batch dimension ", d,
                               " differs between input and indices");
  SmallVector<int64_t> shape(indices.getShape().drop_back());
  llvm::append_range(shape, input.getShape().drop_front(batchDims + k));
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// ScatterElementsOp, ScatterNDOp
//===----------------------------------------------------------------------===//

#define MLC_SCATTER_INFER(OP)                                                  \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location>,   \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &inferred) {        \
    inferred.push_back(adaptor.getInput().getType());                          \
    return success();                                                          \
  }
MLC_SCATTER_INFER(ScatterElementsOp)
MLC_SCATTER_INFER(ScatterNDOp)
#undef MLC_SCATTER_INFER

LogicalResult ScatterElementsOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType indices = getIndices().getType();
  RankedTensorType updates = getUpdates().getType();
  if (updates.getElementType() != input.getElementType())
    return emitOpError("updates must have the input's element type");
  if (indices.getShape() != updates.getShape() ||
      indices.getRank() != input.getRank())
    return emitOpError("indices and updates must have one shape and the "
                       "input's rank");
  if (failed(normalizeAxis(static_cast<int64_t>(getAxis()), input.getRank())))
    return emitOpError("axis out of range");
  return success();
}

LogicalResult ScatterNDOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType indices = getIndices().getType();
  RankedTensorType updates = getUpdates().getType();
  if (updates.getElementType() != input.getElementType())
    return emitOpError("updates must have the input's element type");
  int64_t q = indices.getRank();
  int64_t k = q ? indices.getDimSize(q - 1) : ShapedType::kDynamic;
  if (q < 1 || ShapedType::isDynamic(k) || k > input.getRank())
    return emitOpError("index tuples must be static and fit the input rank");
  SmallVector<int64_t> expected(indices.getShape().drop_back());
  llvm::append_range(expected, input.getShape().drop_front(k));
  if (updates.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError("updates must have shape indices.shape[:-1] + "
                       "input.shape[k:]");
  return success();
}

//===----------------------------------------------------------------------===//
// ExpandOp, PadOp, OneHotOp
//===----------------------------------------------------------------------===//

LogicalResult ExpandOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  ArrayRef<int64_t> shape = adaptor.getShape();
  FailureOr<SmallVector<int64_t>> broadcast =
      getBroadcastShape(input.getShape(), shape);
  if (failed(broadcast) || ArrayRef<int64_t>(*broadcast) != shape)
    return emitOptionalError(loc, "expand: ", input,
                             " does not broadcast to the target shape");
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  ArrayRef<int64_t> pads = adaptor.getPads();
  int64_t rank = input.getRank();
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return emitOptionalError(loc, "pad needs 2 * rank pads");
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return emitOptionalError(loc, "pads must be non-negative");
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = input.getDimSize(d);
    shape.push_back(
        ShapedType::isDynamic(dim) ? dim : dim + pads[d] + pads[d + rank]);
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult PadOp::verify() {
  if (getMode() == PadMode::Constant)
    return success();
  RankedTensorType input = getInput().getType();
  ArrayRef<int64_t> pads = getPads();
  for (int64_t d = 0; d < input.getRank(); ++d) {
    bool padded = pads[d] > 0 || pads[d + input.getRank()] > 0;
    if (padded && input.getDimSize(d) == 0)
      return emitOpError("cannot pad empty dimension ")
             << d << " in " << stringifyPadMode(getMode()) << " mode";
  }
  return success();
}

LogicalResult OneHotOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType indices = getTensorType(adaptor.getIndices());
  RankedTensorType values = getTensorType(adaptor.getValues());
  if (values.getRank() != 1 || values.getDimSize(0) != 2)
    return emitOptionalError(loc, "one_hot values must be a 2-element vector");
  int64_t depth = static_cast<int64_t>(adaptor.getDepth());
  if (depth <= 0)
    return emitOptionalError(loc, "one_hot depth must be positive");
  FailureOr<int64_t> axis = normalizeAxis(
      static_cast<int64_t>(adaptor.getAxis()), indices.getRank() + 1);
  if (failed(axis))
    return emitOptionalError(loc, "one_hot axis out of range");
  SmallVector<int64_t> shape(indices.getShape());
  shape.insert(shape.begin() + *axis, depth);
  inferred.push_back(RankedTensorType::get(shape, values.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// TriluOp, CumSumOp
//===----------------------------------------------------------------------===//

LogicalResult TriluOp::verify() {
  if (getInput().getType().getRank() < 2)
    return emitOpError("input must have rank >= 2");
  return success();
}

LogicalResult CumSumOp::verify() {
  if (failed(normalizeAxis(static_cast<int64_t>(getAxis()),
                           getInput().getType().getRank())))
    return emitOpError("axis ")
           << static_cast<int64_t>(getAxis()) << " out of range";
  return success();
}

//===----------------------------------------------------------------------===//
// ReduceOp, ArgReduceOp, LogSoftmaxOp, HardmaxOp
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  int64_t rank = input.getRank();
  llvm::SmallBitVector reduced(rank, adaptor.getAxes().empty());
  for (int64_t axis : adaptor.getAxes()) {
    FailureOr<int64_t> normalized = normalizeAxis(axis, rank);
    if (failed(normalized))
      return emitOptionalError(loc, "reduce axis ", axis, " out of range");
    reduced.set(*normalized);
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    if (!reduced.test(i))
      shape.push_back(input.getDimSize(i));
    else if (adaptor.getKeepdims())
      shape.push_back(1);
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult ReduceOp::verify() {
  Type elementType = getInput().getType().getElementType();
  switch (getKind()) {
  case ReduceKind::Sum:
  case ReduceKind::Max:
  case ReduceKind::Min:
  case ReduceKind::Prod:
  case ReduceKind::L1:
  case ReduceKind::SumSquare:
    return success();
  case ReduceKind::L2:
  case ReduceKind::LogSum:
  case ReduceKind::LogSumExp:
    if (isa<FloatType>(elementType))
      return success();
    return emitOpError("reduction ")
           << stringifyReduceKind(getKind()) << " needs a float input";
  }
  return success();
}

LogicalResult ArgReduceOp::inferReturnTypes(MLIRContext *ctx,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  FailureOr<int64_t> axis =
      normalizeAxis(static_cast<int64_t>(adaptor.getAxis()), input.getRank());
  if (failed(axis))
    return emitOptionalError(loc, "arg_reduce axis out of range");
  SmallVector<int64_t> shape(input.getShape());
  if (adaptor.getKeepdims())
    shape[*axis] = 1;
  else
    shape.erase(shape.begin() + *axis);
  inferred.push_back(RankedTensorType::get(shape, IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult LogSoftmaxOp::verify() {
  if (failed(normalizeAxis(static_cast<int64_t>(getAxis()),
                           getInput().getType().getRank())))
    return emitOpError("axis ")
           << static_cast<int64_t>(getAxis()) << " out of range";
  return success();
}

LogicalResult HardmaxOp::verify() {
  if (failed(normalizeAxis(static_cast<int64_t>(getAxis()),
                           getInput().getType().getRank())))
    return emitOpError("axis ")
           << static_cast<int64_t>(getAxis()) << " out of range";
  return success();
}

//===----------------------------------------------------------------------===//
// LayerNormOp
//===----------------------------------------------------------------------===//

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  int64_t rank = input.getRank();
  FailureOr<int64_t> axis =
      normalizeAxis(static_cast<int64_t>(adaptor.getAxis()), rank);
  if (failed(axis))
    return emitOptionalError(loc, "layer_norm axis out of range");
  SmallVector<int64_t> statShape(input.getShape());
  std::fill(statShape.begin() + *axis, statShape.end(), 1);
  auto statType = RankedTensorType::get(statShape, input.getElementType());
  inferred.push_back(input);
  inferred.push_back(statType);
  inferred.push_back(statType);
  return success();
}

LogicalResult LayerNormOp::verify() {
  RankedTensorType input = getInput().getType();
  int64_t rank = input.getRank();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> normalized = input.getShape().drop_front(axis);
  for (Value param : {getScale(), getBias()}) {
    if (!param)
      continue;
    auto type = cast<RankedTensorType>(param.getType());
    if (type.getElementType() != input.getElementType())
      return emitOpError("scale and bias must have the input's element type");
    FailureOr<SmallVector<int64_t>> shape =
        getBroadcastShape(type.getShape(), normalized);
    if (type.getRank() > static_cast<int64_t>(normalized.size()) ||
        failed(shape) || ArrayRef<int64_t>(*shape) != normalized)
      return emitOpError("parameter of type ")
             << type << " does not broadcast to the normalized dimensions";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// RoiAlignOp
//===----------------------------------------------------------------------===//

LogicalResult RoiAlignOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType rois = getRois().getType();
  RankedTensorType indices = getBatchIndices().getType();
  RankedTensorType result = getType();
  if (input.getRank() != 4 || !isa<FloatType>(input.getElementType()))
    return emitOpError("needs a float [N, C, H, W] input");
  if (rois.getRank() != 2 || rois.getElementType() != input.getElementType() ||
      (!rois.isDynamicDim(1) && rois.getDimSize(1) != 4))
    return emitOpError("needs [R, 4] rois of the input's element type");
  if (indices.getRank() != 1 || indices.getElementType().isInteger(1))
    return emitOpError("needs an integer [R] batch_indices");
  if (result.getRank() != 4 ||
      result.getElementType() != input.getElementType())
    return emitOpError("result must be [R, C, OH, OW] of the input's type");
  auto compatible = [](int64_t a, int64_t b) {
    return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
  };
  if (!compatible(result.getDimSize(0), rois.getDimSize(0)) ||
      !compatible(indices.getDimSize(0), rois.getDimSize(0)) ||
      !compatible(result.getDimSize(1), input.getDimSize(1)))
    return emitOpError("region and channel counts of the rois, "
                       "batch_indices and result differ");
  if (result.isDynamicDim(2) || result.isDynamicDim(3) ||
      result.getDimSize(2) < 1 || result.getDimSize(3) < 1)
    return emitOpError("needs a static, positive output height and width");
  if (getSamplingRatioAttr().getInt() < 0)
    return emitOpError("sampling_ratio must be non-negative");
  return success();
}
