//===- Partition.h - Splitting a model between backends ---------*- C++ -*-===//
//
// The partitioner asks a backend which ops it claims, groups connected
// claimed ops into partitions and outlines each into a function tagged with
// the backend (attribute `mlc.backend`); the rest stays for the CPU backend.
// The passes mlc-partition and mlc-print-partition wrap it.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKEND_PARTITION_H
#define MLC_BACKEND_PARTITION_H

#include "mlc/Backend/Registry.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

#include <vector>

namespace mlc {

/// Function attribute naming the backend an outlined partition belongs to.
inline constexpr llvm::StringLiteral kBackendAttrName = "mlc.backend";

#define GEN_PASS_DECL
#include "mlc/Backend/PartitionPasses.h.inc"

/// One op of a function and where it goes.
struct OpAssignment {
  mlir::Operation *op;
  OpSupport support;
  /// Index into PartitionPlan::partitions, or -1 for the fallback backend.
  int partition;
};

struct PartitionPlan {
  /// The function's ops in program order, constants excepted.
  std::vector<OpAssignment> ops;
  /// The claimed ops grouped into partitions, each in program order.
  std::vector<std::vector<mlir::Operation *>> partitions;
};

/// Decides which ops of `func`'s body `backend` gets and how they group.
PartitionPlan planPartitions(mlir::func::FuncOp func, const Backend &backend);

/// Prints `plan` as mlc-print-partition does.
void printPartitionPlan(mlir::func::FuncOp func, const PartitionPlan &plan,
                        llvm::StringRef backend, llvm::StringRef fallback,
                        llvm::raw_ostream &os);

/// Outlines each partition of `plan` into a private function tagged with
/// `backend` and named `<backend>_partition_<n>`, replacing its ops by a call.
llvm::SmallVector<mlir::func::FuncOp>
outlinePartitions(mlir::func::FuncOp func, const PartitionPlan &plan,
                  llvm::StringRef backend);

/// The passes, asking the backends of `registry` (which must outlive them).
std::unique_ptr<mlir::Pass>
createPartitionPass(const BackendRegistry &registry,
                    const PartitionOptions &options);
std::unique_ptr<mlir::Pass>
createPrintPartitionPass(const BackendRegistry &registry,
                         const PrintPartitionOptions &options);

/// Registers mlc-partition and mlc-print-partition with the global pass
/// registry, bound to `registry` (which must outlive every use).
void registerPartitionPasses(const BackendRegistry &registry);

} // namespace mlc

#endif // MLC_BACKEND_PARTITION_H
