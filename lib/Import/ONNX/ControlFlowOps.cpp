//===- ControlFlowOps.cpp - ONNX If, Loop and Scan ------------------------===//
//
// Loop becomes mlc.loop (a carried sequence it only appends to becomes a
// scan output; one carrying a sequence is unrolled when its trip count is
// known at import, or with --max-loop-iterations, BoundedLoop.cpp) and If
// mlc.if (IfOps.cpp), their subgraphs imported into the
// op's regions by the same node importer as the main
// graph. Regions are not isolated: a subgraph's use of an outer-scope name
// resolves to the outer value through the importer's value map, which is
// saved before and restored after each subgraph so that subgraph names do
// not leak.
//
// Scan is an mlc.loop with a constant trip count (the scanned axis' length)
// whose body first takes slice `i` (or `T - 1 - i` for a reverse direction)
// of every scanned input with a rank-0 mlc.gather; the stacked scan outputs
// are reversed (gather) and moved to their axis (transpose) after the loop.
// Scan-8's batch axis unrolls into one such loop per batch entry.
//
// Types: a loop-carried value keeps its initial type; the body must yield a
// compatible type (the shapes of loop-carried values are loop-invariant,
// anything else is a located "unsupported" error). A scan output's rows are
// static; its leading size is the trip count when that is a constant (and
// the condition cannot stop the loop), else dynamic (the rows the loop ran)
// when Loop has a trip count M, else the size the graph declares; otherwise
// a located error.
//
//===----------------------------------------------------------------------===//

#include "ControlFlowOps.h"
#include "ComposeUtils.h"
#include "SequenceOps.h"

#include "mlc/Dialect/MLC/IR/MLCControlFlowOps.h"
#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/ScopeExit.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// The graph attribute `name` of `node`.
FailureOr<const onnx::GraphProto *>
mlc::onnx_import::getGraphAttr(const onnx::NodeProto &node, StringRef name,
                               Location loc) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  if (!attr || !attr->has_g())
    return emitError(loc) << node.op_type() << " needs the graph attribute '"
                          << name << "'";
  return &attr->g();
}

/// Imports `graph` at the end of `block` (at the builder's insertion point
/// when null) with its inputs bound to `inputs` and returns the values of its
/// outputs. Names the subgraph defines are dropped from the value map
/// afterwards; outer names stay visible inside.
FailureOr<SmallVector<Value>> mlc::onnx_import::importSubgraph(
    ImporterContext &ic, const onnx::GraphProto &graph, Block *block,
    ValueRange inputs, Location loc, bool allowSequences) {
  if (graph.input_size() != static_cast<int>(inputs.size()))
    return emitError(loc) << "subgraph '" << graph.name() << "' takes "
                          << graph.input_size() << " inputs, expected "
                          << inputs.size();
  if (ic.subgraphDepth >= ic.options.maxSubgraphDepth) {
    ic.refused = true;
    return emitError(loc) << "subgraph '" << graph.name()
                          << "' is nested deeper than "
                          << ic.options.maxSubgraphDepth
                          << " levels of If, Loop and Scan bodies";
  }
  ++ic.subgraphDepth;
  llvm::scope_exit leave([&] { --ic.subgraphDepth; });
  llvm::StringMap<Value> outer = ic.values;
  llvm::scope_exit restore([&] { ic.values = std::move(outer); });
  OpBuilder::InsertionGuard guard(ic.builder);
  if (block)
    ic.builder.setInsertionPointToEnd(block);
  for (auto [input, value] : llvm::zip(graph.input(), inputs))
    ic.values[input.name()] = value;
  if (failed(importGraphNodes(ic, graph, loc)))
    return failure();
  SmallVector<Value> outputs;
  for (const auto &output : graph.output()) {
    Value value = ic.values.lookup(output.name());
    if (!value)
      return emitError(loc) << "subgraph '" << graph.name() << "' output '"
                            << output.name() << "' is never produced";
    if (!allowSequences && isSequenceOrOptional(value))
      return emitError(loc)
             << "subgraph '" << graph.name() << "' output '" << output.name()
             << "' is a sequence or optional: If, Loop and "
                "Scan carry only tensors";
    outputs.push_back(value);
  }
  return outputs;
}

/// The most static type both `a` and `b` can be cast to, or null when their
/// element types or ranks differ.
RankedTensorType mlc::onnx_import::joinTypes(RankedTensorType a,
                                             RankedTensorType b) {
  if (a.getElementType() != b.getElementType() || a.getRank() != b.getRank())
    return {};
  SmallVector<int64_t> shape;
  for (auto [x, y] : llvm::zip(a.getShape(), b.getShape()))
    shape.push_back(x == y ? x : ShapedType::kDynamic);
  return RankedTensorType::get(shape, a.getElementType());
}

bool mlc::onnx_import::areCastCompatible(RankedTensorType a,
                                         RankedTensorType b) {
  return a.getElementType() == b.getElementType() &&
         succeeded(verifyCompatibleShape(a, b));
}

/// True when `value` is a constant whose elements are all `true`.
static bool isConstantTrue(Value value) {
  DenseElementsAttr attr;
  return matchPattern(value, m_Constant(&attr)) &&
         attr.getElementType().isInteger(1) && attr.isSplat() &&
         attr.getSplatValue<bool>();
}

/// Marks every value defined in `op` (results and block arguments, nested)
/// as no longer signed-or-unsigned tracked, before `op` is erased.
void mlc::onnx_import::forgetValues(ImporterContext &ic, Operation *op) {
  op->walk([&](Operation *nested) {
    for (Value result : nested->getResults())
      ic.unsignedValues.erase(result);
    for (Region &region : nested->getRegions())
      for (Block &block : region)
        for (Value arg : block.getArguments())
          ic.unsignedValues.erase(arg);
  });
}

namespace {
/// What an mlc.loop is built from: ONNX Loop's operands, or Scan's.
struct LoopSpec {
  Value maxTripCount;
  Value condition;
  SmallVector<Value> inits;
  const onnx::GraphProto *body = nullptr;
  /// The trip count when it is a constant and the condition operand cannot
  /// stop the loop (the body's condition is checked separately).
  std::optional<int64_t> constantTripCount;
  /// Per scan output: the type the graph declares for the stacked output
  /// (leading iteration dimension), or null.
  SmallVector<RankedTensorType> declaredScanTypes;
  /// Whether the loop has a trip count (ONNX Loop's M is given): a scan
  /// output can then hold as many rows as the loop runs.
  bool hasTripCount = false;
  /// False for Scan, whose body yields no condition.
  bool bodyYieldsCondition = true;
  /// The body graph's inputs from the block's arguments; called with the
  /// builder at the block's end.
  std::function<FailureOr<SmallVector<Value>>(Block &)> bindInputs;
};
} // namespace

static FailureOr<LoopOp> buildLoop(ImporterContext &ic, Location loc,
                                   StringRef opType, const LoopSpec &spec) {
  OpBuilder &b = ic.builder;
  unsigned numCarried = spec.inits.size();
  // A Scan body yields no condition: the loop's own condition argument
  // (always true) stands for it.
  int numOutputs =
      spec.body->output_size() + (spec.bodyYieldsCondition ? 0 : 1);
  if (numOutputs < static_cast<int>(numCarried) + 1)
    return emitError(loc) << opType << " body has " << spec.body->output_size()
                          << " outputs, expected at least "
                          << numCarried + (spec.bodyYieldsCondition ? 1 : 0);
  unsigned numScans = numOutputs - 1 - numCarried;
  SmallVector<RankedTensorType> carried;
  for (Value init : spec.inits)
    carried.push_back(getRankedType(init));
  auto indexType = RankedTensorType::get({}, b.getI64Type());
  auto condType = RankedTensorType::get({}, b.getI1Type());

  auto loop =
      LoopOp::create(b, loc, SmallVector<Type>(carried.begin(), carried.end()),
                     spec.maxTripCount, spec.condition, spec.inits);
  Block &block = loop.getBody().emplaceBlock();
  block.addArgument(indexType, loc);
  block.addArgument(condType, loc);
  for (auto [type, init] : llvm::zip(carried, spec.inits)) {
    BlockArgument arg = block.addArgument(type, loc);
    if (ic.isUnsigned(init))
      ic.unsignedValues.insert(arg);
  }
  // On failure the half-built loop goes; the caller reports the import
  // failure, so its (invalid) contents are never verified.
  auto fail = [&]() -> FailureOr<LoopOp> {
    forgetValues(ic, loop);
    loop->erase();
    return failure();
  };
  FailureOr<SmallVector<Value>> inputs;
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(&block);
    inputs = spec.bindInputs(block);
  }
  if (failed(inputs))
    return fail();
  FailureOr<SmallVector<Value>> outputs =
      importSubgraph(ic, *spec.body, &block, *inputs, loc);
  if (failed(outputs))
    return fail();
  if (!spec.bodyYieldsCondition)
    outputs->insert(outputs->begin(), block.getArgument(1));

  Type condOut = (*outputs)[0].getType();
  RankedTensorType condRanked = getRankedType((*outputs)[0]);
  if (!condRanked.hasStaticShape() || condRanked.getNumElements() != 1 ||
      !getElementTypeOrSelf(condOut).isInteger(1)) {
    emitError(loc) << opType << " body must yield a bool scalar condition "
                   << "first, got " << condOut;
    return fail();
  }
  // The carried buffers are allocated once: a value whose static shape
  // changes from one iteration to the next has no loop-invariant type.
  for (unsigned k = 0; k < numCarried; ++k) {
    RankedTensorType yielded = getRankedType((*outputs)[1 + k]);
    if (areCastCompatible(yielded, carried[k]))
      continue;
    emitError(loc) << opType << " loop-carried value " << k
                   << " is unsupported: its type changes from " << carried[k]
                   << " to " << yielded
                   << " (the shape of a loop-carried value must be "
                      "loop-invariant)";
    return fail();
  }

  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(&block);
    CFYieldOp::create(b, loc, *outputs);
  }
  Value condArg = block.getArgument(1);
  std::optional<int64_t> tripCount;
  if (spec.constantTripCount &&
      ((*outputs)[0] == condArg || isConstantTrue((*outputs)[0])))
    tripCount = spec.constantTripCount;
  SmallVector<Type> resultTypes(carried.begin(), carried.end());
  for (unsigned j = 0; j < numScans; ++j) {
    RankedTensorType element = getRankedType((*outputs)[1 + numCarried + j]);
    RankedTensorType declared = j < spec.declaredScanTypes.size()
                                    ? spec.declaredScanTypes[j]
                                    : RankedTensorType();
    RankedTensorType type;
    SmallVector<int64_t> stacked{ShapedType::kDynamic};
    llvm::append_range(stacked, element.getShape());
    if (tripCount && element.hasStaticShape()) {
      stacked.front() = *tripCount;
      type = RankedTensorType::get(stacked, element.getElementType());
    } else if (spec.hasTripCount && element.hasStaticShape()) {
      // As many rows as iterations run: a buffer of M rows, sliced after.
      type = RankedTensorType::get(stacked, element.getElementType());
    } else if (declared && declared.hasStaticShape() &&
               declared.getRank() == element.getRank() + 1 &&
               areCastCompatible(
                   RankedTensorType::get(declared.getShape().drop_front(),
                                         declared.getElementType()),
                   element)) {
      type = declared;
    } else {
      emitError(loc) << opType << " scan output " << j << " of per-iteration "
                     << "type " << element << " is unsupported: it needs a "
                     << "static per-iteration shape and a trip count M, or "
                     << "a static output shape declared by the graph";
      return fail();
    }
    resultTypes.push_back(type);
  }
  // The results are known only now: rebuild the op with them and move the
  // body over.
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop);
  auto built = LoopOp::create(b, loc, resultTypes, spec.maxTripCount,
                              spec.condition, spec.inits);
  built.getBody().takeBody(loop.getBody());
  loop->erase();
  return built;
}

/// A single-element tensor of element type `elementType`, or an error.
LogicalResult mlc::onnx_import::requireScalar(Value value, Type elementType,
                                              StringRef what, Location loc) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape() || type.getNumElements() != 1 ||
      type.getElementType() != elementType)
    return emitError(loc) << what << " must be a single " << elementType
                          << " element, got " << value.getType();
  return success();
}

//===----------------------------------------------------------------------===//
// Loop
//===----------------------------------------------------------------------===//

/// True when a node of `graph` or of its subgraphs reads `name`.
static bool readsName(const onnx::GraphProto &graph, StringRef name,
                      const onnx::NodeProto *except = nullptr) {
  for (const onnx::NodeProto &node : graph.node()) {
    if (&node == except)
      continue;
    if (llvm::is_contained(node.input(), name))
      return true;
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g() && readsName(attr.g(), name))
        return true;
      for (const onnx::GraphProto &sub : attr.graphs())
        if (readsName(sub, name))
          return true;
    }
  }
  return false;
}

/// A Loop-carried sequence that the body only appends to (the carried
/// output is SequenceInsert(carried input, t) without a position, and
/// nothing else reads the carried input) becomes a scan output of t: the
/// sequence after the loop is its elements from before, then the rows of
/// that scan output (createRowsSequence). `storage` receives the body
/// rewritten without those carried values; `appended` the carried indices
/// and their elements before the loop, in the order of the new scan
/// outputs. Other carried sequences are an error.
static LogicalResult rewriteAppendedSequences(
    LoopSpec &spec, onnx::GraphProto &storage,
    SmallVectorImpl<std::pair<unsigned, SmallVector<Value>>> &appended,
    Location loc) {
  const onnx::GraphProto &body = *spec.body;
  SmallVector<unsigned> carriedIndices;
  SmallVector<std::string> appendedNames;
  SmallVector<const onnx::NodeProto *> inserts;
  for (unsigned k = 0; k < spec.inits.size(); ++k) {
    if (!isSequenceOrOptional(spec.inits[k]))
      continue;
    std::optional<SmallVector<Value>> initial =
        getStaticSequence(spec.inits[k]);
    int input = 2 + k, output = 1 + k;
    if (!initial || input >= body.input_size() || output >= body.output_size())
      return emitError(loc) << "Loop carried value " << k
                            << " is a sequence of run-time length or an "
                               "optional, which is not supported";
    const std::string &inName = body.input(input).name();
    const std::string &outName = body.output(output).name();
    const onnx::NodeProto *insert = nullptr;
    for (const onnx::NodeProto &node : body.node())
      if (node.output_size() == 1 && node.output(0) == outName)
        insert = &node;
    bool appends = insert && insert->op_type() == "SequenceInsert" &&
                   insert->input_size() >= 2 && insert->input(0) == inName &&
                   (insert->input_size() == 2 || insert->input(2).empty());
    if (!appends || readsName(body, inName, insert) ||
        llvm::any_of(body.output(), [&](const onnx::ValueInfoProto &v) {
          return v.name() == inName;
        }))
      return emitError(loc)
             << "Loop carried sequence " << k
             << " is unsupported: the body may only append to it "
                "(SequenceInsert without a position, its only use)";
    carriedIndices.push_back(k);
    appendedNames.push_back(insert->input(1));
    inserts.push_back(insert);
    appended.push_back({k, std::move(*initial)});
  }
  if (carriedIndices.empty())
    return success();
  storage = body;
  storage.clear_node();
  for (const onnx::NodeProto &node : body.node())
    if (!llvm::is_contained(inserts, &node))
      *storage.add_node() = node;
  storage.clear_input();
  for (int i = 0; i < body.input_size(); ++i)
    if (i < 2 || !llvm::is_contained(carriedIndices, unsigned(i - 2)))
      *storage.add_input() = body.input(i);
  storage.clear_output();
  for (int i = 0; i < body.output_size(); ++i)
    if (i < 1 || i > static_cast<int>(spec.inits.size()) ||
        !llvm::is_contained(carriedIndices, unsigned(i - 1)))
      *storage.add_output() = body.output(i);
  for (const std::string &name : appendedNames)
    storage.add_output()->set_name(name);
  for (unsigned k : llvm::reverse(carriedIndices))
    spec.inits.erase(spec.inits.begin() + k);
  spec.body = &storage;
  return success();
}

/// The most iterations a Loop carrying a sequence is unrolled for.
static constexpr int64_t kMaxUnrolledLoopTrips = 256;

/// True when the body yields its condition input unchanged (directly or
/// through Identity): the loop then runs its trip count.
static bool keepsCondition(const onnx::GraphProto &body) {
  if (body.input_size() < 2 || body.output_size() < 1)
    return false;
  const std::string &in = body.input(1).name();
  const std::string &out = body.output(0).name();
  if (in == out)
    return true;
  return llvm::any_of(body.node(), [&](const onnx::NodeProto &node) {
    return node.op_type() == "Identity" && node.input_size() == 1 &&
           node.output_size() == 1 && node.input(0) == in &&
           node.output(0) == out;
  });
}

/// A Loop that carries a sequence or optional and runs a trip count known
/// at import, its condition untouched, is unrolled: the body is imported
/// once per iteration, so the carried sequence may change in any way (its
/// elements' shapes too) and stays known at import. The scan outputs are
/// the per-iteration values stacked (they need one static type).
static LogicalResult unrollLoop(ImporterContext &ic,
                                const onnx::NodeProto &node,
                                const LoopSpec &spec, Location loc) {
  OpBuilder &b = ic.builder;
  const onnx::GraphProto &body = *spec.body;
  unsigned numCarried = spec.inits.size();
  if (body.input_size() != static_cast<int>(2 + numCarried) ||
      body.output_size() < static_cast<int>(1 + numCarried))
    return emitError(loc) << "Loop body takes " << body.input_size()
                          << " inputs and yields " << body.output_size()
                          << " outputs for " << numCarried << " carried values";
  unsigned numScans = body.output_size() - 1 - numCarried;
  SmallVector<Value> carried(spec.inits);
  SmallVector<SmallVector<Value>> scans(numScans);
  Value condition = createScalarConst(b, loc, b.getI1Type(), 1);
  for (int64_t i = 0; i < *spec.constantTripCount; ++i) {
    SmallVector<Value> inputs{createScalarConst(b, loc, b.getI64Type(), i),
                              condition};
    inputs.append(carried);
    FailureOr<SmallVector<Value>> outputs =
        importSubgraph(ic, body, nullptr, inputs, loc,
                       /*allowSequences=*/true);
    if (failed(outputs))
      return failure();
    for (unsigned k = 0; k < numCarried; ++k)
      carried[k] = (*outputs)[1 + k];
    for (unsigned j = 0; j < numScans; ++j) {
      Value value = (*outputs)[1 + numCarried + j];
      if (isSequenceOrOptional(value))
        return emitError(loc) << "Loop scan output " << j
                              << " is a sequence or optional, which is not "
                                 "supported";
      scans[j].push_back(value);
    }
  }
  for (unsigned k = 0; k < numCarried; ++k)
    ic.setOutput(node, k, carried[k]);
  for (unsigned j = 0; j < numScans; ++j) {
    if (scans[j].empty())
      return emitError(loc) << "Loop scan output " << j
                            << " of a loop that runs 0 times (unrolled, as "
                               "it carries a sequence) is not supported";
    RankedTensorType type = getRankedType(scans[j].front());
    SmallVector<Value> rows;
    for (Value value : scans[j]) {
      if (value.getType() != type || !type.hasStaticShape())
        return emitError(loc) << "Loop scan output " << j
                              << " needs one static type in every "
                                 "iteration, got "
                              << type << " and " << value.getType();
      SmallVector<int64_t> shape{1};
      llvm::append_range(shape, type.getShape());
      rows.push_back(createReshape(ic, loc, value, shape));
    }
    Value stacked =
        rows.size() == 1
            ? rows.front()
            : Value(ConcatOp::create(b, loc, rows, b.getI64IntegerAttr(0)));
    if (ic.isUnsigned(scans[j].front()))
      ic.unsignedValues.insert(stacked);
    ic.setOutput(node, numCarried + j, stacked);
  }
  return success();
}

static LogicalResult importLoop(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc) {
  OpBuilder &b = ic.builder;
  FailureOr<Value> maxTripCount = ic.getInput(node, 0, loc);
  FailureOr<Value> condition = ic.getInput(node, 1, loc);
  FailureOr<const onnx::GraphProto *> body = getGraphAttr(node, "body", loc);
  if (failed(maxTripCount) || failed(condition) || failed(body))
    return failure();
  LoopSpec spec;
  spec.body = *body;
  for (int i = 2; i < node.input_size(); ++i) {
    FailureOr<Value> init = ic.getRequiredInput(node, i, loc);
    if (failed(init))
      return failure();
    spec.inits.push_back(*init);
  }
  if (*maxTripCount) {
    if (failed(requireScalar(*maxTripCount, b.getI64Type(), "Loop trip count M",
                             loc)))
      return failure();
    spec.maxTripCount = *maxTripCount;
    spec.hasTripCount = true;
    DenseElementsAttr value;
    if (matchPattern(*maxTripCount, m_Constant(&value)))
      spec.constantTripCount = std::max<int64_t>(
          0, (*value.getValues<APInt>().begin()).getSExtValue());
  } else {
    spec.maxTripCount = ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({}, b.getI64Type()),
            ArrayRef<int64_t>{std::numeric_limits<int64_t>::max()}));
  }
  if (*condition) {
    if (failed(requireScalar(*condition, b.getI1Type(), "Loop condition", loc)))
      return failure();
    spec.condition = *condition;
    if (!isConstantTrue(*condition))
      spec.constantTripCount.reset();
  } else {
    spec.condition = createScalarConst(b, loc, b.getI1Type(), 1);
  }
  unsigned numCarried = spec.inits.size();
  if (spec.constantTripCount &&
      *spec.constantTripCount <= kMaxUnrolledLoopTrips &&
      llvm::any_of(spec.inits, isSequenceOrOptional) &&
      keepsCondition(*spec.body))
    return unrollLoop(ic, node, spec, loc);
  if (!spec.constantTripCount && ic.options.maxLoopIterations > 0 &&
      llvm::any_of(spec.inits, isSequenceOrOptional))
    return importBoundedLoop(ic, node, *spec.body, spec.maxTripCount,
                             spec.condition, spec.inits, loc);
  for (int j = numCarried; j < node.output_size(); ++j)
    spec.declaredScanTypes.push_back(ic.declaredTypes.lookup(node.output(j)));
  onnx::GraphProto rewrittenBody;
  SmallVector<std::pair<unsigned, SmallVector<Value>>> appended;
  if (failed(rewriteAppendedSequences(spec, rewrittenBody, appended, loc)))
    return failure();
  unsigned numKept = spec.inits.size();
  // The new scan outputs come after the node's own.
  spec.declaredScanTypes.resize(
      node.output_size() - numCarried + appended.size(), RankedTensorType());
  // ONNX Loop's body takes exactly the block's arguments.
  spec.bindInputs = [](Block &block) -> FailureOr<SmallVector<Value>> {
    return SmallVector<Value>(block.getArguments());
  };
  FailureOr<LoopOp> loop = buildLoop(ic, loc, "Loop", spec);
  if (failed(loop))
    return failure();
  if (static_cast<int>(loop->getNumResults()) <
      node.output_size() - static_cast<int>(appended.size()) +
          static_cast<int>(appended.size()))
    return emitError(loc) << "Loop has " << node.output_size()
                          << " outputs but its body yields "
                          << loop->getNumResults();
  // Results: the kept carried values, the node's scan outputs, then one
  // scan output per appended sequence.
  unsigned numScans = node.output_size() - numCarried;
  unsigned kept = 0;
  for (unsigned k = 0; k < numCarried; ++k) {
    auto it =
        llvm::find_if(appended, [&](const auto &a) { return a.first == k; });
    if (it == appended.end()) {
      ic.setOutput(node, k, loop->getResult(kept++));
      continue;
    }
    Value rows = loop->getResult(numKept + numScans + (it - appended.begin()));
    ic.setOutput(node, k, createRowsSequence(b, loc, it->second, rows));
  }
  for (unsigned j = 0; j < numScans; ++j)
    ic.setOutput(node, numCarried + j, loop->getResult(numKept + j));
  return success();
}

//===----------------------------------------------------------------------===//
// Scan
//===----------------------------------------------------------------------===//

namespace {
/// Scan's attributes, with axes normalized.
struct ScanAttrs {
  SmallVector<int64_t> inputAxes, inputDirections, outputAxes, outputDirections;
};
} // namespace

/// Every output of a Scan node is a value its body yields (the final
/// states, then the scan outputs); trailing ones may be left out.
static LogicalResult checkScanOutputCount(const onnx::NodeProto &node,
                                          ArrayRef<Value> results,
                                          Location loc) {
  if (node.output_size() > static_cast<int>(results.size()))
    return emitError(loc) << "Scan has " << node.output_size()
                          << " outputs but its body yields " << results.size()
                          << " values";
  return success();
}

/// Imports one Scan-9 style scan over `states` and `scanInputs` and returns
/// the final states followed by the scan outputs.
static FailureOr<SmallVector<Value>>
buildScan(ImporterContext &ic, Location loc, const onnx::GraphProto &body,
          ArrayRef<Value> states, ArrayRef<Value> scanInputs,
          const ScanAttrs &attrs, ArrayRef<RankedTensorType> declaredOutputs) {
  OpBuilder &b = ic.builder;
  if (scanInputs.empty())
    return emitError(loc) << "Scan needs at least one scan input";
  int64_t tripCount = ShapedType::kDynamic;
  for (auto [input, axis] : llvm::zip(scanInputs, attrs.inputAxes)) {
    int64_t size = getRankedType(input).getDimSize(axis);
    if (ShapedType::isDynamic(size))
      return emitError(loc)
             << "Scan input axis " << axis << " must have a static size";
    if (!ShapedType::isDynamic(tripCount) && size != tripCount)
      return emitError(loc) << "Scan inputs have different lengths ("
                            << tripCount << " and " << size << ")";
    tripCount = size;
  }
  int numOutputs = body.output_size();
  int numScanOutputs = numOutputs - static_cast<int>(states.size());
  if (numScanOutputs < 0)
    return emitError(loc) << "Scan body yields fewer values than states";
  if (static_cast<int>(attrs.outputAxes.size()) < numScanOutputs ||
      static_cast<int>(attrs.outputDirections.size()) < numScanOutputs)
    return emitError(loc) << "Scan output axes/directions do not match the "
                          << numScanOutputs << " scan outputs";

  LoopSpec spec;
  spec.body = &body;
  spec.inits.assign(states.begin(), states.end());
  spec.maxTripCount =
      createScalarConst(b, loc, b.getI64Type(), static_cast<double>(tripCount));
  spec.condition = createScalarConst(b, loc, b.getI1Type(), 1);
  spec.constantTripCount = tripCount;
  spec.bodyYieldsCondition = false;
  spec.hasTripCount = true;
  // The stacked (leading-axis, iteration-order) type of each declared output.
  for (int j = 0; j < numScanOutputs; ++j) {
    RankedTensorType declared = j < static_cast<int>(declaredOutputs.size())
                                    ? declaredOutputs[j]
                                    : RankedTensorType();
    int64_t axis = attrs.outputAxes[j];
    if (declared && axis < declared.getRank()) {
      SmallVector<int64_t> shape{declared.getDimSize(axis)};
      for (int64_t d = 0; d < declared.getRank(); ++d)
        if (d != axis)
          shape.push_back(declared.getDimSize(d));
      declared = RankedTensorType::get(shape, declared.getElementType());
    }
    spec.declaredScanTypes.push_back(declared);
  }
  unsigned numStates = states.size();
  spec.bindInputs = [&](Block &block) -> FailureOr<SmallVector<Value>> {
    SmallVector<Value> inputs(block.getArguments().drop_front(2));
    Value iteration = block.getArgument(0);
    for (auto [input, axis, direction] :
         llvm::zip(scanInputs, attrs.inputAxes, attrs.inputDirections)) {
      Value index = iteration;
      if (direction != 0) {
        Value last = createScalarConst(b, loc, b.getI64Type(),
                                       static_cast<double>(tripCount - 1));
        index = SubOp::create(b, loc, index.getType(), last, iteration);
      }
      inputs.push_back(
          GatherOp::create(b, loc, input, index, b.getI64IntegerAttr(axis)));
    }
    return inputs;
  };
  FailureOr<LoopOp> loop = buildLoop(ic, loc, "Scan", spec);
  if (failed(loop))
    return failure();

  SmallVector<Value> results(loop->getResults().take_front(numStates));
  for (int j = 0; j < numScanOutputs; ++j) {
    Value stacked = loop->getResult(numStates + j);
    int64_t rank = getRankedType(stacked).getRank();
    if (attrs.outputDirections[j] != 0) {
      SmallVector<double> reversed;
      for (int64_t i = tripCount - 1; i >= 0; --i)
        reversed.push_back(static_cast<double>(i));
      Value indices =
          createConstant(b, loc, {tripCount}, b.getI64Type(), reversed);
      stacked =
          GatherOp::create(b, loc, stacked, indices, b.getI64IntegerAttr(0));
    }
    int64_t axis = attrs.outputAxes[j];
    if (axis < -rank || axis >= rank)
      return emitError(loc) << "Scan output axis " << axis << " out of range";
    if (axis < 0)
      axis += rank;
    if (axis != 0) {
      SmallVector<int64_t> perm;
      for (int64_t d = 1; d <= axis; ++d)
        perm.push_back(d);
      perm.push_back(0);
      for (int64_t d = axis + 1; d < rank; ++d)
        perm.push_back(d);
      stacked =
          TransposeOp::create(b, loc, stacked, b.getDenseI64ArrayAttr(perm));
    }
    results.push_back(stacked);
  }
  return results;
}

/// Reads an axes/directions attribute of `count` entries (default 0) and
/// normalizes negative axes against `ranks` when given.
static FailureOr<SmallVector<int64_t>> getScanInts(const onnx::NodeProto &node,
                                                   StringRef name, size_t count,
                                                   ArrayRef<int64_t> ranks,
                                                   Location loc) {
  SmallVector<int64_t> values =
      getIntsAttr(node, name, SmallVector<int64_t>(count, 0));
  if (values.size() != count)
    return emitError(loc) << "Scan attribute '" << name << "' has "
                          << values.size() << " entries, expected " << count;
  for (size_t i = 0; i < count; ++i) {
    int64_t &value = values[i];
    if (ranks.empty()) {
      if (value != 0 && value != 1)
        return emitError(loc) << "Scan '" << name << "' entries must be 0 or 1";
      continue;
    }
    if (value < -ranks[i] || value >= ranks[i])
      return emitError(loc)
             << "Scan '" << name << "' entry " << value << " out of range";
    if (value < 0)
      value += ranks[i];
  }
  return values;
}

static LogicalResult importScan(ImporterContext &ic,
                                const onnx::NodeProto &node, Location loc) {
  FailureOr<const onnx::GraphProto *> body = getGraphAttr(node, "body", loc);
  if (failed(body))
    return failure();
  int64_t numScanInputs = getIntAttr(node, "num_scan_inputs", -1);
  int64_t numInputs = node.input_size();
  if (numScanInputs < 1 || numScanInputs > numInputs)
    return emitError(loc) << "Scan needs num_scan_inputs in [1, " << numInputs
                          << "]";
  SmallVector<Value> states, scanInputs;
  for (int64_t i = 0; i < numInputs; ++i) {
    FailureOr<Value> value = ic.getRequiredInput(node, i, loc);
    if (failed(value))
      return failure();
    (i < numInputs - numScanInputs ? states : scanInputs).push_back(*value);
  }
  int64_t numScanOutputs =
      node.output_size() - static_cast<int64_t>(states.size());
  if (numScanOutputs < 0)
    return emitError(loc) << "Scan has fewer outputs than states";
  SmallVector<int64_t> inputRanks;
  for (Value input : scanInputs)
    inputRanks.push_back(getRankedType(input).getRank());
  ScanAttrs attrs;
  FailureOr<SmallVector<int64_t>> inputAxes =
      getScanInts(node, "scan_input_axes", scanInputs.size(), inputRanks, loc);
  FailureOr<SmallVector<int64_t>> inputDirections =
      getScanInts(node, "scan_input_directions", scanInputs.size(), {}, loc);
  FailureOr<SmallVector<int64_t>> outputDirections =
      getScanInts(node, "scan_output_directions", numScanOutputs, {}, loc);
  if (failed(inputAxes) || failed(inputDirections) || failed(outputDirections))
    return failure();
  attrs.inputAxes = *inputAxes;
  attrs.inputDirections = *inputDirections;
  attrs.outputDirections = *outputDirections;
  // Output axes are normalized by buildScan, which knows the output ranks.
  attrs.outputAxes = getIntsAttr(node, "scan_output_axes",
                                 SmallVector<int64_t>(numScanOutputs, 0));
  SmallVector<RankedTensorType> declared;
  for (int64_t j = 0; j < numScanOutputs; ++j)
    declared.push_back(ic.declaredTypes.lookup(node.output(states.size() + j)));
  FailureOr<SmallVector<Value>> results =
      buildScan(ic, loc, **body, states, scanInputs, attrs, declared);
  if (failed(results) || failed(checkScanOutputCount(node, *results, loc)))
    return failure();
  for (int i = 0; i < node.output_size(); ++i)
    ic.setOutput(node, i, (*results)[i]);
  return success();
}

/// Scan-8: a leading batch axis on states and scan inputs (scanned along
/// axis 1), and an optional sequence_lens input, which must be absent.
static LogicalResult importScan8(ImporterContext &ic,
                                 const onnx::NodeProto &node, Location loc) {
  OpBuilder &b = ic.builder;
  FailureOr<const onnx::GraphProto *> body = getGraphAttr(node, "body", loc);
  FailureOr<Value> sequenceLens = ic.getInput(node, 0, loc);
  if (failed(body) || failed(sequenceLens))
    return failure();
  if (*sequenceLens)
    return emitError(loc) << "Scan (opset 8) with sequence_lens is not "
                             "supported";
  int64_t numScanInputs = getIntAttr(node, "num_scan_inputs", -1);
  int64_t numInputs = node.input_size() - 1;
  if (numScanInputs < 1 || numScanInputs > numInputs)
    return emitError(loc) << "Scan needs num_scan_inputs in [1, " << numInputs
                          << "]";
  SmallVector<Value> states, scanInputs;
  int64_t batch = ShapedType::kDynamic;
  for (int64_t i = 0; i < numInputs; ++i) {
    FailureOr<Value> value = ic.getRequiredInput(node, i + 1, loc);
    if (failed(value))
      return failure();
    RankedTensorType type = getRankedType(*value);
    bool isScan = i >= numInputs - numScanInputs;
    if (type.getRank() < (isScan ? 2 : 1) || type.isDynamicDim(0) ||
        (!ShapedType::isDynamic(batch) && type.getDimSize(0) != batch))
      return emitError(loc) << "Scan (opset 8) inputs need one static batch "
                               "size as their first dimension";
    batch = type.getDimSize(0);
    (isScan ? scanInputs : states).push_back(*value);
  }
  int64_t numScanOutputs =
      node.output_size() - static_cast<int64_t>(states.size());
  if (numScanOutputs < 0)
    return emitError(loc) << "Scan has fewer outputs than states";
  ScanAttrs attrs;
  FailureOr<SmallVector<int64_t>> directions =
      getScanInts(node, "directions", scanInputs.size(), {}, loc);
  if (failed(directions))
    return failure();
  attrs.inputDirections = *directions;
  attrs.inputAxes.assign(scanInputs.size(), 0);
  attrs.outputAxes.assign(numScanOutputs, 0);
  attrs.outputDirections.assign(numScanOutputs, 0);

  // One scan per batch entry; outputs restacked along the batch axis.
  SmallVector<SmallVector<Value>> perBatch;
  for (int64_t n = 0; n < batch; ++n) {
    Value index =
        createScalarConst(b, loc, b.getI64Type(), static_cast<double>(n));
    auto select = [&](Value v) -> Value {
      return GatherOp::create(b, loc, v, index, b.getI64IntegerAttr(0));
    };
    SmallVector<Value> batchStates, batchInputs;
    for (Value v : states)
      batchStates.push_back(select(v));
    for (Value v : scanInputs)
      batchInputs.push_back(select(v));
    FailureOr<SmallVector<Value>> results =
        buildScan(ic, loc, **body, batchStates, batchInputs, attrs, {});
    if (failed(results) || failed(checkScanOutputCount(node, *results, loc)))
      return failure();
    perBatch.push_back(std::move(*results));
  }
  for (int i = 0; i < node.output_size(); ++i) {
    SmallVector<Value> parts;
    for (SmallVector<Value> &results : perBatch) {
      RankedTensorType type = getRankedType(results[i]);
      SmallVector<int64_t> shape{1};
      llvm::append_range(shape, type.getShape());
      parts.push_back(
          ReshapeOp::create(b, loc, results[i], b.getDenseI64ArrayAttr(shape)));
    }
    Value stacked =
        parts.size() == 1
            ? parts.front()
            : Value(ConcatOp::create(b, loc, parts, b.getI64IntegerAttr(0)));
    ic.setOutput(node, i, stacked);
  }
  return success();
}

void mlc::onnx_import::registerControlFlowOpImporters(OpImporterTable &table) {
  table.push_back({"If", 1, kLatestOpset, importIf});
  table.push_back({"Loop", 1, kLatestOpset, importLoop});
  table.push_back({"Scan", 8, 8, importScan8});
  table.push_back({"Scan", 9, kLatestOpset, importScan});
}
