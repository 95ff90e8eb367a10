//===- SamplingOps.cpp - Importer of ONNX GridSample ----------------------===//
//
// GridSample (2-D and 3-D; nearest, linear and cubic; zeros, border and
// reflection padding; align_corners) composed from elementwise ops and
// gathers, following the ONNX reference: each grid coordinate is
// denormalized, rounded (nearest), brought back inside the image when it is
// outside the border (clamped or reflected), split into taps per spatial
// axis with their weights (1; 1 - t, t; Keys' cubic coefficients with
// A = -0.75), and every combination of taps is one mlc.gather_elements from
// the image flattened to [N, C, pixels] at index sum(tap_i * stride_i),
// weighted and summed. Out-of-image taps read 0 (zeros), the nearest pixel
// (border) or the reflected pixel (reflection).
//
//===----------------------------------------------------------------------===//

#include "ComposeUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

namespace {

/// Elementwise shorthands on tensors of one float type.
struct ElementwiseBuilder {
  OpBuilder &b;
  Location loc;
  Type ft;

  Value c(double v) { return createScalarConst(b, loc, ft, v); }
  Value add(Value x, Value y) { return AddOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return SubOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return MulOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return DivOp::create(b, loc, x, y); }
  Value floor(Value x) { return FloorOp::create(b, loc, x); }
  Value lt(Value x, Value y) { return LessOp::create(b, loc, x, y); }
  Value gt(Value x, Value y) { return GreaterOp::create(b, loc, x, y); }
  Value where(Value cond, Value x, Value y) {
    return WhereOp::create(b, loc, cond, x, y);
  }
  Value clamp(Value x, double lo, double hi) {
    return MinOp::create(b, loc, MaxOp::create(b, loc, x, c(lo)), c(hi));
  }

  /// ONNX's _gs_reflect: folds x into [lo, hi] by mirroring at the borders.
  Value reflect(Value x, double lo, double hi) {
    Value below = lt(x, c(lo)), above = gt(x, c(hi));
    Value outside = OrOp::create(b, loc, below, above);
    double range = hi - lo;
    if (range <= 0)
      return where(outside, add(mul(x, c(0)), c(lo)), x);
    Value dx = where(below, sub(c(lo), x), sub(x, c(hi)));
    Value n = floor(div(dx, c(range)));
    Value r = sub(dx, mul(n, c(range)));
    Value odd = gt(sub(n, mul(floor(mul(n, c(0.5))), c(2))), c(0.5));
    Value fromLow = XorOp::create(b, loc, below, odd);
    Value reflected = where(fromLow, add(c(lo), r), sub(c(hi), r));
    return where(outside, reflected, x);
  }
};

struct Tap {
  Value index;  ///< i64, in [0, size)
  Value weight; ///< float, or null for 1
};

} // namespace

/// Keys' cubic convolution coefficients (A = -0.75) of the four taps
/// x0 - 1 .. x0 + 2 at fraction t (ONNX _gs_get_cubic_coeffs).
static SmallVector<Value> cubicCoefficients(ElementwiseBuilder &f, Value t) {
  double a = -0.75;
  auto outer = [&](Value s) { // (s in [1, 2])
    return f.sub(
        f.mul(f.add(f.mul(f.sub(f.mul(f.c(a), s), f.c(5 * a)), s), f.c(8 * a)),
              s),
        f.c(4 * a));
  };
  auto inner = [&](Value s) { // (s in [0, 1])
    return f.add(f.mul(f.mul(f.sub(f.mul(f.c(a + 2), s), f.c(a + 3)), s), s),
                 f.c(1));
  };
  Value one = f.c(1), two = f.c(2);
  return {outer(f.add(t, one)), inner(t), inner(f.sub(one, t)),
          outer(f.sub(two, t))};
}

static LogicalResult importGridSample(ImporterContext &ic,
                                      const onnx::NodeProto &node,
                                      Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> grid = ic.getRequiredInput(node, 1, loc);
  if (failed(input) || failed(grid) ||
      failed(requireStaticShape(node, *input, loc)) ||
      failed(requireStaticShape(node, *grid, loc)))
    return failure();
  RankedTensorType xType = getRankedType(*input);
  RankedTensorType gType = getRankedType(*grid);
  int64_t spatial = xType.getRank() - 2;
  if ((spatial != 2 && spatial != 3) || gType.getRank() != spatial + 2 ||
      gType.getDimSize(0) != xType.getDimSize(0) ||
      gType.getShape().back() != spatial ||
      !isa<FloatType>(xType.getElementType()) ||
      gType.getElementType() != xType.getElementType())
    return emitError(loc) << "GridSample needs a float [N, C, D.., ] input and "
                             "an [N, O.., rank] grid of its type (2-D or "
                             "3-D), got "
                          << xType << " and " << gType;
  std::string mode =
      getStringAttr(node, "mode", ic.opset < 20 ? "bilinear" : "linear");
  if (mode == "bilinear")
    mode = "linear";
  if (mode == "bicubic")
    mode = "cubic";
  std::string padding = getStringAttr(node, "padding_mode", "zeros");
  if ((mode != "nearest" && mode != "linear" && mode != "cubic") ||
      (padding != "zeros" && padding != "border" && padding != "reflection"))
    return emitError(loc) << "GridSample: unknown mode '" << mode
                          << "' or padding_mode '" << padding << "'";
  bool alignCorners = getIntAttr(node, "align_corners", 0) != 0;

  OpBuilder &b = ic.builder;
  Type ft = xType.getElementType();
  Type i64 = b.getI64Type();
  ElementwiseBuilder f{b, loc, ft};
  int64_t n = xType.getDimSize(0), channels = xType.getDimSize(1);
  ArrayRef<int64_t> dims = xType.getShape().drop_front(2);
  ArrayRef<int64_t> outDims = gType.getShape().slice(1, spatial);
  int64_t outCount = ShapedType::getNumElements(outDims);
  int64_t pixels = ShapedType::getNumElements(dims);

  // Per spatial axis: its taps (index and weight) over [N, 1, O].
  SmallVector<SmallVector<Tap>> axisTaps;
  for (int64_t i = 0; i < spatial; ++i) {
    double size = dims[i];
    double lo = alignCorners ? 0.0 : -0.5;
    double hi = alignCorners ? size - 1 : size - 0.5;
    // The grid's last dim is (x, y[, z]): the innermost axis first.
    Value g = createReshape(
        ic, loc, sliceAxis(ic, loc, *grid, spatial + 1, spatial - 1 - i, 1),
        {n, 1, outCount});
    Value x =
        alignCorners
            ? f.mul(f.add(g, f.c(1)), f.c((size - 1) / 2))
            : f.div(f.sub(f.mul(f.add(g, f.c(1)), f.c(size)), f.c(1)), f.c(2));
    if (mode == "nearest")
      x = RoundOp::create(b, loc, x);
    if (padding == "border") {
      Value outside = OrOp::create(b, loc, f.lt(x, f.c(lo)), f.gt(x, f.c(hi)));
      x = f.where(outside, f.clamp(x, 0, size - 1), x);
    } else if (padding == "reflection") {
      x = f.reflect(x, lo, hi);
    }
    SmallVector<std::pair<double, Value>> offsets; // tap offset, weight
    Value base = x;
    if (mode == "nearest") {
      offsets.push_back({0, Value()});
    } else {
      base = f.floor(x);
      Value t = f.sub(x, base);
      if (mode == "linear") {
        offsets.push_back({0, f.sub(f.c(1), t)});
        offsets.push_back({1, t});
      } else {
        SmallVector<Value> coeffs = cubicCoefficients(f, t);
        for (int k = 0; k < 4; ++k)
          offsets.push_back({k - 1.0, coeffs[k]});
      }
    }
    SmallVector<Tap> taps;
    for (auto [offset, weight] : offsets) {
      Value at = offset == 0 ? base : f.add(base, f.c(offset));
      Value clamped;
      if (padding == "reflection")
        clamped = f.clamp(f.reflect(at, lo, hi), 0, size - 1);
      else
        clamped = f.clamp(at, 0, size - 1);
      if (padding == "zeros") {
        Value inside = NotOp::create(
            b, loc,
            OrOp::create(b, loc, f.lt(at, f.c(0)), f.gt(at, f.c(size - 1))));
        weight = f.where(inside, weight ? weight : f.c(1), f.c(0));
      }
      Value index =
          CastOp::create(b, loc, RankedTensorType::get({n, 1, outCount}, i64),
                         clamped, false, false);
      taps.push_back({index, weight});
    }
    axisTaps.push_back(taps);
  }

  Value image = createReshape(ic, loc, *input, {n, channels, pixels});
  SmallVector<int64_t> strides(spatial, 1);
  for (int64_t i = spatial - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * dims[i + 1];
  Value sum;
  SmallVector<size_t> choice(spatial, 0);
  while (true) {
    Value index, weight;
    for (int64_t i = 0; i < spatial; ++i) {
      const Tap &tap = axisTaps[i][choice[i]];
      Value scaled = strides[i] == 1
                         ? tap.index
                         : Value(MulOp::create(
                               b, loc, tap.index,
                               createScalarConst(b, loc, i64, strides[i])));
      index = index ? Value(AddOp::create(b, loc, index, scaled)) : scaled;
      if (tap.weight)
        weight = weight ? f.mul(weight, tap.weight) : tap.weight;
    }
    index = ExpandOp::create(b, loc, index,
                             b.getDenseI64ArrayAttr({n, channels, outCount}));
    Value value =
        GatherElementsOp::create(b, loc, image, index, b.getI64IntegerAttr(2));
    if (weight)
      value = f.mul(value, weight);
    sum = sum ? f.add(sum, value) : value;
    int64_t i = spatial - 1;
    while (i >= 0 && ++choice[i] == axisTaps[i].size())
      choice[i--] = 0;
    if (i < 0)
      break;
  }
  SmallVector<int64_t> outShape{n, channels};
  outShape.append(outDims.begin(), outDims.end());
  ic.setOutput(node, 0, createReshape(ic, loc, sum, outShape));
  return success();
}

void mlc::onnx_import::registerSamplingOpImporters(OpImporterTable &table) {
  table.push_back({"GridSample", 16, kLatestOpset, importGridSample});
}
