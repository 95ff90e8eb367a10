//===- PrintPartition.cpp - The mlc-print-partition pass ------------------===//
//
// Prints, per op, which backend the partitioner gives it and why.
//
//===----------------------------------------------------------------------===//

#include "mlc/Backend/Partition.h"

#include "mlir/IR/BuiltinOps.h"

namespace mlc {
#define GEN_PASS_DEF_PRINTPARTITION
#include "mlc/Backend/PartitionPasses.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

/// The ONNX node name of `op` (the importer wraps its location in a NameLoc).
static std::string getOpLabel(Operation *op, unsigned index) {
  Location loc = op->getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc);
      fused && !fused.getLocations().empty())
    loc = fused.getLocations().front();
  if (auto named = dyn_cast<NameLoc>(loc))
    return "'" + named.getName().str() + "'";
  return "#" + std::to_string(index);
}

void mlc::printPartitionPlan(func::FuncOp func, const PartitionPlan &plan,
                             StringRef backend, StringRef fallback,
                             llvm::raw_ostream &os) {
  os << "mlc-partition: @" << func.getName() << " for backend '" << backend
     << "', fallback '" << fallback << "'\n";
  for (auto [index, assignment] : llvm::enumerate(plan.ops)) {
    os << "  " << assignment.op->getName() << " "
       << getOpLabel(assignment.op, index) << " -> ";
    if (assignment.partition >= 0)
      os << backend << " (partition " << assignment.partition << ")";
    else
      os << fallback;
    os << ": " << assignment.support.reason << "\n";
  }
  for (auto [index, ops] : llvm::enumerate(plan.partitions)) {
    llvm::SmallPtrSet<Operation *, 16> members(ops.begin(), ops.end());
    llvm::SmallPtrSet<Value, 16> inputs;
    unsigned outputs = 0;
    for (Operation *op : ops) {
      for (Value operand : op->getOperands())
        if (!members.contains(operand.getDefiningOp()))
          inputs.insert(operand);
      for (Value result : op->getResults())
        if (llvm::any_of(result.getUsers(), [&](Operation *user) {
              return !members.contains(
                  func.getBody().front().findAncestorOpInBlock(*user));
            }))
          ++outputs;
    }
    os << "  partition " << index << ": ops " << ops.size() << ", inputs "
       << inputs.size() << ", outputs " << outputs << "\n";
  }
  if (plan.partitions.empty())
    os << "  no partitions: everything runs on " << fallback << "\n";
}

namespace {
struct PrintPartitionPass : mlc::impl::PrintPartitionBase<PrintPartitionPass> {
  using PrintPartitionBase::PrintPartitionBase;
  PrintPartitionPass(const BackendRegistry &registry,
                     const PrintPartitionOptions &options)
      : PrintPartitionBase(options), registry(&registry) {}

  void runOnOperation() override {
    ModuleOp module = getOperation();
    const Backend *target = registry ? registry->lookup(backend) : nullptr;
    if (!target) {
      module.emitError("mlc-print-partition: unknown backend '")
          << backend << "'";
      return signalPassFailure();
    }
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && !func->hasAttr(kBackendAttrName))
        printPartitionPlan(func, planPartitions(func, *target), backend,
                           fallback, llvm::errs());
    markAllAnalysesPreserved();
  }

  /// Null when made by the generated create function: the pass then
  /// fails, since only a tool knows its backends.
  const BackendRegistry *registry = nullptr;
};
} // namespace

std::unique_ptr<Pass>
mlc::createPrintPartitionPass(const BackendRegistry &registry,
                              const PrintPartitionOptions &options) {
  return std::make_unique<PrintPartitionPass>(registry, options);
}
