//===- LpPoolOps.cpp - ONNX LpPool as a composition -----------------------===//
//
// LpPool is (sum over the window of |x|^p)^(1/p). The sum is the
// mlc.avg_pool2d of |x|^p with the zero padding counted, times the window
// size; p = 2 uses x * x and sqrt. 1-D pooling runs as 2-D over [N, C, 1, W].
// Dilations and ceil_mode are not supported.
//
//===----------------------------------------------------------------------===//

#include "TensorImportUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static Value floatScalar(OpBuilder &b, Location loc, Type elementType,
                         double value) {
  auto type = RankedTensorType::get({}, elementType);
  return ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, b.getFloatAttr(elementType, value)));
}

static LogicalResult importLpPool(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  Type elementType = type.getElementType();
  int64_t spatial = type.getRank() - 2;
  if (!isa<FloatType>(elementType) || (spatial != 1 && spatial != 2))
    return emitError(loc) << "LpPool: only 1-D and 2-D pooling of float "
                             "tensors is supported";
  SmallVector<int64_t> kernel = getIntsAttr(node, "kernel_shape", {});
  SmallVector<int64_t> strides =
      getIntsAttr(node, "strides", SmallVector<int64_t>(spatial, 1));
  SmallVector<int64_t> pads =
      getIntsAttr(node, "pads", SmallVector<int64_t>(2 * spatial, 0));
  SmallVector<int64_t> dilations =
      getIntsAttr(node, "dilations", SmallVector<int64_t>(spatial, 1));
  if (static_cast<int64_t>(kernel.size()) != spatial ||
      static_cast<int64_t>(strides.size()) != spatial ||
      static_cast<int64_t>(pads.size()) != 2 * spatial)
    return emitError(loc) << "LpPool kernel_shape, strides and pads must "
                             "match the " << spatial << " spatial dimensions";
  if (llvm::any_of(dilations, [](int64_t d) { return d != 1; }))
    return emitError(loc) << "LpPool: dilations are not supported";
  if (getIntAttr(node, "ceil_mode", 0) != 0)
    return emitError(loc) << "LpPool: ceil_mode is not supported";
  auto positive = [](int64_t v) { return v > 0; };
  if (!llvm::all_of(kernel, positive) || !llvm::all_of(strides, positive) ||
      llvm::any_of(pads, [](int64_t v) { return v < 0; }))
    return emitError(loc) << "LpPool kernel and strides must be positive "
                             "and pads non-negative";
  int64_t p = getIntAttr(node, "p", 2);
  if (p <= 0)
    return emitError(loc) << "LpPool p must be positive, got " << p;

  // As 2-D: [N, C, H, W] with H = 1 for 1-D input.
  OpBuilder &b = ic.builder;
  Value x = *input;
  SmallVector<int64_t> sizes(type.getShape().drop_front(2));
  if (spatial == 1) {
    x = createReshape(ic, loc, x,
                      {type.getDimSize(0), type.getDimSize(1), 1, sizes[0]});
    sizes.insert(sizes.begin(), 1);
    kernel.insert(kernel.begin(), 1);
    strides.insert(strides.begin(), 1);
    pads = {0, pads[0], 0, pads[1]};
  }
  std::string autoPad = getStringAttr(node, "auto_pad", "NOTSET");
  if (autoPad == "VALID") {
    pads = {0, 0, 0, 0};
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int i = 0; i < 2; ++i) {
      int64_t out = (sizes[i] + strides[i] - 1) / strides[i];
      int64_t total = std::max<int64_t>(
          0, (out - 1) * strides[i] + kernel[i] - sizes[i]);
      int64_t small = total / 2;
      pads[i] = autoPad == "SAME_UPPER" ? small : total - small;
      pads[i + 2] = total - pads[i];
    }
  } else if (autoPad != "NOTSET") {
    return emitError(loc) << "unknown auto_pad '" << autoPad << "'";
  }
  for (int i = 0; i < 2; ++i)
    if (sizes[i] + pads[i] + pads[i + 2] < kernel[i])
      return emitError(loc) << "LpPool: window larger than the padded input";

  Value powered;
  if (p == 2) {
    powered = MulOp::create(b, loc, x, x);
  } else {
    FailureOr<AbsOp> magnitude = createInferred<AbsOp>(b, loc, x);
    if (failed(magnitude))
      return failure();
    FailureOr<PowOp> raised =
        createInferred<PowOp>(b, loc, magnitude->getResult(),
                              floatScalar(b, loc, elementType, p));
    if (failed(raised))
      return failure();
    powered = *raised;
  }
  FailureOr<AvgPool2DOp> mean = createInferred<AvgPool2DOp>(
      b, loc, powered, b.getDenseI64ArrayAttr(kernel),
      b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads),
      b.getBoolAttr(true));
  if (failed(mean))
    return failure();
  Value sum = MulOp::create(
      b, loc, mean->getResult(),
      floatScalar(b, loc, elementType, double(kernel[0] * kernel[1])));
  Value result;
  if (p == 2) {
    result = SqrtOp::create(b, loc, sum);
  } else {
    FailureOr<PowOp> root = createInferred<PowOp>(
        b, loc, sum, floatScalar(b, loc, elementType, 1.0 / p));
    if (failed(root))
      return failure();
    result = *root;
  }
  if (spatial == 1) {
    ArrayRef<int64_t> shape = getRankedType(result).getShape();
    result = createReshape(ic, loc, result, {shape[0], shape[1], shape[3]});
  }
  ic.setOutput(node, 0, result);
  return success();
}

void mlc::onnx_import::registerLpPoolOpImporters(OpImporterTable &table) {
  table.push_back({"LpPool", 2, kLatestOpset, importLpPool});
}
