//===- InsertQDQ.cpp - Static int8 quantize / dequantize pairs ------------===//
//
// For a conv2d or matmul layer:
//   x -> Q(sx, zx) -> DQ -> conv2d(., DQ(int8 W, sw[c])) -> [relu] -> Q(sy, zy)
//   -> DQ
// Activations are uint8 per tensor (asymmetric: ReLU outputs use all 256
// levels), weights int8 per output channel and symmetric (zero point 0, so
// that W - zw stays in int8). mlc-lower-quant then makes the layer integer
// arithmetic with a fixed-point requantization.
//
//===----------------------------------------------------------------------===//

#include "InsertQDQ.h"

#include "mlir/IR/Builders.h"

#include <cmath>

using namespace mlir;
using namespace mlc;
using namespace mlc::quant;

int64_t quant::getChannelDim(const Layer &layer) {
  return layer.isConv() ? 0 : 1;
}

QuantizedWeights quant::quantizeWeights(const ConstTensor &weights,
                                        int64_t channelDim) {
  RankedTensorType type = weights.type;
  int64_t channels = type.getDimSize(channelDim);
  int64_t inner = 1;
  for (int64_t d = channelDim + 1; d < type.getRank(); ++d)
    inner *= type.getDimSize(d);
  auto channelOf = [&](int64_t i) { return (i / inner) % channels; };

  QuantizedWeights result;
  std::vector<double> absMax(channels, 0.0);
  for (int64_t i = 0; i < weights.size(); ++i)
    absMax[channelOf(i)] =
        std::max(absMax[channelOf(i)], std::abs(weights.floats[i]));
  for (double m : absMax) {
    // Rounded to f32: the scale the dequantization reads.
    float scale = static_cast<float>(m / 127.0);
    result.scales.push_back(scale > 0 && std::isfinite(scale) ? scale : 1.0);
  }
  result.ints =
      ConstTensor::zeros(type.clone(IntegerType::get(type.getContext(), 8)));
  for (int64_t i = 0; i < weights.size(); ++i) {
    double q = std::nearbyint(weights.floats[i] / result.scales[channelOf(i)]);
    result.ints.ints[i] = static_cast<int64_t>(std::clamp(q, -127.0, 127.0));
  }
  return result;
}

static Value createScalar(OpBuilder &b, Location loc, Type elementType,
                          double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element = isa<FloatType>(elementType)
                          ? Attribute(b.getFloatAttr(elementType, value))
                          : Attribute(b.getIntegerAttr(
                                elementType, static_cast<int64_t>(value)));
  return ConstantOp::create(b, loc, DenseElementsAttr::get(type, element));
}

Operation *quant::insertActivationQDQ(Value value, const TensorRange &range) {
  OpBuilder b(value.getContext());
  if (Operation *def = value.getDefiningOp())
    b.setInsertionPointAfter(def);
  else
    b.setInsertionPointToStart(value.getParentBlock());
  Location loc = value.getLoc();
  auto type = cast<RankedTensorType>(value.getType());
  Type i8 = b.getIntegerType(8);
  Value scale = createScalar(b, loc, b.getF32Type(), range.scale);
  Value zeroPoint = createScalar(b, loc, i8, range.zeroPoint);
  auto q = QuantizeLinearOp::create(b, loc, type.clone(i8), value, scale,
                                    zeroPoint, 1, 0, /*unsigned_result=*/true);
  auto dq = DequantizeLinearOp::create(b, loc, type, q, scale, zeroPoint, 1, 0,
                                       /*unsigned_input=*/true);
  value.replaceAllUsesExcept(dq, q);
  return dq;
}

void quant::quantizeLayerWeights(const Layer &layer) {
  Value weights = layer.op->getOperand(1);
  ConstTensor floats = *readConstant(weights);
  int64_t channelDim = getChannelDim(layer);
  QuantizedWeights quantized = quantizeWeights(floats, channelDim);
  OpBuilder b(layer.op);
  Location loc = layer.op->getLoc();
  Value ints = ConstantOp::create(b, loc, quantized.ints.toAttr("ptq_weights"));
  ConstTensor scales = ConstTensor::zeros(RankedTensorType::get(
      {static_cast<int64_t>(quantized.scales.size())}, b.getF32Type()));
  scales.floats = quantized.scales;
  Value scaleConst =
      ConstantOp::create(b, loc, scales.toAttr("ptq_weight_scales"));
  auto dq = DequantizeLinearOp::create(b, loc, floats.type, ints, scaleConst,
                                       Value(), channelDim, 0,
                                       /*unsigned_input=*/false);
  layer.op->setOperand(1, dq);
}
