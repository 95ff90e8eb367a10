//===- ConvPoolND.cpp - 1-D, 2-D and 3-D windows from 2-D ops -------------===//
//
// A 1-D window is a 2-D one over a unit height. A 3-D convolution is the sum
// over the filter's depth taps kd of 2-D convolutions: the input's depth
// positions d * stride + kd * dilation (after depth padding) are moved into
// the batch ([N, C, OD, H, W] -> [N * OD, C, H, W]) and convolved with the
// filter slice at kd. A 3-D pool is separable: a 2-D pool over (H, W) with
// depth folded into the channels, then a [kd, 1] pool over (D, H * W). That
// is exact for max and for sums; for averages that exclude padding the real
// element count of a 3-D window is the product of the per-axis counts, which
// the two stages divide by in turn.
//
//===----------------------------------------------------------------------===//

#include "ConvPoolND.h"
#include "TensorImportUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static FailureOr<Value>
createConv2D(ImporterContext &ic, Location loc, Value input, Value filter,
             Value bias, ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
             ArrayRef<int64_t> dilations, int64_t group) {
  OpBuilder &b = ic.builder;
  FailureOr<Conv2DOp> conv = createInferred<Conv2DOp>(
      b, loc, input, filter, bias, b.getDenseI64ArrayAttr(strides),
      b.getDenseI64ArrayAttr(pads), b.getDenseI64ArrayAttr(dilations),
      b.getI64IntegerAttr(group));
  if (failed(conv))
    return failure();
  return conv->getResult();
}

static FailureOr<Value>
createPool2D(ImporterContext &ic, Location loc, bool isMax, Value input,
             ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
             ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
             bool countIncludePad) {
  OpBuilder &b = ic.builder;
  if (isMax) {
    FailureOr<MaxPool2DOp> pool = createInferred<MaxPool2DOp>(
        b, loc, input, b.getDenseI64ArrayAttr(kernel),
        b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads),
        b.getDenseI64ArrayAttr(dilations));
    if (failed(pool))
      return failure();
    return pool->getResult();
  }
  FailureOr<AvgPool2DOp> pool = createInferred<AvgPool2DOp>(
      b, loc, input, b.getDenseI64ArrayAttr(kernel),
      b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads),
      b.getBoolAttr(countIncludePad));
  if (failed(pool))
    return failure();
  return pool->getResult();
}

/// [N, C, L] -> [N, C, 1, L] and 1-D window parameters to 2-D ones.
static SmallVector<int64_t> unitHeight(ArrayRef<int64_t> values, int64_t unit) {
  return {unit, values[0]};
}
static SmallVector<int64_t> unitHeightPads(ArrayRef<int64_t> pads) {
  return {0, pads[0], 0, pads[1]};
}

static Value dropUnitHeight(ImporterContext &ic, Location loc, Value result) {
  ArrayRef<int64_t> shape = getRankedType(result).getShape();
  return createReshapeKeepingDims(ic, loc, result,
                                  {shape[0], shape[1], shape[3]}, {0, 1, 3});
}

FailureOr<Value> mlc::onnx_import::createConvND(
    ImporterContext &ic, Location loc, Value input, Value filter, Value bias,
    ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
    ArrayRef<int64_t> dilations, int64_t group) {
  RankedTensorType inputType = getRankedType(input);
  RankedTensorType filterType = getRankedType(filter);
  int64_t spatial = inputType.getRank() - 2;
  if (spatial == 2)
    return createConv2D(ic, loc, input, filter, bias, strides, pads, dilations,
                        group);
  ArrayRef<int64_t> x = inputType.getShape(), w = filterType.getShape();
  if (spatial == 1) {
    Value x2 = createReshapeKeepingDims(ic, loc, input, {x[0], x[1], 1, x[2]},
                                        {0, 1, -1, 2});
    Value w2 = createReshapeKeepingDims(ic, loc, filter, {w[0], w[1], 1, w[2]},
                                        {0, 1, -1, 2});
    FailureOr<Value> conv =
        createConv2D(ic, loc, x2, w2, bias, unitHeight(strides, 1),
                     unitHeightPads(pads), unitHeight(dilations, 1), group);
    if (failed(conv))
      return failure();
    return dropUnitHeight(ic, loc, *conv);
  }
  if (spatial != 3)
    return emitError(loc) << "only 1-D, 2-D and 3-D convolutions are "
                             "supported, got "
                          << inputType;

  OpBuilder &b = ic.builder;
  Value padded = input;
  int64_t depth = x[2];
  if (pads[0] != 0 || pads[3] != 0) {
    SmallVector<int64_t> depthPads(10, 0);
    depthPads[2] = pads[0];
    depthPads[5 + 2] = pads[3];
    padded = PadOp::create(b, loc, PadMode::Constant, padded, depthPads,
                           APFloat(0.0));
    depth += pads[0] + pads[3];
  }
  int64_t window = (w[2] - 1) * dilations[0] + 1;
  if (depth < window)
    return emitError(loc) << "convolution window deeper than the padded input";
  int64_t outDepth = (depth - window) / strides[0] + 1;
  Value sum;
  for (int64_t k = 0; k < w[2]; ++k) {
    Value taps = SliceOp::create(
        b, loc, padded, b.getDenseI64ArrayAttr({0, 0, k * dilations[0], 0, 0}),
        b.getDenseI64ArrayAttr({x[0], x[1], outDepth, x[3], x[4]}),
        b.getDenseI64ArrayAttr({1, 1, strides[0], 1, 1}));
    taps = createTranspose(ic, loc, taps, {0, 2, 1, 3, 4});
    taps = createReshape(ic, loc, taps, {x[0] * outDepth, x[1], x[3], x[4]});
    Value tap =
        SliceOp::create(b, loc, filter, b.getDenseI64ArrayAttr({0, 0, k, 0, 0}),
                        b.getDenseI64ArrayAttr({w[0], w[1], 1, w[3], w[4]}),
                        b.getDenseI64ArrayAttr({1, 1, 1, 1, 1}));
    tap = createReshape(ic, loc, tap, {w[0], w[1], w[3], w[4]});
    FailureOr<Value> conv = createConv2D(
        ic, loc, taps, tap, k == 0 ? bias : Value(), strides.drop_front(),
        {pads[1], pads[2], pads[4], pads[5]}, dilations.drop_front(), group);
    if (failed(conv))
      return failure();
    sum = sum ? Value(AddOp::create(b, loc, sum, *conv)) : *conv;
  }
  ArrayRef<int64_t> y = getRankedType(sum).getShape();
  Value result =
      createReshape(ic, loc, sum, {x[0], outDepth, y[1], y[2], y[3]});
  return createTranspose(ic, loc, result, {0, 2, 1, 3, 4});
}

FailureOr<Value> mlc::onnx_import::createPoolND(
    ImporterContext &ic, Location loc, bool isMax, Value input,
    ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
    ArrayRef<int64_t> dilations, bool countIncludePad) {
  RankedTensorType inputType = getRankedType(input);
  int64_t spatial = inputType.getRank() - 2;
  ArrayRef<int64_t> x = inputType.getShape();
  if (spatial == 2)
    return createPool2D(ic, loc, isMax, input, kernel, strides, pads, dilations,
                        countIncludePad);
  if (spatial == 1) {
    Value x2 = createReshape(ic, loc, input, {x[0], x[1], 1, x[2]});
    FailureOr<Value> pool = createPool2D(
        ic, loc, isMax, x2, unitHeight(kernel, 1), unitHeight(strides, 1),
        unitHeightPads(pads), unitHeight(dilations, 1), countIncludePad);
    if (failed(pool))
      return failure();
    return dropUnitHeight(ic, loc, *pool);
  }
  if (spatial != 3)
    return emitError(loc) << "only 1-D, 2-D and 3-D pooling is supported, got "
                          << inputType;
  // Stage 1: (H, W) with depth folded into the channels.
  Value folded = createReshape(ic, loc, input, {x[0], x[1] * x[2], x[3], x[4]});
  FailureOr<Value> planes =
      createPool2D(ic, loc, isMax, folded, kernel.drop_front(),
                   strides.drop_front(), {pads[1], pads[2], pads[4], pads[5]},
                   dilations.drop_front(), countIncludePad);
  if (failed(planes))
    return failure();
  ArrayRef<int64_t> p = getRankedType(*planes).getShape();
  // Stage 2: depth, over [N, C, D, OH * OW].
  Value columns =
      createReshape(ic, loc, *planes, {x[0], x[1], x[2], p[2] * p[3]});
  FailureOr<Value> pooled = createPool2D(
      ic, loc, isMax, columns, {kernel[0], 1}, {strides[0], 1},
      {pads[0], 0, pads[3], 0}, {dilations[0], 1}, countIncludePad);
  if (failed(pooled))
    return failure();
  int64_t outDepth = getRankedType(*pooled).getDimSize(2);
  return createReshape(ic, loc, *pooled, {x[0], x[1], outDepth, p[2], p[3]});
}
