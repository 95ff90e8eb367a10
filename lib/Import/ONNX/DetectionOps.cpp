//===- DetectionOps.cpp - Importers of NonMaxSuppression and RoiAlign -----===//
//
// NonMaxSuppression unrolled over the (static) number of boxes, following
// the ONNX reference: per batch and class, boxes are ranked by score (ties:
// lower index first) with pairwise comparisons; a [B, N, N] matrix says
// which pairs suppress each other (IoU > iou_threshold, with the
// reference's empty-intersection and non-positive-area rules); then, for
// each rank r, the r-th box is kept when its score passes score_threshold,
// no kept box suppresses it and fewer than max_output_boxes_per_class are
// kept. The kept (batch, class, box) triples, in (batch, class, rank) order,
// are compacted like Compress into the number of rows the graph declares
// for the output (the thresholds are runtime values, so that count is only
// known from the declaration).
//
// RoiAlign becomes mlc.roi_align, whose lowering samples each bin with a
// grid that may depend on the region's size at run time (sampling_ratio 0).
//
//===----------------------------------------------------------------------===//

#include "ComposeUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// Longest box list the greedy selection unrolls.
static constexpr int64_t kMaxBoxes = 1024;

static LogicalResult importNonMaxSuppression(ImporterContext &ic,
                                             const onnx::NodeProto &node,
                                             Location loc) {
  FailureOr<Value> boxes = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> scores = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> maxOutput = ic.getInput(node, 2, loc);
  FailureOr<Value> iouThreshold = ic.getInput(node, 3, loc);
  FailureOr<Value> scoreThreshold = ic.getInput(node, 4, loc);
  if (failed(boxes) || failed(scores) || failed(maxOutput) ||
      failed(iouThreshold) || failed(scoreThreshold) ||
      failed(requireStaticShape(node, *boxes, loc)) ||
      failed(requireStaticShape(node, *scores, loc)))
    return failure();
  RankedTensorType boxType = getRankedType(*boxes);
  RankedTensorType scoreType = getRankedType(*scores);
  Type ft = boxType.getElementType();
  if (boxType.getRank() != 3 || boxType.getDimSize(2) != 4 ||
      scoreType.getRank() != 3 ||
      scoreType.getDimSize(0) != boxType.getDimSize(0) ||
      scoreType.getDimSize(2) != boxType.getDimSize(1) || !isa<FloatType>(ft) ||
      scoreType.getElementType() != ft)
    return emitError(loc) << "NonMaxSuppression needs float boxes [B, N, 4] "
                             "and scores [B, C, N], got "
                          << boxType << " and " << scoreType;
  int64_t batches = boxType.getDimSize(0), n = boxType.getDimSize(1),
          classes = scoreType.getDimSize(1);
  if (n < 1 || n > kMaxBoxes)
    return emitError(loc) << "NonMaxSuppression of " << n
                          << " boxes is not supported (1 to " << kMaxBoxes
                          << ")";
  auto declared = ic.declaredTypes.find(node.output(0));
  if (declared == ic.declaredTypes.end() || declared->second.getRank() != 2 ||
      declared->second.getDimSize(1) != 3)
    return emitError(loc) << "NonMaxSuppression needs the number of selected "
                             "boxes: a static [M, 3] output shape declared in "
                             "the graph";
  int64_t selectedCount = declared->second.getDimSize(0);
  if (!*maxOutput || selectedCount == 0)
    return emitError(loc) << "NonMaxSuppression selecting no box (an empty "
                             "output) is not supported";
  int64_t total = batches * classes * n;
  if (selectedCount > total)
    return emitError(loc) << "NonMaxSuppression declared output has more "
                             "rows than boxes";
  for (Value scalar : {*maxOutput, *iouThreshold, *scoreThreshold})
    if (scalar && getRankedType(scalar).getNumElements() != 1)
      return emitError(loc) << "NonMaxSuppression thresholds and "
                               "max_output_boxes_per_class must be scalars";
  if (getRankedType(*maxOutput).getElementType() != ic.builder.getI64Type() ||
      (*iouThreshold && getRankedType(*iouThreshold).getElementType() != ft) ||
      (*scoreThreshold &&
       getRankedType(*scoreThreshold).getElementType() != ft))
    return emitError(loc) << "NonMaxSuppression: max_output_boxes_per_class "
                             "must be int64 and the thresholds of the boxes' "
                             "type";

  OpBuilder &b = ic.builder;
  Type i64 = b.getI64Type(), i1 = b.getI1Type();
  auto c = [&](double v) { return createScalarConst(b, loc, ft, v); };
  auto coord = [&](int64_t k) {
    return createReshape(ic, loc, sliceAxis(ic, loc, *boxes, 2, k, 1),
                         {batches, n});
  };
  Value xMin, xMax, yMin, yMax;
  if (getIntAttr(node, "center_point_box", 0) != 0) {
    Value halfW = MulOp::create(b, loc, coord(2), c(0.5));
    Value halfH = MulOp::create(b, loc, coord(3), c(0.5));
    xMin = SubOp::create(b, loc, coord(0), halfW);
    xMax = AddOp::create(b, loc, coord(0), halfW);
    yMin = SubOp::create(b, loc, coord(1), halfH);
    yMax = AddOp::create(b, loc, coord(1), halfH);
  } else {
    yMin = MinOp::create(b, loc, coord(0), coord(2));
    yMax = MaxOp::create(b, loc, coord(0), coord(2));
    xMin = MinOp::create(b, loc, coord(1), coord(3));
    xMax = MaxOp::create(b, loc, coord(1), coord(3));
  }
  // Pairwise [B, N, N]: rows the candidate, columns the kept box.
  auto rowsOf = [&](Value v) {
    return createReshape(ic, loc, v, {batches, n, 1});
  };
  auto colsOf = [&](Value v) {
    return createReshape(ic, loc, v, {batches, 1, n});
  };
  auto overlap = [&](Value lo, Value hi) {
    return SubOp::create(b, loc, MinOp::create(b, loc, rowsOf(hi), colsOf(hi)),
                         MaxOp::create(b, loc, rowsOf(lo), colsOf(lo)));
  };
  Value iw = overlap(xMin, xMax), ih = overlap(yMin, yMax);
  Value area = MulOp::create(b, loc, SubOp::create(b, loc, xMax, xMin),
                             SubOp::create(b, loc, yMax, yMin));
  Value inter = MulOp::create(b, loc, iw, ih);
  Value unionArea = SubOp::create(
      b, loc, AddOp::create(b, loc, rowsOf(area), colsOf(area)), inter);
  Value valid = AndOp::create(
      b, loc,
      AndOp::create(b, loc, GreaterOp::create(b, loc, iw, c(0)),
                    GreaterOp::create(b, loc, ih, c(0))),
      AndOp::create(
          b, loc,
          AndOp::create(b, loc, GreaterOp::create(b, loc, rowsOf(area), c(0)),
                        GreaterOp::create(b, loc, colsOf(area), c(0))),
          GreaterOp::create(b, loc, unionArea, c(0))));
  Value iouThresholdValue =
      *iouThreshold ? createReshape(ic, loc, *iouThreshold, {}) : c(0);
  Value suppresses = AndOp::create(
      b, loc, valid,
      GreaterOp::create(b, loc, DivOp::create(b, loc, inter, unionArea),
                        iouThresholdValue));
  // [B, C, N, N] for gathering the candidate's row per class.
  suppresses = ExpandOp::create(
      b, loc, createReshape(ic, loc, suppresses, {batches, 1, n, n}),
      b.getDenseI64ArrayAttr({batches, classes, n, n}));

  // Ranks by score, ties to the lower index, and the index at each rank.
  Value si = createReshape(ic, loc, *scores, {batches, classes, n, 1});
  Value sj = createReshape(ic, loc, *scores, {batches, classes, 1, n});
  SmallVector<double> lowerIndex(n * n, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < i; ++j)
      lowerIndex[i * n + j] = 1.0;
  Value before = OrOp::create(
      b, loc, GreaterOp::create(b, loc, sj, si),
      AndOp::create(b, loc, EqualOp::create(b, loc, sj, si),
                    createConstant(b, loc, {n, n}, i1, lowerIndex)));
  Value rank = ReduceOp::create(
      b, loc, ReduceKind::Sum,
      CastOp::create(b, loc,
                     RankedTensorType::get({batches, classes, n, n}, i64),
                     before, false, false),
      {3}, /*keepdims=*/true); // [B, C, N(i), 1]
  Value atRank =
      EqualOp::create(b, loc, rank, createIota(b, loc, {1, 1, 1, n}, i64));
  Value sortedIndex = ReduceOp::create(
      b, loc, ReduceKind::Sum,
      MulOp::create(
          b, loc,
          CastOp::create(b, loc,
                         RankedTensorType::get({batches, classes, n, n}, i64),
                         atRank, false, false),
          createIota(b, loc, {1, 1, n, 1}, i64)),
      {2}, /*keepdims=*/false); // [B, C, N(rank)]

  Value maxOutputValue = createReshape(ic, loc, *maxOutput, {});
  Value scoreThresholdValue =
      *scoreThreshold ? createReshape(ic, loc, *scoreThreshold, {}) : Value();
  Value boxIota = createIota(b, loc, {1, 1, n}, i64);
  Value selected =
      createConstant(b, loc, {batches, classes, n}, i1,
                     SmallVector<double>(batches * classes * n, 0));
  Value count = createConstant(b, loc, {batches, classes, 1}, i64,
                               SmallVector<double>(batches * classes, 0));
  SmallVector<Value> keptAtRank;
  for (int64_t r = 0; r < n; ++r) {
    Value candidate = sliceAxis(ic, loc, sortedIndex, 2, r, 1); // [B, C, 1]
    Value keep = LessOp::create(b, loc, count, maxOutputValue);
    if (scoreThresholdValue)
      keep = AndOp::create(
          b, loc, keep,
          GreaterOp::create(b, loc,
                            GatherElementsOp::create(b, loc, *scores, candidate,
                                                     b.getI64IntegerAttr(2)),
                            scoreThresholdValue));
    if (r > 0) {
      Value row = GatherElementsOp::create(
          b, loc, suppresses,
          ExpandOp::create(
              b, loc,
              createReshape(ic, loc, candidate, {batches, classes, 1, 1}),
              b.getDenseI64ArrayAttr({batches, classes, 1, n})),
          b.getI64IntegerAttr(2));
      Value hit = AndOp::create(
          b, loc, createReshape(ic, loc, row, {batches, classes, n}), selected);
      Value suppressed = ReduceOp::create(b, loc, ReduceKind::Max, hit, {2},
                                          /*keepdims=*/true);
      keep = AndOp::create(b, loc, keep, NotOp::create(b, loc, suppressed));
    }
    selected = OrOp::create(
        b, loc, selected,
        AndOp::create(b, loc, EqualOp::create(b, loc, boxIota, candidate),
                      keep));
    Value keepInt = CastOp::create(
        b, loc, RankedTensorType::get({batches, classes, 1}, i64), keep, false,
        false);
    count = AddOp::create(b, loc, count, keepInt);
    keptAtRank.push_back(keepInt);
  }
  // Compaction in (batch, class, rank) order.
  Value kept = createReshape(
      ic, loc,
      keptAtRank.size() == 1
          ? keptAtRank.front()
          : Value(ConcatOp::create(b, loc, keptAtRank, b.getI64IntegerAttr(2))),
      {total});
  Value running = CumSumOp::create(b, loc, kept, b.getI64IntegerAttr(0),
                                   b.getBoolAttr(false), b.getBoolAttr(false));
  Value position = ReduceOp::create(
      b, loc, ReduceKind::Sum,
      CastOp::create(b, loc, RankedTensorType::get({selectedCount, total}, i64),
                     LessEqualOp::create(
                         b, loc, createReshape(ic, loc, running, {1, total}),
                         createIota(b, loc, {selectedCount, 1}, i64)),
                     false, false),
      {1}, /*keepdims=*/false);
  position = MinOp::create(b, loc, position,
                           createScalarConst(b, loc, i64, total - 1));
  SmallVector<double> batchOf, classOf;
  for (int64_t p = 0; p < total; ++p) {
    batchOf.push_back(p / (classes * n));
    classOf.push_back((p / n) % classes);
  }
  auto column = [&](Value table) {
    return createReshape(
        ic, loc,
        GatherOp::create(b, loc, table, position, b.getI64IntegerAttr(0)),
        {selectedCount, 1});
  };
  Value result = ConcatOp::create(
      b, loc,
      ValueRange{column(createConstant(b, loc, {total}, i64, batchOf)),
                 column(createConstant(b, loc, {total}, i64, classOf)),
                 column(createReshape(ic, loc, sortedIndex, {total}))},
      b.getI64IntegerAttr(1));
  ic.setOutput(node, 0, result);
  return success();
}

/// RoiAlign: opset 10 has no coordinate_transformation_mode (it maps
/// regions as "output_half_pixel" does); from 16 it defaults to
/// "half_pixel".
static LogicalResult importRoiAlign(ImporterContext &ic,
                                    const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> rois = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> batchIndices = ic.getRequiredInput(node, 2, loc);
  if (failed(input) || failed(rois) || failed(batchIndices))
    return failure();
  RankedTensorType inputType = getRankedType(*input);
  RankedTensorType roisType = getRankedType(*rois);
  RankedTensorType indicesType = getRankedType(*batchIndices);
  Type ft = inputType.getElementType();
  if (inputType.getRank() != 4 || !isa<FloatType>(ft) ||
      roisType.getRank() != 2 || roisType.getElementType() != ft ||
      (!roisType.isDynamicDim(1) && roisType.getDimSize(1) != 4) ||
      indicesType.getRank() != 1 || !indicesType.getElementType().isInteger(64))
    return emitError(loc) << "RoiAlign needs a float [N, C, H, W] input, [R, "
                             "4] rois of its type and int64 [R] "
                             "batch_indices, got "
                          << inputType << ", " << roisType << " and "
                          << indicesType;
  std::string mode = getStringAttr(node, "mode", "avg");
  if (mode != "avg" && mode != "max")
    return emitError(loc) << "RoiAlign mode '" << mode
                          << "' is not supported (avg or max)";
  std::string transform =
      getStringAttr(node, "coordinate_transformation_mode",
                    ic.opset < 16 ? "output_half_pixel" : "half_pixel");
  if (transform != "half_pixel" && transform != "output_half_pixel")
    return emitError(loc) << "RoiAlign coordinate_transformation_mode '"
                          << transform << "' is not supported";
  int64_t outputHeight = getIntAttr(node, "output_height", 1);
  int64_t outputWidth = getIntAttr(node, "output_width", 1);
  int64_t samplingRatio = getIntAttr(node, "sampling_ratio", 0);
  if (outputHeight < 1 || outputWidth < 1 || samplingRatio < 0)
    return emitError(loc) << "RoiAlign output_height and output_width must "
                             "be positive, sampling_ratio non-negative";
  int64_t regions = roisType.getDimSize(0);
  if (ShapedType::isDynamic(regions))
    regions = indicesType.getDimSize(0);
  OpBuilder &b = ic.builder;
  auto type = RankedTensorType::get(
      {regions, inputType.getDimSize(1), outputHeight, outputWidth}, ft);
  ic.setOutput(
      node, 0,
      RoiAlignOp::create(
          b, loc, type, *input, *rois, *batchIndices,
          mode == "max" ? b.getUnitAttr() : nullptr,
          transform == "half_pixel" ? b.getUnitAttr() : nullptr,
          b.getI64IntegerAttr(samplingRatio),
          b.getF32FloatAttr(getFloatAttr(node, "spatial_scale", 1.0f))));
  return success();
}

void mlc::onnx_import::registerDetectionOpImporters(OpImporterTable &table) {
  table.push_back(
      {"NonMaxSuppression", 10, kLatestOpset, importNonMaxSuppression});
  table.push_back({"RoiAlign", 10, kLatestOpset, importRoiAlign});
}
