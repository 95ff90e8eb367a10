//===- SignalOps.cpp - Importers of ONNX signal-processing operators ------===//
//
// HannWindow, HammingWindow and BlackmanWindow are cosine sums over an iota
// whose period comes from the (runtime) size input; the output length is the
// constant size or the graph's declared output shape. DFT is two real
// matmuls against constant cosine and sine matrices along the signal axis.
// No new ops reach the lowering.
//
//===----------------------------------------------------------------------===//

#include "ComposeUtils.h"

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

#include <cmath>

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
    return emitError(loc) << node.op_type() << " size must be an integer "
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
  Value phase = DivOp::create(
      b, loc,
      MulOp::create(b, loc, createIota(b, loc, {*length}, f64),
                    createScalarConst(b, loc, f64, 2 * M_PI)),
      period);
  Value sum = createConstant(
      b, loc, {*length}, f64, SmallVector<double>(*length, coefficients[0]));
  for (auto [k, c] : llvm::enumerate(coefficients.drop_front())) {
    Value angle =
        MulOp::create(b, loc, phase, createScalarConst(b, loc, f64, k + 1));
    Value term = MulOp::create(b, loc, CosOp::create(b, loc, angle),
                               createScalarConst(b, loc, f64, c));
    sum = AddOp::create(b, loc, sum, term);
  }
  Value result = sum;
  if (*outType != f64)
    result = CastOp::create(b, loc, RankedTensorType::get({*length}, *outType),
                            result, false,
                            ImporterContext::isUnsignedElementType(static_cast<
                                int32_t>(getIntAttr(node, "output_datatype", 1))));
  ic.setOutput(node, 0, result);
  return success();
}

/// DFT along `axis` of [.., N, .., 1 or 2] (real or complex) to [.., K, .., 2]
/// as Y = X W with W[n, k] = exp(-+ 2 pi i n k / L) (scaled by 1 / L when
/// inverse): real and imaginary parts by real matmuls.
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
  if (ic.opset >= 20) {
    axis = -2;
    FailureOr<Value> axisInput = ic.getInput(node, 2, loc);
    if (failed(axisInput))
      return failure();
    if (*axisInput) {
      FailureOr<SmallVector<int64_t>> axisValue =
          ic.getConstantInts(*axisInput, loc, "DFT's axis");
      if (failed(axisValue))
        return failure();
      if (axisValue->size() != 1)
        return emitError(loc) << "DFT's axis must hold one value";
      axis = axisValue->front();
    }
  }
  // The last dimension holds the complex parts; the signal axis is another.
  if (axis < -rank || axis >= rank - 1 || axis == -1)
    return emitError(loc) << "DFT axis " << axis << " out of range for "
                          << type;
  if (axis < 0)
    axis += rank;
  int64_t n = type.getDimSize(axis);
  int64_t length = n;
  if (*lengthInput) {
    FailureOr<SmallVector<int64_t>> value =
        ic.getConstantInts(*lengthInput, loc, "DFT's dft_length");
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
    Value p = sliceAxis(ic, loc, *input, rank - 1, index, 1);
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
  ic.setOutput(node, 0,
               ConcatOp::create(b, loc, ValueRange{restore(outReal),
                                                   restore(outImag)},
                                b.getI64IntegerAttr(rank - 1)));
  return success();
}

void mlc::onnx_import::registerSignalOpImporters(OpImporterTable &table) {
  table.push_back({"HannWindow", 17, kLatestOpset,
                   [](ImporterContext &ic, const onnx::NodeProto &node,
                      Location loc) {
                     return importCosineWindow(ic, node, loc, {0.5, -0.5});
                   }});
  table.push_back({"HammingWindow", 17, kLatestOpset,
                   [](ImporterContext &ic, const onnx::NodeProto &node,
                      Location loc) {
                     return importCosineWindow(ic, node, loc,
                                               {25.0 / 46, -21.0 / 46});
                   }});
  table.push_back({"BlackmanWindow", 17, kLatestOpset,
                   [](ImporterContext &ic, const onnx::NodeProto &node,
                      Location loc) {
                     return importCosineWindow(ic, node, loc,
                                               {0.42, -0.5, 0.08});
                   }});
  table.push_back({"DFT", 17, kLatestOpset, importDFT});
}
