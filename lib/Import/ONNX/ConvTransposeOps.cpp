//===- ConvTransposeOps.cpp - Importer of ONNX ConvTranspose --------------===//
//
// ConvTranspose (1-D, 2-D and 3-D) as a direct convolution: the input gets
// stride - 1 zeros inserted between its elements (reshape to [.., H, 1, ..],
// zero pad to [.., H, s, ..], reshape back), is padded by
// dilation * (kernel - 1) - pad on each side (plus output_padding at the end;
// negative amounts crop), and is convolved with stride 1 by the filter
// flipped in space and with its in/out channels swapped per group
// (reshape/transpose/reshape, then a reversing gather per spatial axis). The
// filter may be a runtime tensor; a constant one is folded by the constant
// folder. createConvND (ConvPoolND.h) maps 1-D and 3-D onto 2-D convolutions.
//
//===----------------------------------------------------------------------===//

#include "ConvPoolND.h"
#include "TensorImportUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static LogicalResult importConvTranspose(ImporterContext &ic,
                                         const onnx::NodeProto &node,
                                         Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> filter = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> bias = ic.getInput(node, 2, loc);
  if (failed(input) || failed(filter) || failed(bias) ||
      failed(requireStaticShape(node, *input, loc)) ||
      failed(requireStaticShape(node, *filter, loc)))
    return failure();
  RankedTensorType inputType = getRankedType(*input);
  RankedTensorType filterType = getRankedType(*filter);
  int64_t rank = inputType.getRank();
  int64_t spatial = rank - 2;
  if (spatial < 1 || spatial > 3 || filterType.getRank() != rank)
    return emitError(loc) << "ConvTranspose: only 1-D, 2-D and 3-D "
                             "convolutions "
                             "are supported, got "
                          << inputType << " and filter " << filterType;
  if (!isa<FloatType>(inputType.getElementType()) ||
      filterType.getElementType() != inputType.getElementType())
    return emitError(loc) << "ConvTranspose: input and filter must have the "
                             "same float element type";
  int64_t group = getIntAttr(node, "group", 1);
  int64_t channels = inputType.getDimSize(1);
  if (group <= 0 || channels % group != 0 ||
      filterType.getDimSize(0) != channels)
    return emitError(loc) << "ConvTranspose: filter " << filterType
                          << " does not match input channels " << channels
                          << " and group " << group;
  int64_t outPerGroup = filterType.getDimSize(1);
  int64_t outChannels = outPerGroup * group;

  SmallVector<int64_t> kernel(filterType.getShape().drop_front(2));
  SmallVector<int64_t> kernelAttr = getIntsAttr(node, "kernel_shape", kernel);
  SmallVector<int64_t> strides =
      getIntsAttr(node, "strides", SmallVector<int64_t>(spatial, 1));
  SmallVector<int64_t> dilations =
      getIntsAttr(node, "dilations", SmallVector<int64_t>(spatial, 1));
  SmallVector<int64_t> outputPadding =
      getIntsAttr(node, "output_padding", SmallVector<int64_t>(spatial, 0));
  if (kernelAttr != kernel)
    return emitError(loc) << "ConvTranspose: kernel_shape does not match the "
                             "filter "
                          << filterType;
  if (static_cast<int64_t>(strides.size()) != spatial ||
      static_cast<int64_t>(dilations.size()) != spatial ||
      static_cast<int64_t>(outputPadding.size()) != spatial)
    return emitError(loc) << "ConvTranspose: strides, dilations and "
                             "output_padding need "
                          << spatial << " values";
  for (int64_t i = 0; i < spatial; ++i)
    if (strides[i] <= 0 || dilations[i] <= 0 || kernel[i] <= 0 ||
        outputPadding[i] < 0 || strides[i] > (int64_t{1} << 20) ||
        dilations[i] > (int64_t{1} << 20))
      return emitError(loc) << "ConvTranspose: strides, dilations and "
                               "kernel must be positive (and not huge), "
                               "output_padding non-negative";

  // Begin and end pads of every spatial axis (ONNX reference semantics).
  SmallVector<int64_t> padBegin(spatial, 0), padEnd(spatial, 0);
  std::string autoPad = getStringAttr(node, "auto_pad", "NOTSET");
  const onnx::AttributeProto *outputShapeAttr = findAttr(node, "output_shape");
  const onnx::AttributeProto *padsAttr = findAttr(node, "pads");
  auto natural = [&](int64_t i) {
    return strides[i] * (inputType.getDimSize(2 + i) - 1) + outputPadding[i] +
           (kernel[i] - 1) * dilations[i] + 1;
  };
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return emitError(loc) << "unknown auto_pad '" << autoPad << "'";
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (outputShapeAttr || same) {
    SmallVector<int64_t> outputShape;
    if (outputShapeAttr) {
      outputShape.assign(outputShapeAttr->ints().begin(),
                         outputShapeAttr->ints().end());
      // output_shape may include N and C.
      if (static_cast<int64_t>(outputShape.size()) == rank)
        outputShape.erase(outputShape.begin(), outputShape.begin() + 2);
      if (static_cast<int64_t>(outputShape.size()) != spatial)
        return emitError(loc)
               << "ConvTranspose: output_shape needs " << spatial << " values";
    } else {
      for (int64_t i = 0; i < spatial; ++i)
        outputShape.push_back(inputType.getDimSize(2 + i) * strides[i]);
    }
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t total = natural(i) - outputShape[i];
      if (!same) {
        padEnd[i] = total;
        continue;
      }
      int64_t half = llvm::divideFloorSigned(total, 2);
      padBegin[i] = autoPad == "SAME_UPPER" ? half : total - half;
      padEnd[i] = total - padBegin[i];
    }
  } else if (padsAttr && autoPad == "NOTSET") {
    SmallVector<int64_t> pads(padsAttr->ints().begin(), padsAttr->ints().end());
    if (static_cast<int64_t>(pads.size()) != 2 * spatial ||
        llvm::any_of(pads, [](int64_t p) { return p < 0; }))
      return emitError(loc) << "ConvTranspose: pads must be " << 2 * spatial
                            << " non-negative values";
    for (int64_t i = 0; i < spatial; ++i) {
      padBegin[i] = pads[i];
      padEnd[i] = pads[spatial + i];
    }
  }
  for (int64_t i = 0; i < spatial; ++i)
    if (natural(i) - padBegin[i] - padEnd[i] <= 0)
      return emitError(loc) << "ConvTranspose: output size of spatial axis "
                            << i << " is not positive";

  OpBuilder &b = ic.builder;
  Value x = *input;
  Value w = *filter;
  int64_t n = inputType.getDimSize(0);

  // Zero insertion: [N, C, d1, ..] -> [N, C, d1, 1, d2, 1, ..] -> pad to
  // [N, C, d1, s1, d2, s2, ..] -> [N, C, d1 * s1, ..]; the s - 1 trailing
  // zeros count against the end padding below.
  if (llvm::any_of(strides, [](int64_t s) { return s > 1; })) {
    SmallVector<int64_t> split{n, channels}, merged{n, channels};
    for (int64_t i = 0; i < spatial; ++i) {
      split.append({inputType.getDimSize(2 + i), 1});
      merged.push_back(inputType.getDimSize(2 + i) * strides[i]);
    }
    x = createReshape(ic, loc, x, split);
    int64_t splitRank = 2 + 2 * spatial;
    SmallVector<int64_t> pads(2 * splitRank, 0);
    for (int64_t i = 0; i < spatial; ++i)
      pads[splitRank + 3 + 2 * i] = strides[i] - 1;
    x = PadOp::create(b, loc, PadMode::Constant, x, pads, APFloat(0.0));
    x = createReshape(ic, loc, x, merged);
  }
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t reach = dilations[i] * (kernel[i] - 1);
    low[2 + i] = reach - padBegin[i];
    high[2 + i] = reach - padEnd[i] + outputPadding[i] - (strides[i] - 1);
  }
  // Negative amounts crop, then the rest pads with zeros.
  if (llvm::any_of(low, [](int64_t p) { return p < 0; }) ||
      llvm::any_of(high, [](int64_t p) { return p < 0; })) {
    RankedTensorType type = getRankedType(x);
    SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()),
        ones(rank, 1);
    for (int64_t d = 2; d < rank; ++d) {
      int64_t cropLow = std::max<int64_t>(0, -low[d]);
      int64_t cropHigh = std::max<int64_t>(0, -high[d]);
      if (cropLow + cropHigh >= type.getDimSize(d))
        return emitError(loc) << "ConvTranspose: pads crop the whole output";
      offsets[d] = cropLow;
      sizes[d] = type.getDimSize(d) - cropLow - cropHigh;
      low[d] = std::max<int64_t>(0, low[d]);
      high[d] = std::max<int64_t>(0, high[d]);
    }
    x = SliceOp::create(b, loc, x, b.getDenseI64ArrayAttr(offsets),
                        b.getDenseI64ArrayAttr(sizes),
                        b.getDenseI64ArrayAttr(ones));
  }
  if (llvm::any_of(low, [](int64_t p) { return p != 0; }) ||
      llvm::any_of(high, [](int64_t p) { return p != 0; })) {
    SmallVector<int64_t> pads(low);
    pads.append(high);
    x = PadOp::create(b, loc, PadMode::Constant, x, pads, APFloat(0.0));
  }

  // Filter [C, M/g, k..] -> [g, C/g, M/g, k..] -> [g, M/g, C/g, k..]
  // -> [M, C/g, k..], then flipped along every spatial axis.
  int64_t inPerGroup = channels / group;
  SmallVector<int64_t> grouped{group, inPerGroup, outPerGroup};
  grouped.append(kernel);
  w = createReshape(ic, loc, w, grouped);
  SmallVector<int64_t> perm{0, 2, 1};
  for (int64_t i = 0; i < spatial; ++i)
    perm.push_back(3 + i);
  w = createTranspose(ic, loc, w, perm);
  SmallVector<int64_t> flat{outChannels, inPerGroup};
  flat.append(kernel);
  w = createReshape(ic, loc, w, flat);
  for (int64_t i = 0; i < spatial; ++i) {
    if (kernel[i] == 1)
      continue;
    SmallVector<int64_t> reversed;
    for (int64_t k = kernel[i] - 1; k >= 0; --k)
      reversed.push_back(k);
    Value indices = ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({kernel[i]}, b.getI64Type()),
            ArrayRef(reversed)));
    w = GatherOp::create(b, loc, w, indices, b.getI64IntegerAttr(2 + i));
  }

  FailureOr<Value> conv =
      createConvND(ic, loc, x, w, *bias, SmallVector<int64_t>(spatial, 1),
                   SmallVector<int64_t>(2 * spatial, 0), dilations, group);
  if (failed(conv))
    return failure();
  ic.setOutput(node, 0, *conv);
  return success();
}

void mlc::onnx_import::registerConvTransposeImporters(OpImporterTable &table) {
  table.push_back({"ConvTranspose", 1, kLatestOpset, importConvTranspose});
}
