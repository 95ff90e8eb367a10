//===- ConstantEvaluator.cpp - Compile-time evaluation of mlc ops ---------===//
//
// Host implementations of the mlc ops that appear in constant subgraphs:
// elementwise arithmetic with broadcasting, activations, data movement
// (transpose, reshape, concat, slice, gather, expand), and the cast,
// comparison, where, integer max/min/mod and logic (and, or, xor, not)
// that shape subgraphs use. Used by
// mlc-fold-constants and by the importer, which needs shape operands as
// constants while it builds the graph.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <type_traits>

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
      case BinaryKind::Add:
        result.floats[i] = a + b;
        break;
      case BinaryKind::Sub:
        result.floats[i] = a - b;
        break;
      case BinaryKind::Mul:
        result.floats[i] = a * b;
        break;
      case BinaryKind::Div:
        result.floats[i] = a / b;
        break;
      }
      continue;
    }
    int64_t a = lhs.ints[li[i]], b = rhs.ints[ri[i]];
    switch (kind) {
    case BinaryKind::Add:
      result.ints[i] = a + b;
      break;
    case BinaryKind::Sub:
      result.ints[i] = a - b;
      break;
    case BinaryKind::Mul:
      result.ints[i] = a * b;
      break;
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

/// An integer element read as signed, or zero-extended from `width` bits.
int64_t readInt(int64_t value, unsigned width, bool isUnsigned) {
  if (!isUnsigned || width >= 64)
    return value;
  return value & ((int64_t(1) << width) - 1);
}

/// `value` wrapped to `width` bits and stored sign-extended, as the evaluator
/// stores integers.
int64_t wrapInt(int64_t value, unsigned width) {
  if (width >= 64)
    return value;
  uint64_t bits = static_cast<uint64_t>(value) & ((uint64_t(1) << width) - 1);
  if (bits >> (width - 1))
    bits |= ~((uint64_t(1) << width) - 1);
  return static_cast<int64_t>(bits);
}

/// mlc.cast: float to integer truncates toward zero (not folded out of the
/// int64 range), anything to i1 tests for non-zero.
FailureOr<ConstTensor> evaluateCast(CastOp op, const ConstTensor &input,
                                    RankedTensorType resultType) {
  Type from = input.type.getElementType(), to = resultType.getElementType();
  // Conversions to float8/float4 saturate or not (the `saturate` attribute),
  // which the generic double-to-APFloat encoding does not model: they are
  // left to the lowering.
  if (isa<FloatType>(to) && to.getIntOrFloatBitWidth() < 16)
    return failure();
  bool unsignedIn = op.getUnsignedInput() || from.isInteger(1);
  ConstTensor result = ConstTensor::zeros(resultType);
  for (int64_t i = 0, e = result.size(); i < e; ++i) {
    if (input.isFloat()) {
      double x = input.floats[i];
      if (result.isFloat()) {
        result.floats[i] = x;
      } else if (to.isInteger(1)) {
        result.ints[i] = x != 0;
      } else {
        if (!std::isfinite(x) || std::fabs(x) >= 9.2e18)
          return failure();
        result.ints[i] =
            wrapInt(static_cast<int64_t>(x), to.getIntOrFloatBitWidth());
      }
      continue;
    }
    unsigned width = from.getIntOrFloatBitWidth();
    int64_t v = readInt(input.ints[i], width, unsignedIn);
    if (result.isFloat())
      result.floats[i] = unsignedIn && width == 64
                             ? static_cast<double>(static_cast<uint64_t>(v))
                             : static_cast<double>(v);
    else if (to.isInteger(1))
      result.ints[i] = v != 0;
    else
      result.ints[i] = wrapInt(v, to.getIntOrFloatBitWidth());
  }
  return result;
}

/// Broadcast comparison or max/min; `pick` gets both operands as doubles (for
/// floats) or as int64/uint64 read with the op's signedness.
template <typename Fn>
FailureOr<ConstTensor>
evaluateBroadcast2(const ConstTensor &lhs, const ConstTensor &rhs,
                   bool isUnsigned, RankedTensorType resultType, Fn fn) {
  ArrayRef<int64_t> shape = resultType.getShape();
  std::vector<int64_t> li = getBroadcastIndices(lhs.type.getShape(), shape);
  std::vector<int64_t> ri = getBroadcastIndices(rhs.type.getShape(), shape);
  Type elementType = lhs.type.getElementType();
  isUnsigned |= elementType.isInteger(1);
  ConstTensor result = ConstTensor::zeros(resultType);
  for (int64_t i = 0, e = result.size(); i < e; ++i) {
    if (lhs.isFloat()) {
      double r = fn(lhs.floats[li[i]], rhs.floats[ri[i]]);
      if (result.isFloat())
        result.floats[i] = r;
      else
        result.ints[i] = static_cast<int64_t>(r);
      continue;
    }
    unsigned width = elementType.getIntOrFloatBitWidth();
    int64_t a = readInt(lhs.ints[li[i]], width, isUnsigned);
    int64_t b = readInt(rhs.ints[ri[i]], width, isUnsigned);
    if (isUnsigned)
      result.ints[i] = static_cast<int64_t>(
          fn(static_cast<uint64_t>(a), static_cast<uint64_t>(b)));
    else
      result.ints[i] = static_cast<int64_t>(fn(a, b));
    if (!result.type.getElementType().isInteger(1))
      result.ints[i] = wrapInt(result.ints[i], width);
  }
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
      .Case([&](DivOp div) -> FailureOr<ConstTensor> {
        if (div.getUnsignedInts())
          return failure(); // evaluateBinary divides signed
        return binary(BinaryKind::Div);
      })
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
        double lo =
            clip.getMin() ? clip.getMin()->convertToDouble() : -INFINITY;
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
      .Case([&](CastOp cast) {
        return evaluateCast(cast, operands[0], resultType);
      })
      .Case([&](EqualOp op) {
        return evaluateBroadcast2(operands[0], operands[1],
                                  op.getUnsignedInts(), resultType,
                                  [](auto a, auto b) { return a == b; });
      })
      .Case([&](LessOp op) {
        return evaluateBroadcast2(operands[0], operands[1],
                                  op.getUnsignedInts(), resultType,
                                  [](auto a, auto b) { return a < b; });
      })
      .Case([&](GreaterOp op) {
        return evaluateBroadcast2(operands[0], operands[1],
                                  op.getUnsignedInts(), resultType,
                                  [](auto a, auto b) { return a > b; });
      })
      .Case([&](MaxOp op) -> FailureOr<ConstTensor> {
        if (operands[0].isFloat())
          return failure(); // NaN propagation is left to the backend
        return evaluateBroadcast2(operands[0], operands[1],
                                  op.getUnsignedInts(), resultType,
                                  [](auto a, auto b) { return a > b ? a : b; });
      })
      .Case([&](MinOp op) -> FailureOr<ConstTensor> {
        if (operands[0].isFloat())
          return failure();
        return evaluateBroadcast2(operands[0], operands[1],
                                  op.getUnsignedInts(), resultType,
                                  [](auto a, auto b) { return a < b ? a : b; });
      })
      .Case([&](ModOp op) -> FailureOr<ConstTensor> {
        if (operands[0].isFloat())
          return failure();
        // The divisor's sign (fmod: the dividend's); a remainder by 0 is 0.
        bool fmod = op.getFmod();
        return evaluateBroadcast2(
            operands[0], operands[1], op.getUnsignedInts(), resultType,
            [fmod](auto a, auto b) -> decltype(a) {
              if constexpr (std::is_integral_v<decltype(a)>) {
                if (b == 0)
                  return 0;
                auto r = a % b;
                if constexpr (std::is_signed_v<decltype(a)>)
                  if (!fmod && r != 0 && ((r < 0) != (b < 0)))
                    r += b;
                return r;
              } else {
                return 0;
              }
            });
      })
      .Case<AndOp, OrOp, XorOp>([&](Operation *op) -> FailureOr<ConstTensor> {
        if (operands[0].isFloat())
          return failure();
        int kind = isa<AndOp>(op) ? 0 : isa<OrOp>(op) ? 1 : 2;
        return evaluateBroadcast2(
            operands[0], operands[1], /*isUnsigned=*/true, resultType,
            [kind](auto a, auto b) -> decltype(a) {
              if constexpr (std::is_integral_v<decltype(a)>)
                return kind == 0 ? (a & b) : kind == 1 ? (a | b) : (a ^ b);
              else
                return 0;
            });
      })
      .Case([&](NotOp) -> FailureOr<ConstTensor> {
        if (operands[0].isFloat())
          return failure();
        ConstTensor result = operands[0];
        bool isBool = resultType.getElementType().isInteger(1);
        for (int64_t &v : result.ints)
          v = isBool ? (v == 0) : ~v;
        return result;
      })
      .Case([&](WhereOp) -> FailureOr<ConstTensor> {
        ArrayRef<int64_t> shape = resultType.getShape();
        std::vector<int64_t> ci =
            getBroadcastIndices(operands[0].type.getShape(), shape);
        std::vector<int64_t> xi =
            getBroadcastIndices(operands[1].type.getShape(), shape);
        std::vector<int64_t> yi =
            getBroadcastIndices(operands[2].type.getShape(), shape);
        ConstTensor result = ConstTensor::zeros(resultType);
        for (int64_t i = 0, e = result.size(); i < e; ++i) {
          bool c = operands[0].ints[ci[i]] != 0;
          copyElement(c ? operands[1] : operands[2], c ? xi[i] : yi[i], result,
                      i);
        }
        return result;
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
