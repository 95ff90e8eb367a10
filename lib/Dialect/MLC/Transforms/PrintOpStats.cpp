//===- PrintOpStats.cpp - The mlc-print-op-stats pass ---------------------===//
//
// An op histogram of the model as JSON, for build pipelines that compare the
// graph before and after optimization.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/IR/MLCOps.h"
#include "mlc/Dialect/MLC/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

#include <map>

namespace mlc {
#define GEN_PASS_DEF_PRINTOPSTATS
#include "mlc/Dialect/MLC/Transforms/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

struct PrintOpStatsPass : public mlc::impl::PrintOpStatsBase<PrintOpStatsPass> {
  using Base::Base;

  void runOnOperation() override {
    // std::map keeps the JSON keys sorted, so the output is stable.
    std::map<std::string, int64_t> ops, fusedOps, fusedKinds;
    int64_t total = 0, constants = 0;
    getOperation().walk([&](Operation *op) {
      if (isa<ModuleOp, func::FuncOp, func::ReturnOp, YieldOp>(op))
        return;
      if (op->getParentOfType<FusedOp>()) {
        ++fusedOps[op->getName().getStringRef().str()];
        return;
      }
      ++ops[op->getName().getStringRef().str()];
      if (auto fused = dyn_cast<FusedOp>(op))
        ++fusedKinds[fused.getKind().str()];
      // Weights are data, not computation: like ONNX initializers they are
      // listed but not counted in the total.
      if (isa<ConstantOp>(op))
        ++constants;
      else
        ++total;
    });

    auto toObject = [](const std::map<std::string, int64_t> &counts) {
      llvm::json::Object object;
      for (const auto &[name, count] : counts)
        object[name] = count;
      return object;
    };
    llvm::json::Object stats;
    if (!label.empty())
      stats["label"] = label;
    stats["total"] = total;
    stats["constants"] = constants;
    stats["ops"] = toObject(ops);
    stats["fused_ops"] = toObject(fusedOps);
    stats["fused_kinds"] = toObject(fusedKinds);

    if (output == "-") {
      llvm::errs() << llvm::formatv("{0:2}",
                                    llvm::json::Value(std::move(stats)))
                   << "\n";
    } else {
      std::string error;
      auto file = openOutputFile(output, &error);
      if (!file) {
        getOperation().emitError() << error;
        return signalPassFailure();
      }
      file->os() << llvm::formatv("{0:2}", llvm::json::Value(std::move(stats)))
                 << "\n";
      file->keep();
    }
    markAllAnalysesPreserved();
  }
};

} // namespace
