//===- ResizeOps.cpp - Importers of ONNX Resize and Upsample --------------===//
//
// Resize (opsets 10 to 24) and Upsample (7 to 9), separable as in the ONNX
// reference: every resized axis becomes one mlc.gather per tap along it, and
// for linear and cubic modes the taps are summed with per-position weights
// (mlc.mul/add with broadcasting). With constant scales/sizes/roi the
// importer computes the source indices and weights as constants (axes whose
// map is the identity are skipped). With runtime ones the same formulas are
// emitted as f64 mlc ops and the output shape is the one the graph declares.
// tf_crop_and_resize positions outside the input get the extrapolation value
// through mlc.where. antialias (linear, cubic) widens the filter by 1 / scale
// when downsampling, with constant scales only. Nothing new reaches the
// lowering.
//
//===----------------------------------------------------------------------===//

#include "ResizePlan.h"
#include "TensorImportUtils.h"

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// A constant of `elementType` and shape `shape` holding `values`.
static Value createFloatConstant(OpBuilder &b, Location loc, Type elementType,
                                 ArrayRef<int64_t> shape,
                                 ArrayRef<double> values) {
  auto type = RankedTensorType::get(shape, elementType);
  SmallVector<Attribute> attrs =
      llvm::map_to_vector(values, [&](double v) -> Attribute {
        return b.getFloatAttr(elementType, v);
      });
  return ConstantOp::create(b, loc, DenseElementsAttr::get(type, attrs));
}

/// The taps of one axis as values: per tap an i64 index tensor [out] and,
/// except for nearest, a weight tensor [out] of the input's element type;
/// `inside` is an optional i1 [out] mask (false: extrapolation value).
struct AxisTaps {
  SmallVector<Value> indices;
  SmallVector<Value> weights;
  Value inside;
};

static AxisTaps constantTaps(OpBuilder &b, Location loc, Type elementType,
                             const AxisPlan &plan) {
  AxisTaps taps;
  int64_t outSize = plan.outside.size();
  auto indexType = RankedTensorType::get({outSize}, b.getI64Type());
  for (size_t t = 0; t < plan.indices.size(); ++t) {
    taps.indices.push_back(ConstantOp::create(
        b, loc, DenseElementsAttr::get(indexType, ArrayRef(plan.indices[t]))));
    if (plan.indices.size() > 1)
      taps.weights.push_back(
          createFloatConstant(b, loc, elementType, {outSize}, plan.weights[t]));
  }
  if (plan.anyOutside) {
    SmallVector<bool> inside = llvm::map_to_vector(
        plan.outside, [](bool outside) { return !outside; });
    taps.inside = ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({outSize}, b.getI1Type()),
                               inside));
  }
  return taps;
}

/// Resizes `input` along `axis` by `taps` to `outSize` positions.
static FailureOr<Value> resizeAxis(ImporterContext &ic, Location loc,
                                   Value input, int64_t axis, int64_t outSize,
                                   const AxisTaps &taps,
                                   const ResizeOptions &opts) {
  OpBuilder &b = ic.builder;
  RankedTensorType type = getRankedType(input);
  Type elementType = type.getElementType();
  SmallVector<int64_t> weightShape(type.getRank(), 1);
  weightShape[axis] = outSize;
  Value result;
  for (size_t t = 0; t < taps.indices.size(); ++t) {
    FailureOr<GatherOp> gathered = createInferred<GatherOp>(
        b, loc, input, taps.indices[t], b.getI64IntegerAttr(axis));
    if (failed(gathered))
      return failure();
    Value tap = gathered->getResult();
    if (opts.mode == "nearest") {
      result = tap;
      break;
    }
    Value weights = createReshape(ic, loc, taps.weights[t], weightShape);
    FailureOr<MulOp> weighted = createInferred<MulOp>(b, loc, tap, weights);
    if (failed(weighted))
      return failure();
    if (!result) {
      result = weighted->getResult();
      continue;
    }
    FailureOr<AddOp> sum =
        createInferred<AddOp>(b, loc, result, weighted->getResult());
    if (failed(sum))
      return failure();
    result = sum->getResult();
  }
  if (!taps.inside)
    return result;
  Value mask = createReshape(ic, loc, taps.inside, weightShape);
  Value fill =
      createFloatConstant(b, loc, elementType, {}, {opts.extrapolationValue});
  FailureOr<WhereOp> selected =
      createInferred<WhereOp>(b, loc, mask, result, fill);
  if (failed(selected))
    return failure();
  return selected->getResult();
}

namespace {
/// Builds the f64 arithmetic of the source coordinates when scales, sizes or
/// roi are runtime tensors: the same formulas as planAxis, as mlc ops.
struct RuntimeMath {
  OpBuilder &b;
  Location loc;
  bool failedOp = false;

  Value cst(double v) {
    return createFloatConstant(b, loc, b.getF64Type(), {}, {v});
  }
  template <typename OpTy, typename... Args> Value op(Args &&...args) {
    FailureOr<OpTy> created =
        createInferred<OpTy>(b, loc, std::forward<Args>(args)...);
    if (failed(created)) {
      failedOp = true;
      return cst(0);
    }
    return created->getResult();
  }
  Value add(Value x, Value y) { return op<AddOp>(x, y); }
  Value sub(Value x, Value y) { return op<SubOp>(x, y); }
  Value mul(Value x, Value y) { return op<MulOp>(x, y); }
  Value div(Value x, Value y) { return op<DivOp>(x, y); }
  Value select(Value c, Value x, Value y) { return op<WhereOp>(c, x, y); }
  Value cast(Value x, Type elementType) {
    auto type = getRankedType(x);
    return CastOp::create(b, loc, type.clone(elementType), x);
  }
  /// Element `i` of a 1-D tensor as a tensor<1xf64>.
  Value element(Value vector, int64_t i) {
    auto indexType = RankedTensorType::get({1}, b.getI64Type());
    Value index = ConstantOp::create(
        b, loc, DenseElementsAttr::get(indexType, ArrayRef<int64_t>{i}));
    Value picked = op<GatherOp>(vector, index, b.getI64IntegerAttr(0));
    if (getRankedType(picked).getElementType() != b.getF64Type())
      picked = cast(picked, b.getF64Type());
    return picked;
  }
  Value clampIndex(Value i, int64_t inSize) {
    return op<MinOp>(op<MaxOp>(i, cst(0)),
                     cst(static_cast<double>(inSize - 1)));
  }
};
} // namespace

/// Runtime taps of one axis: `scale` and (tf_crop_and_resize) `roiStart`,
/// `roiEnd` are tensor<1xf64> values.
static FailureOr<AxisTaps> runtimeTaps(OpBuilder &b, Location loc,
                                       const ResizeOptions &opts,
                                       Type elementType, Value scale,
                                       Value roiStart, Value roiEnd,
                                       int64_t inSize, int64_t outSize) {
  RuntimeMath m{b, loc};
  SmallVector<double> iota;
  for (int64_t x = 0; x < outSize; ++x)
    iota.push_back(static_cast<double>(x));
  Value x = createFloatConstant(b, loc, b.getF64Type(), {outSize}, iota);
  Value in = m.cst(static_cast<double>(inSize));
  Value inM1 = m.cst(static_cast<double>(inSize - 1));
  Value outWidth = m.mul(scale, in);
  Value one = m.cst(1), half = m.cst(0.5), zero = m.cst(0);
  Value halfPixel = m.sub(m.div(m.add(x, half), scale), half);
  const std::string &cm = opts.coordinateMode;
  Value xo;
  Value inside;
  if (cm == "align_corners") {
    xo = outSize == 1 ? m.add(m.mul(x, zero), zero)
                      : m.div(m.mul(x, inM1), m.sub(outWidth, one));
  } else if (cm == "asymmetric") {
    xo = m.div(x, scale);
  } else if (cm == "tf_crop_and_resize") {
    Value extent = m.sub(roiEnd, roiStart);
    xo = outSize == 1
             ? m.add(m.mul(x, zero), m.div(m.mul(extent, inM1), m.cst(2)))
             : m.div(m.mul(m.mul(x, extent), inM1), m.sub(outWidth, one));
    xo = m.add(xo, m.mul(roiStart, inM1));
    inside = m.op<AndOp>(m.op<GreaterEqualOp>(xo, zero),
                         m.op<LessEqualOp>(xo, inM1));
  } else if (cm == "pytorch_half_pixel") {
    xo = outSize == 1 ? m.add(m.mul(x, zero), m.cst(-0.5)) : halfPixel;
  } else if (cm == "half_pixel_symmetric") {
    Value adjustment = m.div(m.cst(static_cast<double>(outSize)), outWidth);
    Value offset = m.mul(m.cst(inSize / 2.0), m.sub(one, adjustment));
    xo = m.add(offset, halfPixel);
  } else if (cm == "tf_half_pixel_for_nn") {
    xo = m.div(m.add(x, half), scale);
  } else {
    xo = halfPixel;
  }
  Value fl = m.op<FloorOp>(xo);
  Value integral = m.op<EqualOp>(fl, xo);
  Value left = m.select(integral, m.sub(fl, one), fl);
  Value ratio = m.select(integral, m.add(m.mul(x, zero), one), m.sub(xo, fl));

  AxisTaps taps;
  auto addTap = [&](Value index, Value weight) {
    taps.indices.push_back(m.cast(m.clampIndex(index, inSize), b.getI64Type()));
    if (weight)
      taps.weights.push_back(m.cast(weight, elementType));
  };
  if (opts.mode == "nearest") {
    const std::string &nm = opts.nearestMode;
    Value right;
    if (nm == "simple")
      right = m.op<LessOp>(m.add(m.mul(x, zero), scale), one);
    else if (nm == "round_prefer_ceil")
      right = m.op<GreaterEqualOp>(ratio, half);
    else if (nm == "floor")
      right = m.op<LessOp>(x, zero); // all false
    else if (nm == "ceil")
      right = m.op<GreaterEqualOp>(x, zero); // all true
    else
      right = m.op<GreaterOp>(ratio, half);
    right = m.op<OrOp>(right, integral);
    addTap(m.select(right, m.add(left, one), left), Value());
  } else if (opts.mode == "linear") {
    addTap(left, m.sub(one, ratio));
    addTap(m.add(left, one), ratio);
  } else {
    double a = opts.cubicA;
    Value s = m.sub(one, ratio);
    auto outer = [&](Value r) { // ((a(r+1) - 5a)(r+1) + 8a)(r+1) - 4a
      Value r1 = m.add(r, one);
      return m.sub(
          m.mul(m.add(m.mul(m.sub(m.mul(m.cst(a), r1), m.cst(5 * a)), r1),
                      m.cst(8 * a)),
                r1),
          m.cst(4 * a));
    };
    auto inner = [&](Value r) { // ((a+2)r - (a+3)) r r + 1
      return m.add(
          m.mul(m.mul(m.sub(m.mul(m.cst(a + 2), r), m.cst(a + 3)), r), r), one);
    };
    SmallVector<Value> coeffs = {outer(ratio), inner(ratio), inner(s),
                                 outer(s)};
    SmallVector<Value> idx;
    for (int64_t t = 0; t < 4; ++t)
      idx.push_back(m.add(left, m.cst(static_cast<double>(t - 1))));
    if (opts.excludeOutside) {
      Value sum = zero;
      for (int64_t t = 0; t < 4; ++t) {
        Value valid = m.op<AndOp>(m.op<GreaterEqualOp>(idx[t], zero),
                                  m.op<LessEqualOp>(idx[t], inM1));
        coeffs[t] = m.select(valid, coeffs[t], zero);
        sum = m.add(sum, coeffs[t]);
      }
      for (Value &c : coeffs)
        c = m.div(c, sum);
    }
    for (int64_t t = 0; t < 4; ++t)
      addTap(idx[t], coeffs[t]);
  }
  taps.inside = inside;
  if (m.failedOp)
    return emitError(loc) << "Resize: cannot build the runtime coordinates";
  return taps;
}

namespace {
/// How one dimension is resized: constant scale and roi, or (when any of
/// them is a runtime tensor) tensor<1xf64> values.
struct AxisSpec {
  double scale = 1.0;
  double roiStart = 0.0, roiEnd = 1.0;
  Value scaleValue, roiStartValue, roiEndValue;
  bool isRuntime() const { return static_cast<bool>(scaleValue); }
};
} // namespace

/// Shared by Resize and Upsample once every dimension's spec and the output
/// shape are known.
static LogicalResult emitResize(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc,
                                Value input, ArrayRef<AxisSpec> specs,
                                ArrayRef<int64_t> outShape,
                                const ResizeOptions &opts) {
  OpBuilder &b = ic.builder;
  RankedTensorType type = getRankedType(input);
  int64_t rank = type.getRank();
  Type elementType = type.getElementType();
  if (opts.mode != "nearest" && !isa<FloatType>(elementType))
    return emitError(loc) << node.op_type() << " mode '" << opts.mode
                          << "' needs a floating-point input";
  Value result = input;
  for (int64_t axis = 0; axis < rank; ++axis) {
    int64_t inSize = type.getDimSize(axis);
    int64_t outSize = outShape[axis];
    const AxisSpec &spec = specs[axis];
    if (outSize <= 0 || (!spec.isRuntime() && spec.scale <= 0))
      return emitError(loc) << node.op_type() << " output dimension " << axis
                            << " must be positive (got " << outSize << ")";
    if (inSize == 0)
      return emitError(loc) << node.op_type() << " cannot resize the empty "
                            << "dimension " << axis;
    AxisTaps taps;
    if (spec.isRuntime()) {
      if (opts.antialias)
        return emitError(loc) << "Resize antialias needs constant scales, "
                                 "sizes and roi";
      FailureOr<AxisTaps> built =
          runtimeTaps(b, loc, opts, elementType, spec.scaleValue,
                      spec.roiStartValue, spec.roiEndValue, inSize, outSize);
      if (failed(built))
        return failure();
      taps = *built;
    } else {
      // planAxis's tables and the constant taps made from them take about
      // 32 bytes per tap and output position in the compiler: bounded like
      // the model's constants, and below SmallVector's 2^32 elements (a
      // scale of 1.7e10 aborted in SmallVector::grow; found by
      // mlc-fuzz-import).
      double tableBytes =
          32 * tapCount(opts, spec.scale) * static_cast<double>(outSize);
      uint64_t maxBytes = ic.options.maxMemoryBytes;
      if (tableBytes > static_cast<double>(maxBytes)) {
        ic.refused = true;
        return emitError(loc)
               << node.op_type() << " output size " << outSize << " of axis "
               << axis << " needs interpolation tables of more than "
               << maxBytes << " bytes, the memory limit (mlc-compile "
               << "--max-memory)";
      }
      if (outSize > std::numeric_limits<int32_t>::max()) {
        ic.refused = true;
        return emitError(loc) << node.op_type() << " output size " << outSize
                              << " of axis " << axis << " is over 2^31 - 1";
      }
      AxisPlan plan = planAxis(opts, spec.scale, inSize, outSize, spec.roiStart,
                               spec.roiEnd);
      if (isIdentity(plan, inSize, outSize))
        continue;
      taps = constantTaps(b, loc, elementType, plan);
    }
    FailureOr<Value> resized =
        resizeAxis(ic, loc, result, axis, outSize, taps, opts);
    if (failed(resized))
      return failure();
    result = *resized;
  }
  ic.setOutput(node, 0, result);
  return success();
}

static LogicalResult checkMode(const onnx::NodeProto &node, StringRef mode,
                               Location loc) {
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return emitError(loc) << node.op_type() << " mode '" << mode
                          << "' is not supported";
  return success();
}

namespace {
/// An optional 1-D input: absent/empty, constant values, or a runtime value.
struct OptionalVector {
  bool present = false;
  std::optional<SmallVector<double>> constant;
  Value value;
  int64_t size = 0;
};
} // namespace

static FailureOr<OptionalVector> getOptionalVector(ImporterContext &ic,
                                                   const onnx::NodeProto &node,
                                                   int index, Location loc) {
  OptionalVector result;
  FailureOr<Value> value = ic.getInput(node, index, loc);
  if (failed(value))
    return failure();
  if (!*value)
    return result;
  RankedTensorType type = getRankedType(*value);
  if (type.getRank() != 1 || !type.hasStaticShape())
    return emitError(loc) << node.op_type() << " input " << index
                          << " must be a 1-D tensor of static size";
  if (type.getNumElements() == 0)
    return result;
  result.present = true;
  result.value = *value;
  result.size = type.getNumElements();
  FailureOr<ConstTensor> folded = foldToConstant(*value);
  if (succeeded(folded)) {
    if (folded->isFloat())
      result.constant =
          SmallVector<double>(folded->floats.begin(), folded->floats.end());
    else
      result.constant = llvm::map_to_vector(
          folded->ints, [](int64_t v) { return static_cast<double>(v); });
  }
  return result;
}

/// The smallest scale an antialiased Resize takes (its filter then spans
/// about four million taps).
static constexpr double kMinAntialiasScale = 1e-6;

/// Checks that `size`, a resized dimension computed in double, converts to
/// an int64 dimension: finite and at most 2^53 (converting a larger, infinite
/// or NaN value is undefined behaviour; found by mlc-fuzz-compile).
static LogicalResult checkOutputSize(const onnx::NodeProto &node, double size,
                                     int64_t axis, Location loc) {
  if (size >= 0 && size <= 9007199254740992.0)
    return success();
  return emitError(loc) << node.op_type() << " output size " << size
                        << " of axis " << axis << " is out of range";
}

static LogicalResult importResize(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  int64_t opset = ic.opset;

  ResizeOptions opts;
  opts.mode = getStringAttr(node, "mode", "nearest");
  if (failed(checkMode(node, opts.mode, loc)))
    return failure();
  if (opset < 11) {
    if (opts.mode == "cubic")
      return emitError(loc) << "Resize-10 has no cubic mode";
    opts.coordinateMode = "asymmetric";
    opts.nearestMode = "simple";
  } else {
    opts.coordinateMode =
        getStringAttr(node, "coordinate_transformation_mode", "half_pixel");
    opts.nearestMode =
        getStringAttr(node, "nearest_mode", "round_prefer_floor");
    opts.cubicA = getFloatAttr(node, "cubic_coeff_a", -0.75f);
    opts.excludeOutside = getIntAttr(node, "exclude_outside", 0) != 0;
    opts.extrapolationValue = getFloatAttr(node, "extrapolation_value", 0.0f);
  }
  static constexpr StringLiteral coordinateModes[] = {
      "half_pixel",        "half_pixel_symmetric", "pytorch_half_pixel",
      "align_corners",     "asymmetric",           "tf_half_pixel_for_nn",
      "tf_crop_and_resize"};
  if (!llvm::is_contained(coordinateModes, opts.coordinateMode) ||
      (opts.coordinateMode == "half_pixel_symmetric" && opset < 19))
    return emitError(loc) << "Resize coordinate_transformation_mode '"
                          << opts.coordinateMode << "' is not supported";
  static constexpr StringLiteral nearestModes[] = {
      "simple", "round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
  if (!llvm::is_contained(nearestModes, opts.nearestMode))
    return emitError(loc) << "Resize nearest_mode '" << opts.nearestMode
                          << "' is not supported";
  opts.antialias = opset >= 18 && getIntAttr(node, "antialias", 0) != 0 &&
                   opts.mode != "nearest";
  std::string policy =
      getStringAttr(node, "keep_aspect_ratio_policy", "stretch");
  if (policy != "stretch" && policy != "not_larger" && policy != "not_smaller")
    return emitError(loc) << "Resize keep_aspect_ratio_policy '" << policy
                          << "' is not supported";

  // Axes (opset 18): scales, sizes and roi cover only these dimensions.
  SmallVector<int64_t> axes;
  if (const onnx::AttributeProto *axesAttr = findAttr(node, "axes")) {
    FailureOr<SmallVector<int64_t>> normalized = normalizeAxes(
        node,
        SmallVector<int64_t>(axesAttr->ints().begin(), axesAttr->ints().end()),
        rank, loc);
    if (failed(normalized))
      return failure();
    axes = *normalized;
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  int64_t numAxes = axes.size();

  OptionalVector roi, scales, sizes;
  if (opset < 11) {
    FailureOr<OptionalVector> s = getOptionalVector(ic, node, 1, loc);
    if (failed(s))
      return failure();
    scales = *s;
  } else {
    FailureOr<OptionalVector> r = getOptionalVector(ic, node, 1, loc);
    FailureOr<OptionalVector> s = getOptionalVector(ic, node, 2, loc);
    FailureOr<OptionalVector> z = getOptionalVector(ic, node, 3, loc);
    if (failed(r) || failed(s) || failed(z))
      return failure();
    roi = *r;
    scales = *s;
    sizes = *z;
  }
  if (scales.present == sizes.present)
    return emitError(loc) << "Resize needs exactly one of scales and sizes";
  const OptionalVector &given = scales.present ? scales : sizes;
  if (given.size != numAxes)
    return emitError(loc) << "Resize " << (scales.present ? "scales" : "sizes")
                          << " must hold " << numAxes << " values";
  bool cropping = opts.coordinateMode == "tf_crop_and_resize";
  if (cropping && (!roi.present || roi.size != 2 * numAxes))
    return emitError(loc) << "Resize roi must hold " << 2 * numAxes
                          << " values for tf_crop_and_resize";

  SmallVector<AxisSpec> specs(rank);
  SmallVector<int64_t> outShape(type.getShape());
  bool runtime = !given.constant || (cropping && !roi.constant);
  if (!runtime) {
    for (int64_t i = 0; i < numAxes; ++i) {
      int64_t d = axes[i];
      double inSize = static_cast<double>(type.getDimSize(d));
      double v = (*given.constant)[i];
      // `!(v > 0)`: NaN is not positive either.
      if (!(v > 0))
        return emitError(loc)
               << "Resize " << (scales.present ? "scales" : "sizes")
               << " must be positive";
      double size = scales.present ? std::floor(v * inSize) : v;
      if (failed(checkOutputSize(node, size, d, loc)))
        return failure();
      outShape[d] = static_cast<int64_t>(size);
      specs[d].scale = scales.present ? v : v / inSize;
      // The antialiasing filter of a downscale by s spans about 4 / s
      // taps: a vanishing scale would loop (and overflow) for ever.
      if (opts.antialias && specs[d].scale < kMinAntialiasScale)
        return emitError(loc)
               << "Resize with antialias: scale " << specs[d].scale
               << " of axis " << d << " is below " << kMinAntialiasScale;
      if (cropping) {
        specs[d].roiStart = (*roi.constant)[i];
        specs[d].roiEnd = (*roi.constant)[numAxes + i];
      }
    }
    if (sizes.present && policy != "stretch") {
      double scale = specs[axes.front()].scale;
      for (int64_t d : axes)
        scale = policy == "not_larger" ? std::min(scale, specs[d].scale)
                                       : std::max(scale, specs[d].scale);
      for (int64_t d : axes) {
        specs[d].scale = scale;
        double size = scale * static_cast<double>(type.getDimSize(d)) + 0.5;
        if (failed(checkOutputSize(node, size, d, loc)))
          return failure();
        outShape[d] = static_cast<int64_t>(size);
      }
    }
    return emitResize(ic, node, loc, *input, specs, outShape, opts);
  }

  // Runtime scales, sizes or roi: the output shape is the one the graph
  // declares, and the coordinates are computed by the compiled code. A node
  // without outputs declares none (reading output(0) of it was undefined
  // behaviour; found by mlc-fuzz-compile).
  if (node.output_size() == 0)
    return emitError(loc) << "Resize has no output";
  auto declared = ic.declaredTypes.find(node.output(0));
  if (declared == ic.declaredTypes.end() || declared->second.getRank() != rank)
    return emitError(loc) << "Resize with runtime "
                          << (cropping ? "scales, sizes or roi"
                                       : "scales or sizes")
                          << " needs a static output shape declared in the "
                             "graph";
  outShape.assign(declared->second.getShape().begin(),
                  declared->second.getShape().end());
  RuntimeMath m{ic.builder, loc};
  for (int64_t i = 0; i < numAxes; ++i) {
    int64_t d = axes[i];
    Value v = m.element(given.value, i);
    specs[d].scaleValue =
        scales.present
            ? v
            : m.div(v, m.cst(static_cast<double>(type.getDimSize(d))));
    if (cropping) {
      specs[d].roiStartValue = m.element(roi.value, i);
      specs[d].roiEndValue = m.element(roi.value, numAxes + i);
    }
  }
  if (sizes.present && policy != "stretch") {
    // One scale for all axes: the smallest (not_larger) or largest.
    Value scale = specs[axes.front()].scaleValue;
    for (int64_t d : axes)
      scale = policy == "not_larger" ? m.op<MinOp>(scale, specs[d].scaleValue)
                                     : m.op<MaxOp>(scale, specs[d].scaleValue);
    for (int64_t d : axes)
      specs[d].scaleValue = scale;
  }
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, d) && outShape[d] != type.getDimSize(d))
      return emitError(loc) << "Resize's declared output shape changes the "
                               "unresized dimension "
                            << d;
  if (m.failedOp)
    return emitError(loc) << "Resize: cannot read the scales or sizes";
  return emitResize(ic, node, loc, *input, specs, outShape, opts);
}

static LogicalResult importUpsample(ImporterContext &ic,
                                    const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  ResizeOptions opts;
  opts.mode = getStringAttr(node, "mode", "nearest");
  if (opts.mode == "bilinear")
    opts.mode = "linear";
  if (opts.mode != "nearest" && opts.mode != "linear")
    return emitError(loc) << "Upsample mode '" << opts.mode
                          << "' is not supported";
  opts.coordinateMode = "asymmetric";
  opts.nearestMode = "simple";

  SmallVector<AxisSpec> specs(rank);
  SmallVector<int64_t> outShape;
  std::optional<SmallVector<double>> scales;
  Value scalesValue;
  if (ic.opset < 9) {
    const onnx::AttributeProto *attr = findAttr(node, "scales");
    if (!attr)
      return emitError(loc) << "Upsample needs the scales attribute";
    scales = SmallVector<double>(attr->floats().begin(), attr->floats().end());
    if (static_cast<int64_t>(scales->size()) != rank)
      return emitError(loc)
             << "Upsample scales must hold " << rank << " values";
  } else {
    FailureOr<OptionalVector> s = getOptionalVector(ic, node, 1, loc);
    if (failed(s))
      return failure();
    if (!s->present || s->size != rank)
      return emitError(loc)
             << "Upsample scales must hold " << rank << " values";
    scales = s->constant;
    scalesValue = s->value;
  }
  if (scales) {
    for (int64_t d = 0; d < rank; ++d) {
      specs[d].scale = (*scales)[d];
      if (!(specs[d].scale > 0))
        return emitError(loc) << "Upsample scales must be positive";
      double size =
          std::floor(specs[d].scale * static_cast<double>(type.getDimSize(d)));
      if (failed(checkOutputSize(node, size, d, loc)))
        return failure();
      outShape.push_back(static_cast<int64_t>(size));
    }
    return emitResize(ic, node, loc, *input, specs, outShape, opts);
  }
  if (node.output_size() == 0)
    return emitError(loc) << "Upsample has no output";
  auto declared = ic.declaredTypes.find(node.output(0));
  if (declared == ic.declaredTypes.end() || declared->second.getRank() != rank)
    return emitError(loc) << "Upsample with runtime scales needs a static "
                             "output shape declared in the graph";
  outShape.assign(declared->second.getShape().begin(),
                  declared->second.getShape().end());
  RuntimeMath m{ic.builder, loc};
  for (int64_t d = 0; d < rank; ++d)
    specs[d].scaleValue = m.element(scalesValue, d);
  if (m.failedOp)
    return emitError(loc) << "Upsample: cannot read the scales";
  return emitResize(ic, node, loc, *input, specs, outShape, opts);
}

void mlc::onnx_import::registerResizeOpImporters(OpImporterTable &table) {
  table.push_back({"Resize", 10, kLatestOpset, importResize});
  table.push_back({"Upsample", 7, 9, importUpsample});
}
