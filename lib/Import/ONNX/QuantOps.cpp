//===- QuantOps.cpp - Importers of the ONNX quantization operators --------===//
//
// QuantizeLinear and DequantizeLinear become mlc.quantize_linear and
// mlc.dequantize_linear. The integer ops are compositions: operands widened
// to i32 minus their zero points, an i32 mlc.matmul or mlc.conv2d, and for
// QLinearMatMul / QLinearConv the requantization
// saturate(round(acc * (sa * sb / sy) + zy)) as the ONNX reference computes
// it (an mlc.quantize_linear with scale 1). DynamicQuantizeLinear computes
// its uint8 scale and zero point from the input's range with mlc.reduce.
// Float8, float4 and int4 tensors stop at the element-type check.
//
// When the scale and zero point of a per-tensor or per-axis DequantizeLinear
// are constants, its input is typed with the upstream quant dialect:
// quant.scast of the storage integers to
// tensor<..x!quant.uniform<i8:f32, s:zp>>, then quant.dcast, so that graph
// passes read the parameters from the type. QuantizeLinear stays an
// mlc.quantize_linear: upstream folds quant.dcast(quant.qcast(x)) to x,
// which would drop the rounding that ONNX's Q -> DQ pairs mean.
//===----------------------------------------------------------------------===//

#include "TensorImportUtils.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#include <cmath>

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

namespace {

/// Builds mlc ops at one location and remembers whether any failed to infer
/// its type (the diagnostic is already emitted then).
struct Composer {
  ImporterContext &ic;
  Location loc;
  bool failed = false;

  OpBuilder &b() { return ic.builder; }

  template <typename OpTy, typename... Args> Value op(Args &&...args) {
    if (failed)
      return {};
    FailureOr<OpTy> created =
        createInferred<OpTy>(b(), loc, std::forward<Args>(args)...);
    if (mlir::failed(created)) {
      failed = true;
      return {};
    }
    return created->getResult();
  }

  /// A rank-0 constant.
  Value scalar(Type elementType, double value) {
    auto type = RankedTensorType::get({}, elementType);
    Attribute element = isa<FloatType>(elementType)
                            ? Attribute(b().getFloatAttr(elementType, value))
                            : Attribute(b().getIntegerAttr(
                                  elementType, static_cast<int64_t>(value)));
    return ConstantOp::create(b(), loc, DenseElementsAttr::get(type, element));
  }

  Value cast(Value v, Type elementType, bool isUnsigned = false) {
    if (failed)
      return {};
    auto type = getRankedType(v);
    if (type.getElementType() == elementType)
      return v;
    return CastOp::create(b(), loc, type.clone(elementType), v,
                          /*unsigned_input=*/isUnsigned,
                          /*unsigned_result=*/false);
  }

  /// `v` (an integer tensor of ONNX signedness) as i32.
  Value toI32(Value v) { return cast(v, b().getI32Type(), ic.isUnsigned(v)); }

  /// Through createInferred, not createReshape: a reshape that cannot be
  /// inferred is a diagnostic, not the builder's fatal error.
  Value reshape(Value v, ArrayRef<int64_t> shape) {
    if (failed)
      return {};
    if (getRankedType(v).getShape() == shape)
      return v;
    return op<ReshapeOp>(v, b().getDenseI64ArrayAttr(shape));
  }
};

} // namespace

static bool isPerTensor(RankedTensorType type) {
  return type.getRank() <= 1 && type.hasStaticShape() &&
         type.getNumElements() == 1;
}

/// The scales and zero points of the integer ops (`indices` of `in`, null
/// when absent) are constants or inputs of static shape: they are reshaped
/// to broadcast, which needs their sizes.
static LogicalResult requireStaticParams(const onnx::NodeProto &node,
                                         ArrayRef<Value> in,
                                         ArrayRef<int> indices, Location loc) {
  for (int i : indices)
    if (in[i] && !getRankedType(in[i]).hasStaticShape())
      return emitError(loc) << node.op_type() << ": scale or zero point (input "
                            << i << ") of dynamic shape "
                            << getRankedType(in[i]) << " is not supported";
  return success();
}

static LogicalResult requireFloat(const onnx::NodeProto &node, Value v,
                                  StringRef what, Location loc) {
  if (!isa<FloatType>(getRankedType(v).getElementType()))
    return emitError(loc) << node.op_type() << ": " << what
                          << " must be a float tensor";
  return success();
}

static LogicalResult requireInteger(const onnx::NodeProto &node, Value v,
                                    StringRef what, Location loc) {
  Type t = getRankedType(v).getElementType();
  if (!isa<IntegerType>(t) || t.isInteger(1) || t.getIntOrFloatBitWidth() > 32)
    return emitError(loc) << node.op_type() << ": " << what
                          << " must be an integer tensor of at most 32 bits";
  return success();
}

static bool isSmallFloat(Type t) {
  return isa<Float8E4M3FNType, Float8E4M3FNUZType, Float8E5M2Type,
             Float8E5M2FNUZType, Float4E2M1FNType>(t);
}

/// The storage of Quantize/DequantizeLinear: an integer of at most 32 bits
/// or a float8/float4 type.
static LogicalResult requireStorage(const onnx::NodeProto &node, Value v,
                                    StringRef what, Location loc) {
  Type t = getRankedType(v).getElementType();
  if (isSmallFloat(t))
    return success();
  if (!isa<IntegerType>(t) || t.isInteger(1) || t.getIntOrFloatBitWidth() > 32)
    return emitError(loc) << node.op_type() << ": " << what
                          << " must be an integer tensor of at most 32 bits "
                             "or a float8/float4 tensor";
  return success();
}

/// The axis attribute of a per-axis/blocked (de)quantization, normalized.
static FailureOr<int64_t> getQuantAxis(const onnx::NodeProto &node,
                                       int64_t rank, Location loc) {
  int64_t axis = getIntAttr(node, "axis", 1);
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1))
    return emitError(loc) << node.op_type() << ": axis " << axis
                          << " out of range for rank " << rank;
  return axis < 0 ? axis + rank : axis;
}

/// Checks the scale/zero-point shapes of a (de)quantization of `data` and
/// returns its axis.
static FailureOr<int64_t> checkQuantParams(const onnx::NodeProto &node,
                                           RankedTensorType data, Value scale,
                                           Value zeroPoint, int64_t blockSize,
                                           Location loc) {
  RankedTensorType scaleType = getRankedType(scale);
  // ONNX allows a [1] zero point with a scalar scale (and vice versa).
  if (zeroPoint &&
      getRankedType(zeroPoint).getShape() != scaleType.getShape() &&
      !(isPerTensor(scaleType) && isPerTensor(getRankedType(zeroPoint))))
    return emitError(loc) << node.op_type()
                          << ": zero point and scale shapes differ";
  if (isPerTensor(scaleType) && blockSize == 0)
    return int64_t(1);
  FailureOr<int64_t> axis = getQuantAxis(node, data.getRank(), loc);
  if (failed(axis))
    return failure();
  if (!data.hasStaticShape() || !scaleType.hasStaticShape())
    return emitError(loc) << node.op_type()
                          << ": per-axis and blocked quantization need static "
                             "shapes";
  if (blockSize < 0)
    return emitError(loc) << node.op_type() << ": negative block_size";
  if (blockSize == 0) {
    if (scaleType.getRank() != 1 ||
        scaleType.getDimSize(0) != data.getDimSize(*axis))
      return emitError(loc) << node.op_type() << ": scale " << scaleType
                            << " is neither per tensor nor per axis " << *axis
                            << " of " << data;
    return axis;
  }
  bool ok = scaleType.getRank() == data.getRank();
  for (int64_t d = 0; ok && d < data.getRank(); ++d) {
    int64_t size = data.getDimSize(d);
    if (d == *axis)
      size = (size + blockSize - 1) / blockSize;
    ok = scaleType.getDimSize(d) == size;
  }
  if (!ok)
    return emitError(loc) << node.op_type() << ": scale " << scaleType
                          << " does not match blocks of " << blockSize
                          << " along axis " << *axis << " of " << data;
  return axis;
}

/// The upstream quant type of a (de)quantization with constant `scale` and
/// `zeroPoint` (per tensor or along `axis`), or null when a parameter is not
/// a constant or not representable (non-positive scale, zero point out of
/// the storage range).
static Type getConstantQuantType(Value scale, Value zeroPoint, Type storage,
                                 bool isUnsigned, Type expressed, int64_t axis,
                                 Location loc) {
  auto isConstant = [](Value v) { return v && v.getDefiningOp<ConstantOp>(); };
  if (!isConstant(scale) || (zeroPoint && !isConstant(zeroPoint)) ||
      !isa<FloatType>(expressed) || expressed.isF64() ||
      !isa<IntegerType>(storage))
    return {};
  FailureOr<SmallVector<double>> scales =
      getConstantValues(scale, loc, "scale");
  if (failed(scales))
    return {};
  SmallVector<double> zps(scales->size(), 0.0);
  if (zeroPoint) {
    FailureOr<SmallVector<double>> values =
        getConstantValues(zeroPoint, loc, "zero point");
    if (failed(values))
      return {};
    zps = *values;
  }
  unsigned width = storage.getIntOrFloatBitWidth();
  int64_t qmin =
      quant::QuantizedType::getDefaultMinimumForInteger(!isUnsigned, width);
  int64_t qmax =
      quant::QuantizedType::getDefaultMaximumForInteger(!isUnsigned, width);
  SmallVector<int64_t> zeroPoints;
  for (double zp : zps) {
    // Unsigned zero points are stored in signless integers.
    if (isUnsigned && zp < 0)
      zp += std::ldexp(1.0, width);
    if (zp < qmin || zp > qmax)
      return {};
    zeroPoints.push_back(static_cast<int64_t>(zp));
  }
  if (llvm::any_of(*scales,
                   [](double s) { return !(s > 0) || !std::isfinite(s); }))
    return {};
  unsigned flags = isUnsigned ? 0 : quant::QuantizationFlags::Signed;
  if (isPerTensor(getRankedType(scale)))
    return quant::UniformQuantizedType::get(flags, storage, expressed,
                                            scales->front(), zeroPoints.front(),
                                            qmin, qmax);
  return quant::UniformQuantizedPerAxisType::get(
      flags, storage, expressed, *scales, zeroPoints, axis, qmin, qmax);
}

static LogicalResult importQuantizeLinear(ImporterContext &ic,
                                          const onnx::NodeProto &node,
                                          Location loc) {
  FailureOr<Value> x = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> scale = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> zp = ic.getInput(node, 2, loc);
  if (failed(x) || failed(scale) || failed(zp) ||
      failed(requireFloat(node, *x, "input", loc)) ||
      failed(requireFloat(node, *scale, "scale", loc)))
    return failure();
  RankedTensorType xType = getRankedType(*x);
  if (getRankedType(*scale).getElementType() != xType.getElementType())
    return emitError(loc) << "QuantizeLinear: scale and input element types "
                             "differ";
  Type storage;
  bool isUnsigned;
  if (*zp) {
    if (failed(requireStorage(node, *zp, "zero point", loc)))
      return failure();
    storage = getRankedType(*zp).getElementType();
    isUnsigned = ic.isUnsigned(*zp);
  } else {
    int64_t dtype = getIntAttr(node, "output_dtype", 0);
    if (dtype == 0)
      dtype = onnx::TensorProto::UINT8;
    FailureOr<Type> converted = ic.convertElementType(dtype, loc);
    if (failed(converted))
      return failure();
    storage = *converted;
    isUnsigned = ImporterContext::isUnsignedElementType(dtype);
    if (!isSmallFloat(storage) &&
        (!isa<IntegerType>(storage) || storage.isInteger(1) ||
         storage.getIntOrFloatBitWidth() > 32))
      return emitError(loc) << "QuantizeLinear: output_dtype " << dtype
                            << " is not an integer type of at most 32 bits "
                               "nor a float8/float4 type";
  }
  int64_t blockSize = getIntAttr(node, "block_size", 0);
  FailureOr<int64_t> axis =
      checkQuantParams(node, xType, *scale, *zp, blockSize, loc);
  if (failed(axis))
    return failure();
  // saturate (opset 19) only concerns float8 results.
  bool saturate = getIntAttr(node, "saturate", 1) != 0;
  Value q = QuantizeLinearOp::create(ic.builder, loc, xType.clone(storage), *x,
                                     *scale, *zp, *axis, blockSize, isUnsigned,
                                     saturate);
  if (isUnsigned)
    ic.unsignedValues.insert(q);
  ic.setOutput(node, 0, q);
  return success();
}

static LogicalResult importDequantizeLinear(ImporterContext &ic,
                                            const onnx::NodeProto &node,
                                            Location loc) {
  FailureOr<Value> x = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> scale = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> zp = ic.getInput(node, 2, loc);
  if (failed(x) || failed(scale) || failed(zp) ||
      failed(requireStorage(node, *x, "input", loc)) ||
      failed(requireFloat(node, *scale, "scale", loc)))
    return failure();
  RankedTensorType xType = getRankedType(*x);
  if (*zp && getRankedType(*zp).getElementType() != xType.getElementType())
    return emitError(loc) << "DequantizeLinear: zero point and input element "
                             "types differ";
  int64_t blockSize = getIntAttr(node, "block_size", 0);
  FailureOr<int64_t> axis =
      checkQuantParams(node, xType, *scale, *zp, blockSize, loc);
  if (failed(axis))
    return failure();
  Type resultElement = getRankedType(*scale).getElementType();
  OpBuilder &b = ic.builder;
  Type quantType =
      blockSize == 0
          ? getConstantQuantType(*scale, *zp, xType.getElementType(),
                                 ic.isUnsigned(*x), resultElement, *axis, loc)
          : Type();
  Value y;
  if (quantType) {
    Value typed =
        quant::StorageCastOp::create(b, loc, xType.clone(quantType), *x);
    y = quant::DequantizeCastOp::create(b, loc, xType.clone(resultElement),
                                        typed);
  } else {
    y = DequantizeLinearOp::create(b, loc, xType.clone(resultElement), *x,
                                   *scale, *zp, *axis, blockSize,
                                   ic.isUnsigned(*x));
  }
  ic.setOutput(node, 0, y);
  return success();
}

/// `v32 - zp` (both widened to i32), with a 1-D zero point of `perDimSize`
/// elements applied along dim `perDim` of `v` (rows of a matrix, filters of
/// a convolution); a scalar one applies everywhere.
static Value subtractZeroPoint(Composer &c, Value v, Value zp, int64_t perDim) {
  Value v32 = c.toI32(v);
  if (!zp || c.failed)
    return v32;
  RankedTensorType vType = getRankedType(v), zpType = getRankedType(zp);
  Value zp32 = c.toI32(zp);
  if (!isPerTensor(zpType) && perDim >= 0 && zpType.getRank() == 1) {
    SmallVector<int64_t> shape(vType.getRank() - perDim, 1);
    shape[0] = zpType.getDimSize(0);
    zp32 = c.reshape(zp32, shape);
  } else if (isPerTensor(zpType)) {
    zp32 = c.reshape(zp32, {});
  }
  return c.op<SubOp>(v32, zp32);
}

/// A per-row (rank-1, M elements) operand of a matrix of rank `rank` as
/// [M, 1], so that it broadcasts along rows; scalars stay as they are.
static Value asRowParam(Composer &c, Value v) {
  RankedTensorType type = getRankedType(v);
  if (isPerTensor(type))
    return c.reshape(v, {});
  if (type.getRank() == 1)
    return c.reshape(v, {type.getDimSize(0), 1});
  return v;
}

/// saturate(round(acc * multiplier + zy)) in the zero point's type (or
/// `storage` without one), the requantization of QLinearMatMul/QLinearConv.
static Value requantize(Composer &c, Value acc, Value multiplier, Value yZp,
                        Type storage, bool isUnsigned) {
  Type f32 = c.b().getF32Type();
  Value d = c.op<MulOp>(c.cast(acc, f32), c.cast(multiplier, f32));
  if (yZp)
    d = c.op<AddOp>(d, c.reshape(c.cast(yZp, f32, isUnsigned), {}));
  if (c.failed)
    return {};
  auto type = getRankedType(d).clone(storage);
  Value one = c.scalar(f32, 1.0);
  Value q = QuantizeLinearOp::create(c.b(), c.loc, type, d, one, Value(),
                                     /*axis=*/1, /*block_size=*/0, isUnsigned);
  if (isUnsigned)
    c.ic.unsignedValues.insert(q);
  return q;
}

/// The result type (element type, signedness) of QLinear* ops: y's zero
/// point, or the first input's when absent.
static std::pair<Type, bool> getOutputStorage(ImporterContext &ic, Value yZp,
                                              Value input) {
  Value from = yZp ? yZp : input;
  return {getRankedType(from).getElementType(), ic.isUnsigned(from)};
}

/// Gets inputs `indices` of `node`; `optional` ones may be null.
static LogicalResult getInputs(ImporterContext &ic, const onnx::NodeProto &node,
                               Location loc, ArrayRef<int> required,
                               ArrayRef<int> optional,
                               SmallVectorImpl<Value> &values) {
  values.assign(node.input_size() > 9 ? node.input_size() : 9, Value());
  for (int i : required) {
    FailureOr<Value> v = ic.getRequiredInput(node, i, loc);
    if (failed(v))
      return failure();
    values[i] = *v;
  }
  for (int i : optional) {
    FailureOr<Value> v = ic.getInput(node, i, loc);
    if (failed(v))
      return failure();
    values[i] = *v;
  }
  return success();
}

static LogicalResult importMatMulInteger(ImporterContext &ic,
                                         const onnx::NodeProto &node,
                                         Location loc) {
  SmallVector<Value> in;
  if (failed(getInputs(ic, node, loc, {0, 1}, {2, 3}, in)))
    return failure();
  for (int i : {0, 1, 2, 3})
    if (in[i] && failed(requireInteger(node, in[i], "operand", loc)))
      return failure();
  if (failed(requireStaticParams(node, in, {2, 3}, loc)))
    return failure();
  Composer c{ic, loc};
  int64_t aRank = getRankedType(in[0]).getRank();
  Value a = subtractZeroPoint(c, in[0], in[2], aRank >= 2 ? aRank - 2 : -1);
  Value bZp = in[3] && !isPerTensor(getRankedType(in[3]))
                  ? c.toI32(in[3])
                  : (in[3] ? c.reshape(c.toI32(in[3]), {}) : Value());
  Value b = c.toI32(in[1]);
  if (bZp)
    b = c.op<SubOp>(b, bZp);
  Value y = c.op<MatMulOp>(a, b);
  if (c.failed)
    return failure();
  ic.setOutput(node, 0, y);
  return success();
}

static LogicalResult importQLinearMatMul(ImporterContext &ic,
                                         const onnx::NodeProto &node,
                                         Location loc) {
  // a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point
  SmallVector<Value> in;
  if (failed(getInputs(ic, node, loc, {0, 1, 3, 4, 6}, {2, 5, 7}, in)))
    return failure();
  for (int i : {0, 2, 3, 5, 7})
    if (in[i] && failed(requireInteger(node, in[i], "quantized operand", loc)))
      return failure();
  for (int i : {1, 4, 6})
    if (failed(requireFloat(node, in[i], "scale", loc)))
      return failure();
  if (failed(requireStaticParams(node, in, {1, 2, 4, 5, 6, 7}, loc)))
    return failure();
  Composer c{ic, loc};
  int64_t aRank = getRankedType(in[0]).getRank();
  Value a = subtractZeroPoint(c, in[0], in[2], aRank >= 2 ? aRank - 2 : -1);
  Value bZp = in[5] ? c.toI32(in[5]) : Value();
  if (bZp && isPerTensor(getRankedType(in[5])))
    bZp = c.reshape(bZp, {});
  Value b = c.toI32(in[3]);
  if (bZp)
    b = c.op<SubOp>(b, bZp);
  Value acc = c.op<MatMulOp>(a, b);
  Value aScale = asRowParam(c, in[1]);
  Value bScale =
      isPerTensor(getRankedType(in[4])) ? c.reshape(in[4], {}) : in[4];
  Value multiplier =
      c.op<DivOp>(c.op<MulOp>(aScale, bScale), c.reshape(in[6], {}));
  auto [storage, isUnsigned] = getOutputStorage(ic, in[7], in[0]);
  Value y = c.failed
                ? Value()
                : requantize(c, acc, multiplier, in[7], storage, isUnsigned);
  if (c.failed || !y)
    return failure();
  ic.setOutput(node, 0, y);
  return success();
}

static LogicalResult importConvInteger(ImporterContext &ic,
                                       const onnx::NodeProto &node,
                                       Location loc) {
  SmallVector<Value> in;
  if (failed(getInputs(ic, node, loc, {0, 1}, {2, 3}, in)))
    return failure();
  for (int i : {0, 1, 2, 3})
    if (in[i] && failed(requireInteger(node, in[i], "operand", loc)))
      return failure();
  if (failed(requireStaticParams(node, in, {2, 3}, loc)))
    return failure();
  if (in[2] && !isPerTensor(getRankedType(in[2])))
    return emitError(loc) << "ConvInteger: x_zero_point must be a scalar";
  Composer c{ic, loc};
  Value x = subtractZeroPoint(c, in[0], in[2], -1);
  Value w = subtractZeroPoint(c, in[1], in[3], 0);
  if (c.failed)
    return failure();
  FailureOr<Value> y = buildConv(ic, node, loc, x, w, Value());
  if (failed(y))
    return failure();
  ic.setOutput(node, 0, *y);
  return success();
}

static LogicalResult importQLinearConv(ImporterContext &ic,
                                       const onnx::NodeProto &node,
                                       Location loc) {
  // x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale,
  // y_zero_point, B
  SmallVector<Value> in;
  if (failed(getInputs(ic, node, loc, {0, 1, 3, 4, 6}, {2, 5, 7, 8}, in)))
    return failure();
  for (int i : {0, 2, 3, 5, 7, 8})
    if (in[i] && failed(requireInteger(node, in[i], "quantized operand", loc)))
      return failure();
  for (int i : {1, 4, 6})
    if (failed(requireFloat(node, in[i], "scale", loc)))
      return failure();
  if (failed(requireStaticParams(node, in, {1, 2, 4, 5, 6, 7}, loc)))
    return failure();
  if (in[2] && !isPerTensor(getRankedType(in[2])))
    return emitError(loc) << "QLinearConv: x_zero_point must be a scalar";
  if (!isPerTensor(getRankedType(in[1])) || !isPerTensor(getRankedType(in[6])))
    return emitError(loc) << "QLinearConv: x_scale and y_scale must be scalars";
  Composer c{ic, loc};
  Value x = subtractZeroPoint(c, in[0], in[2], -1);
  Value w = subtractZeroPoint(c, in[3], in[5], 0);
  Value bias = in[8] ? c.toI32(in[8]) : Value();
  if (c.failed)
    return failure();
  FailureOr<Value> acc = buildConv(ic, node, loc, x, w, bias);
  if (failed(acc))
    return failure();
  RankedTensorType wScaleType = getRankedType(in[4]);
  Value wScale = isPerTensor(wScaleType)
                     ? c.reshape(in[4], {})
                     : (wScaleType.getRank() == 1
                            ? c.reshape(in[4], {wScaleType.getDimSize(0), 1, 1})
                            : in[4]);
  Value multiplier = c.op<DivOp>(c.op<MulOp>(c.reshape(in[1], {}), wScale),
                                 c.reshape(in[6], {}));
  auto [storage, isUnsigned] = getOutputStorage(ic, in[7], in[0]);
  Value y = c.failed
                ? Value()
                : requantize(c, *acc, multiplier, in[7], storage, isUnsigned);
  if (c.failed || !y)
    return failure();
  ic.setOutput(node, 0, y);
  return success();
}

static LogicalResult importDynamicQuantizeLinear(ImporterContext &ic,
                                                 const onnx::NodeProto &node,
                                                 Location loc) {
  FailureOr<Value> x = ic.getRequiredInput(node, 0, loc);
  if (failed(x) || failed(requireFloat(node, *x, "input", loc)))
    return failure();
  RankedTensorType xType = getRankedType(*x);
  if (!xType.getElementType().isF32())
    return emitError(loc) << "DynamicQuantizeLinear: input must be float32";
  Composer c{ic, loc};
  OpBuilder &b = ic.builder;
  Type f32 = b.getF32Type(), u8 = b.getIntegerType(8);
  Value zero = c.scalar(f32, 0.0);
  Value lo = c.op<MinOp>(ReduceOp::create(b, loc, ReduceKind::Min, *x,
                                          ArrayRef<int64_t>{},
                                          /*keepdims=*/false),
                         zero, UnitAttr());
  Value hi = c.op<MaxOp>(ReduceOp::create(b, loc, ReduceKind::Max, *x,
                                          ArrayRef<int64_t>{},
                                          /*keepdims=*/false),
                         zero, UnitAttr());
  // scale = (max == min ? 1 : max - min) / 255
  Value range = c.op<WhereOp>(c.op<EqualOp>(hi, lo), c.scalar(f32, 1.0),
                              c.op<SubOp>(hi, lo));
  Value scale = c.op<DivOp>(range, c.scalar(f32, 255.0));
  // zero point = saturate(round(0 - min / scale))
  Value zpFloat = c.op<SubOp>(zero, c.op<DivOp>(lo, scale));
  if (c.failed)
    return failure();
  auto u8Scalar = RankedTensorType::get({}, u8);
  Value zp = QuantizeLinearOp::create(b, loc, u8Scalar, zpFloat,
                                      c.scalar(f32, 1.0), Value(), 1, 0, true);
  Value y = QuantizeLinearOp::create(b, loc, xType.clone(u8), *x, scale, zp, 1,
                                     0, true);
  ic.unsignedValues.insert(zp);
  ic.unsignedValues.insert(y);
  ic.setOutput(node, 0, y);
  ic.setOutput(node, 1, scale);
  ic.setOutput(node, 2, zp);
  return success();
}

void mlc::onnx_import::registerQuantOpImporters(OpImporterTable &table) {
  table.push_back({"QuantizeLinear", 10, kLatestOpset, importQuantizeLinear});
  table.push_back(
      {"DequantizeLinear", 10, kLatestOpset, importDequantizeLinear});
  table.push_back({"MatMulInteger", 10, kLatestOpset, importMatMulInteger});
  table.push_back({"QLinearMatMul", 10, kLatestOpset, importQLinearMatMul});
  table.push_back({"ConvInteger", 10, kLatestOpset, importConvInteger});
  table.push_back({"QLinearConv", 10, kLatestOpset, importQLinearConv});
  table.push_back(
      {"DynamicQuantizeLinear", 11, kLatestOpset, importDynamicQuantizeLinear});
}
