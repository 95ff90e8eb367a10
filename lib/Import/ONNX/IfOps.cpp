//===- IfOps.cpp - ONNX If ------------------------------------------------===//
//
// If becomes mlc.if, or, when its condition folds to a constant at import,
// just the taken branch's nodes (the other one may not even be valid for
// these shapes). With a run-time condition, a branch that does not import
// for the shapes it receives (say an LSTM given a tensor of another rank)
// becomes mlc.runtime_error carrying the importer's message, with a
// warning: the model compiles and reports the error only if that branch
// runs. Outputs that are sequences of one length known at import
// (SequenceOps.cpp) become one result per element.
//
//===----------------------------------------------------------------------===//

#include "ComposeUtils.h"
#include "ControlFlowOps.h"
#include "SequenceOps.h"

#include "mlc/Dialect/MLC/IR/MLCControlFlowOps.h"
#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// True when `graph` or one of its subgraphs has a node MLC cannot import
/// whatever the shapes: a branch holding one is an error at compile time,
/// not one deferred to run time.
static bool hasUnsupportedNode(const ImporterContext &ic,
                               const onnx::GraphProto &graph) {
  for (const onnx::NodeProto &node : graph.node()) {
    if (!hasOpImporter(ic, node))
      return true;
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g() && hasUnsupportedNode(ic, attr.g()))
        return true;
      for (const onnx::GraphProto &sub : attr.graphs())
        if (hasUnsupportedNode(ic, sub))
          return true;
    }
  }
  return false;
}

LogicalResult mlc::onnx_import::importIf(ImporterContext &ic,
                                         const onnx::NodeProto &node,
                                         Location loc) {
  OpBuilder &b = ic.builder;
  FailureOr<Value> cond = ic.getRequiredInput(node, 0, loc);
  if (failed(cond) ||
      failed(requireScalar(*cond, b.getI1Type(), "If condition", loc)))
    return failure();
  FailureOr<const onnx::GraphProto *> thenGraph =
      getGraphAttr(node, "then_branch", loc);
  FailureOr<const onnx::GraphProto *> elseGraph =
      getGraphAttr(node, "else_branch", loc);
  if (failed(thenGraph) || failed(elseGraph))
    return failure();
  int numResults = node.output_size();
  if ((*thenGraph)->output_size() != numResults ||
      (*elseGraph)->output_size() != numResults)
    return emitError(loc) << "If branches must each have " << numResults
                          << " outputs";

  // A condition known at import (often computed from static shapes, as in
  // ONNX function expansions) imports only the taken branch, in place: the
  // other one may not even be valid for these shapes.
  FailureOr<ConstTensor> constantCond = foldToConstant(*cond);
  if (succeeded(constantCond) && !constantCond->isFloat() &&
      constantCond->ints.size() == 1) {
    const onnx::GraphProto *taken =
        constantCond->ints.front() != 0 ? *thenGraph : *elseGraph;
    FailureOr<SmallVector<Value>> outputs =
        importSubgraph(ic, *taken, nullptr, {}, loc);
    if (failed(outputs))
      return failure();
    for (auto [k, value] : llvm::enumerate(*outputs))
      ic.setOutput(node, k, value);
    return success();
  }

  SmallVector<Type> placeholder(numResults,
                                RankedTensorType::get({}, b.getI1Type()));
  auto ifOp = IfOp::create(b, loc, placeholder, *cond);
  // A branch that does not import for the shapes it receives (an LSTM whose
  // input has the wrong rank for these shapes, say) may never be taken: the
  // condition is only known at run time. Its errors are caught here and the
  // branch becomes an mlc.runtime_error, so that the model compiles and the
  // artifact reports the error only if that branch runs.
  struct Branch {
    const char *name;
    Region *region;
    const onnx::GraphProto *graph;
    SmallVector<Value> values;
    std::string error;
  };
  Branch branches[] = {{"then", &ifOp.getThenRegion(), *thenGraph, {}, {}},
                       {"else", &ifOp.getElseRegion(), *elseGraph, {}, {}}};
  for (Branch &branch : branches) {
    Block &block = branch.region->emplaceBlock();
    FailureOr<SmallVector<Value>> outputs;
    if (hasUnsupportedNode(ic, *branch.graph)) {
      outputs = importSubgraph(ic, *branch.graph, &block, {}, loc,
                               /*allowSequences=*/true);
      if (failed(outputs)) {
        ifOp->erase();
        return failure();
      }
    } else {
      llvm::raw_string_ostream os(branch.error);
      // A refused model's errors pass through: they fail the import.
      ScopedDiagnosticHandler capture(b.getContext(), [&](Diagnostic &diag) {
        if (diag.getSeverity() != DiagnosticSeverity::Error || ic.refused)
          return failure();
        if (!branch.error.empty())
          os << "; ";
        os << diag.str();
        return success();
      });
      outputs = importSubgraph(ic, *branch.graph, &block, {}, loc,
                               /*allowSequences=*/true);
    }
    if (failed(outputs) && ic.refused) {
      ifOp->erase();
      return failure();
    }
    if (failed(outputs)) {
      if (branch.error.empty())
        branch.error = "it could not be imported";
      for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block))) {
        forgetValues(ic, &op);
        op.dropAllUses();
        op.erase();
      }
      continue;
    }
    branch.values = std::move(*outputs);
    branch.error.clear();
  }
  bool thenFailed = !branches[0].error.empty();
  bool elseFailed = !branches[1].error.empty();
  if (thenFailed && elseFailed) {
    ifOp->erase();
    return emitError(loc) << "neither If branch can be compiled: then "
                             "branch: "
                          << branches[0].error
                          << "; else branch: " << branches[1].error;
  }
  // An output that is a sequence of a length known at import (the same in
  // both branches, SequenceOps.cpp) becomes one result per element.
  struct Slot {
    unsigned start, count;
    bool sequence;
  };
  SmallVector<Slot> slots;
  unsigned numFlat = 0;
  for (int k = 0; k < numResults; ++k) {
    Slot slot{numFlat, 1, false};
    std::optional<unsigned> lengths[2];
    bool isSequence[2] = {false, false};
    for (int i = 0; i < 2; ++i) {
      if (branches[i].values.empty())
        continue;
      Value value = branches[i].values[k];
      if (!isSequenceOrOptional(value))
        continue;
      std::optional<SmallVector<Value>> elements = getStaticSequence(value);
      if (!elements)
        return emitError(loc) << "If output " << k
                              << " is an optional or a sequence of run-time "
                                 "length, which If does not carry";
      isSequence[i] = true;
      lengths[i] = elements->size();
    }
    bool both = !thenFailed && !elseFailed;
    if (both && (isSequence[0] != isSequence[1] || lengths[0] != lengths[1]))
      return emitError(loc)
             << "If output " << k << " differs between the branches: "
             << (isSequence[0] ? "a sequence of " +
                                     std::to_string(*lengths[0]) + " elements"
                               : std::string("a tensor"))
             << " in the then branch, "
             << (isSequence[1] ? "a sequence of " +
                                     std::to_string(*lengths[1]) + " elements"
                               : std::string("a tensor"))
             << " in the else branch";
    if (isSequence[0] || isSequence[1]) {
      slot.sequence = true;
      slot.count = *(isSequence[0] ? lengths[0] : lengths[1]);
    }
    numFlat += slot.count;
    slots.push_back(slot);
  }
  for (Branch &branch : branches) {
    if (branch.values.empty())
      continue;
    SmallVector<Value> flat;
    for (auto [k, value] : llvm::enumerate(branch.values)) {
      if (slots[k].sequence)
        llvm::append_range(flat, *getStaticSequence(value));
      else
        flat.push_back(value);
    }
    branch.values = std::move(flat);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(&branch.region->front());
    CFYieldOp::create(b, loc, branch.values);
  }
  // The result types: each branch's (joined), or the graph's declaration
  // of a tensor output when both branches fit it.
  SmallVector<Type> resultTypes;
  const Branch &valid = branches[thenFailed ? 1 : 0];
  for (auto [k, slot] : llvm::enumerate(slots)) {
    for (unsigned f = slot.start; f < slot.start + slot.count; ++f) {
      RankedTensorType joined;
      if (thenFailed || elseFailed) {
        joined = getRankedType(valid.values[f]);
      } else {
        RankedTensorType thenType = getRankedType(branches[0].values[f]);
        RankedTensorType elseType = getRankedType(branches[1].values[f]);
        joined = joinTypes(thenType, elseType);
        if (!joined)
          return emitError(loc)
                 << "If output " << k
                 << (slot.sequence
                         ? " element " + std::to_string(f - slot.start)
                         : std::string())
                 << " is " << thenType << " in the then branch but " << elseType
                 << " in the else branch";
      }
      RankedTensorType declared = slot.sequence
                                      ? RankedTensorType()
                                      : ic.declaredTypes.lookup(node.output(k));
      if (declared && llvm::all_of(branches, [&](const Branch &branch) {
            return branch.values.empty() ||
                   areCastCompatible(declared, getRankedType(branch.values[f]));
          }))
        joined = declared;
      resultTypes.push_back(joined);
    }
  }
  // The op was built before its result count was known: rebuild it.
  {
    auto built = IfOp::create(b, loc, resultTypes, *cond);
    built.getThenRegion().takeBody(ifOp.getThenRegion());
    built.getElseRegion().takeBody(ifOp.getElseRegion());
    ifOp->erase();
    ifOp = built;
    branches[0].region = &ifOp.getThenRegion();
    branches[1].region = &ifOp.getElseRegion();
  }
  for (unsigned f = 0; f < numFlat; ++f)
    if (ic.isUnsigned(valid.values[f]))
      ic.unsignedValues.insert(ifOp.getResult(f));
  for (auto [k, slot] : llvm::enumerate(slots)) {
    ValueRange results = ifOp.getResults().slice(slot.start, slot.count);
    ic.setOutput(node, k,
                 slot.sequence ? createSequence(b, loc, results)
                               : results.front());
  }
  for (Branch &branch : branches) {
    if (branch.error.empty())
      continue;
    // The node's name, or the one the importer gave it (If_<index>).
    std::string name = node.name();
    if (auto nameLoc = dyn_cast<NameLoc>(loc); name.empty() && nameLoc)
      name = nameLoc.getName().str();
    std::string message = "If";
    if (!name.empty())
      message += " node '" + name + "'";
    message += std::string(": its ") + branch.name +
               " branch was taken but was not compiled for these input "
               "shapes: " +
               branch.error;
    emitWarning(loc) << "the " << branch.name
                     << " branch of If cannot be compiled for these shapes ("
                     << branch.error
                     << "); the model fails at run time if it is taken";
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(&branch.region->front());
    auto error = RuntimeErrorOp::create(b, loc, ifOp.getResultTypes(),
                                        b.getStringAttr(message));
    CFYieldOp::create(b, loc, error.getResults());
  }
  return success();
}
