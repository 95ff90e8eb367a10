//===- Col2ImOps.cpp - Importer of ONNX Col2Im ----------------------------===//
//
// Col2Im (opset 18) as a gather: with the block shape known, every output
// position and block offset j either receives column value l (the block at
// position (q - j * dilation) / stride of the padded image q) or nothing.
// Those l and validity bits are import-time [K, P] tables (K block offsets,
// P output positions); the input, viewed as [N, C, K, L], is gathered along L
// by them, masked, and summed over K.
//
// image_shape may be a runtime input: the output shape the graph declares
// gives it. A runtime block_shape is resolved by building the result for
// every block shape that fits the input's K and L and selecting, at run time,
// the one whose entries equal block_shape's.
//
//===----------------------------------------------------------------------===//

#include "ComposeUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// Largest K * P table the importer builds.
static constexpr int64_t kMaxTableSize = int64_t{1} << 22;

namespace {
/// The static configuration of one Col2Im.
struct Col2ImConfig {
  SmallVector<int64_t> image, block, dilations, pads, strides;

  /// Blocks along spatial axis i, or a non-positive count when none fits.
  int64_t blocksAlong(size_t i) const {
    int64_t reach = dilations[i] * (block[i] - 1) + 1;
    int64_t span = image[i] + pads[i] + pads[i + image.size()] - reach;
    return span < 0 ? 0 : span / strides[i] + 1;
  }
  int64_t blockCount() const {
    int64_t total = 1;
    for (size_t i = 0; i < image.size(); ++i)
      total *= blocksAlong(i);
    return total;
  }
};
} // namespace

/// The Col2Im result for one block shape: input [N, C * K, L] -> [N, C, image].
static FailureOr<Value> buildCol2Im(ImporterContext &ic, Location loc,
                                    Value input, int64_t channels,
                                    const Col2ImConfig &config) {
  OpBuilder &b = ic.builder;
  RankedTensorType type = getRankedType(input);
  int64_t n = type.getDimSize(0), columns = type.getDimSize(2);
  int64_t spatial = config.image.size();
  int64_t k = 1, positions = 1;
  for (int64_t i = 0; i < spatial; ++i) {
    k *= config.block[i];
    positions *= config.image[i];
  }
  if (k * positions > kMaxTableSize)
    return emitError(loc) << "Col2Im: " << k << " block offsets by "
                          << positions << " output positions is more than "
                          << kMaxTableSize << " table entries";
  SmallVector<int64_t> counts;
  for (int64_t i = 0; i < spatial; ++i)
    counts.push_back(config.blocksAlong(i));
  SmallVector<double> columnOf(k * positions, 0.0), valid(k * positions, 0.0);
  SmallVector<int64_t> offset(spatial), pos(spatial);
  for (int64_t j = 0; j < k; ++j) {
    for (int64_t i = spatial - 1, rest = j; i >= 0; --i) {
      offset[i] = rest % config.block[i];
      rest /= config.block[i];
    }
    for (int64_t p = 0; p < positions; ++p) {
      for (int64_t i = spatial - 1, rest = p; i >= 0; --i) {
        pos[i] = rest % config.image[i];
        rest /= config.image[i];
      }
      int64_t column = 0;
      bool hit = true;
      for (int64_t i = 0; i < spatial && hit; ++i) {
        int64_t t = pos[i] + config.pads[i] - offset[i] * config.dilations[i];
        hit = t >= 0 && t % config.strides[i] == 0 &&
              t / config.strides[i] < counts[i];
        column = column * counts[i] + (hit ? t / config.strides[i] : 0);
      }
      if (hit) {
        columnOf[j * positions + p] = static_cast<double>(column);
        valid[j * positions + p] = 1.0;
      }
    }
  }
  Type i64 = b.getI64Type();
  Value blocks = createReshape(ic, loc, input, {n, channels, k, columns});
  Value indices = ExpandOp::create(
      b, loc, createConstant(b, loc, {1, 1, k, positions}, i64, columnOf),
      b.getDenseI64ArrayAttr({n, channels, k, positions}));
  Value gathered =
      GatherElementsOp::create(b, loc, blocks, indices, b.getI64IntegerAttr(3));
  Value zero = createScalarConst(b, loc, type.getElementType(), 0.0);
  Value masked = WhereOp::create(
      b, loc, createConstant(b, loc, {k, positions}, b.getI1Type(), valid),
      gathered, zero);
  Value sum = ReduceOp::create(b, loc, ReduceKind::Sum, masked,
                               ArrayRef<int64_t>{2}, /*keepdims=*/false);
  SmallVector<int64_t> shape{n, channels};
  shape.append(config.image);
  return createReshape(ic, loc, sum, shape);
}

/// Every block shape of `spatial` positive entries whose product is `k` and
/// that gives `columns` blocks over the configured image.
static SmallVector<SmallVector<int64_t>>
fittingBlockShapes(Col2ImConfig config, int64_t k, int64_t columns) {
  SmallVector<SmallVector<int64_t>> fits;
  int64_t spatial = config.image.size();
  SmallVector<int64_t> block(spatial, 1);
  std::function<void(int64_t, int64_t)> place = [&](int64_t i, int64_t rest) {
    if (i == spatial - 1) {
      block[i] = rest;
      config.block = block;
      if (config.blockCount() == columns)
        fits.push_back(block);
      return;
    }
    for (int64_t f = 1; f <= rest; ++f)
      if (rest % f == 0) {
        block[i] = f;
        place(i + 1, rest / f);
      }
  };
  place(0, k);
  return fits;
}

static LogicalResult importCol2Im(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> imageInput = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> blockInput = ic.getRequiredInput(node, 2, loc);
  if (failed(input) || failed(imageInput) || failed(blockInput) ||
      failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  if (type.getRank() != 3 || !isa<FloatType>(type.getElementType()))
    return emitError(loc) << "Col2Im needs a float [N, C * prod(block_shape), "
                             "L] input, got "
                          << type;
  RankedTensorType imageType = getRankedType(*imageInput);
  RankedTensorType blockType = getRankedType(*blockInput);
  if (imageType.getRank() != 1 || imageType.isDynamicDim(0) ||
      blockType.getRank() != 1 ||
      blockType.getShape() != imageType.getShape() ||
      !imageType.getElementType().isInteger(64) ||
      !blockType.getElementType().isInteger(64))
    return emitError(loc) << "Col2Im's image_shape and block_shape must be "
                             "int64 vectors of one static length";
  int64_t spatial = imageType.getDimSize(0);
  if (spatial < 1)
    return emitError(loc) << "Col2Im needs at least one spatial axis";
  std::optional<RankedTensorType> declared = getDeclaredOutputType(ic, node, 0);
  if (declared && (declared->getRank() != spatial + 2 ||
                   declared->getDimSize(0) != type.getDimSize(0)))
    return emitError(loc) << "Col2Im: the declared output " << *declared
                          << " does not fit the input " << type;

  Col2ImConfig config;
  config.dilations =
      getIntsAttr(node, "dilations", SmallVector<int64_t>(spatial, 1));
  config.strides =
      getIntsAttr(node, "strides", SmallVector<int64_t>(spatial, 1));
  config.pads = getIntsAttr(node, "pads", SmallVector<int64_t>(2 * spatial, 0));
  if (static_cast<int64_t>(config.dilations.size()) != spatial ||
      static_cast<int64_t>(config.strides.size()) != spatial ||
      static_cast<int64_t>(config.pads.size()) != 2 * spatial ||
      llvm::any_of(config.dilations, [](int64_t v) { return v <= 0; }) ||
      llvm::any_of(config.strides, [](int64_t v) { return v <= 0; }) ||
      llvm::any_of(config.pads, [](int64_t v) { return v < 0; }))
    return emitError(loc) << "Col2Im: dilations and strides need " << spatial
                          << " positive values, pads " << 2 * spatial
                          << " non-negative ones";

  if (isRuntimeValue(*imageInput)) {
    if (!declared || declared->isDynamicDim(1) ||
        llvm::any_of(declared->getShape().drop_front(2), ShapedType::isDynamic))
      return emitError(loc) << "Col2Im with a runtime image_shape needs a "
                               "static output shape declared in the graph";
    config.image.assign(declared->getShape().begin() + 2,
                        declared->getShape().end());
  } else {
    FailureOr<SmallVector<int64_t>> image =
        ic.getConstantInts(*imageInput, loc, "Col2Im's image_shape");
    if (failed(image))
      return failure();
    config.image = *image;
  }
  if (llvm::any_of(config.image, [](int64_t v) { return v <= 0; }))
    return emitError(loc) << "Col2Im's image_shape must be positive";

  // The channel count C: from the declared output, else from a constant
  // block shape.
  int64_t rows = type.getDimSize(1), columns = type.getDimSize(2);
  SmallVector<SmallVector<int64_t>> candidates;
  int64_t channels = declared && !declared->isDynamicDim(1)
                         ? declared->getDimSize(1)
                         : ShapedType::kDynamic;
  if (isRuntimeValue(*blockInput)) {
    if (ShapedType::isDynamic(channels) || channels <= 0 ||
        rows % channels != 0)
      return emitError(loc) << "Col2Im with a runtime block_shape needs the "
                               "output's channel count declared in the graph";
    candidates = fittingBlockShapes(config, rows / channels, columns);
    if (candidates.empty())
      return emitError(loc) << "Col2Im: no block shape fits the input " << type
                            << " and the output image";
  } else {
    FailureOr<SmallVector<int64_t>> block =
        ic.getConstantInts(*blockInput, loc, "Col2Im's block_shape");
    if (failed(block))
      return failure();
    if (llvm::any_of(*block, [](int64_t v) { return v <= 0; }))
      return emitError(loc) << "Col2Im's block_shape must be positive";
    int64_t k = 1;
    for (int64_t v : *block)
      k *= v;
    if (rows % k != 0 ||
        (!ShapedType::isDynamic(channels) && channels * k != rows))
      return emitError(loc) << "Col2Im: input " << type << " does not hold C * "
                            << k << " rows";
    channels = rows / k;
    config.block = *block;
    if (config.blockCount() != columns)
      return emitError(loc) << "Col2Im: input " << type << " has " << columns
                            << " columns, the image holds "
                            << config.blockCount() << " blocks";
    candidates.push_back(*block);
  }

  OpBuilder &b = ic.builder;
  auto build = [&](ArrayRef<int64_t> block) {
    config.block.assign(block.begin(), block.end());
    return buildCol2Im(ic, loc, *input, channels, config);
  };
  FailureOr<Value> result = build(candidates.back());
  if (failed(result))
    return failure();
  // The first candidate (in the order built) whose entries all equal the
  // runtime block_shape's wins; the last one is the fallback.
  for (ArrayRef<int64_t> block :
       llvm::reverse(ArrayRef(candidates).drop_back())) {
    FailureOr<Value> value = build(block);
    if (failed(value))
      return failure();
    SmallVector<double> wanted(block.begin(), block.end());
    Value equal = EqualOp::create(
        b, loc, *blockInput,
        createConstant(b, loc, {spatial}, b.getI64Type(), wanted));
    Value matches = ReduceOp::create(b, loc, ReduceKind::Min, equal,
                                     ArrayRef<int64_t>{0}, /*keepdims=*/false);
    result = Value(WhereOp::create(b, loc, matches, *value, *result));
  }
  ic.setOutput(node, 0, *result);
  return success();
}

void mlc::onnx_import::registerCol2ImOpImporters(OpImporterTable &table) {
  table.push_back({"Col2Im", 18, kLatestOpset, importCol2Im});
}
