//===- NNOps.cpp - Importers of ONNX neural-network operators -------------===//
//
// Conv, pooling, normalization, softmax, Gemm and MatMul. Shapes are checked
// here before an op is built, so bad models get a located error.
//
//===----------------------------------------------------------------------===//

#include "ImporterContext.h"
#include "TensorImportUtils.h"

#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static RankedTensorType getType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Explicit [top, left, bottom, right] pads from `pads`/`auto_pad`.
static FailureOr<SmallVector<int64_t>>
getSpatialPads(const onnx::NodeProto &node, RankedTensorType input,
               ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
               ArrayRef<int64_t> dilations, Location loc) {
  std::string autoPad = getStringAttr(node, "auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    SmallVector<int64_t> pads = getIntsAttr(node, "pads", {0, 0, 0, 0});
    if (pads.size() != 4 || llvm::any_of(pads, [](int64_t p) { return p < 0; }))
      return emitError(loc) << node.op_type()
                            << " pads must be 4 non-negative values";
    return pads;
  }
  if (autoPad == "VALID")
    return SmallVector<int64_t>{0, 0, 0, 0};
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return emitError(loc) << "unknown auto_pad '" << autoPad << "'";
  SmallVector<int64_t> pads(4);
  for (int i = 0; i < 2; ++i) {
    int64_t in = input.getDimSize(2 + i);
    if (ShapedType::isDynamic(in))
      return emitError(loc) << "auto_pad " << autoPad
                            << " needs static spatial dimensions";
    int64_t out = (in + strides[i] - 1) / strides[i];
    int64_t total = std::max<int64_t>(
        0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in);
    int64_t small = total / 2;
    pads[i] = autoPad == "SAME_UPPER" ? small : total - small;
    pads[i + 2] = total - pads[i];
  }
  return pads;
}

/// Checks 2-D window attributes and that every output size is positive.
static LogicalResult checkWindow(const onnx::NodeProto &node,
                                 RankedTensorType input,
                                 ArrayRef<int64_t> kernel,
                                 ArrayRef<int64_t> strides,
                                 ArrayRef<int64_t> pads,
                                 ArrayRef<int64_t> dilations, Location loc) {
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2)
    return emitError(loc) << node.op_type()
                          << ": only 2-D windows are supported";
  auto positive = [](int64_t v) { return v > 0; };
  if (!llvm::all_of(kernel, positive) || !llvm::all_of(strides, positive) ||
      !llvm::all_of(dilations, positive))
    return emitError(loc) << node.op_type()
                          << ": kernel, strides and dilations must be positive";
  for (int i = 0; i < 2; ++i) {
    // Attributes come from the file: a product that overflows is an error,
    // not a wrapped size that passes the check.
    std::optional<int64_t> window = llvm::checkedMulAdd<int64_t>(
        kernel[i] - 1, dilations[i], 1);
    std::optional<int64_t> padded =
        llvm::checkedAdd<int64_t>(pads[i], pads[i + 2]);
    if (!window || !padded)
      return emitError(loc) << node.op_type()
                            << ": window or padding too large";
    int64_t in = input.getDimSize(2 + i);
    if (!ShapedType::isDynamic(in) && in + *padded < *window)
      return emitError(loc) << node.op_type()
                            << ": window larger than the padded input";
  }
  return success();
}

FailureOr<Value> mlc::onnx_import::buildConv2D(ImporterContext &ic,
                                               const onnx::NodeProto &node,
                                               Location loc, Value input,
                                               Value filter, Value bias) {
  RankedTensorType inputType = getType(input), filterType = getType(filter);
  if (inputType.getRank() != 4 || filterType.getRank() != 4)
    return emitError(loc) << node.op_type()
                          << ": only 2-D convolution (4-D tensors) is "
                             "supported, got "
                          << inputType;
  SmallVector<int64_t> kernel = getIntsAttr(
      node, "kernel_shape", {filterType.getDimSize(2), filterType.getDimSize(3)});
  SmallVector<int64_t> strides = getIntsAttr(node, "strides", {1, 1});
  SmallVector<int64_t> dilations = getIntsAttr(node, "dilations", {1, 1});
  int64_t group = getIntAttr(node, "group", 1);
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2)
    return emitError(loc) << "Conv: only 2-D windows are supported";
  for (int i = 0; i < 2; ++i)
    if (!ShapedType::isDynamic(filterType.getDimSize(2 + i)) &&
        kernel[i] != filterType.getDimSize(2 + i))
      return emitError(loc) << "Conv: kernel_shape [" << kernel[0] << ", "
                            << kernel[1] << "] does not match the filter "
                            << filterType;
  FailureOr<SmallVector<int64_t>> pads =
      getSpatialPads(node, inputType, kernel, strides, dilations, loc);
  if (failed(pads) || failed(checkWindow(node, inputType, kernel, strides,
                                         *pads, dilations, loc)))
    return failure();
  int64_t channels = inputType.getDimSize(1);
  if (group <= 0 || (!ShapedType::isDynamic(channels) &&
                     channels != group * filterType.getDimSize(1)))
    return emitError(loc) << "Conv: input channels " << channels
                          << " do not match group " << group
                          << " x filter channels " << filterType.getDimSize(1);
  OpBuilder &b = ic.builder;
  FailureOr<Conv2DOp> conv = createInferred<Conv2DOp>(
      b, loc, input, filter, bias, b.getDenseI64ArrayAttr(strides),
      b.getDenseI64ArrayAttr(*pads), b.getDenseI64ArrayAttr(dilations),
      b.getI64IntegerAttr(group));
  if (failed(conv))
    return failure();
  return conv->getResult();
}

static LogicalResult importConv(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> filter = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> bias = ic.getInput(node, 2, loc);
  if (failed(input) || failed(filter) || failed(bias))
    return failure();
  if (!isa<FloatType>(getType(*input).getElementType()))
    return emitError(loc) << "Conv: only float convolution is supported";
  FailureOr<Value> conv = buildConv2D(ic, node, loc, *input, *filter, *bias);
  if (failed(conv))
    return failure();
  ic.setOutput(node, 0, *conv);
  return success();
}

template <typename PoolOp>
static LogicalResult importPool(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  RankedTensorType inputType = getType(*input);
  if (inputType.getRank() != 4 ||
      !isa<FloatType>(inputType.getElementType()))
    return emitError(loc) << node.op_type()
                          << ": only 2-D pooling of float tensors is supported";
  if (getIntAttr(node, "storage_order", 0) != 0)
    return emitError(loc) << node.op_type()
                          << ": storage_order=1 is not supported";
  SmallVector<int64_t> kernel = getIntsAttr(node, "kernel_shape", {});
  SmallVector<int64_t> strides = getIntsAttr(node, "strides", {1, 1});
  SmallVector<int64_t> dilations = getIntsAttr(node, "dilations", {1, 1});
  if (kernel.size() != 2)
    return emitError(loc) << node.op_type()
                          << ": kernel_shape must have 2 entries";
  FailureOr<SmallVector<int64_t>> pads =
      getSpatialPads(node, inputType, kernel, strides, dilations, loc);
  if (failed(pads) || failed(checkWindow(node, inputType, kernel, strides,
                                         *pads, dilations, loc)))
    return failure();
  if (llvm::any_of(llvm::seq(0, 4),
                   [&](int i) { return (*pads)[i] >= kernel[i % 2]; }))
    return emitError(loc) << node.op_type()
                          << ": pads must be smaller than the kernel";
  // ceil_mode: extra end padding (never counted in averages) so that the
  // floor formula gives ceil((in + pads - window) / stride) + 1 windows; a
  // window that would start past the input and its begin padding is dropped.
  if (getIntAttr(node, "ceil_mode", 0) != 0) {
    bool countPad = getIntAttr(node, "count_include_pad", 0) != 0;
    for (int i = 0; i < 2; ++i) {
      int64_t in = inputType.getDimSize(2 + i);
      if (ShapedType::isDynamic(in))
        return emitError(loc) << node.op_type()
                              << ": ceil_mode needs static spatial sizes";
      int64_t window = (kernel[i] - 1) * dilations[i] + 1;
      int64_t span = in + (*pads)[i] + (*pads)[i + 2] - window;
      int64_t out = llvm::divideCeil(span, strides[i]) + 1;
      if ((out - 1) * strides[i] >= in + (*pads)[i])
        --out;
      int64_t extra = (out - 1) * strides[i] - span;
      if (extra <= 0)
        continue;
      if (countPad && std::is_same_v<PoolOp, AvgPool2DOp>)
        return emitError(loc) << "AveragePool: ceil_mode with "
                                 "count_include_pad=1 is not supported";
      if ((*pads)[i + 2] + extra >= kernel[i])
        return emitError(loc) << node.op_type()
                              << ": ceil_mode padding reaches the kernel size";
      (*pads)[i + 2] += extra;
    }
  }
  OpBuilder &b = ic.builder;
  FailureOr<PoolOp> pool;
  if constexpr (std::is_same_v<PoolOp, MaxPool2DOp>) {
    pool = createInferred<MaxPool2DOp>(b, loc, *input,
                                       b.getDenseI64ArrayAttr(kernel),
                                       b.getDenseI64ArrayAttr(strides),
                                       b.getDenseI64ArrayAttr(*pads),
                                       b.getDenseI64ArrayAttr(dilations));
  } else {
    if (dilations != SmallVector<int64_t>{1, 1})
      return emitError(loc) << "AveragePool: dilations are not supported";
    pool = createInferred<AvgPool2DOp>(
        b, loc, *input, b.getDenseI64ArrayAttr(kernel),
        b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(*pads),
        b.getBoolAttr(getIntAttr(node, "count_include_pad", 0) != 0));
  }
  if (failed(pool))
    return failure();
  ic.setOutput(node, 0, *pool);
  return success();
}

static LogicalResult importGlobalAveragePool(ImporterContext &ic,
                                             const onnx::NodeProto &node,
                                             Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  if (getType(*input).getRank() < 3 ||
      !isa<FloatType>(getType(*input).getElementType()))
    return emitError(loc) << "GlobalAveragePool needs a float tensor of rank "
                             ">= 3";
  ic.setOutput(node, 0, GlobalAvgPoolOp::create(ic.builder, loc, *input));
  return success();
}

static LogicalResult importBatchNorm(ImporterContext &ic,
                                     const onnx::NodeProto &node,
                                     Location loc) {
  SmallVector<Value> operands;
  for (int i = 0; i < 5; ++i) {
    FailureOr<Value> v = ic.getRequiredInput(node, i, loc);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  if (getIntAttr(node, "training_mode", 0) != 0)
    return emitError(loc) << "BatchNormalization: training_mode is not "
                             "supported";
  OpBuilder &b = ic.builder;
  ic.setOutput(node, 0,
               BatchNormOp::create(
                   b, loc, operands[0], operands[1], operands[2], operands[3],
                   operands[4],
                   b.getF32FloatAttr(getFloatAttr(node, "epsilon", 1e-5f))));
  return success();
}

/// Before opset 13, Softmax works on the input flattened to 2-D at `axis`
/// (default 1): a reshape around a softmax over the last axis.
static LogicalResult importSoftmax(ImporterContext &ic,
                                   const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  bool legacy = ic.opset < 13;
  FailureOr<Value> result = applyOnCoercedAxis(
      ic, node, loc, *input, getIntAttr(node, "axis", legacy ? 1 : -1), legacy,
      [&](Value x, int64_t axis) -> Value {
        return SoftmaxOp::create(ic.builder, loc, x,
                                 ic.builder.getI64IntegerAttr(axis));
      });
  if (failed(result))
    return failure();
  ic.setOutput(node, 0, *result);
  return success();
}

static LogicalResult importGemm(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> a = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> b = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> c = ic.getInput(node, 2, loc);
  if (failed(a) || failed(b) || failed(c))
    return failure();
  if (getType(*a).getRank() != 2 || getType(*b).getRank() != 2)
    return emitError(loc) << "Gemm needs 2-D A and B";
  OpBuilder &builder = ic.builder;
  FailureOr<GemmOp> gemm = createInferred<GemmOp>(
      builder, loc, *a, *b, *c,
      builder.getF32FloatAttr(getFloatAttr(node, "alpha", 1.0f)),
      builder.getF32FloatAttr(getFloatAttr(node, "beta", 1.0f)),
      builder.getBoolAttr(getIntAttr(node, "transA", 0) != 0),
      builder.getBoolAttr(getIntAttr(node, "transB", 0) != 0));
  if (failed(gemm))
    return failure();
  ic.setOutput(node, 0, *gemm);
  return success();
}

static LogicalResult importMatMul(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> lhs = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> rhs = ic.getRequiredInput(node, 1, loc);
  if (failed(lhs) || failed(rhs))
    return failure();
  ArrayRef<int64_t> a = getType(*lhs).getShape(), b = getType(*rhs).getShape();
  if (a.empty() || b.empty())
    return emitError(loc) << "MatMul operands must have rank >= 1";
  int64_t k1 = a.back(), k2 = b.size() == 1 ? b[0] : b[b.size() - 2];
  bool batchOk = succeeded(getBroadcastShape(
      a.size() > 2 ? a.drop_back(2) : ArrayRef<int64_t>(),
      b.size() > 2 ? b.drop_back(2) : ArrayRef<int64_t>()));
  if ((!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2) ||
      !batchOk)
    return emitError(loc) << "MatMul shapes " << getType(*lhs) << " and "
                          << getType(*rhs) << " are incompatible";
  if (getType(*lhs).getElementType() != getType(*rhs).getElementType())
    return emitError(loc) << "MatMul operands have different element types";
  FailureOr<MatMulOp> matmul =
      createInferred<MatMulOp>(ic.builder, loc, *lhs, *rhs);
  if (failed(matmul))
    return failure();
  ic.setOutput(node, 0, *matmul);
  return success();
}

void mlc::onnx_import::registerNNOpImporters(OpImporterTable &table) {
  table.push_back({"Conv", 1, kLatestOpset, importConv});
  table.push_back({"MaxPool", 1, kLatestOpset, importPool<MaxPool2DOp>});
  table.push_back({"AveragePool", 1, kLatestOpset, importPool<AvgPool2DOp>});
  table.push_back({"GlobalAveragePool", 1, kLatestOpset, importGlobalAveragePool});
  table.push_back({"BatchNormalization", 1, kLatestOpset, importBatchNorm});
  table.push_back({"Softmax", 1, 12, importSoftmax});
  table.push_back({"Softmax", 13, kLatestOpset, importSoftmax});
  table.push_back({"Gemm", 1, kLatestOpset, importGemm});
  table.push_back({"MatMul", 1, kLatestOpset, importMatMul});
}
