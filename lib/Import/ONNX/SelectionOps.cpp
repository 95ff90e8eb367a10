//===- SelectionOps.cpp - ReverseSequence, Compress, NonZero, MaxUnpool ---===//
//
// Operators composed from gathers and scatters with computed indices:
// ReverseSequence (a gather_elements along time with index
// t < len[b] ? len[b] - 1 - t : t), Compress (a gather of the positions of
// the true conditions: the j-th true position is the number of positions
// whose inclusive running count of trues is <= j), MaxUnpool (a scatter of
// the values at their flat indices into zeros, padded to output_shape) and Det
// (Laplace expansion over column subsets, memoized, for matrices up to 8 x 8)
// and Unique (pairwise equality and lexicographic order of the slices).
//
// Compress's output size depends on the condition's values: it comes from
// a constant condition or from the output shape the graph declares, else
// it is mlc.compress, which counts at run time; so is NonZero (mlc.nonzero).
//
//===----------------------------------------------------------------------===//

#include "ComposeUtils.h"

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static LogicalResult importReverseSequence(ImporterContext &ic,
                                           const onnx::NodeProto &node,
                                           Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> lengths = ic.getRequiredInput(node, 1, loc);
  if (failed(input) || failed(lengths) ||
      failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  int64_t batchAxis = getIntAttr(node, "batch_axis", 1);
  int64_t timeAxis = getIntAttr(node, "time_axis", 0);
  if (rank < 2 ||
      !((batchAxis == 0 && timeAxis == 1) || (batchAxis == 1 && timeAxis == 0)))
    return emitError(loc) << "ReverseSequence needs rank >= 2 and batch/time "
                             "axes 0 and 1";
  int64_t batch = type.getDimSize(batchAxis), time = type.getDimSize(timeAxis);
  RankedTensorType lengthsType = getRankedType(*lengths);
  if (lengthsType.getShape() != ArrayRef<int64_t>{batch} ||
      !lengthsType.getElementType().isInteger(64))
    return emitError(loc) << "ReverseSequence sequence_lens must be an int64 ["
                          << batch << "] tensor, got " << lengthsType;
  OpBuilder &b = ic.builder;
  Type i64 = b.getI64Type();
  // [T, B] (or [B, T]) indices, broadcast over the trailing dims.
  SmallVector<int64_t> tShape{1, 1}, lShape{1, 1};
  tShape[timeAxis] = time;
  lShape[batchAxis] = batch;
  Value t = createIota(b, loc, tShape, i64);
  Value lens = createReshape(ic, loc, *lengths, lShape);
  Value reversed = SubOp::create(
      b, loc, SubOp::create(b, loc, lens, createScalarConst(b, loc, i64, 1)),
      t);
  Value index =
      WhereOp::create(b, loc, LessOp::create(b, loc, t, lens), reversed, t);
  SmallVector<int64_t> indexShape(rank, 1);
  indexShape[0] = type.getDimSize(0);
  indexShape[1] = type.getDimSize(1);
  index = createReshape(ic, loc, index, indexShape);
  index =
      ExpandOp::create(b, loc, index, b.getDenseI64ArrayAttr(type.getShape()));
  ic.setOutput(node, 0,
               GatherElementsOp::create(b, loc, *input, index,
                                        b.getI64IntegerAttr(timeAxis)));
  return success();
}

static LogicalResult importCompress(ImporterContext &ic,
                                    const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> condition = ic.getRequiredInput(node, 1, loc);
  if (failed(input) || failed(condition) ||
      failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType conditionType = getRankedType(*condition);
  if (conditionType.getRank() != 1 ||
      !conditionType.getElementType().isInteger(1))
    return emitError(loc) << "Compress condition must be a 1-D bool tensor";
  Value x = *input;
  RankedTensorType type = getRankedType(x);
  int64_t axis;
  if (const onnx::AttributeProto *axisAttr = findAttr(node, "axis")) {
    axis = axisAttr->i();
    if (axis < -type.getRank() || axis >= type.getRank())
      return emitError(loc) << "Compress axis " << axis << " out of range";
    if (axis < 0)
      axis += type.getRank();
  } else {
    x = createReshape(ic, loc, x, {type.getNumElements()});
    axis = 0;
  }
  int64_t size = getRankedType(x).getDimSize(axis);
  int64_t k = conditionType.getDimSize(0);
  if (k > size)
    return emitError(loc) << "Compress condition is longer than the axis";
  OpBuilder &b = ic.builder;
  Type i64 = b.getI64Type();
  Value indices;
  if (FailureOr<ConstTensor> folded = foldToConstant(*condition);
      succeeded(folded)) {
    SmallVector<double> positions;
    for (int64_t i = 0; i < k; ++i)
      if (folded->ints[i] != 0)
        positions.push_back(i);
    if (positions.empty())
      return emitError(loc) << "Compress selecting nothing (an empty output) "
                               "is not supported";
    indices = createConstant(b, loc, {static_cast<int64_t>(positions.size())},
                             i64, positions);
  } else {
    auto declared = ic.declaredTypes.find(node.output(0));
    if (declared == ic.declaredTypes.end() ||
        declared->second.getRank() != getRankedType(x).getRank()) {
      // No declared result: the compiled code counts the true conditions.
      SmallVector<int64_t> dims(getRankedType(x).getShape());
      dims[axis] = ShapedType::kDynamic;
      ic.setOutput(
          node, 0,
          CompressOp::create(b, loc,
                             RankedTensorType::get(dims, type.getElementType()),
                             x, *condition, b.getI64IntegerAttr(axis)));
      return success();
    }
    int64_t count = declared->second.getDimSize(axis);
    if (count <= 0 || count > k)
      return emitError(loc) << "Compress declared output size " << count
                            << " does not fit a condition of " << k;
    // position[j] = #{i : running_count[i] <= j}; clamped so that a
    // condition with fewer trues than declared reads in bounds.
    Value running = CumSumOp::create(
        b, loc,
        CastOp::create(b, loc, RankedTensorType::get({k}, i64), *condition,
                       false, false),
        b.getI64IntegerAttr(0), b.getBoolAttr(false), b.getBoolAttr(false));
    Value before =
        LessEqualOp::create(b, loc, createReshape(ic, loc, running, {1, k}),
                            createIota(b, loc, {count, 1}, i64));
    Value positions = ReduceOp::create(
        b, loc, ReduceKind::Sum,
        CastOp::create(b, loc, RankedTensorType::get({count, k}, i64), before,
                       false, false),
        {1}, /*keepdims=*/false);
    indices =
        MinOp::create(b, loc, positions, createScalarConst(b, loc, i64, k - 1));
  }
  ic.setOutput(node, 0,
               GatherOp::create(b, loc, x, indices, b.getI64IntegerAttr(axis)));
  return success();
}

static LogicalResult importMaxUnpool(ImporterContext &ic,
                                     const onnx::NodeProto &node,
                                     Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> indices = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> outputShape = ic.getInput(node, 2, loc);
  if (failed(input) || failed(indices) || failed(outputShape) ||
      failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank(), spatial = rank - 2;
  if (spatial < 1 || getRankedType(*indices).getShape() != type.getShape() ||
      !getRankedType(*indices).getElementType().isInteger(64))
    return emitError(loc) << "MaxUnpool needs an [N, C, ...] input and int64 "
                             "indices of its shape";
  // The indices address the shape the pool attributes infer; a larger
  // output_shape pads that result with zeros at the end (ONNX reference).
  SmallVector<int64_t> kernel = getIntsAttr(node, "kernel_shape", {});
  SmallVector<int64_t> strides =
      getIntsAttr(node, "strides", SmallVector<int64_t>(spatial, 1));
  SmallVector<int64_t> pads =
      getIntsAttr(node, "pads", SmallVector<int64_t>(2 * spatial, 0));
  if (static_cast<int64_t>(kernel.size()) != spatial ||
      static_cast<int64_t>(strides.size()) != spatial ||
      static_cast<int64_t>(pads.size()) != 2 * spatial)
    return emitError(loc) << "MaxUnpool kernel_shape, strides and pads "
                             "must match the spatial rank "
                          << spatial;
  SmallVector<int64_t> shape = {type.getDimSize(0), type.getDimSize(1)};
  for (int64_t i = 0; i < spatial; ++i)
    shape.push_back((type.getDimSize(2 + i) - 1) * strides[i] + kernel[i] -
                    pads[i] - pads[spatial + i]);
  SmallVector<int64_t> outShape(shape);
  if (*outputShape) {
    if (FailureOr<ConstTensor> folded = foldToConstant(*outputShape);
        succeeded(folded) && !folded->isFloat())
      outShape.assign(folded->ints.begin(), folded->ints.end());
    else if (auto declared = ic.declaredTypes.find(node.output(0));
             declared != ic.declaredTypes.end())
      outShape.assign(declared->second.getShape().begin(),
                      declared->second.getShape().end());
    else
      return emitError(loc) << "MaxUnpool with a runtime output_shape needs "
                               "a static output shape declared in the graph";
  }
  if (llvm::any_of(shape, [](int64_t d) { return d <= 0; }) ||
      outShape.size() != shape.size() ||
      llvm::any_of(llvm::seq<size_t>(0, shape.size()),
                   [&](size_t d) { return outShape[d] < shape[d]; }) ||
      outShape[0] != shape[0] || outShape[1] != shape[1])
    return emitError(loc) << "MaxUnpool output shape does not fit the input "
                          << type;
  int64_t total = ShapedType::getNumElements(shape);
  if (total > (int64_t{1} << 31))
    return emitError(loc) << "MaxUnpool output is too large";
  OpBuilder &b = ic.builder;
  int64_t n = type.getNumElements();
  Value zeros = createConstant(b, loc, {total}, type.getElementType(),
                               SmallVector<double>(total, 0.0));
  Value scattered =
      ScatterElementsOp::create(b, loc, ScatterReduction::None, zeros,
                                createReshape(ic, loc, *indices, {n}),
                                createReshape(ic, loc, *input, {n}), 0);
  Value result = createReshape(ic, loc, scattered, shape);
  if (outShape != shape) {
    SmallVector<int64_t> padAmounts(rank, 0);
    for (int64_t d = 0; d < rank; ++d)
      padAmounts.push_back(outShape[d] - shape[d]);
    result = PadOp::create(b, loc, PadMode::Constant, result, padAmounts,
                           APFloat(0.0));
  }
  ic.setOutput(node, 0, result);
  return success();
}

/// Largest matrix Det expands (the memo holds 2^n minors).
static constexpr int64_t kMaxDetSize = 8;

static LogicalResult importDet(ImporterContext &ic, const onnx::NodeProto &node,
                               Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  int64_t rank = type.getRank();
  if (rank < 2 || !isa<FloatType>(type.getElementType()) ||
      type.getDimSize(rank - 1) != type.getDimSize(rank - 2))
    return emitError(loc) << "Det needs float square matrices, got " << type;
  int64_t n = type.getDimSize(rank - 1);
  if (n < 1 || n > kMaxDetSize)
    return emitError(loc) << "Det of " << n << " x " << n
                          << " matrices is not supported (at most "
                          << kMaxDetSize << ")";
  SmallVector<int64_t> batchShape(type.getShape().drop_back(2));
  // entries[i][j]: a[..., i, j] shaped like the batch.
  SmallVector<SmallVector<Value>> entries(n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      Value row = sliceAxis(ic, loc, *input, rank - 2, i, 1);
      entries[i].push_back(createReshape(
          ic, loc, sliceAxis(ic, loc, row, rank - 1, j, 1), batchShape));
    }
  OpBuilder &b = ic.builder;
  // minor(S) = det of rows [n - |S|, n) and columns S, expanded along its
  // first row; memoized on S.
  llvm::DenseMap<unsigned, Value> memo;
  std::function<Value(unsigned)> minor = [&](unsigned columns) -> Value {
    if (auto it = memo.find(columns); it != memo.end())
      return it->second;
    int64_t size = llvm::popcount(columns);
    int64_t row = n - size;
    Value result;
    int64_t position = 0;
    for (int64_t j = 0; j < n; ++j) {
      if (!(columns & (1u << j)))
        continue;
      Value term = entries[row][j];
      if (size > 1)
        term = MulOp::create(b, loc, term, minor(columns & ~(1u << j)));
      if (!result)
        result = position % 2 ? Value(NegOp::create(b, loc, term)) : term;
      else
        result = position % 2 ? Value(SubOp::create(b, loc, result, term))
                              : Value(AddOp::create(b, loc, result, term));
      ++position;
    }
    memo[columns] = result;
    return result;
  };
  ic.setOutput(node, 0, minor((1u << n) - 1));
  return success();
}

/// Unique over the elements (or, with `axis`, the slices along it) of a
/// static input, through pairwise comparisons: equal[i, j] (every component
/// equal), lexicographic less[i, j] (a component less with all earlier ones
/// equal), first[i] (no equal j < i). The rank of i's class is the number of
/// first occurrences less than it (sorted) or before its first occurrence
/// (not sorted); the number of unique values comes from the declared output
/// shapes, as it depends on the data.
static LogicalResult importUnique(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  Type elementType = type.getElementType();
  if (elementType.isInteger(1) || type.getRank() == 0)
    return emitError(loc) << "Unique of booleans or scalars is not supported";
  Value x = *input;
  int64_t axis = 0;
  bool hasAxis = findAttr(node, "axis") != nullptr;
  if (hasAxis) {
    FailureOr<SmallVector<int64_t>> normalized =
        normalizeAxes(node, {getIntAttr(node, "axis", 0)}, type.getRank(), loc);
    if (failed(normalized))
      return failure();
    axis = normalized->front();
  } else {
    x = createReshape(ic, loc, x, {type.getNumElements()});
  }
  RankedTensorType flatType = getRankedType(x);
  int64_t k = flatType.getDimSize(axis);
  int64_t m = flatType.getNumElements() / std::max<int64_t>(k, 1);
  // The number of unique values, from any declared output.
  int64_t uniqueCount = -1;
  for (int i : {0, 1, 3}) {
    if (i >= node.output_size() || node.output(i).empty())
      continue;
    auto declared = ic.declaredTypes.find(node.output(i));
    if (declared == ic.declaredTypes.end())
      continue;
    if (i == 0 && declared->second.getRank() == flatType.getRank())
      uniqueCount = declared->second.getDimSize(axis);
    else if (i != 0 && declared->second.getRank() == 1)
      uniqueCount = declared->second.getDimSize(0);
  }
  if (uniqueCount <= 0 || uniqueCount > k || k > 4096)
    return emitError(loc) << "Unique needs the number of unique values: a "
                             "static output shape declared in the graph";
  OpBuilder &b = ic.builder;
  Type i64 = b.getI64Type(), i1 = b.getI1Type();
  // Slices as rows: [K, M].
  SmallVector<int64_t> perm{axis};
  for (int64_t d = 0; d < flatType.getRank(); ++d)
    if (d != axis)
      perm.push_back(d);
  Value rows =
      createReshape(ic, loc, createTranspose(ic, loc, x, perm), {k, m});
  Value a = createReshape(ic, loc, rows, {k, 1, m});
  Value c = createReshape(ic, loc, rows, {1, k, m});
  auto toI64 = [&](Value v, ArrayRef<int64_t> shape) {
    return CastOp::create(b, loc, RankedTensorType::get(shape, i64), v, false,
                          false);
  };
  bool isUnsigned = ic.isUnsigned(*input);
  Value componentEqual = EqualOp::create(b, loc, a, c);
  Value componentLess = LessOp::create(b, loc, a, c);
  if (isUnsigned)
    componentLess.getDefiningOp()->setAttr("unsigned_ints", b.getUnitAttr());
  Value equal = ReduceOp::create(b, loc, ReduceKind::Min, componentEqual, {2},
                                 /*keepdims=*/false); // [K, K]
  // Earlier components all equal: no difference before m (exclusive count).
  Value differences = CumSumOp::create(
      b, loc, toI64(NotOp::create(b, loc, componentEqual), {k, k, m}),
      b.getI64IntegerAttr(2), b.getBoolAttr(true), b.getBoolAttr(false));
  Value prefixEqual =
      EqualOp::create(b, loc, differences, createScalarConst(b, loc, i64, 0));
  Value less =
      ReduceOp::create(b, loc, ReduceKind::Max,
                       AndOp::create(b, loc, componentLess, prefixEqual), {2},
                       /*keepdims=*/false);      // less[i, j]: row i < row j
  SmallVector<double> lowerTriangle(k * k, 0.0); // [i, j]: j < i
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < i; ++j)
      lowerTriangle[i * k + j] = 1.0;
  Value earlier = createConstant(b, loc, {k, k}, i1, lowerTriangle);
  Value repeated = ReduceOp::create(b, loc, ReduceKind::Max,
                                    AndOp::create(b, loc, equal, earlier), {1},
                                    /*keepdims=*/false);
  Value first = NotOp::create(b, loc, repeated); // [K]
  Value firstRow = createReshape(ic, loc, first, {1, k});
  Value rank;
  if (getIntAttr(node, "sorted", 1) != 0) {
    // rank[i] = #{first j : row j < row i}; less^T[i, j] = less[j, i].
    Value lessThanI = createTranspose(ic, loc, less, {1, 0});
    rank = ReduceOp::create(
        b, loc, ReduceKind::Sum,
        toI64(AndOp::create(b, loc, lessThanI, firstRow), {k, k}), {1},
        /*keepdims=*/false);
  } else {
    // rank[i] = #{first j : j < the first occurrence of i's value}.
    Value firstIndex = ReduceOp::create(
        b, loc, ReduceKind::Min,
        WhereOp::create(b, loc, equal, createIota(b, loc, {1, k}, i64),
                        createScalarConst(b, loc, i64, k)),
        {1}, /*keepdims=*/true); // [K, 1]
    Value beforeFirst =
        LessOp::create(b, loc, createIota(b, loc, {1, k}, i64), firstIndex);
    rank = ReduceOp::create(
        b, loc, ReduceKind::Sum,
        toI64(AndOp::create(b, loc, beforeFirst, firstRow), {k, k}), {1},
        /*keepdims=*/false);
  }
  // [U, K]: element i belongs to unique value u.
  Value member = EqualOp::create(b, loc, createReshape(ic, loc, rank, {1, k}),
                                 createIota(b, loc, {uniqueCount, 1}, i64));
  Value counts = ReduceOp::create(b, loc, ReduceKind::Sum,
                                  toI64(member, {uniqueCount, k}), {1},
                                  /*keepdims=*/false);
  Value indices = ReduceOp::create(
      b, loc, ReduceKind::Sum,
      MulOp::create(
          b, loc,
          toI64(AndOp::create(b, loc, member, firstRow), {uniqueCount, k}),
          createIota(b, loc, {1, k}, i64)),
      {1}, /*keepdims=*/false);
  ic.setOutput(node, 0,
               GatherOp::create(b, loc, x, indices, b.getI64IntegerAttr(axis)));
  ic.setOutput(node, 1, indices);
  ic.setOutput(node, 2, rank);
  ic.setOutput(node, 3, counts);
  return success();
}

/// NonZero: mlc.nonzero, whose element count the compiled code computes.
static LogicalResult importNonZero(ImporterContext &ic,
                                   const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  RankedTensorType type = getRankedType(*input);
  if (type.getRank() == 0)
    return emitError(loc) << "NonZero of a scalar is not supported";
  OpBuilder &b = ic.builder;
  auto resultType = RankedTensorType::get(
      {type.getRank(), ShapedType::kDynamic}, b.getI64Type());
  ic.setOutput(node, 0, NonZeroOp::create(b, loc, resultType, *input));
  return success();
}

void mlc::onnx_import::registerSelectionOpImporters(OpImporterTable &table) {
  table.push_back({"NonZero", 9, kLatestOpset, importNonZero});
  table.push_back({"ReverseSequence", 10, kLatestOpset, importReverseSequence});
  table.push_back({"Compress", 9, kLatestOpset, importCompress});
  table.push_back({"MaxUnpool", 9, kLatestOpset, importMaxUnpool});
  table.push_back({"Det", 11, kLatestOpset, importDet});
  table.push_back({"Unique", 11, kLatestOpset, importUnique});
}
