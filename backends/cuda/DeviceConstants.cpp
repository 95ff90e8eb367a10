//===- DeviceConstants.cpp - Kernels read device copies of the weights ----===//
//
// Weights are constant globals in the artifact's host memory. In host code
// (LLVM dialect), their addresses become calls to the runtime's
// mlc_cuda_device_constant, which uploads each weight once per context.
//
//===----------------------------------------------------------------------===//

#include "CUDAPasses.h"

#include "mlir/Interfaces/DataLayoutInterfaces.h"

namespace mlc::cuda {
#define GEN_PASS_DEF_DEVICECONSTANTS
#include "CUDAPasses.h.inc"
} // namespace mlc::cuda

using namespace mlir;
using namespace mlc;

static constexpr llvm::StringLiteral kUploadFunc = "mlc_cuda_device_constant";

namespace {
struct DeviceConstantsPass
    : cuda::impl::DeviceConstantsBase<DeviceConstantsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    Type ptrType = LLVM::LLVMPointerType::get(ctx);
    Type i64Type = IntegerType::get(ctx, 64);
    DataLayout layout(module);
    SmallVector<LLVM::AddressOfOp> uses;
    module.walk([&](LLVM::AddressOfOp op) {
      if (!op->getParentOfType<LLVM::LLVMFuncOp>())
        return;
      auto global = dyn_cast_or_null<LLVM::GlobalOp>(
          SymbolTable::lookupNearestSymbolFrom(op, op.getGlobalNameAttr()));
      if (global && global.getConstant() &&
          isa<LLVM::LLVMArrayType>(global.getGlobalType()))
        uses.push_back(op);
    });
    if (uses.empty())
      return;
    auto upload = module.lookupSymbol<LLVM::LLVMFuncOp>(kUploadFunc);
    if (!upload) {
      OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
      upload = LLVM::LLVMFuncOp::create(
          b, module.getLoc(), kUploadFunc,
          LLVM::LLVMFunctionType::get(ptrType, {ptrType, i64Type}));
    }
    for (LLVM::AddressOfOp op : uses) {
      auto global = cast<LLVM::GlobalOp>(
          SymbolTable::lookupNearestSymbolFrom(op, op.getGlobalNameAttr()));
      OpBuilder b(op->getBlock(), std::next(Block::iterator(op)));
      Value size = LLVM::ConstantOp::create(
          b, op.getLoc(), i64Type,
          static_cast<int64_t>(layout.getTypeSize(global.getGlobalType())));
      auto call = LLVM::CallOp::create(b, op.getLoc(), upload,
                                       ValueRange{op.getResult(), size});
      op.getResult().replaceAllUsesExcept(call.getResult(), call);
    }
  }
};
} // namespace
