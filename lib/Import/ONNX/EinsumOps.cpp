//===- EinsumOps.cpp - Importer of ONNX Einsum ----------------------------===//
//
// Einsum as a composition: repeated labels within one operand take the
// diagonal (multiply by an identity mask, sum one of the two axes); labels
// that no other operand and not the output use are summed out; operands are
// then contracted pairwise, left to right, each pair as one batched
// mlc.matmul ([batch, lhs-only, contracted] x [batch, contracted, rhs-only],
// after transposes and reshapes); a final transpose gives the output order.
// "..." stands for the same leading dimensions in every operand (aligned
// from the right). Sizes of a label must agree (no broadcasting of 1s).
//
//===----------------------------------------------------------------------===//

#include "ComposeUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

namespace {

/// An operand during the contraction: its value and the label of each dim.
struct Term {
  Value value;
  SmallVector<int> labels;
};

} // namespace

/// Labels of "..." dims are negative: -1 is the last ellipsis dim.
static constexpr int kEllipsisBase = -1;

/// Parses one side of the equation ("ab...c") for an operand of `rank`
/// (or, for the output, `rank` = the ellipsis length).
static FailureOr<SmallVector<int>> parseTerm(StringRef term, int64_t rank,
                                             bool isOutput,
                                             int64_t ellipsisRank,
                                             Location loc) {
  SmallVector<int> labels;
  size_t dots = term.find("...");
  int64_t letters = 0;
  for (char c : term)
    if (std::isalpha(static_cast<unsigned char>(c)))
      ++letters;
    else if (c != '.')
      return emitError(loc)
             << "Einsum: bad character '" << c << "' in the equation";
  if (dots != StringRef::npos && term.find("...", dots + 3) != StringRef::npos)
    return emitError(loc) << "Einsum: more than one ellipsis in a term";
  if (llvm::count(term, '.') != (dots == StringRef::npos ? 0 : 3))
    return emitError(loc) << "Einsum: stray '.' in the equation";
  int64_t ellipsis = isOutput ? ellipsisRank : rank - letters;
  if (!isOutput && (ellipsis < 0 || (dots == StringRef::npos && ellipsis != 0)))
    return emitError(loc) << "Einsum: term '" << term
                          << "' does not match an operand of rank " << rank;
  for (size_t i = 0; i < term.size(); ++i) {
    if (i == dots) {
      for (int64_t k = ellipsis; k > 0; --k)
        labels.push_back(kEllipsisBase - (k - 1));
      i += 2;
      continue;
    }
    labels.push_back(static_cast<unsigned char>(term[i]));
  }
  return labels;
}

static FailureOr<Value> sumAxes(OpBuilder &b, Location loc, Value v,
                                ArrayRef<int64_t> axes) {
  if (axes.empty())
    return v;
  return Value(ReduceOp::create(b, loc, ReduceKind::Sum, v, axes,
                                /*keepdims=*/false));
}

/// Takes the diagonal of every label repeated within `term`.
static void takeDiagonals(ImporterContext &ic, Location loc, Term &term) {
  OpBuilder &b = ic.builder;
  for (size_t p = 0; p < term.labels.size(); ++p)
    for (size_t q = p + 1; q < term.labels.size(); ++q) {
      if (term.labels[p] != term.labels[q])
        continue;
      RankedTensorType type = getRankedType(term.value);
      int64_t n = type.getDimSize(p);
      SmallVector<int64_t> maskShape(type.getRank(), 1);
      maskShape[p] = maskShape[q] = n;
      SmallVector<double> eye(n * n, 0.0);
      for (int64_t i = 0; i < n; ++i)
        eye[i * n + i] = 1.0;
      Value mask =
          createConstant(b, loc, maskShape, type.getElementType(), eye);
      Value masked = MulOp::create(b, loc, term.value, mask);
      term.value = ReduceOp::create(b, loc, ReduceKind::Sum, masked,
                                    {static_cast<int64_t>(q)},
                                    /*keepdims=*/false);
      term.labels.erase(term.labels.begin() + q);
      --q;
    }
}

/// Sums out the labels of `term` for which `keep` is false.
static void sumUnused(ImporterContext &ic, Location loc, Term &term,
                      function_ref<bool(int)> keep) {
  SmallVector<int64_t> axes;
  SmallVector<int> kept;
  for (auto [i, label] : llvm::enumerate(term.labels))
    if (keep(label))
      kept.push_back(label);
    else
      axes.push_back(i);
  if (axes.empty())
    return;
  term.value = *sumAxes(ic.builder, loc, term.value, axes);
  term.labels = kept;
}

static int64_t dimOf(const Term &term, int label) {
  auto it = llvm::find(term.labels, label);
  return getRankedType(term.value).getDimSize(it - term.labels.begin());
}

/// Transposes `term` so that its labels are `order` (a permutation of them).
static Value permuteTo(ImporterContext &ic, Location loc, const Term &term,
                       ArrayRef<int> order) {
  SmallVector<int64_t> perm;
  for (int label : order)
    perm.push_back(llvm::find(term.labels, label) - term.labels.begin());
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return term.value;
  return createTranspose(ic, loc, term.value, perm);
}

/// Contracts two terms over their shared labels not in `keep`.
static Term contract(ImporterContext &ic, Location loc, const Term &lhs,
                     const Term &rhs, function_ref<bool(int)> keep) {
  SmallVector<int> batch, contracted, left, right;
  for (int label : lhs.labels) {
    bool shared = llvm::is_contained(rhs.labels, label);
    if (!shared)
      left.push_back(label);
    else if (keep(label))
      batch.push_back(label);
    else
      contracted.push_back(label);
  }
  for (int label : rhs.labels)
    if (!llvm::is_contained(lhs.labels, label))
      right.push_back(label);
  auto product = [&](const Term &t, ArrayRef<int> labels) {
    int64_t p = 1;
    for (int label : labels)
      p *= dimOf(t, label);
    return p;
  };
  int64_t batchSize = product(lhs, batch), k = product(lhs, contracted),
          m = product(lhs, left), n = product(rhs, right);
  SmallVector<int> lhsOrder(batch), rhsOrder(batch);
  lhsOrder.append(left);
  lhsOrder.append(contracted);
  rhsOrder.append(contracted);
  rhsOrder.append(right);
  Value a = createReshape(ic, loc, permuteTo(ic, loc, lhs, lhsOrder),
                          {batchSize, m, k});
  Value b = createReshape(ic, loc, permuteTo(ic, loc, rhs, rhsOrder),
                          {batchSize, k, n});
  Value c = MatMulOp::create(ic.builder, loc, a, b);
  Term result;
  SmallVector<int64_t> shape;
  for (int label : batch)
    shape.push_back(dimOf(lhs, label));
  for (int label : left)
    shape.push_back(dimOf(lhs, label));
  for (int label : right)
    shape.push_back(dimOf(rhs, label));
  result.value = createReshape(ic, loc, c, shape);
  result.labels = batch;
  result.labels.append(left);
  result.labels.append(right);
  return result;
}

static LogicalResult importEinsum(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc) {
  std::string equation;
  for (char c : getStringAttr(node, "equation", ""))
    if (c != ' ')
      equation.push_back(c);
  if (equation.empty())
    return emitError(loc) << "Einsum needs an equation";
  StringRef eq(equation);
  auto [inputsPart, outputPart] = eq.split("->");
  bool explicitOutput = eq.contains("->");
  SmallVector<StringRef> termStrings;
  inputsPart.split(termStrings, ',');
  if (static_cast<int>(termStrings.size()) != node.input_size())
    return emitError(loc) << "Einsum equation has " << termStrings.size()
                          << " operands, the node " << node.input_size();

  SmallVector<Term> terms;
  int64_t ellipsisRank = 0;
  Type elementType;
  for (auto [i, termString] : llvm::enumerate(termStrings)) {
    FailureOr<Value> input = ic.getRequiredInput(node, i, loc);
    if (failed(input) || failed(requireStaticShape(node, *input, loc)))
      return failure();
    RankedTensorType type = getRankedType(*input);
    if (elementType && type.getElementType() != elementType)
      return emitError(loc) << "Einsum operands have different element types";
    elementType = type.getElementType();
    if (elementType.isInteger(1))
      return emitError(loc) << "Einsum of booleans is not supported";
    FailureOr<SmallVector<int>> labels =
        parseTerm(termString, type.getRank(), false, 0, loc);
    if (failed(labels))
      return failure();
    for (int label : *labels)
      if (label < 0)
        ellipsisRank =
            std::max<int64_t>(ellipsisRank, kEllipsisBase - label + 1);
    terms.push_back({*input, *labels});
  }
  // Sizes of a label must agree across operands.
  llvm::DenseMap<int, int64_t> sizes;
  for (const Term &term : terms)
    for (auto [d, label] : llvm::enumerate(term.labels)) {
      int64_t size = getRankedType(term.value).getDimSize(d);
      auto [it, inserted] = sizes.try_emplace(label, size);
      if (!inserted && it->second != size)
        return emitError(loc)
               << "Einsum: dimensions of one label differ (" << it->second
               << " and " << size << "); broadcasting is not supported";
    }
  SmallVector<int> output;
  if (explicitOutput) {
    FailureOr<SmallVector<int>> labels =
        parseTerm(outputPart, 0, true, ellipsisRank, loc);
    if (failed(labels))
      return failure();
    output = *labels;
    for (int label : output)
      if (!sizes.count(label) || llvm::count(output, label) != 1)
        return emitError(loc)
               << "Einsum output label '"
               << (label < 0 ? std::string("...") : std::string(1, char(label)))
               << "' is repeated or used by no operand";
  } else {
    // Implicit output: the ellipsis, then labels used once, sorted.
    for (int64_t k = ellipsisRank; k > 0; --k)
      output.push_back(kEllipsisBase - (k - 1));
    llvm::DenseMap<int, int> counts;
    for (const Term &term : terms)
      for (int label : term.labels)
        ++counts[label];
    SmallVector<int> once;
    for (auto [label, count] : counts)
      if (label >= 0 && count == 1)
        once.push_back(label);
    llvm::sort(once);
    output.append(once);
  }

  auto usedLater = [&](size_t from, int label) {
    if (llvm::is_contained(output, label))
      return true;
    for (size_t j = from; j < terms.size(); ++j)
      if (llvm::is_contained(terms[j].labels, label))
        return true;
    return false;
  };
  for (size_t i = 0; i < terms.size(); ++i) {
    takeDiagonals(ic, loc, terms[i]);
    sumUnused(ic, loc, terms[i], [&](int label) {
      for (size_t j = 0; j < terms.size(); ++j)
        if (j != i && llvm::is_contained(terms[j].labels, label))
          return true;
      return llvm::is_contained(output, label);
    });
  }
  Term result = terms.front();
  for (size_t i = 1; i < terms.size(); ++i)
    result = contract(ic, loc, result, terms[i],
                      [&](int label) { return usedLater(i + 1, label); });
  sumUnused(ic, loc, result,
            [&](int label) { return llvm::is_contained(output, label); });
  ic.setOutput(node, 0, permuteTo(ic, loc, result, output));
  return success();
}

void mlc::onnx_import::registerEinsumOpImporters(OpImporterTable &table) {
  table.push_back({"Einsum", 12, kLatestOpset, importEinsum});
}
