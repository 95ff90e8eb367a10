//===- TfIdfOps.cpp - Importer of ONNX TfIdfVectorizer (integer pools) ----===//
//
// Counts, for every pool n-gram g of length n in [min_gram_length,
// max_gram_length], the start positions s and skip distances d (1 to
// max_skip_count + 1; unigrams only with d = 1) with x[s + k d] == g[k] for
// every k: for each (n, d), the n shifted slices of the rows are compared
// with the pool's k-th tokens ([B, S, 1] against [1, 1, G]), and-ed, and
// summed over the starts. A constant [G, output] selection matrix places
// the counts at ngram_indexes; TF, IDF and TFIDF weighting follow. Matches
// the ONNX reference's prefix-tree walk.
//
//===----------------------------------------------------------------------===//

#include "ComposeUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static LogicalResult importTfIdfVectorizer(ImporterContext &ic,
                                           const onnx::NodeProto &node,
                                           Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input) || failed(requireStaticShape(node, *input, loc)))
    return failure();
  RankedTensorType type = getRankedType(*input);
  Type elementType = type.getElementType();
  if ((type.getRank() != 1 && type.getRank() != 2) ||
      !isa<IntegerType>(elementType) || elementType.isInteger(1))
    return emitError(loc) << "TfIdfVectorizer needs a 1-D or 2-D integer "
                             "input (string pools are not supported), got "
                          << type;
  const onnx::AttributeProto *poolAttr = findAttr(node, "pool_int64s");
  if (!poolAttr || poolAttr->ints_size() == 0)
    return emitError(loc) << "TfIdfVectorizer needs pool_int64s";
  SmallVector<int64_t> pool(poolAttr->ints().begin(), poolAttr->ints().end());
  SmallVector<int64_t> counts = getIntsAttr(node, "ngram_counts", {});
  SmallVector<int64_t> indexes = getIntsAttr(node, "ngram_indexes", {});
  int64_t minGram = getIntAttr(node, "min_gram_length", 1);
  int64_t maxGram = getIntAttr(node, "max_gram_length", 1);
  int64_t maxSkip = getIntAttr(node, "max_skip_count", 0);
  std::string mode = getStringAttr(node, "mode", "TF");
  SmallVector<float> weights;
  if (const onnx::AttributeProto *w = findAttr(node, "weights"))
    weights.assign(w->floats().begin(), w->floats().end());
  if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
    return emitError(loc) << "TfIdfVectorizer: unknown mode '" << mode << "'";
  if (minGram < 1 || maxGram < minGram || maxSkip < 0 || maxSkip > 64 ||
      indexes.empty() || llvm::any_of(indexes, [](int64_t i) { return i < 0; }))
    return emitError(loc) << "TfIdfVectorizer: bad gram lengths, skip count "
                             "or ngram_indexes";
  int64_t outputSize = *llvm::max_element(indexes) + 1;
  if (!weights.empty() && static_cast<int64_t>(weights.size()) < outputSize)
    return emitError(loc) << "TfIdfVectorizer: fewer weights than outputs";

  // The pool's n-grams per length: n -> (first pool n-gram id, count).
  struct Group {
    int64_t n, firstId, count, offset;
  };
  SmallVector<Group> groups;
  int64_t id = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    int64_t start = counts[i];
    int64_t end = i + 1 < counts.size() ? counts[i + 1]
                                        : static_cast<int64_t>(pool.size());
    int64_t n = i + 1;
    if (start < 0 || end < start || end > static_cast<int64_t>(pool.size()) ||
        (end - start) % n != 0)
      return emitError(loc) << "TfIdfVectorizer: ngram_counts do not split "
                               "the pool into whole n-grams";
    int64_t grams = (end - start) / n;
    if (grams > 0 && n >= minGram && n <= maxGram)
      groups.push_back({n, id, grams, start});
    id += grams;
  }
  if (id != static_cast<int64_t>(indexes.size()))
    return emitError(loc) << "TfIdfVectorizer: " << indexes.size()
                          << " ngram_indexes for " << id << " pool n-grams";

  OpBuilder &b = ic.builder;
  Type f32 = b.getF32Type();
  bool flat = type.getRank() == 1;
  int64_t rows = flat ? 1 : type.getDimSize(0);
  int64_t length = type.getShape().back();
  Value x = createReshape(ic, loc, *input, {rows, length});

  // counts [rows, outputSize] = sum over groups of groupCounts x selection.
  Value total;
  for (const Group &group : groups) {
    int64_t n = group.n, g = group.count;
    Value groupCounts;
    for (int64_t d = 1; d <= (n == 1 ? 1 : maxSkip + 1); ++d) {
      int64_t starts = length - d * (n - 1);
      if (starts <= 0)
        break;
      Value match;
      for (int64_t k = 0; k < n; ++k) {
        SmallVector<double> tokens;
        for (int64_t j = 0; j < g; ++j)
          tokens.push_back(pool[group.offset + j * n + k]);
        Value shifted =
            createReshape(ic, loc, sliceAxis(ic, loc, x, 1, k * d, starts),
                          {rows, starts, 1});
        Value equal = EqualOp::create(
            b, loc, shifted,
            createConstant(b, loc, {1, 1, g}, elementType, tokens));
        match = match ? Value(AndOp::create(b, loc, match, equal)) : equal;
      }
      Value found = ReduceOp::create(
          b, loc, ReduceKind::Sum,
          CastOp::create(b, loc, RankedTensorType::get({rows, starts, g}, f32),
                         match, false, false),
          {1}, /*keepdims=*/false);
      groupCounts = groupCounts
                        ? Value(AddOp::create(b, loc, groupCounts, found))
                        : found;
    }
    if (!groupCounts)
      continue;
    SmallVector<double> selection(g * outputSize, 0.0);
    for (int64_t j = 0; j < g; ++j)
      selection[j * outputSize + indexes[group.firstId + j]] = 1.0;
    Value placed = MatMulOp::create(
        b, loc, groupCounts,
        createConstant(b, loc, {g, outputSize}, f32, selection));
    total = total ? Value(AddOp::create(b, loc, total, placed)) : placed;
  }
  if (!total)
    total = createConstant(b, loc, {rows, outputSize}, f32,
                           SmallVector<double>(rows * outputSize, 0.0));
  Value result = total;
  Value weightRow;
  if (!weights.empty())
    weightRow = createConstant(
        b, loc, {1, outputSize}, f32,
        SmallVector<double>(weights.begin(), weights.begin() + outputSize));
  if (mode == "IDF") {
    Value present =
        GreaterOp::create(b, loc, total, createScalarConst(b, loc, f32, 0));
    result = WhereOp::create(b, loc, present,
                             weightRow ? weightRow
                                       : createScalarConst(b, loc, f32, 1),
                             createScalarConst(b, loc, f32, 0));
  } else if (mode == "TFIDF" && weightRow) {
    result = MulOp::create(b, loc, total, weightRow);
  }
  if (flat)
    result = createReshape(ic, loc, result, {outputSize});
  ic.setOutput(node, 0, result);
  return success();
}

void mlc::onnx_import::registerTfIdfOpImporters(OpImporterTable &table) {
  table.push_back({"TfIdfVectorizer", 9, kLatestOpset, importTfIdfVectorizer});
}
