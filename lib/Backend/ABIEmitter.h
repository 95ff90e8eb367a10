//===- ABIEmitter.h - Builder of the mlc_runtime.h functions ----*- C++ -*-===//
//
// The class that emits, in the LLVM dialect, the C functions of
// mlc_runtime.h around the lowered `@mlc_entry` (mlc-emit-runtime-abi).
// EmitRuntimeABI.cpp holds the info tables, the context and the pass;
// EmitRunFunctions.cpp holds mlc_run / mlc_run_dynamic and the checks the
// entry returns its status through.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_BACKEND_ABIEMITTER_H
#define MLC_LIB_BACKEND_ABIEMITTER_H

#include "AllocationTracker.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

namespace mlc {

/// Builds the ABI into one module; keeps the builder and common types.
class ABIEmitter {
public:
  ABIEmitter(mlir::ModuleOp module, int64_t arenaBytes,
             AllocationTracker &tracker)
      : module(module), b(module.getContext()), loc(module.getLoc()),
        ptrType(mlir::LLVM::LLVMPointerType::get(module.getContext())),
        i32Type(b.getI32Type()), i64Type(b.getI64Type()),
        infoType(mlir::LLVM::LLVMStructType::getLiteral(
            module.getContext(), {ptrType, i32Type, i32Type, ptrType})),
        arenaBytes(arenaBytes), tracker(tracker) {
    b.setInsertionPointToEnd(module.getBody());
  }

  mlir::LogicalResult emit(mlir::ArrayAttr inputs, mlir::ArrayAttr outputs,
                           bool dynamic);

  /// The context: {int32_t num_threads; void *arena; uint64_t random_seed;
  /// uint64_t random_counter;}. It is opaque to users (mlc_runtime.h only
  /// declares it), so fields may be added at its end within an ABI version:
  /// the random fields came after the first two, at offsets 16 and 24.
  static constexpr int64_t kContextBytes = 32;
  static constexpr int32_t kArenaSlot = 1;
  static constexpr int32_t kRandomSeedSlot = 2;
  static constexpr int32_t kRandomCounterSlot = 3;
  /// The address of the context's arena pointer.
  mlir::Value getArenaSlot(mlir::OpBuilder &ob, mlir::Value context) {
    return mlir::LLVM::GEPOp::create(
        ob, loc, ptrType, ptrType, context,
        mlir::ArrayRef<mlir::LLVM::GEPArg>{kArenaSlot});
  }
  /// The address of the context's 64-bit field number `slot` (of 8 bytes).
  mlir::Value getI64Slot(mlir::OpBuilder &ob, mlir::Value context,
                         int32_t slot) {
    return mlir::LLVM::GEPOp::create(ob, loc, ptrType, i64Type, context,
                                     mlir::ArrayRef<mlir::LLVM::GEPArg>{slot});
  }
  /// Appends the context's arena to `args` when the entry takes one, and
  /// returns whether it is missing (it could not be allocated).
  mlir::Value appendArena(mlir::OpBuilder &ob, mlir::Value context,
                          mlir::SmallVectorImpl<mlir::Value> &args);

private:
  mlir::FailureOr<mlir::LLVM::GlobalOp> emitInfoTable(mlir::StringRef prefix,
                                                      mlir::ArrayAttr tensors);
  mlir::LogicalResult emitValueTable(mlir::StringRef prefix,
                                     mlir::ArrayAttr tensors,
                                     mlir::ArrayAttr values,
                                     mlir::StringRef countFunction,
                                     mlir::StringRef infoFunction);
  void emitConstantFunction(mlir::StringRef name, int32_t value);
  void emitInfoAccessor(mlir::StringRef name, mlir::LLVM::GlobalOp table,
                        size_t count);
  void emitContextFunctions();
  void emitThreadCount();
  void storeThreadCount(mlir::OpBuilder &ob, mlir::Value context);
  mlir::LogicalResult emitRun(mlir::ArrayAttr inputs, mlir::ArrayAttr outputs);
  /// True when `p` is not a multiple of the element size of `type`: the
  /// compiled code accesses elements at their natural alignment.
  mlir::Value isMisaligned(mlir::OpBuilder &ob, mlir::Value p,
                           mlir::RankedTensorType type);
  /// elementBytes * product(sizes) for sizes >= 0, saturated at INT64_MAX.
  mlir::Value getSaturatedBytes(mlir::OpBuilder &ob, int64_t elementBytes,
                                mlir::ArrayRef<mlir::Value> sizes);
  void emitRunRejectingDynamic();
  mlir::LogicalResult emitRunDynamic(mlir::ArrayAttr inputs,
                                     mlir::ArrayAttr outputs, bool dynamic);
  void emitLastError();
  void storeError(mlir::OpBuilder &ob, mlir::StringRef message);
  mlir::LogicalResult addRunChecks(mlir::LLVM::LLVMFuncOp entry);
  mlir::Value callEntry(mlir::OpBuilder &ob, mlir::LLVM::LLVMFuncOp entry,
                        mlir::ValueRange args, mlir::Block *okBlock,
                        mlir::StringRef function);
  mlir::LLVM::LLVMFuncOp getOrDeclare(mlir::StringRef name, mlir::Type result,
                                      mlir::ArrayRef<mlir::Type> params);
  mlir::LLVM::LLVMFuncOp createFunction(mlir::StringRef name, mlir::Type result,
                                        mlir::ArrayRef<mlir::Type> params);
  mlir::Value constI32(mlir::OpBuilder &ob, int64_t v) {
    return mlir::LLVM::ConstantOp::create(ob, loc, i32Type, v);
  }
  mlir::Value constI64(mlir::OpBuilder &ob, int64_t v) {
    return mlir::LLVM::ConstantOp::create(ob, loc, i64Type, v);
  }

  mlir::ModuleOp module;
  mlir::OpBuilder b;
  mlir::Location loc;
  mlir::Type ptrType, i32Type, i64Type;
  mlir::LLVM::LLVMStructType infoType;
  /// The thread-local `const char *` that mlc_last_error returns, and the
  /// constant message strings stored into it.
  mlir::LLVM::GlobalOp errorGlobal;
  llvm::StringMap<mlir::LLVM::GlobalOp> messages;
  /// The thread-local thread count of the entry's parallel regions; null
  /// when the entry has none.
  mlir::LLVM::GlobalOp threadCountGlobal;
  /// Whether the entry takes the context as its last argument (it draws
  /// random numbers: addRunChecks).
  bool entryTakesContext = false;
  /// Bytes of the arena of the static memory plan (mlc-cpu-plan-memory),
  /// a trailing argument of the entry; 0 without one.
  int64_t arenaBytes = 0;
  /// The heap calls of the lowered code, rerouted before the ABI's own
  /// functions (whose context and arena use the system's) are emitted.
  AllocationTracker &tracker;
};

} // namespace mlc

#endif // MLC_LIB_BACKEND_ABIEMITTER_H
