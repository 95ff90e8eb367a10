//===- RenameRuntimeABI.cpp - Generated ABI functions behind the runtime --===//
//
// The CUDA runtime library defines the public mlc_context_create, mlc_run,
// mlc_run_dynamic and mlc_context_destroy (driver loading, device checks);
// the generated ones are renamed to mlc_cuda_model_* for it to call (the
// runtime's mlc_run_dynamic checks static shapes and calls mlc_run, so the
// generated one is left unused; so is the generated mlc_last_error, the
// runtime's own reports device errors).
//
//===----------------------------------------------------------------------===//

#include "CUDAPasses.h"

namespace mlc::cuda {
#define GEN_PASS_DEF_RENAMERUNTIMEABI
#include "CUDAPasses.h.inc"
} // namespace mlc::cuda

using namespace mlir;
using namespace mlc;

namespace {
struct RenameRuntimeABIPass
    : cuda::impl::RenameRuntimeABIBase<RenameRuntimeABIPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (StringRef name : {"mlc_context_create", "mlc_context_destroy",
                           "mlc_run", "mlc_run_dynamic", "mlc_last_error"}) {
      auto func = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
      if (!func) {
        module.emitError("no generated '")
            << name << "' (run mlc-emit-runtime-abi first)";
        return signalPassFailure();
      }
      std::string newName = ("mlc_cuda_model_" + name.drop_front(4)).str();
      if (failed(SymbolTable::replaceAllSymbolUses(
              func, StringAttr::get(&getContext(), newName), module)))
        return signalPassFailure();
      func.setSymName(newName);
    }
  }
};
} // namespace
