//===- MapToGPU.cpp - Buffers to device memory, loop nests to kernels -----===//
//
// After bufferization and convert-linalg-to-parallel-loops: allocations
// become device allocations, each top-level scf.parallel a flattened 1-D
// kernel, and any other host op that touches memory a one-thread kernel.
//
//===----------------------------------------------------------------------===//

#include "CUDAPasses.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlc::cuda {
#define GEN_PASS_DEF_MAPTOGPU
#include "CUDAPasses.h.inc"
} // namespace mlc::cuda

using namespace mlir;
using namespace mlc;

static std::optional<int64_t> getConstant(Value v) {
  if (auto c = v.getDefiningOp<arith::ConstantIndexOp>())
    return c.value();
  return std::nullopt;
}

/// Replaces `loop` (constant bounds) by a kernel with one thread per point
/// of its iteration space; fails when a bound is not constant.
static LogicalResult mapParallelLoop(scf::ParallelOp loop, int64_t blockSize) {
  SmallVector<int64_t> lower, upper, steps, counts;
  for (auto [lb, ub, st] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    std::optional<int64_t> l = getConstant(lb), u = getConstant(ub),
                           s = getConstant(st);
    if (!l || !u || !s || *s <= 0)
      return loop.emitError("cannot map a parallel loop with dynamic bounds "
                            "onto the GPU");
    lower.push_back(*l);
    steps.push_back(*s);
    counts.push_back(*u > *l ? (*u - *l + *s - 1) / *s : 0);
  }
  int64_t total = 1;
  for (int64_t count : counts)
    total *= count;
  if (total == 0) {
    loop.erase();
    return success();
  }
  int64_t threads = std::min(total, blockSize);
  int64_t blocks = (total + threads - 1) / threads;
  if (blocks > std::numeric_limits<int32_t>::max())
    return loop.emitError("parallel loop too large for one GPU launch");
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  cuda::createLaunch(
      b, loc, {blocks, 1, 1}, {threads, 1, 1},
      [&](OpBuilder &kb, gpu::KernelDim3 blockIds, gpu::KernelDim3 threadIds) {
        auto cst = [&](int64_t v) -> Value {
          return arith::ConstantIndexOp::create(kb, loc, v);
        };
        Value id = arith::AddIOp::create(
            kb, loc, arith::MulIOp::create(kb, loc, blockIds.x, cst(threads)),
            threadIds.x);
        Value inRange = arith::CmpIOp::create(
            kb, loc, arith::CmpIPredicate::ult, id, cst(total));
        auto ifOp = scf::IfOp::create(kb, loc, inRange, /*withElse=*/false);
        OpBuilder ib = ifOp.getThenBodyBuilder();
        auto icst = [&](int64_t v) -> Value {
          return arith::ConstantIndexOp::create(ib, loc, v);
        };
        // Innermost dimension fastest, so that neighbouring threads touch
        // neighbouring elements.
        IRMapping mapping;
        Value rest = id;
        SmallVector<Value> ivs(counts.size());
        for (int64_t d = counts.size() - 1; d >= 0; --d) {
          Value index = rest;
          if (d > 0) {
            index = arith::RemUIOp::create(ib, loc, rest, icst(counts[d]));
            rest = arith::DivUIOp::create(ib, loc, rest, icst(counts[d]));
          }
          ivs[d] = arith::AddIOp::create(
              ib, loc, arith::MulIOp::create(ib, loc, index, icst(steps[d])),
              icst(lower[d]));
        }
        mapping.map(loop.getInductionVars(), ivs);
        for (Operation &op : loop.getBody()->without_terminator())
          ib.clone(op, mapping);
      });
  loop.erase();
  return success();
}

/// Moves `op` into a one-thread kernel.
static void wrapInSingleThread(Operation *op) {
  OpBuilder b(op);
  gpu::LaunchOp launch =
      cuda::createLaunch(b, op->getLoc(), {1, 1, 1}, {1, 1, 1},
                         [](OpBuilder &, gpu::KernelDim3, gpu::KernelDim3) {});
  op->moveBefore(launch.getBody().front().getTerminator());
}

/// Whether the host may run `op`: it computes addresses or scalars but
/// reads and writes no buffer.
static bool runsOnHost(Operation *op) {
  if (isa<gpu::LaunchOp, func::ReturnOp, func::CallOp, memref::GetGlobalOp,
          gpu::AllocOp, gpu::DeallocOp, gpu::MemcpyOp,
          nvgpu::TmaCreateDescriptorOp>(op))
    return true;
  if (isa<ViewLikeOpInterface, memref::ExtractStridedMetadataOp>(op))
    return true;
  return op->getNumRegions() == 0 && isMemoryEffectFree(op);
}

namespace {
struct MapToGPUPass : cuda::impl::MapToGPUBase<MapToGPUPass> {
  using MapToGPUBase::MapToGPUBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (blockSize <= 0 || blockSize > 1024) {
      func.emitError("block-size must be in 1..1024");
      return signalPassFailure();
    }
    if (!func.getBody().hasOneBlock()) {
      func.emitError("the CUDA backend needs a single-block entry function");
      return signalPassFailure();
    }
    Block &body = func.getBody().front();
    for (Operation &op : llvm::make_early_inc_range(body)) {
      OpBuilder b(&op);
      if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        auto gpuAlloc = gpu::AllocOp::create(
            b, alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(),
            ValueRange{}, alloc.getDynamicSizes(), alloc.getSymbolOperands(),
            /*hostShared=*/false);
        alloc.replaceAllUsesWith(gpuAlloc.getMemref());
        alloc.erase();
        continue;
      }
      if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
        gpu::DeallocOp::create(b, dealloc.getLoc(), /*asyncToken=*/Type(),
                               ValueRange{}, dealloc.getMemref());
        dealloc.erase();
        continue;
      }
      if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
        if (failed(mapParallelLoop(loop, blockSize)))
          return signalPassFailure();
        continue;
      }
      if (runsOnHost(&op))
        continue;
      if (!op.use_empty()) {
        op.emitError("cannot run this operation on the GPU: its result is "
                     "used by host code");
        return signalPassFailure();
      }
      wrapInSingleThread(&op);
    }
  }
};
} // namespace
