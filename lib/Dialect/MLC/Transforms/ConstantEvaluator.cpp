//===- ConstantEvaluator.cpp - Compile-time evaluation of mlc ops ---------===//
//
// Host implementations of the mlc ops that appear in constant subgraphs:
// elementwise arithmetic with broadcasting, activations, data movement
// (transpose, reshape, concat, slice, gather, expand). Used by
// mlc-fold-constants and by the importer, which needs shape operands as
// constants while it builds the graph.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlc;

namespace {

/// Applies `f` elementwise to `input` into a tensor of `resultType`.
template <typename FloatFn>
FailureOr<ConstTensor> mapFloats(const ConstTensor &input,
                                 RankedTensorType resultType, FloatFn f) {
  if (!input.isFloat())
    return failure();
  ConstTensor result = ConstTensor::zeros(resultType);
  for (int64_t i = 0, e = input.size(); i < e; ++i)
    result.floats[i] = f(input.floats[i]);
  return result;
}

enum class BinaryKind { Add, Sub, Mul, Div };

/// numpy-broadcast binary arithmetic; integer division truncates like
/// arith.divsi and is not folded when a divisor is zero.
FailureOr<ConstTensor> evaluateBinary(BinaryKind kind, const ConstTensor &lhs,
                                      const ConstTensor &rhs,
                                      RankedTensorType resultType) {
  ArrayRef<int64_t> shape = resultType.getShape();
  std::vector<int64_t> li = getBroadcastIndices(lhs.type.getShape(), shape);
  std::vector<int64_t> ri = getBroadcastIndices(rhs.type.getShape(), shape);
  ConstTensor result = ConstTensor::zeros(resultType);
  for (int64_t i = 0, e = result.size(); i < e; ++i) {
    if (result.isFloat()) {
      double a = lhs.floats[li[i]], b = rhs.floats[ri[i]];
      switch (kind) {
      case BinaryKind::Add: result.floats[i] = a + b; break;
      case BinaryKind::Sub: result.floats[i] = a - b; break;
      case BinaryKind::Mul: result.floats[i] = a * b; break;
      case BinaryKind::Div: result.floats[i] = a / b; break;
      }
      continue;
    }
    int64_t a = lhs.ints[li[i]], b = rhs.ints[ri[i]];
    switch (kind) {
    case BinaryKind::Add: result.ints[i] = a + b; break;
    case BinaryKind::Sub: result.ints[i] = a - b; break;
    case BinaryKind::Mul: result.ints[i] = a * b; break;
    case BinaryKind::Div:
      if (b == 0 || (a == INT64_MIN && b == -1))
        return failure();
      result.ints[i] = a / b;
      break;
    }
  }
  return result;
}

FailureOr<ConstTensor> evaluateConcat(ArrayRef<ConstTensor> inputs,
                                      int64_t axis,
                                      RankedTensorType resultType) {
  ConstTensor result = ConstTensor::zeros(resultType);
  ArrayRef<int64_t> shape = resultType.getShape();
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  int64_t offset = 0;
  int64_t rowSize = result.size() / std::max<int64_t>(outer, 1);
  for (const ConstTensor &input : inputs) {
    int64_t chunk = input.size() / std::max<int64_t>(outer, 1);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < chunk; ++j) {
        int64_t to = o * rowSize + offset + j, from = o * chunk + j;
        if (result.isFloat())
          result.floats[to] = input.floats[from];
        else
          result.ints[to] = input.ints[from];
      }
    offset += chunk;
  }
  return result;
}

/// The value of `op` computed from its constant operands, or failure when
/// the op is not one this pass evaluates.
/// Copies element `from` of `input` to element `to` of `result`.
void copyElement(const ConstTensor &input, int64_t from, ConstTensor &result,
                 int64_t to) {
  if (result.isFloat())
    result.floats[to] = input.floats[from];
  else
    result.ints[to] = input.ints[from];
}

/// result[i0, i1, ...] = input[offset0 + i0 * stride0, ...].
FailureOr<ConstTensor> evaluateSlice(const ConstTensor &input,
                                     ArrayRef<int64_t> offsets,
                                     ArrayRef<int64_t> strides,
                                     RankedTensorType resultType) {
  ConstTensor result = ConstTensor::zeros(resultType);
  ArrayRef<int64_t> shape = resultType.getShape();
  SmallVector<int64_t> inStrides = getStrides(input.type.getShape());
  SmallVector<int64_t> outStrides = getStrides(shape);
  for (int64_t linear = 0, e = result.size(); linear < e; ++linear) {
    int64_t source = 0;
    for (size_t d = 0; d < shape.size(); ++d) {
      int64_t coord = (linear / outStrides[d]) % shape[d];
      int64_t index = offsets[d] + coord * strides[d];
      if (index < 0 || index >= input.type.getDimSize(d))
        return failure();
      source += index * inStrides[d];
    }
    copyElement(input, source, result, linear);
  }
  return result;
}

/// numpy.take(input, indices, axis), negative indices counting from the end.
FailureOr<ConstTensor> evaluateGather(const ConstTensor &input,
                                      const ConstTensor &indices, int64_t axis,
                                      RankedTensorType resultType) {
  ArrayRef<int64_t> shape = input.type.getShape();
  int64_t outer = 1, inner = 1, axisSize = shape[axis];
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1, e = shape.size(); d < e; ++d)
    inner *= shape[d];
  ConstTensor result = ConstTensor::zeros(resultType);
  int64_t count = indices.size(), to = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < count; ++i) {
      int64_t index = indices.ints[i];
      if (index < 0)
        index += axisSize;
      if (index < 0 || index >= axisSize)
        return failure();
      for (int64_t j = 0; j < inner; ++j)
        copyElement(input, (o * axisSize + index) * inner + j, result, to++);
    }
  return result;
}

/// `input` broadcast by numpy rules to `resultType`.
FailureOr<ConstTensor> broadcastTo(const ConstTensor &input,
                                   RankedTensorType resultType) {
  std::vector<int64_t> indices =
      getBroadcastIndices(input.type.getShape(), resultType.getShape());
  ConstTensor result = ConstTensor::zeros(resultType);
  for (int64_t i = 0, e = result.size(); i < e; ++i)
    copyElement(input, indices[i], result, i);
  return result;
}

} // namespace

FailureOr<ConstTensor> mlc::evaluateOp(Operation *op,
                                       ArrayRef<ConstTensor> operands) {
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  auto binary = [&](BinaryKind kind) {
    return evaluateBinary(kind, operands[0], operands[1], resultType);
  };
  auto reinterpret = [&]() -> FailureOr<ConstTensor> {
    ConstTensor result = operands[0];
    result.type = resultType;
    return result;
  };
  return llvm::TypeSwitch<Operation *, FailureOr<ConstTensor>>(op)
      .Case([&](AddOp) { return binary(BinaryKind::Add); })
      .Case([&](SubOp) { return binary(BinaryKind::Sub); })
      .Case([&](MulOp) { return binary(BinaryKind::Mul); })
      .Case([&](DivOp) { return binary(BinaryKind::Div); })
      .Case([&](ReluOp) {
        return mapFloats(operands[0], resultType,
                         [](double x) { return x > 0 ? x : 0.0; });
      })
      .Case([&](SigmoidOp) {
        return mapFloats(operands[0], resultType,
                         [](double x) { return 1.0 / (1.0 + std::exp(-x)); });
      })
      .Case([&](TanhOp) {
        return mapFloats(operands[0], resultType,
                         [](double x) { return std::tanh(x); });
      })
      .Case([&](ClipOp clip) {
        double lo = clip.getMin() ? clip.getMin()->convertToDouble() : -INFINITY;
        double hi = clip.getMax() ? clip.getMax()->convertToDouble() : INFINITY;
        return mapFloats(operands[0], resultType, [&](double x) {
          return std::min(std::max(x, lo), hi);
        });
      })
      .Case([&](TransposeOp transposeOp) -> FailureOr<ConstTensor> {
        return transpose(operands[0], transposeOp.getPerm());
      })
      .Case<ReshapeOp, FlattenOp>([&](Operation *) { return reinterpret(); })
      .Case([&](ConcatOp concat) {
        int64_t axis = concat.getAxis();
        if (axis < 0)
          axis += resultType.getRank();
        return evaluateConcat(operands, axis, resultType);
      })
      .Case([&](SliceOp slice) -> FailureOr<ConstTensor> {
        return evaluateSlice(operands[0], slice.getOffsets(),
                             slice.getStrides(), resultType);
      })
      .Case([&](GatherOp gather) -> FailureOr<ConstTensor> {
        int64_t axis = static_cast<int64_t>(gather.getAxis());
        if (axis < 0)
          axis += operands[0].type.getRank();
        return evaluateGather(operands[0], operands[1], axis, resultType);
      })
      .Case([&](ExpandOp) -> FailureOr<ConstTensor> {
        return broadcastTo(operands[0], resultType);
      })
      .Default([](Operation *) { return failure(); });
}


FailureOr<ConstTensor> mlc::foldToConstant(Value value, int64_t maxElements,
                                           unsigned depth) {
  if (FailureOr<ConstTensor> constant = readConstant(value);
      succeeded(constant))
    return constant;
  Operation *op = value.getDefiningOp();
  if (!op || depth == 0 || !isa<MLCDialect>(op->getDialect()) ||
      op->getNumResults() != 1 || op->getNumRegions() != 0)
    return failure();
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape() || type.getNumElements() > maxElements)
    return failure();
  SmallVector<ConstTensor> operands;
  for (Value operand : op->getOperands()) {
    FailureOr<ConstTensor> folded =
        foldToConstant(operand, maxElements, depth - 1);
    if (failed(folded))
      return failure();
    operands.push_back(std::move(*folded));
  }
  return evaluateOp(op, operands);
}
