//===- NNOps.cpp - Importers of ONNX neural-network operators -------------===//
//
// Conv, pooling, normalization, softmax, Gemm and MatMul. Shapes are checked
// here before an op is built, so bad models get a located error.
//
//===----------------------------------------------------------------------===//

#include "ConvPoolND.h"
#include "ImporterContext.h"
#include "TensorImportUtils.h"

#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static RankedTensorType getType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Explicit pads (the begins of every spatial axis, then the ends) from
/// `pads`/`auto_pad`.
static FailureOr<SmallVector<int64_t>>
getSpatialPads(const onnx::NodeProto &node, RankedTensorType input,
               ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
               ArrayRef<int64_t> dilations, Location loc) {
  int64_t spatial = input.getRank() - 2;
  std::string autoPad = getStringAttr(node, "auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    SmallVector<int64_t> pads =
        getIntsAttr(node, "pads", SmallVector<int64_t>(2 * spatial, 0));
    if (static_cast<int64_t>(pads.size()) != 2 * spatial ||
        llvm::any_of(pads, [](int64_t p) { return p < 0; }))
      return emitError(loc) << node.op_type() << " pads must be " << 2 * spatial
                            << " non-negative values";
    return pads;
  }
  if (autoPad == "VALID")
    return SmallVector<int64_t>(2 * spatial, 0);
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return emitError(loc) << "unknown auto_pad '" << autoPad << "'";
  SmallVector<int64_t> pads(2 * spatial);
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = input.getDimSize(2 + i);
    if (ShapedType::isDynamic(in))
      return emitError(loc)
             << "auto_pad " << autoPad << " needs static spatial dimensions";
    int64_t out = (in + strides[i] - 1) / strides[i];
    int64_t total = std::max<int64_t>(
        0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in);
    int64_t small = total / 2;
    pads[i] = autoPad == "SAME_UPPER" ? small : total - small;
    pads[i + spatial] = total - pads[i];
  }
  return pads;
}

/// Checks window attributes (one value per spatial axis of `input`, 1 to 3
/// axes) and that every output size is positive.
static LogicalResult
checkWindow(const onnx::NodeProto &node, RankedTensorType input,
            ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
            ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations, Location loc) {
  int64_t spatial = input.getRank() - 2;
  if (spatial < 1 || spatial > 3)
    return emitError(loc) << node.op_type()
                          << ": only 1-D, 2-D and 3-D windows are supported";
  auto sized = [&](ArrayRef<int64_t> values) {
    return static_cast<int64_t>(values.size()) == spatial;
  };
  if (!sized(kernel) || !sized(strides) || !sized(dilations))
    return emitError(loc) << node.op_type() << ": kernel_shape, strides and "
                          << "dilations need " << spatial << " values";
  auto positive = [](int64_t v) { return v > 0; };
  if (!llvm::all_of(kernel, positive) || !llvm::all_of(strides, positive) ||
      !llvm::all_of(dilations, positive))
    return emitError(loc) << node.op_type()
                          << ": kernel, strides and dilations must be positive";
  for (int64_t i = 0; i < spatial; ++i) {
    // Attributes come from the file: a product that overflows is an error,
    // not a wrapped size that passes the check.
    std::optional<int64_t> window =
        llvm::checkedMulAdd<int64_t>(kernel[i] - 1, dilations[i], 1);
    std::optional<int64_t> padded =
        llvm::checkedAdd<int64_t>(pads[i], pads[i + spatial]);
    if (!window || !padded)
      return emitError(loc)
             << node.op_type() << ": window or padding too large";
    int64_t in = input.getDimSize(2 + i);
    if (!ShapedType::isDynamic(in) && in + *padded < *window)
      return emitError(loc)
             << node.op_type() << ": window larger than the padded input";
  }
  return success();
}

FailureOr<Value> mlc::onnx_import::buildConv(ImporterContext &ic,
                                             const onnx::NodeProto &node,
                                             Location loc, Value input,
                                             Value filter, Value bias) {
  RankedTensorType inputType = getType(input), filterType = getType(filter);
  int64_t rank = inputType.getRank();
  if (rank < 3 || rank > 5 || filterType.getRank() != rank)
    return emitError(loc) << node.op_type()
                          << ": only 1-D, 2-D and 3-D convolutions are "
                             "supported, got "
                          << inputType << " and filter " << filterType;
  int64_t spatial = rank - 2;
  // 1-D convolutions are 2-D ones of unit height, dynamic shapes included.
  if (rank == 5 && (failed(requireStaticShape(node, input, loc)) ||
                    failed(requireStaticShape(node, filter, loc))))
    return failure();
  SmallVector<int64_t> filterKernel(filterType.getShape().drop_front(2));
  SmallVector<int64_t> kernel = getIntsAttr(node, "kernel_shape", filterKernel);
  SmallVector<int64_t> strides =
      getIntsAttr(node, "strides", SmallVector<int64_t>(spatial, 1));
  SmallVector<int64_t> dilations =
      getIntsAttr(node, "dilations", SmallVector<int64_t>(spatial, 1));
  int64_t group = getIntAttr(node, "group", 1);
  if (static_cast<int64_t>(kernel.size()) != spatial)
    return emitError(loc) << "Conv: kernel_shape needs " << spatial
                          << " values";
  for (int64_t i = 0; i < spatial; ++i)
    if (!ShapedType::isDynamic(filterKernel[i]) && kernel[i] != filterKernel[i])
      return emitError(loc)
             << "Conv: kernel_shape [" << ArrayRef<int64_t>(kernel)
             << "] does not match the filter " << filterType;
  FailureOr<SmallVector<int64_t>> pads =
      getSpatialPads(node, inputType, kernel, strides, dilations, loc);
  if (failed(pads) || failed(checkWindow(node, inputType, kernel, strides,
                                         *pads, dilations, loc)))
    return failure();
  int64_t channels = inputType.getDimSize(1),
          filterChannels = filterType.getDimSize(1), groupChannels;
  if (ShapedType::isDynamic(filterChannels))
    return emitError(loc) << "Conv needs a filter with a static channel "
                             "dimension, got "
                          << filterType;
  if (group <= 0 || (!ShapedType::isDynamic(channels) &&
                     (llvm::MulOverflow(group, filterChannels, groupChannels) ||
                      channels != groupChannels)))
    return emitError(loc) << "Conv: input channels " << channels
                          << " do not match group " << group
                          << " x filter channels " << filterType.getDimSize(1);
  return createConvND(ic, loc, input, filter, bias, strides, *pads, dilations,
                      group);
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
  FailureOr<Value> conv = buildConv(ic, node, loc, *input, *filter, *bias);
  if (failed(conv))
    return failure();
  ic.setOutput(node, 0, *conv);
  return success();
}

/// A dilated average pool (mlc.avg_pool2d has no dilations): the window sum
/// is a convolution of every channel, as its own image, with a ones filter;
/// the divisor is the window size, or, excluding padding, the same
/// convolution of an unpadded ones image. `sumOnly` returns the window sums.
/// `ceilExtra` is the part of the end pads that ceil_mode added: counted
/// padding stops before it, so the divisor convolves a ones image of the
/// padded extent, padded by those extras only.
static FailureOr<Value>
createDilatedAvgPool(ImporterContext &ic, Location loc, Value input,
                     ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                     ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                     bool countPad, bool sumOnly = false,
                     ArrayRef<int64_t> ceilExtra = {}) {
  OpBuilder &b = ic.builder;
  RankedTensorType type = getType(input);
  // The batch and channels fold into one dimension of the reshape, and the
  // ones images take the spatial sizes (a dynamic dimension made a reshape
  // whose type could not be inferred, LLVM ERROR; found by mlc-fuzz-compile).
  if (!type.hasStaticShape())
    return emitError(loc) << "a pool computed as a convolution (LpPool, "
                             "AveragePool with dilations or counted ceil_mode "
                             "padding) needs a static input shape";
  Type elementType = type.getElementType();
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> images{shape[0] * shape[1], 1};
  images.append(shape.begin() + 2, shape.end());
  SmallVector<int64_t> filterShape{1, 1};
  filterShape.append(kernel.begin(), kernel.end());
  auto ones = [&](ArrayRef<int64_t> onesShape) -> Value {
    auto onesType = RankedTensorType::get(onesShape, elementType);
    return ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(onesType, b.getFloatAttr(elementType, 1.0)));
  };
  Value filter = ones(filterShape);
  FailureOr<Value> sum =
      createConvND(ic, loc, createReshape(ic, loc, input, images), filter,
                   Value(), strides, pads, dilations, /*group=*/1);
  if (failed(sum))
    return failure();
  SmallVector<int64_t> resultShape{shape[0], shape[1]};
  ArrayRef<int64_t> pooled = getType(*sum).getShape();
  resultShape.append(pooled.begin() + 2, pooled.end());
  if (sumOnly)
    return createReshape(ic, loc, *sum, resultShape);
  Value count;
  int64_t spatial = kernel.size();
  if (countPad && llvm::any_of(ceilExtra, [](int64_t e) { return e > 0; })) {
    SmallVector<int64_t> paddedImage{1, 1}, extraPads(2 * spatial, 0);
    for (int64_t i = 0; i < spatial; ++i) {
      paddedImage.push_back(shape[2 + i] + pads[i] + pads[i + spatial] -
                            ceilExtra[i]);
      extraPads[i + spatial] = ceilExtra[i];
    }
    FailureOr<Value> counted =
        createConvND(ic, loc, ones(paddedImage), filter, Value(), strides,
                     extraPads, dilations, /*group=*/1);
    if (failed(counted))
      return failure();
    count = *counted;
  } else if (countPad) {
    double size = 1;
    for (int64_t k : kernel)
      size *= k;
    count = ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({}, elementType),
                               b.getFloatAttr(elementType, size)));
  } else {
    SmallVector<int64_t> unitImage{1, 1};
    unitImage.append(shape.begin() + 2, shape.end());
    FailureOr<Value> counted =
        createConvND(ic, loc, ones(unitImage), filter, Value(), strides, pads,
                     dilations, /*group=*/1);
    if (failed(counted))
      return failure();
    count = *counted;
  }
  FailureOr<DivOp> mean = createInferred<DivOp>(b, loc, *sum, count);
  if (failed(mean))
    return failure();
  return createReshape(ic, loc, mean->getResult(), resultShape);
}

/// MaxPool's Indices output (2-D): every window position's tap is a strided
/// slice of the input padded with -inf, stacked along a new last axis; the
/// first maximum (mlc.arg_reduce, scan order) gives the tap, whose input row
/// and column make the flat index into [N, C, H, W] (row-major, or with
/// storage_order=1 column-major within each image).
static Value
createMaxPoolIndices(ImporterContext &ic, Location loc, Value input,
                     RankedTensorType resultType, ArrayRef<int64_t> kernel,
                     ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                     ArrayRef<int64_t> dilations, bool columnMajor) {
  OpBuilder &b = ic.builder;
  ArrayRef<int64_t> in = getType(input).getShape();
  ArrayRef<int64_t> out = resultType.getShape();
  int64_t n = in[0], c = in[1], h = in[2], w = in[3], oh = out[2], ow = out[3];
  Value padded = PadOp::create(
      b, loc, PadMode::Constant, input,
      SmallVector<int64_t>{0, 0, pads[0], pads[1], 0, 0, pads[2], pads[3]},
      APFloat(-std::numeric_limits<double>::infinity()));
  SmallVector<Value> taps;
  SmallVector<int64_t> rowOffset, colOffset;
  for (int64_t i = 0; i < kernel[0]; ++i)
    for (int64_t j = 0; j < kernel[1]; ++j) {
      Value tap = SliceOp::create(
          b, loc, padded,
          b.getDenseI64ArrayAttr({0, 0, i * dilations[0], j * dilations[1]}),
          b.getDenseI64ArrayAttr({n, c, oh, ow}),
          b.getDenseI64ArrayAttr({1, 1, strides[0], strides[1]}));
      taps.push_back(createReshape(ic, loc, tap, {n, c, oh, ow, 1}));
      rowOffset.push_back(i * dilations[0]);
      colOffset.push_back(j * dilations[1]);
    }
  Value stacked =
      taps.size() == 1
          ? taps.front()
          : Value(ConcatOp::create(b, loc, taps, b.getI64IntegerAttr(4)));
  Value tap = ArgReduceOp::create(b, loc, ArgReduceKind::ArgMax, stacked, 4,
                                  /*keepdims=*/false,
                                  /*select_last_index=*/false);
  Type i64 = b.getI64Type();
  auto constant = [&](ArrayRef<int64_t> shape, ArrayRef<int64_t> values) {
    return ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get(shape, i64), values));
  };
  int64_t kernelSize = kernel[0] * kernel[1];
  auto lookup = [&](ArrayRef<int64_t> table) -> Value {
    return GatherOp::create(b, loc, constant({kernelSize}, table), tap,
                            b.getI64IntegerAttr(0));
  };
  SmallVector<int64_t> rowStarts, colStarts, imageBase;
  for (int64_t y = 0; y < oh; ++y)
    rowStarts.push_back(y * strides[0] - pads[0]);
  for (int64_t x = 0; x < ow; ++x)
    colStarts.push_back(x * strides[1] - pads[1]);
  for (int64_t image = 0; image < n * c; ++image)
    imageBase.push_back(image * h * w);
  Value row = AddOp::create(b, loc, lookup(rowOffset),
                            constant({1, 1, oh, 1}, rowStarts));
  Value col = AddOp::create(b, loc, lookup(colOffset),
                            constant({1, 1, 1, ow}, colStarts));
  Value inner =
      columnMajor
          ? AddOp::create(b, loc, MulOp::create(b, loc, col, constant({}, {h})),
                          row)
          : AddOp::create(b, loc, MulOp::create(b, loc, row, constant({}, {w})),
                          col);
  return AddOp::create(b, loc, inner, constant({n, c, 1, 1}, imageBase));
}

/// MaxPool and AveragePool with 1 to 3 spatial axes. Integer max pooling
/// (8- to 32-bit) runs in a float type that holds every value exactly.
static LogicalResult importPool(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc,
                                bool isMax, bool isLp = false) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  RankedTensorType inputType = getType(*input);
  int64_t rank = inputType.getRank();
  Type elementType = inputType.getElementType();
  bool intMax = isMax && isa<IntegerType>(elementType) &&
                !elementType.isInteger(1) &&
                elementType.getIntOrFloatBitWidth() <= 32;
  if (rank < 3 || rank > 5 || (!isa<FloatType>(elementType) && !intMax))
    return emitError(loc) << node.op_type()
                          << ": only 1-D, 2-D and 3-D pooling of float (or, "
                             "for MaxPool, 8- to 32-bit integer) tensors is "
                             "supported, got "
                          << inputType;
  if (rank != 4 && failed(requireStaticShape(node, *input, loc)))
    return failure();
  int64_t spatial = rank - 2;
  bool wantIndices = isMax && node.output_size() > 1 && !node.output(1).empty();
  if (wantIndices && (rank != 4 || !isa<FloatType>(elementType) ||
                      failed(requireStaticShape(node, *input, loc))))
    return emitError(loc) << "MaxPool: the Indices output is supported for "
                             "static 2-D float pooling only";
  SmallVector<int64_t> kernel = getIntsAttr(node, "kernel_shape", {});
  SmallVector<int64_t> strides =
      getIntsAttr(node, "strides", SmallVector<int64_t>(spatial, 1));
  SmallVector<int64_t> dilations =
      getIntsAttr(node, "dilations", SmallVector<int64_t>(spatial, 1));
  if (static_cast<int64_t>(kernel.size()) != spatial)
    return emitError(loc) << node.op_type() << ": kernel_shape must have "
                          << spatial << " entries";
  FailureOr<SmallVector<int64_t>> pads =
      getSpatialPads(node, inputType, kernel, strides, dilations, loc);
  if (failed(pads) || failed(checkWindow(node, inputType, kernel, strides,
                                         *pads, dilations, loc)))
    return failure();
  if (llvm::any_of(llvm::seq<int64_t>(0, 2 * spatial), [&](int64_t i) {
        return (*pads)[i] >= kernel[i % spatial];
      }))
    return emitError(loc) << node.op_type()
                          << ": pads must be smaller than the kernel";
  bool countPad = getIntAttr(node, "count_include_pad", 0) != 0;
  SmallVector<int64_t> ceilExtra(spatial, 0);
  // ceil_mode: extra end padding (never counted in averages) so that the
  // floor formula gives ceil((in + pads - window) / stride) + 1 windows; a
  // window that would start past the input and its begin padding is dropped.
  if (getIntAttr(node, "ceil_mode", 0) != 0) {
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = inputType.getDimSize(2 + i);
      if (ShapedType::isDynamic(in))
        return emitError(loc)
               << node.op_type() << ": ceil_mode needs static spatial sizes";
      int64_t window = (kernel[i] - 1) * dilations[i] + 1;
      int64_t span = in + (*pads)[i] + (*pads)[i + spatial] - window;
      int64_t out = llvm::divideCeil(span, strides[i]) + 1;
      if ((out - 1) * strides[i] >= in + (*pads)[i])
        --out;
      int64_t extra = (out - 1) * strides[i] - span;
      if (extra <= 0)
        continue;
      if ((*pads)[i + spatial] + extra >= kernel[i])
        return emitError(loc) << node.op_type()
                              << ": ceil_mode padding reaches the kernel size";
      (*pads)[i + spatial] += extra;
      ceilExtra[i] = extra;
    }
  }
  OpBuilder &b = ic.builder;
  Value x = *input;
  if (isLp) {
    // (sum over the window of |x|^p)^(1/p); padding adds zeros.
    int64_t p = getIntAttr(node, "p", 2);
    if (p <= 0)
      return emitError(loc) << "LpPool p must be positive";
    auto scalar = [&](double v) {
      return ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(RankedTensorType::get({}, elementType),
                                 b.getFloatAttr(elementType, v)));
    };
    Value magnitude = AbsOp::create(b, loc, x);
    Value powered = p == 1 ? magnitude
                    : p == 2
                        ? Value(MulOp::create(b, loc, x, x))
                        : Value(PowOp::create(b, loc, magnitude, scalar(p)));
    FailureOr<Value> sum =
        createDilatedAvgPool(ic, loc, powered, kernel, strides, *pads,
                             dilations, true, /*sumOnly=*/true);
    if (failed(sum))
      return failure();
    Value result = p == 1 ? *sum
                   : p == 2
                       ? Value(SqrtOp::create(b, loc, *sum))
                       : Value(PowOp::create(b, loc, *sum, scalar(1.0 / p)));
    ic.setOutput(node, 0, result);
    return success();
  }
  bool ceilCounted =
      countPad && llvm::any_of(ceilExtra, [](int64_t e) { return e > 0; });
  if (!isMax && (ceilCounted ||
                 llvm::any_of(dilations, [](int64_t d) { return d != 1; }))) {
    FailureOr<Value> pool =
        createDilatedAvgPool(ic, loc, x, kernel, strides, *pads, dilations,
                             countPad, /*sumOnly=*/false, ceilExtra);
    if (failed(pool))
      return failure();
    ic.setOutput(node, 0, *pool);
    return success();
  }
  if (intMax) {
    Type wide = elementType.getIntOrFloatBitWidth() <= 16
                    ? Type(b.getF32Type())
                    : Type(b.getF64Type());
    x = CastOp::create(b, loc, inputType.clone(wide), x, ic.isUnsigned(x),
                       false);
  }
  FailureOr<Value> pool = createPoolND(ic, loc, isMax, x, kernel, strides,
                                       *pads, dilations, countPad);
  if (failed(pool))
    return failure();
  Value result = *pool;
  if (intMax)
    result = CastOp::create(b, loc, getType(result).clone(elementType), result,
                            false, ic.isUnsigned(*input));
  ic.setOutput(node, 0, result);
  if (wantIndices)
    ic.setOutput(node, 1,
                 createMaxPoolIndices(
                     ic, loc, x, getType(result), kernel, strides, *pads,
                     dilations, getIntAttr(node, "storage_order", 0) != 0));
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
  OpBuilder &b = ic.builder;
  if (getIntAttr(node, "training_mode", 0) != 0) {
    // Normalizes with the batch statistics (population variance over every
    // axis but the channels) and outputs the updated running statistics
    // running * momentum + batch * (1 - momentum).
    RankedTensorType type = getType(operands[0]);
    if (type.getRank() < 2 || !isa<FloatType>(type.getElementType()))
      return emitError(loc) << "BatchNormalization needs a float input of "
                               "rank >= 2";
    SmallVector<int64_t> axes{0};
    for (int64_t d = 2; d < type.getRank(); ++d)
      axes.push_back(d);
    Value mean = ReduceMeanOp::create(
        b, loc, operands[0], b.getDenseI64ArrayAttr(axes), b.getBoolAttr(true));
    FailureOr<SubOp> centered =
        createInferred<SubOp>(b, loc, operands[0], mean);
    if (failed(centered))
      return failure();
    Value squares = MulOp::create(b, loc, *centered, *centered);
    Value variance = ReduceMeanOp::create(
        b, loc, squares, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(false));
    mean =
        ReduceMeanOp::create(b, loc, operands[0], b.getDenseI64ArrayAttr(axes),
                             b.getBoolAttr(false));
    FailureOr<BatchNormOp> normalized = createInferred<BatchNormOp>(
        b, loc, operands[0], operands[1], operands[2], mean, variance,
        b.getF32FloatAttr(getFloatAttr(node, "epsilon", 1e-5f)));
    if (failed(normalized))
      return failure();
    ic.setOutput(node, 0, *normalized);
    double momentum = getFloatAttr(node, "momentum", 0.9f);
    Type elementType = type.getElementType();
    auto scalar = [&](double v) {
      return ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(RankedTensorType::get({}, elementType),
                                 b.getFloatAttr(elementType, v)));
    };
    Value keep = scalar(momentum), take = scalar(1.0 - momentum);
    Value runningStats[] = {operands[3], operands[4]};
    Value batchStats[] = {mean, variance};
    for (auto [i, running, batch] : llvm::enumerate(runningStats, batchStats)) {
      FailureOr<MulOp> old = createInferred<MulOp>(b, loc, running, keep);
      FailureOr<MulOp> fresh = createInferred<MulOp>(b, loc, batch, take);
      if (failed(old) || failed(fresh))
        return failure();
      FailureOr<AddOp> updated = createInferred<AddOp>(b, loc, *old, *fresh);
      if (failed(updated))
        return failure();
      ic.setOutput(node, 1 + i, *updated);
    }
    return success();
  }
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
  bool batchOk = succeeded(
      getBroadcastShape(a.size() > 2 ? a.drop_back(2) : ArrayRef<int64_t>(),
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
  table.push_back(
      {"MaxPool", 1, kLatestOpset,
       [](ImporterContext &ic, const onnx::NodeProto &node, Location loc) {
         return importPool(ic, node, loc, true);
       }});
  table.push_back(
      {"AveragePool", 1, kLatestOpset,
       [](ImporterContext &ic, const onnx::NodeProto &node, Location loc) {
         return importPool(ic, node, loc, false);
       }});
  table.push_back(
      {"LpPool", 2, kLatestOpset,
       [](ImporterContext &ic, const onnx::NodeProto &node, Location loc) {
         return importPool(ic, node, loc, false, true);
       }});
  table.push_back(
      {"GlobalAveragePool", 1, kLatestOpset, importGlobalAveragePool});
  table.push_back({"BatchNormalization", 1, kLatestOpset, importBatchNorm});
  table.push_back({"Softmax", 1, 12, importSoftmax});
  table.push_back({"Softmax", 13, kLatestOpset, importSoftmax});
  table.push_back({"Gemm", 1, kLatestOpset, importGemm});
  table.push_back({"MatMul", 1, kLatestOpset, importMatMul});
}
