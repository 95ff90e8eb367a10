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

#include <array>

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
        importSubgraph(ic, *taken, nullptr, {}, loc, /*allowSequences=*/true);
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
  // both branches, SequenceOps.cpp) becomes one result per element; an
  // optional, its value's results, plus a leading i1 presence result when
  // the branches differ in its presence (the absent side yields zeros).
  enum class SlotKind { Tensor, Sequence, Optional, RuntimeOptional };
  struct Slot {
    unsigned start, count;
    SlotKind kind;
    bool present = true;     ///< Optional: present in the branches
    bool ofSequence = false; ///< (Runtime)Optional: holds a sequence
    int presentBranch = -1;  ///< RuntimeOptional: the branch holding it
  };
  /// A branch output's structure and tensors.
  struct Desc {
    SlotKind kind = SlotKind::Tensor;
    bool present = true, ofSequence = false;
    SmallVector<Value> tensors;
  };
  auto describe = [&](int k, Value value) -> FailureOr<Desc> {
    Desc desc;
    if (!isSequenceOrOptional(value)) {
      desc.tensors.push_back(value);
      return desc;
    }
    if (std::optional<SmallVector<Value>> elements = getStaticSequence(value)) {
      desc.kind = SlotKind::Sequence;
      desc.tensors = std::move(*elements);
      return desc;
    }
    std::optional<SmallVector<Value>> held = getOptionalElements(value);
    if (!held)
      return emitError(loc) << "If output " << k
                            << " is a sequence of run-time length, or an "
                               "optional of run-time presence, which If "
                               "does not carry";
    desc.kind = SlotKind::Optional;
    desc.present = !held->empty();
    if (!desc.present)
      return desc;
    Value inner = held->front();
    if (std::optional<SmallVector<Value>> elements = getStaticSequence(inner)) {
      desc.ofSequence = true;
      desc.tensors = std::move(*elements);
    } else if (isSequenceOrOptional(inner)) {
      return emitError(loc) << "If output " << k
                            << " is an optional of an optional or of a "
                               "sequence of run-time length, which If does "
                               "not carry";
    } else {
      desc.tensors.push_back(inner);
    }
    return desc;
  };
  auto describeText = [](const Desc &desc) -> std::string {
    switch (desc.kind) {
    case SlotKind::Sequence:
      return "a sequence of " + std::to_string(desc.tensors.size()) +
             " elements";
    case SlotKind::Optional:
      if (!desc.present)
        return "an absent optional";
      return desc.ofSequence
                 ? "an optional sequence of " +
                       std::to_string(desc.tensors.size()) + " elements"
                 : std::string("an optional tensor");
    default:
      return "a tensor";
    }
  };
  SmallVector<Slot> slots;
  SmallVector<std::array<Desc, 2>> descs;
  unsigned numFlat = 0;
  for (int k = 0; k < numResults; ++k) {
    std::array<Desc, 2> pair;
    bool imported[2] = {false, false};
    for (int i = 0; i < 2; ++i) {
      if (branches[i].values.empty())
        continue;
      FailureOr<Desc> desc = describe(k, branches[i].values[k]);
      if (failed(desc))
        return failure();
      pair[i] = std::move(*desc);
      imported[i] = true;
    }
    const Desc &first = pair[imported[0] ? 0 : 1];
    Slot slot{numFlat, static_cast<unsigned>(first.tensors.size()), first.kind};
    slot.present = first.present;
    slot.ofSequence = first.ofSequence;
    if (imported[0] && imported[1]) {
      const Desc &a = pair[0], &b2 = pair[1];
      bool sameKind = a.kind == b2.kind;
      bool presenceDiffers =
          sameKind && a.kind == SlotKind::Optional && a.present != b2.present;
      bool sameShape = a.tensors.size() == b2.tensors.size() &&
                       a.ofSequence == b2.ofSequence;
      if (!sameKind || (!presenceDiffers && !sameShape))
        return emitError(loc)
               << "If output " << k
               << " differs between the branches: " << describeText(a)
               << " in the then branch, " << describeText(b2)
               << " in the else branch";
      if (presenceDiffers) {
        slot.kind = SlotKind::RuntimeOptional;
        slot.presentBranch = a.present ? 0 : 1;
        const Desc &held = pair[slot.presentBranch];
        slot.ofSequence = held.ofSequence;
        slot.count = held.tensors.size() + 1;
        for (Value tensor : held.tensors)
          if (!getRankedType(tensor).hasStaticShape())
            return emitError(loc)
                   << "If output " << k
                   << " is an optional present in one branch only, whose "
                      "value needs a static shape (the other branch yields "
                      "zeros of it), got "
                   << tensor.getType();
      }
    }
    numFlat += slot.count;
    slots.push_back(slot);
    descs.push_back(std::move(pair));
  }
  for (auto [i, branch] : llvm::enumerate(branches)) {
    if (branch.values.empty())
      continue;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(&branch.region->front());
    SmallVector<Value> flat;
    for (auto [k, slot] : llvm::enumerate(slots)) {
      const Desc &desc = descs[k][i];
      if (slot.kind != SlotKind::RuntimeOptional) {
        llvm::append_range(flat, desc.tensors);
        continue;
      }
      bool present = static_cast<int>(i) == slot.presentBranch;
      flat.push_back(createScalarConst(b, loc, b.getI1Type(), present));
      if (present) {
        llvm::append_range(flat, desc.tensors);
        continue;
      }
      for (Value tensor : descs[k][slot.presentBranch].tensors) {
        RankedTensorType type = getRankedType(tensor);
        flat.push_back(ConstantOp::create(
            b, loc,
            DenseElementsAttr::get(type,
                                   b.getZeroAttr(type.getElementType()))));
      }
    }
    branch.values = std::move(flat);
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
                 << (slot.kind != SlotKind::Tensor
                         ? " element " + std::to_string(f - slot.start)
                         : std::string())
                 << " is " << thenType << " in the then branch but " << elseType
                 << " in the else branch";
      }
      RankedTensorType declared = slot.kind != SlotKind::Tensor
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
    Value output;
    switch (slot.kind) {
    case SlotKind::Tensor:
      output = results.front();
      break;
    case SlotKind::Sequence:
      output = createSequence(b, loc, results);
      break;
    case SlotKind::Optional: {
      SmallVector<Value> held;
      if (slot.present)
        held.push_back(slot.ofSequence ? createSequence(b, loc, results)
                                       : results.front());
      output = createOptional(b, loc, held);
      break;
    }
    case SlotKind::RuntimeOptional:
      output = createRuntimeOptional(
          b, loc, results.front(),
          slot.ofSequence ? createSequence(b, loc, results.drop_front())
                          : results[1]);
      break;
    }
    ic.setOutput(node, k, output);
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

Value mlc::onnx_import::failRunIf(OpBuilder &b, Location loc, Value fail,
                                  Value value, const Twine &message) {
  auto ifOp = IfOp::create(b, loc, TypeRange{value.getType()}, fail);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(&ifOp.getThenRegion().emplaceBlock());
  auto error = RuntimeErrorOp::create(b, loc, TypeRange{value.getType()},
                                      b.getStringAttr(message.str()));
  CFYieldOp::create(b, loc, error.getResults());
  b.setInsertionPointToEnd(&ifOp.getElseRegion().emplaceBlock());
  CFYieldOp::create(b, loc, ValueRange{value});
  return ifOp.getResult(0);
}
