//===- DynamicQuant.cpp - Run-time (dynamic) int8 quantization ------------===//
//
// --quantize=int8-dynamic: weights int8 per output channel at compile time;
// the activation is quantized when the model runs, as ONNX
// DynamicQuantizeLinear does (uint8, scale (max - min) / 255 over the
// tensor's range including 0, zero point round(-min / scale)):
//   q   = quantize_linear(x, s, z)                  (u8)
//   acc = conv2d | matmul(i32(q) - z, W_int8 as i32) (i32 accumulation)
//   y   = f32(acc) * (s * sw[c]) + bias
// No calibration is needed; the ReLU / Clip after the layer stays in float.
//
//===----------------------------------------------------------------------===//

#include "InsertQDQ.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::quant;

static Value createScalar(OpBuilder &b, Location loc, double value) {
  auto type = RankedTensorType::get({}, b.getF32Type());
  return ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, b.getF32FloatAttr(value)));
}

Operation *quant::insertDynamicQuantization(Layer &layer) {
  Operation *op = layer.op;
  OpBuilder b(op);
  Location loc = op->getLoc();
  Value x = layer.input;
  auto xType = cast<RankedTensorType>(x.getType());
  Type f32 = b.getF32Type(), i8 = b.getIntegerType(8), i32 = b.getI32Type();
  auto scalarF32 = RankedTensorType::get({}, f32);

  // Scale and zero point from the tensor's range (including 0).
  Value zero = createScalar(b, loc, 0.0);
  Value one = createScalar(b, loc, 1.0);
  Value lo = MinOp::create(
      b, loc, scalarF32,
      ReduceOp::create(b, loc, ReduceKind::Min, x, ArrayRef<int64_t>{}, false),
      zero, UnitAttr());
  Value hi = MaxOp::create(
      b, loc, scalarF32,
      ReduceOp::create(b, loc, ReduceKind::Max, x, ArrayRef<int64_t>{}, false),
      zero, UnitAttr());
  Value same =
      EqualOp::create(b, loc, RankedTensorType::get({}, b.getI1Type()), hi, lo);
  Value range = WhereOp::create(b, loc, scalarF32, same, one,
                                SubOp::create(b, loc, scalarF32, hi, lo));
  Value scale =
      DivOp::create(b, loc, scalarF32, range, createScalar(b, loc, 255.0));
  Value zpFloat = SubOp::create(b, loc, scalarF32, zero,
                                DivOp::create(b, loc, scalarF32, lo, scale));
  auto u8Scalar = RankedTensorType::get({}, i8);
  Value zp = QuantizeLinearOp::create(b, loc, u8Scalar, zpFloat, one, Value(),
                                      1, 0, /*unsigned_result=*/true);
  Value q = QuantizeLinearOp::create(b, loc, xType.clone(i8), x, scale, zp, 1,
                                     0, /*unsigned_result=*/true);
  Value x32 = SubOp::create(
      b, loc, xType.clone(i32),
      CastOp::create(b, loc, xType.clone(i32), q, true, false),
      CastOp::create(b, loc, RankedTensorType::get({}, i32), zp, true, false));

  // Weights: int8 values, stored as the i32 the product reads.
  int64_t channelDim = getChannelDim(layer);
  QuantizedWeights weights =
      quantizeWeights(*readConstant(op->getOperand(1)), channelDim);
  ConstTensor w32 = weights.ints;
  w32.type = w32.type.clone(i32);
  Value wConst = ConstantOp::create(b, loc, w32.toAttr("ptq_weights"));

  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  auto accType = resultType.clone(i32);
  auto channels = static_cast<int64_t>(weights.scales.size());
  // Per-channel factors broadcast along dim 1 of NCHW, or the last dim.
  SmallVector<int64_t> factorShape = {channels};
  if (auto conv = dyn_cast<Conv2DOp>(op))
    factorShape = {channels, 1, 1};
  ConstTensor wScales =
      ConstTensor::zeros(RankedTensorType::get(factorShape, f32));
  wScales.floats = weights.scales;
  Value acc;
  Value bias;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    acc = Conv2DOp::create(
        b, loc, accType, x32, wConst, Value(), conv.getStrides(),
        conv.getPads(), conv.getDilations(), conv.getGroup(), conv.getLayout());
    if (Value b0 = conv.getBias()) {
      ConstTensor biasValues = *readConstant(b0);
      biasValues.type = RankedTensorType::get(factorShape, f32);
      bias = ConstantOp::create(b, loc, biasValues.toAttr("ptq_bias"));
    }
  } else {
    acc = MatMulOp::create(b, loc, accType, x32, wConst);
  }
  Value factors = MulOp::create(
      b, loc, wScales.type, scale,
      ConstantOp::create(b, loc, wScales.toAttr("ptq_weight_scales")));
  Value y = MulOp::create(b, loc, resultType,
                          CastOp::create(b, loc, resultType, acc, false, false),
                          factors);
  if (bias)
    y = AddOp::create(b, loc, resultType, y, bias);

  Value result = op->getResult(0);
  bool reportsResult = layer.reportValue == result;
  bool outputIsResult = layer.output == result;
  result.replaceAllUsesWith(y);
  op->erase();
  layer.op = y.getDefiningOp();
  if (outputIsResult)
    layer.output = y;
  if (reportsResult)
    layer.reportValue = y;
  return layer.reportValue.getDefiningOp();
}
