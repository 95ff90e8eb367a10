//===- AllocationTracker.h - Freeing a failed run's buffers -----*- C++ -*-===//
//
// Part of mlc-emit-runtime-abi: reroutes the heap calls of the lowered code
// through wrappers that let a run which fails for lack of memory free what it
// allocated before (issue 16: nothing leaks on MLC_ERROR_OUT_OF_MEMORY).
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_BACKEND_ALLOCATIONTRACKER_H
#define MLC_LIB_BACKEND_ALLOCATIONTRACKER_H

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlc {

/// The heap functions of the lowered code, rerouted so that a run that
/// fails for lack of memory can free what it allocated before.
///
/// Every malloc and aligned_alloc call of the module's lowered functions
/// goes through a wrapper that puts a 32-byte (or `alignment`-byte) header
/// before the block: {linked flag, previous, next, base pointer}. Blocks that
/// the entry's own body allocates (a run's buffers of run-time size) are
/// linked into a thread-local list of the run; the others (in parallel
/// regions, which run on other threads, and in helper functions) only get
/// the header. Every free call goes through a wrapper that unlinks the block
/// when it is linked and frees its base. When an allocation of the entry
/// fails, the entry frees every block still in the list and reports it
/// (ABIEmitter::addRunChecks in EmitRuntimeABI.cpp, which calls
/// getReleaseFunction()).
class AllocationTracker {
public:
  explicit AllocationTracker(mlir::ModuleOp module)
      : module(module), b(module.getContext()), loc(module.getLoc()),
        ptrType(mlir::LLVM::LLVMPointerType::get(module.getContext())),
        i64Type(b.getI64Type()) {
    b.setInsertionPointToEnd(module.getBody());
  }

  /// Reroutes the heap calls of every function defined in the module now;
  /// those in the top-level region of `entry` are tracked.
  void reroute(mlir::LLVM::LLVMFuncOp entry);
  /// `void __mlc_free_run_allocations(void)`: frees the blocks of the list.
  mlir::LLVM::LLVMFuncOp getReleaseFunction();

private:
  static constexpr int64_t kHeaderBytes = 32;
  mlir::LLVM::LLVMFuncOp declare(llvm::StringRef name, mlir::Type result,
                                 llvm::ArrayRef<mlir::Type> params);
  mlir::LLVM::LLVMFuncOp getAllocFunction(bool aligned, bool tracked);
  mlir::LLVM::LLVMFuncOp getFreeFunction();
  mlir::LLVM::GlobalOp getListHead();
  mlir::Value constI64(mlir::OpBuilder &ob, int64_t v) {
    return mlir::LLVM::ConstantOp::create(ob, loc, i64Type, v);
  }
  /// The address `offset` bytes from `p`.
  mlir::Value offsetPtr(mlir::OpBuilder &ob, mlir::Value p, int32_t offset) {
    return mlir::LLVM::GEPOp::create(
        ob, loc, ptrType, b.getI8Type(), p,
        llvm::ArrayRef<mlir::LLVM::GEPArg>{offset});
  }

  mlir::ModuleOp module;
  mlir::OpBuilder b;
  mlir::Location loc;
  mlir::Type ptrType, i64Type;
  mlir::LLVM::GlobalOp listHead;
  mlir::LLVM::LLVMFuncOp allocFunctions[2][2];
  mlir::LLVM::LLVMFuncOp freeFunction, releaseFunction;
};

} // namespace mlc

#endif // MLC_LIB_BACKEND_ALLOCATIONTRACKER_H
