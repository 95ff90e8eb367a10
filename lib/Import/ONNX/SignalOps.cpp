//===- SignalOps.cpp - Importers of ONNX signal-processing operators ------===//
//
// HannWindow, HammingWindow and BlackmanWindow are cosine sums over an iota
// whose period comes from the (runtime) size input; the output length is the
// constant size or the graph's declared output shape. DFT is two real
// matmuls against constant cosine and sine matrices along the signal axis;
// STFT gathers frames and multiplies them by such matrices, built in the
// model when frame_step or frame_length are run-time values;
// MelWeightMatrix's triangular filters are computed in the model too. No new
// ops reach the lowering.
//
//===----------------------------------------------------------------------===//

#include "ComposeUtils.h"

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// The static length of output `i` of `node` (rank 1): the value of the
/// constant `size` input, else the shape the graph declares for the output.
static FailureOr<int64_t> getWindowLength(ImporterContext &ic,
                                          const onnx::NodeProto &node,
                                          Value size, Location loc) {
  if (FailureOr<ConstTensor> folded = foldToConstant(size);
      succeeded(folded) && !folded->isFloat() && folded->size() == 1)
    return folded->ints[0];
  auto declared = ic.declaredTypes.find(node.output(0));
  if (declared != ic.declaredTypes.end() && declared->second.getRank() == 1)
    return declared->second.getDimSize(0);
  return emitError(loc) << node.op_type()
                        << " with a runtime size needs a static output shape "
                           "declared in the graph";
}

/// w[n] = sum_k coefficients[k] * cos(2 pi k n / N), N = size (periodic) or
/// size - 1 (symmetric), computed in f64 and cast to output_datatype.
static LogicalResult importCosineWindow(ImporterContext &ic,
                                        const onnx::NodeProto &node,
                                        Location loc,
                                        ArrayRef<double> coefficients) {
  FailureOr<Value> size = ic.getRequiredInput(node, 0, loc);
  if (failed(size))
    return failure();
  RankedTensorType sizeType = getRankedType(*size);
  if (sizeType.getNumElements() != 1 ||
      !isa<IntegerType>(sizeType.getElementType()))
    return emitError(loc) << node.op_type()
                          << " size must be an integer "
                             "scalar";
  FailureOr<int64_t> length = getWindowLength(ic, node, *size, loc);
  if (failed(length))
    return failure();
  if (*length <= 0 || *length > (int64_t{1} << 24))
    return emitError(loc) << node.op_type() << " length " << *length
                          << " is not supported";
  FailureOr<Type> outType = ic.convertElementType(
      static_cast<int32_t>(getIntAttr(node, "output_datatype", 1)), loc);
  if (failed(outType))
    return failure();
  OpBuilder &b = ic.builder;
  Type f64 = b.getF64Type();
  Value period = CastOp::create(b, loc, RankedTensorType::get({}, f64),
                                createReshape(ic, loc, *size, {}),
                                ic.isUnsigned(*size), false);
  if (getIntAttr(node, "periodic", 1) == 0)
    period = SubOp::create(b, loc, period, createScalarConst(b, loc, f64, 1));
  // 2 pi n / N; N = 0 (a symmetric window of 1) gives NaN as in ONNX.
  Value phase =
      DivOp::create(b, loc,
                    MulOp::create(b, loc, createIota(b, loc, {*length}, f64),
                                  createScalarConst(b, loc, f64, 2 * M_PI)),
                    period);
  Value sum = createConstant(b, loc, {*length}, f64,
                             SmallVector<double>(*length, coefficients[0]));
  for (auto [k, c] : llvm::enumerate(coefficients.drop_front())) {
    Value angle =
        MulOp::create(b, loc, phase, createScalarConst(b, loc, f64, k + 1));
    Value term = MulOp::create(b, loc, CosOp::create(b, loc, angle),
                               createScalarConst(b, loc, f64, c));
    sum = AddOp::create(b, loc, sum, term);
  }
  Value result = sum;
  if (*outType != f64)
    result = CastOp::create(
        b, loc, RankedTensorType::get({*length}, *outType), result, false,
        ImporterContext::isUnsignedElementType(
            static_cast<int32_t>(getIntAttr(node, "output_datatype", 1))));
  ic.setOutput(node, 0, result);
  return success();
}

/// DFT along `axis` of [.., N, .., 1 or 2] (real or complex) to [.., K, .., 2]
/// as Y = X W with W[n, k] = exp(-+ 2 pi i n k / L) (scaled by 1 / L when
/// inverse): real and imaginary parts by real matmuls. `length` is
/// dft_length, or null for N.
static FailureOr<Value> buildDFT(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc,
                                 Value input, Value lengthInput, int64_t axis) {
  RankedTensorType type = getRankedType(input);
  int64_t rank = type.getRank();
  Type elementType = type.getElementType();
  // The last dimension holds the complex parts; the signal axis is another.
  if (axis < -rank || axis >= rank - 1 || axis == -1)
    return emitError(loc) << "DFT axis " << axis << " out of range for "
                          << type;
  if (axis < 0)
    axis += rank;
  int64_t n = type.getDimSize(axis);
  int64_t length = n;
  if (lengthInput) {
    FailureOr<SmallVector<int64_t>> value =
        ic.getConstantInts(lengthInput, loc, "DFT's dft_length");
    if (failed(value))
      return failure();
    if (value->size() != 1 || value->front() <= 0)
      return emitError(loc) << "DFT's dft_length must be one positive value";
    length = value->front();
  }
  bool inverse = getIntAttr(node, "inverse", 0) != 0;
  bool onesided = getIntAttr(node, "onesided", 0) != 0;
  if (inverse && onesided)
    return emitError(loc) << "DFT: inverse with onesided is not supported";
  int64_t bins = onesided ? length / 2 + 1 : length;
  int64_t used = std::min(n, length); // samples past dft_length are dropped
  if (used * bins > (int64_t{1} << 24))
    return emitError(loc) << "DFT of length " << length << " is too large";

  OpBuilder &b = ic.builder;
  // Signal axis last: [.., used] per real/imaginary part.
  SmallVector<int64_t> perm;
  for (int64_t d = 0; d < rank - 1; ++d)
    if (d != axis)
      perm.push_back(d);
  perm.push_back(axis);
  SmallVector<int64_t> inversePerm(rank - 1);
  for (int64_t d = 0; d < rank - 1; ++d)
    inversePerm[perm[d]] = d;
  SmallVector<int64_t> partShape(type.getShape().drop_back());
  auto part = [&](int64_t index) -> Value {
    Value p = sliceAxis(ic, loc, input, rank - 1, index, 1);
    p = sliceAxis(ic, loc, p, axis, 0, used);
    SmallVector<int64_t> shape(partShape);
    shape[axis] = used;
    p = createReshape(ic, loc, p, shape);
    return createTranspose(ic, loc, p, perm);
  };
  Value real = part(0);
  Value imag = type.getShape().back() == 2 ? part(1) : Value();

  double scale = inverse ? 1.0 / length : 1.0;
  double sign = inverse ? 1.0 : -1.0;
  SmallVector<double> cosines, sines;
  for (int64_t i = 0; i < used; ++i)
    for (int64_t k = 0; k < bins; ++k) {
      // Reduce n * k mod L first so the angle stays small and exact.
      double angle = 2 * M_PI * static_cast<double>((i * k) % length) / length;
      cosines.push_back(scale * std::cos(angle));
      sines.push_back(sign * scale * std::sin(angle));
    }
  Value cosMatrix = createConstant(b, loc, {used, bins}, elementType, cosines);
  Value sinMatrix = createConstant(b, loc, {used, bins}, elementType, sines);
  // (a + ib)(c + is) = (ac - bs) + i(as + bc).
  Value outReal = MatMulOp::create(b, loc, real, cosMatrix);
  Value outImag = MatMulOp::create(b, loc, real, sinMatrix);
  if (imag) {
    outReal = SubOp::create(b, loc, outReal,
                            MatMulOp::create(b, loc, imag, sinMatrix));
    outImag = AddOp::create(b, loc, outImag,
                            MatMulOp::create(b, loc, imag, cosMatrix));
  }
  SmallVector<int64_t> outShape(partShape);
  outShape[axis] = bins;
  outShape.push_back(1);
  auto restore = [&](Value v) {
    return createReshape(ic, loc, createTranspose(ic, loc, v, inversePerm),
                         outShape);
  };
  return Value(ConcatOp::create(b, loc,
                                ValueRange{restore(outReal), restore(outImag)},
                                b.getI64IntegerAttr(rank - 1)));
}

/// DFT: the axis is an attribute before opset 20 and an input (default -2)
/// from 20. A run-time axis input computes the transform along every axis
/// that gives the output shape (the declared one, else the one all axes
/// share) and selects by the axis value at run time; an axis value that
/// names no such axis gives NaN (the artifact cannot raise an error).
static LogicalResult importDFT(ImporterContext &ic, const onnx::NodeProto &node,
                               Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> lengthInput = ic.getInput(node, 1, loc);
  if (failed(input) || failed(lengthInput) ||
      failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  Type elementType = type.getElementType();
  if (rank < 2 || !isa<FloatType>(elementType) ||
      (type.getShape().back() != 1 && type.getShape().back() != 2))
    return emitError(loc) << "DFT needs a float input whose last dimension "
                             "is 1 (real) or 2 (complex), got "
                          << type;
  int64_t axis = getIntAttr(node, "axis", 1);
  Value runtimeAxis;
  if (ic.opset >= 20) {
    axis = -2;
    FailureOr<Value> axisInput = ic.getInput(node, 2, loc);
    if (failed(axisInput))
      return failure();
    if (*axisInput && isRuntimeValue(*axisInput)) {
      runtimeAxis = *axisInput;
    } else if (*axisInput) {
      FailureOr<SmallVector<int64_t>> axisValue =
          ic.getConstantInts(*axisInput, loc, "DFT's axis");
      if (failed(axisValue))
        return failure();
      if (axisValue->size() != 1)
        return emitError(loc) << "DFT's axis must hold one value";
      axis = axisValue->front();
    }
  }
  if (!runtimeAxis) {
    FailureOr<Value> result =
        buildDFT(ic, node, loc, *input, *lengthInput, axis);
    if (failed(result))
      return failure();
    ic.setOutput(node, 0, *result);
    return success();
  }
  RankedTensorType axisType = getRankedType(runtimeAxis);
  if (!axisType.hasStaticShape() || axisType.getNumElements() != 1 ||
      !isa<IntegerType>(axisType.getElementType()) ||
      axisType.getElementType().isInteger(1))
    return emitError(loc) << "DFT's axis must be an integer scalar, got "
                          << axisType;
  // Every candidate axis' transform, kept when its shape is the output's.
  std::optional<RankedTensorType> declared = getDeclaredOutputType(ic, node, 0);
  if (declared && declared->getRank() != rank)
    declared.reset();
  SmallVector<std::pair<int64_t, Value>> candidates;
  RankedTensorType resultType = declared ? *declared : RankedTensorType();
  for (int64_t a = 0; a < rank - 1; ++a) {
    FailureOr<Value> result = buildDFT(ic, node, loc, *input, *lengthInput, a);
    if (failed(result))
      return failure();
    RankedTensorType t = getRankedType(*result);
    if (!resultType)
      resultType = t;
    if (t != resultType) {
      if (declared)
        continue;
      return emitError(loc) << "DFT with a run-time axis: the transforms "
                               "along different axes have different shapes "
                               "(declare the output shape to pick one)";
    }
    candidates.push_back({a, *result});
  }
  if (candidates.empty())
    return emitError(loc) << "DFT with a run-time axis: no axis gives the "
                             "declared output "
                          << *declared;
  OpBuilder &b = ic.builder;
  Type i64 = b.getI64Type();
  Value axisValue = createReshape(ic, loc, runtimeAxis, {});
  if (axisType.getElementType() != i64)
    axisValue = CastOp::create(b, loc, RankedTensorType::get({}, i64),
                               axisValue, ic.isUnsigned(runtimeAxis), false);
  // ONNX counts a negative axis from the end of the whole rank.
  Value zero = createScalarConst(b, loc, i64, 0);
  axisValue = WhereOp::create(
      b, loc, LessOp::create(b, loc, axisValue, zero),
      AddOp::create(b, loc, axisValue, createScalarConst(b, loc, i64, rank)),
      axisValue);
  Value result = createScalarConst(b, loc, elementType,
                                   std::numeric_limits<double>::quiet_NaN());
  for (auto [a, value] : candidates)
    result = WhereOp::create(
        b, loc,
        EqualOp::create(b, loc, axisValue, createScalarConst(b, loc, i64, a)),
        value, result);
  ic.setOutput(node, 0, result);
  return success();
}

/// The value of a single-element integer input when it folds to a constant.
static std::optional<int64_t> foldScalarInt(Value value) {
  FailureOr<ConstTensor> folded = foldToConstant(value);
  if (failed(folded) || folded->isFloat() || folded->size() != 1)
    return std::nullopt;
  return folded->ints.front();
}

/// STFT of a [batch, length, 1 or 2] (real or complex) signal to [batch,
/// frames, bins, 2]: frame f holds samples f * frame_step + n, gathered with
/// an index matrix computed in the model (frame_step may be a run-time
/// value), weighted by the window (ones without one), then transformed by
/// matmuls against cosine and sine matrices of angle 2 pi (n k mod L) / L,
/// also computed in the model from the frame length L (a run-time
/// frame_length works). The matrices have a static number of rows: the
/// window's length, the constant frame_length, or the largest L that gives
/// the declared bin count; rows n >= L are masked to zero. A frame or bin
/// count that depends on run-time values comes from the graph's declared
/// output shape.
static LogicalResult importSTFT(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> signal = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> stepInput = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> window = ic.getInput(node, 2, loc);
  FailureOr<Value> lengthInput = ic.getInput(node, 3, loc);
  if (failed(signal) || failed(stepInput) || failed(window) ||
      failed(lengthInput) || failed(requireStaticShape(node, *signal, loc)))
    return failure();
  RankedTensorType type = getRankedType(*signal);
  Type elementType = type.getElementType();
  if (type.getRank() != 3 || !isa<FloatType>(elementType) ||
      (type.getDimSize(2) != 1 && type.getDimSize(2) != 2))
    return emitError(loc) << "STFT needs a float [batch, length, 1 or 2] "
                             "signal, got "
                          << type;
  int64_t batch = type.getDimSize(0), samples = type.getDimSize(1);
  bool complexInput = type.getDimSize(2) == 2;
  bool onesided = getIntAttr(node, "onesided", 1) != 0;
  if (complexInput && onesided)
    return emitError(loc) << "STFT: onesided output of a complex signal is "
                             "not defined";
  auto isIntScalar = [](Value v) {
    RankedTensorType t = getRankedType(v);
    return t.hasStaticShape() && t.getNumElements() == 1 &&
           isa<IntegerType>(t.getElementType()) &&
           !t.getElementType().isInteger(1);
  };
  if (!isIntScalar(*stepInput) || (*lengthInput && !isIntScalar(*lengthInput)))
    return emitError(loc) << "STFT's frame_step and frame_length must be "
                             "integer scalars";
  std::optional<int64_t> stepConst = foldScalarInt(*stepInput);
  std::optional<int64_t> lengthConst =
      *lengthInput ? foldScalarInt(*lengthInput) : std::nullopt;
  if ((stepConst && *stepConst <= 0) || (lengthConst && *lengthConst <= 0))
    return emitError(loc) << "STFT's frame_step and frame_length must be "
                             "positive";
  std::optional<int64_t> windowLength;
  if (*window) {
    RankedTensorType windowType = getRankedType(*window);
    if (windowType.getRank() != 1 || windowType.isDynamicDim(0) ||
        windowType.getElementType() != elementType)
      return emitError(loc) << "STFT's window must be a 1-D " << elementType
                            << " tensor of static length, got " << windowType;
    windowLength = windowType.getDimSize(0);
    if (lengthConst && *lengthConst != *windowLength)
      return emitError(loc)
             << "STFT: frame_length " << *lengthConst
             << " differs from the window's length " << *windowLength;
  }
  std::optional<int64_t> declaredFrames, declaredBins;
  if (std::optional<RankedTensorType> declared =
          getDeclaredOutputType(ic, node, 0);
      declared && declared->getRank() == 4) {
    if (!declared->isDynamicDim(1))
      declaredFrames = declared->getDimSize(1);
    if (!declared->isDynamicDim(2))
      declaredBins = declared->getDimSize(2);
  }
  std::optional<int64_t> knownLength = lengthConst ? lengthConst : windowLength;
  if (!*lengthInput && !*window)
    return emitError(loc) << "STFT needs a window or a frame_length";
  int64_t rows, bins;
  if (knownLength) {
    rows = *knownLength;
    bins = onesided ? rows / 2 + 1 : rows;
  } else if (declaredBins) {
    bins = *declaredBins;
    rows = onesided ? 2 * bins - 1 : bins;
  } else {
    return emitError(loc) << "STFT with a run-time frame_length and no "
                             "window needs its output shape declared in the "
                             "graph";
  }
  int64_t frames;
  if (stepConst && knownLength) {
    if (*knownLength > samples)
      return emitError(loc) << "STFT: frame_length " << *knownLength
                            << " exceeds the signal length " << samples;
    frames = (samples - *knownLength) / *stepConst + 1;
  } else if (declaredFrames) {
    frames = *declaredFrames;
  } else {
    return emitError(loc) << "STFT with a run-time frame_step or "
                             "frame_length needs its output shape declared "
                             "in the graph";
  }
  if (rows <= 0 || bins <= 0 || frames <= 0 ||
      rows * std::max(bins, frames) > (int64_t{1} << 24))
    return emitError(loc) << "STFT of " << frames << " frames of " << rows
                          << " samples is not supported";

  OpBuilder &b = ic.builder;
  Type i64 = b.getI64Type(), f64 = b.getF64Type();
  auto toI64Scalar = [&](Value v) -> Value {
    Value scalar = createReshape(ic, loc, v, {});
    if (getRankedType(scalar).getElementType() == i64)
      return scalar;
    return CastOp::create(b, loc, RankedTensorType::get({}, i64), scalar,
                          ic.isUnsigned(v), false);
  };
  Value step = toI64Scalar(*stepInput);
  Value length = *lengthInput ? toI64Scalar(*lengthInput)
                              : createScalarConst(b, loc, i64, rows);
  // Sample index of row n of frame f, clamped into the signal (rows past
  // the frame length are masked below, frames past its end are the
  // caller's declared shape).
  Value index = AddOp::create(
      b, loc, MulOp::create(b, loc, createIota(b, loc, {frames, 1}, i64), step),
      createIota(b, loc, {1, rows}, i64));
  index =
      MinOp::create(b, loc, index, createScalarConst(b, loc, i64, samples - 1));
  Value framed = GatherOp::create(b, loc, *signal, index,
                                  b.getI64IntegerAttr(1)); // [B, F, L, C]
  // The matrices: weight(n) * cos / -sin(2 pi (n k mod L) / L), [rows, bins].
  Value n = createIota(b, loc, {rows, 1}, i64);
  Value nk = ModOp::create(
      b, loc, MulOp::create(b, loc, n, createIota(b, loc, {1, bins}, i64)),
      length, /*fmod=*/false, /*unsigned_ints=*/false);
  Value lengthF64 = CastOp::create(b, loc, RankedTensorType::get({}, f64),
                                   length, false, false);
  Value angle = DivOp::create(
      b, loc,
      MulOp::create(b, loc,
                    CastOp::create(b, loc,
                                   RankedTensorType::get({rows, bins}, f64), nk,
                                   false, false),
                    createScalarConst(b, loc, f64, 2 * M_PI)),
      lengthF64);
  Value weight =
      *window
          ? Value(CastOp::create(b, loc, RankedTensorType::get({rows, 1}, f64),
                                 createReshape(ic, loc, *window, {rows, 1}),
                                 false, false))
          : createConstant(b, loc, {rows, 1}, f64,
                           SmallVector<double>(rows, 1.0));
  weight = WhereOp::create(b, loc, LessOp::create(b, loc, n, length), weight,
                           createScalarConst(b, loc, f64, 0));
  auto matrix = [&](Value v) -> Value {
    return CastOp::create(b, loc,
                          RankedTensorType::get({rows, bins}, elementType),
                          MulOp::create(b, loc, v, weight), false, false);
  };
  Value cosMatrix = matrix(CosOp::create(b, loc, angle));
  Value sinMatrix = matrix(NegOp::create(b, loc, SinOp::create(b, loc, angle)));
  auto part = [&](int64_t i) {
    return createReshape(ic, loc, sliceAxis(ic, loc, framed, 3, i, 1),
                         {batch, frames, rows});
  };
  Value real = part(0);
  // (a + ib)(c + is) = (ac - bs) + i(as + bc).
  Value outReal = MatMulOp::create(b, loc, real, cosMatrix);
  Value outImag = MatMulOp::create(b, loc, real, sinMatrix);
  if (complexInput) {
    Value imag = part(1);
    outReal = SubOp::create(b, loc, outReal,
                            MatMulOp::create(b, loc, imag, sinMatrix));
    outImag = AddOp::create(b, loc, outImag,
                            MatMulOp::create(b, loc, imag, cosMatrix));
  }
  SmallVector<int64_t> outShape{batch, frames, bins, 1};
  ic.setOutput(
      node, 0,
      ConcatOp::create(b, loc,
                       ValueRange{createReshape(ic, loc, outReal, outShape),
                                  createReshape(ic, loc, outImag, outShape)},
                       b.getI64IntegerAttr(3)));
  return success();
}

/// MelWeightMatrix [dft_length / 2 + 1, num_mel_bins] of triangular filters,
/// computed in the model (its inputs may be run-time values) the way the
/// ONNX reference does: num_mel_bins + 2 edges evenly spaced in mel (the step
/// divides by the edge count), mapped back to Hz and to spectrogram bins by
/// floor((dft_length + 1) * f / sample_rate); filter i rises from edge i to
/// edge i + 1 and falls to edge i + 2. Sizes that depend on run-time inputs
/// come from the declared output shape.
static LogicalResult importMelWeightMatrix(ImporterContext &ic,
                                           const onnx::NodeProto &node,
                                           Location loc) {
  SmallVector<Value, 5> in;
  for (int i = 0; i < 5; ++i) {
    FailureOr<Value> v = ic.getRequiredInput(node, i, loc);
    if (failed(v))
      return failure();
    RankedTensorType t = getRankedType(*v);
    bool wantInt = i < 3;
    if (!t.hasStaticShape() || t.getNumElements() != 1 ||
        (wantInt ? !isa<IntegerType>(t.getElementType())
                 : !isa<FloatType>(t.getElementType())))
      return emitError(loc) << "MelWeightMatrix input " << i << " must be a "
                            << (wantInt ? "integer" : "float") << " scalar";
    in.push_back(*v);
  }
  std::optional<int64_t> melConst = foldScalarInt(in[0]);
  std::optional<int64_t> dftConst = foldScalarInt(in[1]);
  std::optional<RankedTensorType> declared = getDeclaredOutputType(ic, node, 0);
  auto declaredDim = [&](int64_t d) -> std::optional<int64_t> {
    if (declared && declared->getRank() == 2 && !declared->isDynamicDim(d))
      return declared->getDimSize(d);
    return std::nullopt;
  };
  std::optional<int64_t> bins =
      dftConst ? std::optional<int64_t>(*dftConst / 2 + 1) : declaredDim(0);
  std::optional<int64_t> mels = melConst ? melConst : declaredDim(1);
  if (!bins || !mels)
    return emitError(loc) << "MelWeightMatrix with run-time num_mel_bins or "
                             "dft_length needs its output shape declared in "
                             "the graph";
  if (*bins <= 0 || *mels <= 0 || *bins * *mels > (int64_t{1} << 24))
    return emitError(loc) << "MelWeightMatrix of " << *bins << " x " << *mels
                          << " is not supported";
  FailureOr<Type> outType = ic.convertElementType(
      static_cast<int32_t>(getIntAttr(node, "output_datatype", 1)), loc);
  if (failed(outType))
    return failure();
  OpBuilder &b = ic.builder;
  Type f64 = b.getF64Type();
  auto scalarOf = [&](Value v, Type type) -> Value {
    Value scalar = createReshape(ic, loc, v, {});
    if (getRankedType(scalar).getElementType() == type)
      return scalar;
    return CastOp::create(b, loc, RankedTensorType::get({}, type), scalar,
                          ic.isUnsigned(v), false);
  };
  auto c = [&](double v) { return createScalarConst(b, loc, f64, v); };
  Value dft = scalarOf(in[1], f64), rate = scalarOf(in[2], f64);
  // mel(f) = 2595 log10(1 + f / 700).
  auto toMel = [&](Value hz) -> Value {
    return MulOp::create(
        b, loc,
        LogOp::create(
            b, loc,
            AddOp::create(b, loc, c(1), DivOp::create(b, loc, hz, c(700)))),
        c(2595 / std::log(10.0)));
  };
  Value lowMel = toMel(scalarOf(in[3], f64));
  Value highMel = toMel(scalarOf(in[4], f64));
  int64_t edges = *mels + 2;
  Value step = DivOp::create(b, loc, SubOp::create(b, loc, highMel, lowMel),
                             c(static_cast<double>(edges)));
  Value mel = AddOp::create(
      b, loc, MulOp::create(b, loc, createIota(b, loc, {edges}, f64), step),
      lowMel);
  // f = 700 (10^(mel / 2595) - 1), bin = floor((dft_length + 1) f / rate).
  Value hz = MulOp::create(
      b, loc,
      SubOp::create(
          b, loc,
          ExpOp::create(b, loc,
                        MulOp::create(b, loc, mel, c(std::log(10.0) / 2595))),
          c(1)),
      c(700));
  Value edgeBins = FloorOp::create(
      b, loc,
      DivOp::create(b, loc,
                    MulOp::create(b, loc, AddOp::create(b, loc, dft, c(1)), hz),
                    rate));
  auto edge = [&](int64_t offset) {
    return createReshape(
        ic, loc, sliceAxis(ic, loc, edgeBins, 0, offset, *mels), {1, *mels});
  };
  Value left = edge(0), center = edge(1), right = edge(2);
  Value j = createIota(b, loc, {*bins, 1}, f64);
  Value zero = c(0);
  // Falling edge [center, right) when right > center; the rising edge
  // [left, center] otherwise (1 at the center when left == center).
  Value falling = AndOp::create(
      b, loc,
      AndOp::create(b, loc, GreaterOp::create(b, loc, right, center),
                    GreaterEqualOp::create(b, loc, j, center)),
      LessOp::create(b, loc, j, right));
  Value fallingValue = DivOp::create(b, loc, SubOp::create(b, loc, right, j),
                                     SubOp::create(b, loc, right, center));
  Value rising = AndOp::create(b, loc, GreaterEqualOp::create(b, loc, j, left),
                               LessEqualOp::create(b, loc, j, center));
  Value width = SubOp::create(b, loc, center, left);
  Value risingValue = WhereOp::create(
      b, loc, GreaterOp::create(b, loc, width, zero),
      DivOp::create(b, loc, SubOp::create(b, loc, j, left), width), c(1));
  Value result =
      WhereOp::create(b, loc, falling, fallingValue,
                      WhereOp::create(b, loc, rising, risingValue, zero));
  if (*outType != f64)
    result =
        CastOp::create(b, loc, RankedTensorType::get({*bins, *mels}, *outType),
                       result, false, false);
  ic.setOutput(node, 0, result);
  return success();
}

void mlc::onnx_import::registerSignalOpImporters(OpImporterTable &table) {
  table.push_back({"MelWeightMatrix", 17, kLatestOpset, importMelWeightMatrix});
  table.push_back({"STFT", 17, kLatestOpset, importSTFT});
  table.push_back(
      {"HannWindow", 17, kLatestOpset,
       [](ImporterContext &ic, const onnx::NodeProto &node, Location loc) {
         return importCosineWindow(ic, node, loc, {0.5, -0.5});
       }});
  table.push_back(
      {"HammingWindow", 17, kLatestOpset,
       [](ImporterContext &ic, const onnx::NodeProto &node, Location loc) {
         return importCosineWindow(ic, node, loc, {25.0 / 46, -21.0 / 46});
       }});
  table.push_back(
      {"BlackmanWindow", 17, kLatestOpset,
       [](ImporterContext &ic, const onnx::NodeProto &node, Location loc) {
         return importCosineWindow(ic, node, loc, {0.42, -0.5, 0.08});
       }});
  table.push_back({"DFT", 17, kLatestOpset, importDFT});
}
