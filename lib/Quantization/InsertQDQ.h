//===- InsertQDQ.h - Rewriting layers into quantized form -------*- C++ -*-===//
//
// Static int8: quantize / dequantize pairs around a layer, in the form that
// mlc-lower-quant turns into integer arithmetic. Dynamic int8: the
// activation quantized at run time from its own min / max, an i32 product
// with int8 weights, and the float result rescaled.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_QUANTIZATION_INSERTQDQ_H
#define MLC_LIB_QUANTIZATION_INSERTQDQ_H

#include "Layers.h"
#include "mlc/Quantization/Calibration.h"

#include "mlc/Dialect/MLC/Transforms/ConstantUtils.h"

namespace mlc::quant {

/// Weights quantized symmetrically to int8 in [-127, 127], one scale per
/// output channel (dimension `channelDim`).
struct QuantizedWeights {
  ConstTensor ints;
  std::vector<double> scales;
};
QuantizedWeights quantizeWeights(const ConstTensor &weights,
                                 int64_t channelDim);

/// The output channel dimension of a layer's weights: 0 for a conv2d
/// filter, 1 (columns) for a matmul's right operand.
int64_t getChannelDim(const Layer &layer);

/// Inserts uint8 Q -> DQ after `value` (all its other users read the DQ);
/// returns the DQ op.
mlir::Operation *insertActivationQDQ(mlir::Value value,
                                     const TensorRange &range);

/// Replaces the layer's float weights with the dequantization of int8
/// per-channel weights.
void quantizeLayerWeights(const Layer &layer);

/// Rewrites the layer into run-time (dynamic) int8 quantization; returns
/// the op whose result is the layer's report value.
mlir::Operation *insertDynamicQuantization(Layer &layer);

} // namespace mlc::quant

#endif // MLC_LIB_QUANTIZATION_INSERTQDQ_H
