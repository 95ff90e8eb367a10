//===- MergeGPUModules.cpp - One gpu.module for all kernels ---------------===//

#include "CUDAPasses.h"

namespace mlc::cuda {
#define GEN_PASS_DEF_MERGEGPUMODULES
#include "CUDAPasses.h.inc"
} // namespace mlc::cuda

using namespace mlir;
using namespace mlc;

namespace {
struct MergeGPUModulesPass
    : cuda::impl::MergeGPUModulesBase<MergeGPUModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> gpuModules(module.getOps<gpu::GPUModuleOp>());
    if (gpuModules.size() < 2)
      return;
    gpu::GPUModuleOp target = gpuModules.front();
    SymbolTable targetSymbols(target);
    // (module, kernel) -> the kernel's name in `target`; SymbolTable::insert
    // renames a kernel whose name is taken (outlining names them alike).
    llvm::DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp source : llvm::drop_begin(gpuModules)) {
      for (Operation &op :
           llvm::make_early_inc_range(source.getBody()->getOperations())) {
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        StringAttr oldName = symbol ? symbol.getNameAttr() : StringAttr();
        op.moveBefore(target.getBody(), target.getBody()->end());
        if (symbol)
          renamed[{source.getNameAttr(), oldName}] = targetSymbols.insert(&op);
      }
    }
    module.walk([&](gpu::LaunchFuncOp launch) {
      StringAttr name = launch.getKernelName();
      auto it = renamed.find({launch.getKernelModuleName(), name});
      if (it != renamed.end())
        name = it->second;
      launch.setKernelAttr(SymbolRefAttr::get(target.getNameAttr(),
                                              {FlatSymbolRefAttr::get(name)}));
    });
    for (gpu::GPUModuleOp source : llvm::drop_begin(gpuModules))
      source.erase();
  }
};
} // namespace
