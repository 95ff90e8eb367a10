//===- AllocationTracker.cpp - Freeing a failed run's buffers -------------===//
//
// The wrappers are LLVM dialect functions with internal linkage, which LLVM
// inlines; a block's 32-byte header (more for a wider alignment) holds
// {linked flag, previous, next, base pointer}.
//
//===----------------------------------------------------------------------===//

#include "AllocationTracker.h"

using namespace mlir;
using namespace mlc;

LLVM::LLVMFuncOp AllocationTracker::declare(StringRef name, Type result,
                                            ArrayRef<Type> params) {
  if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return existing;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  return LLVM::LLVMFuncOp::create(b, loc, name,
                                  LLVM::LLVMFunctionType::get(result, params));
}

LLVM::GlobalOp AllocationTracker::getListHead() {
  if (listHead)
    return listHead;
  listHead = LLVM::GlobalOp::create(
      b, loc, ptrType, /*isConstant=*/false, LLVM::Linkage::Internal,
      "__mlc_run_allocations", Attribute(), /*alignment=*/8, /*addrSpace=*/0,
      /*dsoLocal=*/true, /*thread_local_=*/true);
  Block *init = b.createBlock(&listHead.getInitializerRegion());
  OpBuilder ib = OpBuilder::atBlockEnd(init);
  LLVM::ReturnOp::create(ib, loc,
                         ValueRange{LLVM::ZeroOp::create(ib, loc, ptrType)});
  b.setInsertionPointToEnd(module.getBody());
  return listHead;
}

/// `ptr __mlc_[tracked_]{malloc(size) | aligned_alloc(align, size)}`: null
/// when the block (with its header) cannot be allocated.
LLVM::LLVMFuncOp AllocationTracker::getAllocFunction(bool aligned,
                                                     bool tracked) {
  LLVM::LLVMFuncOp &func = allocFunctions[aligned][tracked];
  if (func)
    return func;
  std::string name = std::string("__mlc_") + (tracked ? "tracked_" : "") +
                     (aligned ? "aligned_alloc" : "malloc");
  SmallVector<Type> params = aligned ? SmallVector<Type>{i64Type, i64Type}
                                     : SmallVector<Type>{i64Type};
  LLVM::LLVMFuncOp system =
      aligned ? declare("aligned_alloc", ptrType, {i64Type, i64Type})
              : declare("malloc", ptrType, {i64Type});
  LLVM::GlobalOp head = tracked ? getListHead() : LLVM::GlobalOp();
  func = LLVM::LLVMFuncOp::create(b, loc, name,
                                  LLVM::LLVMFunctionType::get(ptrType, params),
                                  LLVM::Linkage::Internal);
  Block *entryBlock = func.addEntryBlock(b);
  OpBuilder fb = OpBuilder::atBlockEnd(entryBlock);
  Value size = func.getArgument(aligned ? 1 : 0);
  Value null = LLVM::ZeroOp::create(fb, loc, ptrType);
  // The header takes max(32, alignment) bytes, so that the block after it
  // keeps the alignment asked for (alignments are powers of two).
  Value header = constI64(fb, kHeaderBytes);
  if (aligned) {
    Value align = func.getArgument(0);
    Value wider =
        LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::ugt, align, header);
    header = LLVM::SelectOp::create(fb, loc, wider, align, header);
  }
  Value room = LLVM::SubOp::create(fb, loc, constI64(fb, -1), header);
  Value tooBig =
      LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::ugt, size, room);
  Block *allocate = fb.createBlock(&func.getBody());
  Block *fail = fb.createBlock(&func.getBody());
  LLVM::ReturnOp::create(fb, loc, null);
  fb.setInsertionPointToEnd(entryBlock);
  LLVM::CondBrOp::create(fb, loc, tooBig, fail, allocate);

  fb.setInsertionPointToEnd(allocate);
  Value total = LLVM::AddOp::create(fb, loc, size, header);
  SmallVector<Value> args;
  if (aligned)
    args.push_back(func.getArgument(0));
  args.push_back(total);
  Value base = LLVM::CallOp::create(fb, loc, system, args).getResult();
  Value failed =
      LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::eq, base, null);
  Block *fill = fb.createBlock(&func.getBody());
  fb.setInsertionPointToEnd(allocate);
  LLVM::CondBrOp::create(fb, loc, failed, fail, fill);

  fb.setInsertionPointToEnd(fill);
  Value block = LLVM::GEPOp::create(fb, loc, ptrType, fb.getI8Type(), base,
                                    ArrayRef<LLVM::GEPArg>{header});
  LLVM::StoreOp::create(fb, loc, base, offsetPtr(fb, block, -8));
  LLVM::StoreOp::create(fb, loc, constI64(fb, tracked ? 1 : 0),
                        offsetPtr(fb, block, -32));
  if (tracked) {
    // Push at the front: {prev = null, next = head}; head->prev = block.
    Value headAddress = LLVM::AddressOfOp::create(fb, loc, head);
    Value first = LLVM::LoadOp::create(fb, loc, ptrType, headAddress);
    LLVM::StoreOp::create(fb, loc, null, offsetPtr(fb, block, -24));
    LLVM::StoreOp::create(fb, loc, first, offsetPtr(fb, block, -16));
    Value hasFirst =
        LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::ne, first, null);
    Block *link = fb.createBlock(&func.getBody());
    Block *done = fb.createBlock(&func.getBody());
    fb.setInsertionPointToEnd(fill);
    LLVM::CondBrOp::create(fb, loc, hasFirst, link, done);
    fb.setInsertionPointToEnd(link);
    LLVM::StoreOp::create(fb, loc, block, offsetPtr(fb, first, -24));
    LLVM::BrOp::create(fb, loc, done);
    fb.setInsertionPointToEnd(done);
    LLVM::StoreOp::create(fb, loc, block, headAddress);
  }
  LLVM::ReturnOp::create(fb, loc, block);
  return func;
}

/// `void __mlc_free(ptr)`: unlinks a tracked block and frees its base.
LLVM::LLVMFuncOp AllocationTracker::getFreeFunction() {
  if (freeFunction)
    return freeFunction;
  Type voidType = LLVM::LLVMVoidType::get(b.getContext());
  LLVM::LLVMFuncOp system = declare("free", voidType, {ptrType});
  LLVM::GlobalOp head = getListHead();
  freeFunction = LLVM::LLVMFuncOp::create(
      b, loc, "__mlc_free", LLVM::LLVMFunctionType::get(voidType, {ptrType}),
      LLVM::Linkage::Internal);
  LLVM::LLVMFuncOp func = freeFunction;
  Block *entryBlock = func.addEntryBlock(b);
  OpBuilder fb = OpBuilder::atBlockEnd(entryBlock);
  Value block = func.getArgument(0);
  Value null = LLVM::ZeroOp::create(fb, loc, ptrType);
  Value isNull =
      LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::eq, block, null);
  Block *exit = fb.createBlock(&func.getBody());
  LLVM::ReturnOp::create(fb, loc, ValueRange{});
  Block *check = fb.createBlock(&func.getBody());
  Block *unlink = fb.createBlock(&func.getBody());
  Block *release = fb.createBlock(&func.getBody());
  fb.setInsertionPointToEnd(entryBlock);
  LLVM::CondBrOp::create(fb, loc, isNull, exit, check);

  fb.setInsertionPointToEnd(check);
  Value linked =
      LLVM::LoadOp::create(fb, loc, i64Type, offsetPtr(fb, block, -32));
  Value isLinked = LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::ne,
                                        linked, constI64(fb, 0));
  LLVM::CondBrOp::create(fb, loc, isLinked, unlink, release);

  // prev ? prev->next = next : head = next;  next ? next->prev = prev.
  fb.setInsertionPointToEnd(unlink);
  Value prev =
      LLVM::LoadOp::create(fb, loc, ptrType, offsetPtr(fb, block, -24));
  Value next =
      LLVM::LoadOp::create(fb, loc, ptrType, offsetPtr(fb, block, -16));
  Value hasPrev =
      LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::ne, prev, null);
  Block *setPrevNext = fb.createBlock(&func.getBody());
  Block *setHead = fb.createBlock(&func.getBody());
  Block *fixNext = fb.createBlock(&func.getBody());
  Block *setNextPrev = fb.createBlock(&func.getBody());
  fb.setInsertionPointToEnd(unlink);
  LLVM::CondBrOp::create(fb, loc, hasPrev, setPrevNext, setHead);
  fb.setInsertionPointToEnd(setPrevNext);
  LLVM::StoreOp::create(fb, loc, next, offsetPtr(fb, prev, -16));
  LLVM::BrOp::create(fb, loc, fixNext);
  fb.setInsertionPointToEnd(setHead);
  LLVM::StoreOp::create(fb, loc, next,
                        LLVM::AddressOfOp::create(fb, loc, head));
  LLVM::BrOp::create(fb, loc, fixNext);
  fb.setInsertionPointToEnd(fixNext);
  Value hasNext =
      LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::ne, next, null);
  LLVM::CondBrOp::create(fb, loc, hasNext, setNextPrev, release);
  fb.setInsertionPointToEnd(setNextPrev);
  LLVM::StoreOp::create(fb, loc, prev, offsetPtr(fb, next, -24));
  LLVM::BrOp::create(fb, loc, release);

  fb.setInsertionPointToEnd(release);
  Value base = LLVM::LoadOp::create(fb, loc, ptrType, offsetPtr(fb, block, -8));
  LLVM::CallOp::create(fb, loc, system, ValueRange{base});
  LLVM::BrOp::create(fb, loc, exit);
  return func;
}

LLVM::LLVMFuncOp AllocationTracker::getReleaseFunction() {
  if (releaseFunction)
    return releaseFunction;
  Type voidType = LLVM::LLVMVoidType::get(b.getContext());
  LLVM::LLVMFuncOp freeBlock = getFreeFunction();
  LLVM::GlobalOp head = getListHead();
  releaseFunction = LLVM::LLVMFuncOp::create(
      b, loc, "__mlc_free_run_allocations",
      LLVM::LLVMFunctionType::get(voidType, {}), LLVM::Linkage::Internal);
  LLVM::LLVMFuncOp func = releaseFunction;
  Block *entryBlock = func.addEntryBlock(b);
  OpBuilder fb = OpBuilder::atBlockEnd(entryBlock);
  Block *loop = fb.createBlock(&func.getBody());
  Block *body = fb.createBlock(&func.getBody());
  Block *exit = fb.createBlock(&func.getBody());
  LLVM::ReturnOp::create(fb, loc, ValueRange{});
  fb.setInsertionPointToEnd(entryBlock);
  LLVM::BrOp::create(fb, loc, loop);
  // __mlc_free unlinks the head, so the list shrinks to empty.
  fb.setInsertionPointToEnd(loop);
  Value first = LLVM::LoadOp::create(fb, loc, ptrType,
                                     LLVM::AddressOfOp::create(fb, loc, head));
  Value empty = LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::eq, first,
                                     LLVM::ZeroOp::create(fb, loc, ptrType));
  LLVM::CondBrOp::create(fb, loc, empty, exit, body);
  fb.setInsertionPointToEnd(body);
  LLVM::CallOp::create(fb, loc, freeBlock, ValueRange{first});
  LLVM::BrOp::create(fb, loc, loop);
  return func;
}

void AllocationTracker::reroute(LLVM::LLVMFuncOp entry) {
  SmallVector<LLVM::CallOp> calls;
  for (auto func : module.getOps<LLVM::LLVMFuncOp>())
    if (!func.isExternal())
      func.walk([&](LLVM::CallOp call) {
        std::optional<StringRef> callee = call.getCallee();
        if ((callee == "malloc" && call.getArgOperands().size() == 1) ||
            (callee == "aligned_alloc" && call.getArgOperands().size() == 2) ||
            (callee == "free" && call.getArgOperands().size() == 1))
          calls.push_back(call);
      });
  for (LLVM::CallOp call : calls) {
    StringRef callee = *call.getCallee();
    LLVM::LLVMFuncOp wrapper;
    if (callee == "free") {
      wrapper = getFreeFunction();
    } else {
      bool tracked = call->getParentRegion() == &entry.getBody();
      wrapper = getAllocFunction(callee == "aligned_alloc", tracked);
    }
    call.setCalleeAttr(FlatSymbolRefAttr::get(wrapper.getSymNameAttr()));
  }
}
