//===- SplitToSequence.cpp - The importer of ONNX SplitToSequence ---------===//
//
// SplitToSequence by constant splits (a sequence of known length), by a
// run-time scalar split (a sequence of run-time length with one slot per
// possible piece), or by a run-time 1-D split of static length.
//
//===----------------------------------------------------------------------===//

#include "ComposeUtils.h"
#include "ControlFlowOps.h"
#include "SequenceOps.h"

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// SplitToSequence by a run-time scalar `split`: ceil(D / split) pieces of
/// `split` along `axis` (the last one shorter), D the axis' static size. A
/// sequence of run-time length (createBoundedSequence) with D slots, as it
/// has at most D pieces: slot j the slice [j * split, (j + 1) * split),
/// clamped (empty past the end). A split <= 0 fails the run.
static LogicalResult splitByRuntimeChunk(ImporterContext &ic,
                                         const onnx::NodeProto &node,
                                         Value input, Value split, int64_t axis,
                                         Location loc) {
  OpBuilder &b = ic.builder;
  Type i64 = b.getI64Type();
  RankedTensorType type = getRankedType(input);
  int64_t size = type.getDimSize(axis);
  if (size > kMaxLoopIterationsLimit)
    return emitError(loc) << "SplitToSequence by a run-time scalar split "
                             "along an axis of size "
                          << size << " (more than " << kMaxLoopIterationsLimit
                          << " pieces) is not supported";
  RankedTensorType splitType = getRankedType(split);
  if (!splitType.getElementType().isInteger())
    return emitError(loc) << "SplitToSequence split must be an integer "
                             "tensor, got "
                          << splitType;
  if (splitType.getElementType() != i64)
    split = CastOp::create(b, loc, splitType.clone(i64), split, false, false);
  Value chunk = createReshape(ic, loc, split, {1});
  chunk = failRunIf(
      b, loc,
      LessEqualOp::create(b, loc, chunk, createConstant(b, loc, {1}, i64, {0})),
      chunk, "SplitToSequence split must be > 0");
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = ShapedType::kDynamic;
  auto elementType = RankedTensorType::get(shape, type.getElementType());
  Value axes = createConstant(b, loc, {1}, i64, {static_cast<double>(axis)});
  Value steps = createConstant(b, loc, {1}, i64, {1});
  SmallVector<Value> slots;
  for (int64_t j = 0; j < size; ++j) {
    Value start = MulOp::create(
        b, loc, chunk,
        createConstant(b, loc, {1}, i64, {static_cast<double>(j)}));
    Value end = AddOp::create(b, loc, start, chunk);
    Value piece = DynamicSliceOp::create(b, loc, elementType, input, start, end,
                                         axes, steps);
    if (ic.isUnsigned(input))
      ic.unsignedValues.insert(piece);
    slots.push_back(piece);
  }
  // ceil(D / split); split > 0 past the check above.
  Value one = createConstant(b, loc, {1}, i64, {1});
  Value length = DivOp::create(
      b, loc,
      AddOp::create(
          b, loc, createConstant(b, loc, {1}, i64, {static_cast<double>(size)}),
          SubOp::create(b, loc, chunk, one)),
      chunk);
  ic.setOutput(
      node, 0,
      createBoundedSequence(b, loc, createReshape(ic, loc, length, {}), slots));
  return success();
}

/// SplitToSequence by a run-time 1-D `split` of static length k: k
/// elements, element i the slice [sum(split[:i]), sum(split[:i + 1])) along
/// `axis` (a dynamic dimension there). Sizes that do not add up to the
/// axis give unspecified elements.
static LogicalResult splitAtRuntimeSizes(ImporterContext &ic,
                                         const onnx::NodeProto &node,
                                         Value input, Value split, int64_t axis,
                                         Location loc) {
  OpBuilder &b = ic.builder;
  Type i64 = b.getI64Type();
  RankedTensorType splitType = getRankedType(split);
  if (splitType.getRank() == 0)
    return splitByRuntimeChunk(ic, node, input, split, axis, loc);
  if (splitType.getRank() != 1 || splitType.isDynamicDim(0) ||
      !splitType.getElementType().isInteger())
    return emitError(loc)
           << "SplitToSequence with a run-time split needs a scalar or a "
              "1-D integer split of static length (one of run-time length "
              "is not supported), got "
           << splitType;
  if (splitType.getElementType() != i64)
    split = CastOp::create(b, loc, splitType.clone(i64), split, false, false);
  RankedTensorType type = getRankedType(input);
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = ShapedType::kDynamic;
  auto elementType = RankedTensorType::get(shape, type.getElementType());
  Value start = createConstant(b, loc, {1}, i64, {0});
  Value axes = createConstant(b, loc, {1}, i64, {static_cast<double>(axis)});
  Value steps = createConstant(b, loc, {1}, i64, {1});
  SmallVector<Value> elements;
  for (int64_t i = 0; i < splitType.getDimSize(0); ++i) {
    Value end =
        AddOp::create(b, loc, start, sliceAxis(ic, loc, split, 0, i, 1));
    Value piece = DynamicSliceOp::create(b, loc, elementType, input, start, end,
                                         axes, steps);
    if (ic.isUnsigned(input))
      ic.unsignedValues.insert(piece);
    elements.push_back(piece);
    start = end;
  }
  ic.setOutput(node, 0, createSequence(ic.builder, loc, elements));
  return success();
}

LogicalResult mlc::onnx_import::importSplitToSequence(
    ImporterContext &ic, const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> split = ic.getInput(node, 1, loc);
  if (failed(input) || failed(split))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  int64_t axis = getIntAttr(node, "axis", 0);
  if (axis < -rank || axis >= rank)
    return emitError(loc) << "SplitToSequence axis " << axis
                          << " is out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  if (type.isDynamicDim(axis))
    return emitError(loc) << "SplitToSequence along a dynamic dimension is "
                             "not supported (the sequence length would be "
                             "known only at run time)";
  int64_t size = type.getDimSize(axis);
  SmallVector<int64_t> sizes;
  bool squeeze = false;
  if (!*split) {
    sizes.assign(size, 1);
    squeeze = getIntAttr(node, "keepdims", 1) == 0;
  } else if (failed(foldToConstant(*split))) {
    return splitAtRuntimeSizes(ic, node, *input, *split, axis, loc);
  } else {
    FailureOr<SmallVector<int64_t>> values =
        ic.getConstantInts(*split, loc, "SplitToSequence's split");
    if (failed(values))
      return failure();
    if (getRankedType(*split).getRank() == 0) {
      int64_t chunk = values->front();
      if (chunk <= 0)
        return emitError(loc)
               << "SplitToSequence split must be > 0, got " << chunk;
      for (int64_t offset = 0; offset < size; offset += chunk)
        sizes.push_back(std::min(chunk, size - offset));
    } else {
      sizes.assign(values->begin(), values->end());
      int64_t total = 0;
      for (int64_t s : sizes) {
        if (s < 0)
          return emitError(loc) << "SplitToSequence split sizes must be >= 0";
        total += s;
      }
      if (total != size)
        return emitError(loc) << "SplitToSequence split sizes add up to "
                              << total << ", not the axis size " << size;
    }
  }
  SmallVector<Value> elements;
  int64_t offset = 0;
  for (int64_t s : sizes) {
    Value piece = sliceAxis(ic, loc, *input, axis, offset, s);
    if (squeeze) {
      SmallVector<int64_t> shape(getRankedType(piece).getShape());
      shape.erase(shape.begin() + axis);
      piece = createReshape(ic, loc, piece, shape);
    }
    if (ic.isUnsigned(*input))
      ic.unsignedValues.insert(piece);
    elements.push_back(piece);
    offset += s;
  }
  ic.setOutput(node, 0, createSequence(ic.builder, loc, elements));
  return success();
}
