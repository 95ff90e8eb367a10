//===- BoundedLoop.cpp - A Loop of run-time trip count, unrolled ----------===//
//
// With mlc-compile --max-loop-iterations=N, a Loop that carries a sequence
// or optional and whose trip count or condition is known only at run time
// is unrolled N times: the body is imported once per iteration (iteration
// i sees the iteration number i and a true condition, as it does whenever
// it runs), so every carried sequence is known at import after each of the
// first N iterations. The run then picks, by the number of iterations the
// loop runs (i64, from M and the body's conditions), what each carried
// value is: a tensor by mlc.where / mlc.if, a sequence as a sequence of
// run-time length (SequenceOps.h, createBoundedSequence: its length and
// one slot per element it can have). All N copies of the body run; the
// values of those past the run-time count are dropped. A run whose loop
// would go on past N iterations fails with MLC_ERROR_MODEL
// (mlc.runtime_error).
//
//===----------------------------------------------------------------------===//

#include "ComposeUtils.h"
#include "ControlFlowOps.h"
#include "SequenceOps.h"
#include "TensorImportUtils.h"

#include "mlc/Dialect/MLC/IR/MLCControlFlowOps.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

namespace {
/// What the unrolled loop computed: the carried values after each number
/// of iterations, and which iterations ran.
struct UnrolledLoop {
  /// states[i]: the carried values after i iterations (i in [0, N]).
  SmallVector<SmallVector<Value>> states;
  /// ran[i]: an i1 scalar, whether iteration i ran (monotone: once false,
  /// false after).
  SmallVector<Value> ran;
  /// The number of iterations run, an i64 scalar.
  Value count;
};
} // namespace

/// Candidates[i] where the loop ran i iterations: each later candidate that
/// differs is chosen where iteration i - 1 ran.
static FailureOr<Value> pickByCount(ImporterContext &ic, Location loc,
                                    const UnrolledLoop &loop,
                                    ArrayRef<std::pair<int64_t, Value>> cands) {
  Value value = cands.front().second;
  for (auto [i, candidate] : cands.drop_front()) {
    if (candidate == value)
      continue;
    FailureOr<Value> picked =
        selectTensor(ic, loc, loop.ran[i - 1], candidate, value,
                     "Loop unrolled for --max-loop-iterations");
    if (failed(picked))
      return failure();
    value = *picked;
  }
  return value;
}

/// Carried value `k` after the loop: the same value whatever the count, a
/// tensor picked by the count, or a sequence of run-time length. A count for
/// which it is not a sequence (an optional the loop replaced by a sequence)
/// fails the run.
static FailureOr<Value> resolveCarried(ImporterContext &ic, Location loc,
                                       const UnrolledLoop &loop, unsigned k) {
  OpBuilder &b = ic.builder;
  SmallVector<std::pair<int64_t, Value>> cands;
  for (auto [i, state] : llvm::enumerate(loop.states))
    cands.emplace_back(i, state[k]);
  if (llvm::all_of(cands, [&](auto c) { return c.second == cands[0].second; }))
    return cands[0].second;
  if (llvm::none_of(cands,
                    [](auto c) { return isSequenceOrOptional(c.second); }))
    return pickByCount(ic, loc, loop, cands);
  SmallVector<std::pair<int64_t, SmallVector<Value>>> sequences;
  Type i64 = b.getI64Type();
  for (auto [i, value] : cands) {
    if (std::optional<SmallVector<Value>> elements = getStaticSequence(value)) {
      sequences.emplace_back(i, *elements);
      continue;
    }
    if (!getOptionalElements(value) && !getRuntimeOptional(value) &&
        isSequenceOrOptional(value))
      return emitError(loc) << "Loop carried value " << k
                            << " is a sequence of run-time length after " << i
                            << " iterations, which --max-loop-iterations "
                               "does not unroll";
    if (!getOptionalElements(value) && !getRuntimeOptional(value))
      return emitError(loc)
             << "Loop carried value " << k << " is a tensor after " << i
             << " iterations and a sequence after others";
    failRunIf(
        b, loc,
        EqualOp::create(b, loc, loop.count, createScalarConst(b, loc, i64, i)),
        loop.count,
        "Loop carried value " + std::to_string(k) +
            " is an optional, not a sequence, after " + std::to_string(i) +
            " iterations");
  }
  if (sequences.empty())
    return emitError(loc) << "Loop carried value " << k
                          << " is an optional that the loop changes, which "
                             "--max-loop-iterations does not support";
  // The checks above stay (an mlc.if holding an mlc.runtime_error has a
  // side effect) though nothing reads `count`.
  Value length =
      createScalarConst(b, loc, i64, sequences.front().second.size());
  size_t maxLength = 0;
  for (auto &[i, elements] : sequences) {
    maxLength = std::max(maxLength, elements.size());
    if (i > sequences.front().first)
      length = WhereOp::create(b, loc, loop.ran[i - 1],
                               createScalarConst(b, loc, i64, elements.size()),
                               length);
  }
  SmallVector<Value> slots;
  for (size_t j = 0; j < maxLength; ++j) {
    SmallVector<std::pair<int64_t, Value>> slotCands;
    for (auto &[i, elements] : sequences)
      if (j < elements.size())
        slotCands.emplace_back(i, elements[j]);
    FailureOr<Value> slot = pickByCount(ic, loc, loop, slotCands);
    if (failed(slot))
      return failure();
    slots.push_back(*slot);
  }
  return createBoundedSequence(b, loc, length, slots);
}

LogicalResult mlc::onnx_import::importBoundedLoop(
    ImporterContext &ic, const onnx::NodeProto &node,
    const onnx::GraphProto &body, Value maxTripCount, Value condition,
    ArrayRef<Value> inits, Location loc) {
  OpBuilder &b = ic.builder;
  int64_t bound = ic.options.maxLoopIterations;
  unsigned numCarried = inits.size();
  if (body.input_size() != static_cast<int>(2 + numCarried) ||
      body.output_size() < static_cast<int>(1 + numCarried))
    return emitError(loc) << "Loop body takes " << body.input_size()
                          << " inputs and yields " << body.output_size()
                          << " outputs for " << numCarried << " carried values";
  if (body.output_size() != static_cast<int>(1 + numCarried))
    return emitError(loc) << "Loop unrolled for --max-loop-iterations (it "
                             "carries a sequence or optional and its trip "
                             "count is known at run time) has scan outputs, "
                             "which is not supported";
  Type i64 = b.getI64Type();
  Value tripCount = createReshape(ic, loc, maxTripCount, {});
  Value running = AndOp::create(
      b, loc,
      LessOp::create(b, loc, createScalarConst(b, loc, i64, 0), tripCount),
      createReshape(ic, loc, condition, {}));
  Value isTrue = createScalarConst(b, loc, b.getI1Type(), 1);
  UnrolledLoop loop;
  loop.states.emplace_back(inits.begin(), inits.end());
  for (int64_t i = 0; i < bound; ++i) {
    loop.ran.push_back(running);
    SmallVector<Value> inputs{createScalarConst(b, loc, i64, i), isTrue};
    llvm::append_range(inputs, loop.states.back());
    FailureOr<SmallVector<Value>> outputs =
        importSubgraph(ic, body, nullptr, inputs, loc, /*allowSequences=*/true);
    if (failed(outputs))
      return failure();
    Value next = outputs->front();
    if (isSequenceOrOptional(next) ||
        failed(requireScalar(next, b.getI1Type(), "Loop body condition", loc)))
      return emitError(loc) << "Loop body condition must be a bool scalar";
    loop.states.emplace_back(std::next(outputs->begin()), outputs->end());
    Value more = LessOp::create(b, loc, createScalarConst(b, loc, i64, i + 1),
                                tripCount);
    running = AndOp::create(
        b, loc, running,
        AndOp::create(b, loc, more, createReshape(ic, loc, next, {})));
  }
  // The count of iterations run; `running` is now whether iteration N would
  // run too, which fails the run.
  Value count = createScalarConst(b, loc, i64, 0);
  for (int64_t i = 0; i < bound; ++i)
    count = WhereOp::create(b, loc, loop.ran[i],
                            createScalarConst(b, loc, i64, i + 1), count);
  std::string nodeName = node.name().empty() ? "" : " '" + node.name() + "'";
  loop.count =
      failRunIf(b, loc, running, count,
                "Loop" + nodeName + " runs more than " + std::to_string(bound) +
                    " iterations, the most it was compiled for "
                    "(mlc-compile --max-loop-iterations=" +
                    std::to_string(bound) + ")");
  for (unsigned k = 0; k < numCarried; ++k) {
    FailureOr<Value> value = resolveCarried(ic, loc, loop, k);
    if (failed(value))
      return failure();
    ic.setOutput(node, k, *value);
  }
  return success();
}
