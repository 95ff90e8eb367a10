//===- PlanMemory.cpp - The mlc-cpu-plan-memory pass ----------------------===//
//
// A static memory plan for the model entry: every buffer that the entry
// allocates and frees in its top-level block, with a static size, gets an
// offset in one arena, by liveness (buffers whose lives do not overlap
// share bytes). The arena becomes a trailing argument of the entry, which
// the runtime ABI allocates once per context (mlc-emit-runtime-abi), so
// that a run of a statically shaped model allocates nothing.
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"

#include "mlc/Backend/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_PLANMEMORY
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;
using namespace mlc::cpu;

namespace {

/// Offsets and the arena are aligned as MLIR's allocations are.
constexpr int64_t kAlignment = 64;

int64_t alignUp(int64_t bytes) {
  return (bytes + kAlignment - 1) / kAlignment * kAlignment;
}

/// One buffer of the plan: its allocation, its single deallocation, its
/// life in top-level block order, its size and its offset.
struct Buffer {
  memref::AllocOp alloc;
  memref::DeallocOp dealloc;
  int64_t begin, end, bytes, offset = -1;
};

/// The byte size of a buffer the plan may take: static shape, identity
/// layout, whole-byte elements; none for the others.
std::optional<int64_t> getPlannableBytes(memref::AllocOp alloc) {
  MemRefType type = alloc.getType();
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      type.getMemorySpace() || !alloc.getDynamicSizes().empty() ||
      !alloc.getSymbolOperands().empty())
    return std::nullopt;
  Type element = type.getElementType();
  if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  return type.getNumElements() * (element.getIntOrFloatBitWidth() / 8);
}

/// Greedy by size: the largest buffers first, each at the lowest offset
/// where it overlaps no placed buffer that is live at the same time.
/// Returns the arena size.
int64_t assignOffsets(std::vector<Buffer> &buffers) {
  std::vector<Buffer *> order;
  for (Buffer &b : buffers)
    order.push_back(&b);
  llvm::sort(order, [](const Buffer *a, const Buffer *b) {
    return a->bytes != b->bytes ? a->bytes > b->bytes : a->begin < b->begin;
  });
  std::vector<Buffer *> placed;
  int64_t arena = 0;
  for (Buffer *b : order) {
    // Placed buffers live at the same time, by offset.
    std::vector<Buffer *> conflicts;
    for (Buffer *p : placed)
      if (p->begin <= b->end && b->begin <= p->end)
        conflicts.push_back(p);
    llvm::sort(conflicts, [](const Buffer *x, const Buffer *y) {
      return x->offset < y->offset;
    });
    int64_t offset = 0;
    for (Buffer *c : conflicts) {
      if (offset + b->bytes <= c->offset)
        break;
      offset = std::max(offset, alignUp(c->offset + c->bytes));
    }
    b->offset = offset;
    arena = std::max(arena, alignUp(offset + b->bytes));
    placed.push_back(b);
  }
  return arena;
}

/// Buffers of parallel loop iterations up to this size live on the stack
/// of the thread that runs the iteration (libomp's workers have 4 MiB).
constexpr int64_t kMaxStackBytes = 64 * 1024;

/// The only deallocation of `alloc`, in its block, when every other use is
/// in `scope` (`noteUse` gets the use's ancestor there) and is a view of
/// the buffer or an op that returns no buffer: the buffer neither escapes
/// (a loop result, an output) nor is freed on some paths only. Null
/// otherwise.
memref::DeallocOp
findOnlyDeallocation(memref::AllocOp alloc, Block &scope,
                     llvm::function_ref<void(Operation *)> noteUse) {
  memref::DeallocOp dealloc;
  unsigned deallocs = 0;
  SmallVector<Value> worklist = {alloc.getResult()};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (auto d = dyn_cast<memref::DeallocOp>(user)) {
        ++deallocs;
        dealloc = d;
        continue;
      }
      Operation *top = scope.findAncestorOpInBlock(*user);
      if (!top)
        return {};
      noteUse(top);
      if (isa<ViewLikeOpInterface, memref::CastOp>(user)) {
        worklist.append(user->result_begin(), user->result_end());
        continue;
      }
      if (llvm::any_of(user->getResultTypes(),
                       [](Type t) { return isa<BaseMemRefType>(t); }))
        return {};
    }
  }
  if (deallocs != 1 || dealloc->getBlock() != alloc->getBlock())
    return {};
  return dealloc;
}

/// Replaces `alloc`, a buffer of an iteration of the parallel loop
/// `parallel` with one deallocation, by a stack allocation at the start of
/// the iteration (mlc-cpu-lower-parallel-loops makes it once per thread).
void moveToStack(memref::AllocOp alloc, Operation *parallel) {
  OpBuilder b = OpBuilder::atBlockBegin(&parallel->getRegion(0).front());
  auto alloca = memref::AllocaOp::create(b, alloc.getLoc(), alloc.getType(),
                                         alloc.getAlignmentAttr());
  for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
    if (isa<memref::DeallocOp>(user))
      user->erase();
  alloc.replaceAllUsesWith(alloca.getResult());
  alloc.erase();
}

struct PlanMemoryPass : public mlc::cpu::impl::PlanMemoryBase<PlanMemoryPass> {
  using PlanMemoryBase::PlanMemoryBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entry = module.lookupSymbol<func::FuncOp>(mlc::kEntryFuncName);
    if (!entry || entry.isExternal() || !entry.getBody().hasOneBlock())
      return;
    Block &body = entry.getBody().front();
    llvm::DenseMap<Operation *, int64_t> position;
    int64_t index = 0;
    for (Operation &op : body)
      position[&op] = index++;

    std::vector<Buffer> buffers;
    SmallVector<memref::AllocOp> allocs;
    SmallVector<std::pair<memref::AllocOp, Operation *>> onStack;
    entry.walk([&](memref::AllocOp alloc) { allocs.push_back(alloc); });
    for (memref::AllocOp alloc : allocs) {
      std::optional<int64_t> bytes = getPlannableBytes(alloc);
      if (!bytes)
        continue;
      // A buffer of a sequential loop body (a temporary of the loop
      // lowering) is made and freed by every iteration: one slot serves
      // them all, live for the whole loop. Iterations of a parallel loop
      // on several threads would share it: a small one goes on the stack
      // of the thread that runs the iteration instead (the outermost
      // parallel loop's; the loops in it run on that thread).
      Operation *top = body.findAncestorOpInBlock(*alloc);
      Operation *parallel = nullptr;
      for (Operation *parent = alloc->getParentOp(); threads && parent != entry;
           parent = parent->getParentOp())
        if (isa<scf::ForallOp, scf::ParallelOp>(parent))
          parallel = parent;
      if (!top)
        continue;
      if (parallel) {
        Block &iteration = parallel->getRegion(0).front();
        if (*bytes <= kMaxStackBytes &&
            findOnlyDeallocation(alloc, iteration, [](Operation *) {}))
          onStack.push_back({alloc, parallel});
        continue;
      }
      int64_t lastUse = position[top];
      memref::DeallocOp dealloc =
          findOnlyDeallocation(alloc, body, [&](Operation *user) {
            lastUse = std::max(lastUse, position[user]);
          });
      if (!dealloc)
        continue;
      buffers.push_back({alloc, dealloc, position[top], lastUse, *bytes});
    }
    for (auto [alloc, parallel] : onStack)
      moveToStack(alloc, parallel);
    if (buffers.empty())
      return;
    int64_t arenaBytes = assignOffsets(buffers);

    // The largest set of buffers live at once, and where it starts.
    int64_t peak = 0;
    Operation *peakAt = nullptr;
    for (Buffer &b : buffers) {
      int64_t live = 0;
      for (Buffer &other : buffers)
        if (other.begin <= b.begin && b.begin <= other.end)
          live += other.bytes;
      if (live > peak) {
        peak = live;
        peakAt = b.alloc;
      }
    }
    if (report) {
      // The constant weights, for scale.
      int64_t weights = 0;
      module.walk([&](memref::GlobalOp global) {
        MemRefType type = global.getType();
        if (global.getConstant() && type.hasStaticShape() &&
            type.getElementType().isIntOrFloat())
          weights += type.getNumElements() *
                     ((type.getElementType().getIntOrFloatBitWidth() + 7) / 8);
      });
      InFlightDiagnostic remark = emitRemark(entry.getLoc())
                                  << "memory plan: arena " << arenaBytes
                                  << " bytes for " << buffers.size()
                                  << " buffers; largest live set " << peak
                                  << " bytes; weights " << weights << " bytes";
      remark.attachNote(peakAt->getLoc()) << "largest live set from here";
    }

    // The arena: a trailing argument of the entry.
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    auto arenaType = MemRefType::get({arenaBytes}, b.getI8Type());
    unsigned arenaIndex = entry.getNumArguments();
    if (failed(entry.insertArgument(arenaIndex, arenaType,
                                    b.getDictionaryAttr(b.getNamedAttr(
                                        mlc::kArenaArgAttr, b.getUnitAttr())),
                                    entry.getLoc())))
      return signalPassFailure();
    Value arena = entry.getArgument(arenaIndex);
    for (Buffer &buffer : buffers) {
      b.setInsertionPoint(buffer.alloc);
      Value offset = arith::ConstantIndexOp::create(b, buffer.alloc.getLoc(),
                                                    buffer.offset);
      Value view = memref::ViewOp::create(b, buffer.alloc.getLoc(),
                                          buffer.alloc.getType(), arena, offset,
                                          ValueRange{});
      buffer.alloc.replaceAllUsesWith(view);
      buffer.dealloc.erase();
      buffer.alloc.erase();
    }
    module->setAttr(mlc::kArenaSizeAttr, b.getI64IntegerAttr(arenaBytes));
  }
};

} // namespace
