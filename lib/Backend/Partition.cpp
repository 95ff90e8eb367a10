//===- Partition.cpp - The mlc-partition pass -----------------------------===//
//
// Groups the ops a backend claims into partitions and outlines each into a
// function tagged with the backend.
//
//===----------------------------------------------------------------------===//

#include "mlc/Backend/Partition.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"

namespace mlc {
#define GEN_PASS_DEF_PARTITION
#include "mlc/Backend/PartitionPasses.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

/// Whether the ops of `groups` and `op` can run as one call placed at `op`:
/// nothing outside them may use a result of theirs before `op`.
static bool canRunAsOneCall(ArrayRef<std::vector<Operation *> *> groups,
                            Operation *op) {
  llvm::SmallPtrSet<Operation *, 16> members = {op};
  for (std::vector<Operation *> *group : groups)
    members.insert(group->begin(), group->end());
  Block *block = op->getBlock();
  for (std::vector<Operation *> *group : groups)
    for (Operation *member : *group)
      for (Operation *user : member->getUsers()) {
        Operation *inBlock = block->findAncestorOpInBlock(*user);
        if (inBlock && !members.contains(inBlock) &&
            inBlock->isBeforeInBlock(op))
          return false;
      }
  return true;
}

PartitionPlan mlc::planPartitions(func::FuncOp func, const Backend &backend) {
  PartitionPlan plan;
  if (func.isExternal())
    return plan;
  // Partitions being built; merged ones are emptied and dropped at the end.
  std::vector<std::vector<Operation *>> groups;
  DenseMap<Operation *, int> groupOf;
  for (Operation &op : func.getBody().front()) {
    if (op.hasTrait<OpTrait::IsTerminator>() ||
        op.hasTrait<OpTrait::ConstantLike>())
      continue;
    OpSupport support = backend.getOpSupport(&op);
    plan.ops.push_back({&op, support, -1});
    if (!support.supported)
      continue;

    llvm::SmallSetVector<int, 4> producers;
    for (Value operand : op.getOperands())
      if (Operation *def = operand.getDefiningOp())
        if (auto it = groupOf.find(def); it != groupOf.end())
          producers.insert(it->second);
    SmallVector<std::vector<Operation *> *> all;
    for (int g : producers)
      all.push_back(&groups[g]);
    int target = -1;
    if (!producers.empty() && canRunAsOneCall(all, &op)) {
      target = producers[0];
      for (int g : llvm::drop_begin(producers)) {
        for (Operation *member : groups[g])
          groupOf[member] = target;
        llvm::append_range(groups[target], groups[g]);
        groups[g].clear();
      }
      llvm::sort(groups[target], [](Operation *a, Operation *b) {
        return a->isBeforeInBlock(b);
      });
    } else {
      for (int g : producers)
        if (canRunAsOneCall({&groups[g]}, &op)) {
          target = g;
          break;
        }
    }
    if (target < 0) {
      target = groups.size();
      groups.emplace_back();
    }
    groups[target].push_back(&op);
    groupOf[&op] = target;
  }

  // Number the non-empty partitions in program order of their first op.
  DenseMap<int, int> number;
  for (OpAssignment &assignment : plan.ops) {
    auto it = groupOf.find(assignment.op);
    if (it == groupOf.end())
      continue;
    auto [entry, inserted] = number.try_emplace(it->second, number.size());
    if (inserted)
      plan.partitions.push_back(groups[it->second]);
    assignment.partition = entry->second;
  }
  return plan;
}

/// `name` with the characters a bare symbol name cannot hold replaced by '_'.
static std::string sanitize(StringRef name) {
  std::string result = name.str();
  for (char &c : result)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  return result;
}

SmallVector<func::FuncOp> mlc::outlinePartitions(func::FuncOp func,
                                                 const PartitionPlan &plan,
                                                 StringRef backend) {
  SmallVector<func::FuncOp> outlined;
  auto module = func->getParentOfType<ModuleOp>();
  SymbolTable symbols(module);
  OpBuilder builder(func.getContext());
  Operation *insertAfter = func;
  for (const std::vector<Operation *> &ops : plan.partitions) {
    llvm::SmallPtrSet<Operation *, 16> members(ops.begin(), ops.end());
    llvm::SetVector<Value> inputs;
    SmallVector<Value> outputs;
    for (Operation *op : ops) {
      for (Value operand : op->getOperands())
        if (!members.contains(operand.getDefiningOp()))
          inputs.insert(operand);
      llvm::SetVector<Value> captured;
      getUsedValuesDefinedAbove(op->getRegions(), captured);
      for (Value value : captured)
        if (!members.contains(value.getDefiningOp()))
          inputs.insert(value);
      for (Value result : op->getResults())
        if (llvm::any_of(result.getUsers(), [&](Operation *user) {
              return !members.contains(
                  func.getBody().front().findAncestorOpInBlock(*user));
            }))
          outputs.push_back(result);
    }

    builder.setInsertionPointAfter(insertAfter);
    auto type = builder.getFunctionType(
        llvm::to_vector(
            llvm::map_range(inputs, [](Value v) { return v.getType(); })),
        llvm::to_vector(
            llvm::map_range(outputs, [](Value v) { return v.getType(); })));
    std::string name =
        sanitize(backend) + "_partition_" + std::to_string(outlined.size());
    auto callee =
        func::FuncOp::create(builder, ops.front()->getLoc(), name, type);
    callee.setPrivate();
    callee->setAttr(kBackendAttrName, builder.getStringAttr(backend));
    symbols.insert(callee); // renames on a clash
    insertAfter = callee;

    Block *body = callee.addEntryBlock();
    IRMapping mapping;
    mapping.map(inputs.getArrayRef(), body->getArguments());
    builder.setInsertionPointToStart(body);
    for (Operation *op : ops)
      builder.clone(*op, mapping);
    func::ReturnOp::create(
        builder, ops.back()->getLoc(),
        llvm::to_vector(llvm::map_range(
            outputs, [&](Value v) { return mapping.lookup(v); })));

    builder.setInsertionPointAfter(ops.back());
    auto call = func::CallOp::create(builder, ops.back()->getLoc(), callee,
                                     inputs.getArrayRef());
    for (auto [output, result] : llvm::zip(outputs, call.getResults()))
      output.replaceUsesWithIf(result, [&](OpOperand &use) {
        return !members.contains(use.getOwner());
      });
    for (Operation *op : llvm::reverse(ops))
      op->erase();
    outlined.push_back(callee);
  }
  return outlined;
}

namespace {
struct PartitionPass : mlc::impl::PartitionBase<PartitionPass> {
  using PartitionBase::PartitionBase;
  PartitionPass(const BackendRegistry &registry,
                const PartitionOptions &options)
      : PartitionBase(options), registry(&registry) {}

  void runOnOperation() override {
    ModuleOp module = getOperation();
    const Backend *target = registry ? registry->lookup(backend) : nullptr;
    if (!target) {
      module.emitError("mlc-partition: unknown backend '") << backend << "'";
      return signalPassFailure();
    }
    SmallVector<func::FuncOp> funcs;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && !func->hasAttr(kBackendAttrName))
        funcs.push_back(func);
    for (func::FuncOp func : funcs)
      outlinePartitions(func, planPartitions(func, *target), backend);
  }

  /// Null when made by the generated create function: the pass then
  /// fails, since only a tool knows its backends.
  const BackendRegistry *registry = nullptr;
};
} // namespace

std::unique_ptr<Pass>
mlc::createPartitionPass(const BackendRegistry &registry,
                         const PartitionOptions &options) {
  return std::make_unique<PartitionPass>(registry, options);
}

void mlc::registerPartitionPasses(const BackendRegistry &registry) {
  const BackendRegistry *backends = &registry;
  registerPass([backends]() -> std::unique_ptr<Pass> {
    return createPartitionPass(*backends, {});
  });
  registerPass([backends]() -> std::unique_ptr<Pass> {
    return createPrintPartitionPass(*backends, {});
  });
}
