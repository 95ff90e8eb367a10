//===- HopperGEMM.cpp - TMA + warpgroup MMA GEMM kernel for sm_90a --------===//
//
// The GEMM kernel of large f16/bf16 matmuls on Hopper: C[M,N] += A[M,K] *
// B[K,N] (row-major, f32 C), block tile 256x128x64, three warpgroups:
//
//   warpgroup 2 (producer): one thread walks K; per step it waits until
//     the consumers released the stage (mbarrier "empty"), announces the
//     stage's bytes on its "full" mbarrier and issues four TMA loads
//     (cp.async.bulk.tensor) of the two 128x64 A boxes and the two 64x64
//     B boxes into 128-byte-swizzled shared memory;
//   warpgroups 0 and 1 (consumers): each owns 128 rows of the tile; per
//     step it waits on "full", issues wgmma.mma_async m64n128k16 (via
//     nvgpu.warpgroup.mma: 2 x 4 instructions) on its A box and the shared
//     B tile, and releases the previous stage (its wgmma group completed).
//
// kStages stages are in flight. After the loop the consumers stage their
// f32 accumulators in shared memory and add them to C with coalesced
// vector loads and stores.
//
//===----------------------------------------------------------------------===//

#include "CUDAPasses.h"
#include "IndexMath.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"

using namespace mlir;
using namespace mlc;

namespace {
constexpr int64_t kTileM = 256, kTileN = 128, kTileK = 64;
/// Rows of A and columns of B one TMA box covers (a 128-byte swizzle
/// holds at most 64 16-bit elements in the inner dimension).
constexpr int64_t kBoxA = 128, kBoxB = 64;
constexpr int64_t kStages = 4;
constexpr int64_t kWarpgroup = 128;
constexpr int64_t kConsumers = 2;
constexpr int64_t kThreads = (kConsumers + 1) * kWarpgroup;
constexpr int64_t kElementBytes = 2;
constexpr int64_t kABoxBytes = kBoxA * kTileK * kElementBytes;   // 16 KiB
constexpr int64_t kBBoxBytes = kTileK * kBoxB * kElementBytes;   // 8 KiB
constexpr int64_t kStageBytes = 2 * kABoxBytes + 2 * kBBoxBytes; // 48 KiB
constexpr int64_t kAccBytes = kBoxA * kTileN * 4;                // 64 KiB
constexpr int64_t kSharedBytes =
    std::max(kStages * kStageBytes, kConsumers *kAccBytes);
/// Register budgets (setmaxnreg) of the producer and the consumers:
/// 128 * (40 + 2 * 232) fits the 64K registers of an SM.
constexpr unsigned kProducerRegisters = 40, kConsumerRegisters = 232;
} // namespace

bool cuda::isHopperGEMMShape(int64_t m, int64_t n, int64_t k) {
  return m % kTileM == 0 && n % kTileN == 0 && k % kTileK == 0 &&
         n / kTileN <= 2147483647 && m / kTileM <= 65535;
}

void cuda::buildHopperGEMM(OpBuilder &b, Location loc, Value a, Value bm,
                           Value c, int64_t m, int64_t n, int64_t k) {
  MLIRContext *ctx = b.getContext();
  Type elementType = cast<MemRefType>(a.getType()).getElementType();
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto sharedType = [&](ArrayRef<int64_t> shape, Type type) {
    return MemRefType::get(shape, type, MemRefLayoutAttrInterface(), workgroup);
  };
  auto tensorMapType = [&](MemRefType box) {
    return nvgpu::TensorMapDescriptorType::get(
        ctx, box, nvgpu::TensorMapSwizzleKind::SWIZZLE_128B,
        nvgpu::TensorMapL2PromoKind::L2PROMO_NONE,
        nvgpu::TensorMapOOBKind::OOB_ZERO,
        nvgpu::TensorMapInterleaveKind::INTERLEAVE_NONE);
  };
  MemRefType aBoxType = sharedType({kBoxA, kTileK}, elementType);
  MemRefType bBoxType = sharedType({kTileK, kBoxB}, elementType);
  MemRefType bTileType = sharedType({kTileK, kTileN}, elementType);
  MemRefType accTileType = sharedType({kBoxA, kTileN}, b.getF32Type());
  auto aMapType = tensorMapType(aBoxType);
  auto bMapType = tensorMapType(bBoxType);
  auto cst = [&](OpBuilder &ob, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ob, loc, v);
  };

  // Host: the TMA descriptors of A and B (cuTensorMapEncodeTiled through
  // the runtime), passed to the kernel as pointers to device memory.
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto descriptor = [&](Value matrix, nvgpu::TensorMapDescriptorType type,
                        int64_t rows, int64_t cols) -> Value {
    auto unranked = UnrankedMemRefType::get(elementType, Attribute());
    Value cast = memref::CastOp::create(b, loc, unranked, matrix);
    Value map = nvgpu::TmaCreateDescriptorOp::create(
        b, loc, type, cast, ValueRange{cst(b, rows), cst(b, cols)});
    // As an integer: a cast pair desc -> ptr -> desc would fold away and
    // leave the nvgpu type on the kernel's signature.
    Value ptr =
        UnrealizedConversionCastOp::create(b, loc, ptrType, map).getResult(0);
    return LLVM::PtrToIntOp::create(b, loc, b.getI64Type(), ptr);
  };
  Value aMapPtr = descriptor(a, aMapType, kBoxA, kTileK);
  Value bMapPtr = descriptor(bm, bMapType, kTileK, kBoxB);

  auto launch = gpu::LaunchOp::create(
      b, loc, cst(b, n / kTileN), cst(b, m / kTileM), cst(b, 1),
      cst(b, kThreads), cst(b, 1), cst(b, 1),
      /*dynamicSharedMemorySize=*/
      arith::ConstantIntOp::create(b, loc, kSharedBytes, 32));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  cuda::IndexMath im{b, loc};
  auto ifThen = [&](Value cond, function_ref<void()> body) {
    auto ifOp = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard ifGuard(b);
    b.setInsertionPointToStart(&ifOp.getThenRegion().front());
    body();
  };
  // Parity of the phase that round `iv / kStages` of a stage waits for.
  auto parity = [&](Value iv, bool flip) -> Value {
    Value bit = im.rem(im.div(iv, kStages), 2);
    Value isOdd =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, bit, im.c(0));
    if (!flip)
      return isOdd;
    Value one = arith::ConstantIntOp::create(b, loc, 1, 1);
    return arith::XOrIOp::create(b, loc, isOdd, one);
  };

  auto toMap = [&](Value address, Type type) -> Value {
    Value ptr = LLVM::IntToPtrOp::create(b, loc, ptrType, address);
    return UnrealizedConversionCastOp::create(b, loc, type, ptr).getResult(0);
  };
  Value aMap = toMap(aMapPtr, aMapType);
  Value bMap = toMap(bMapPtr, bMapType);
  Value tid = launch.getThreadIds().x;
  Value warpgroup = im.div(tid, kWarpgroup);
  Value rowBase = im.mul(launch.getBlockIds().y, kTileM);
  Value colBase = im.mul(launch.getBlockIds().x, kTileN);
  Value shared = gpu::DynamicSharedMemoryOp::create(
      b, loc, sharedType({ShapedType::kDynamic}, b.getI8Type()));
  auto view = [&](MemRefType type, Value byteOffset) -> Value {
    return memref::ViewOp::create(b, loc, type, shared, byteOffset,
                                  ValueRange{});
  };
  auto barrierType = nvgpu::MBarrierGroupType::get(ctx, workgroup, kStages);
  Value full = nvgpu::MBarrierCreateOp::create(b, loc, barrierType);
  Value empty = nvgpu::MBarrierCreateOp::create(b, loc, barrierType);
  ifThen(im.eq(tid, 0), [&] {
    for (int64_t s = 0; s < kStages; ++s) {
      nvgpu::MBarrierInitOp::create(b, loc, full, im.c(1), im.c(s), Value());
      nvgpu::MBarrierInitOp::create(b, loc, empty, im.c(kConsumers), im.c(s),
                                    Value());
    }
    nvgpu::TmaPrefetchOp::create(b, loc, aMap, Value());
    nvgpu::TmaPrefetchOp::create(b, loc, bMap, Value());
  });
  gpu::BarrierOp::create(b, loc);
  Value ticks = im.c(10000000);
  int64_t kSteps = k / kTileK;

  // Producer.
  ifThen(im.eq(warpgroup, kConsumers), [&] {
    NVVM::SetMaxRegisterOp::create(b, loc, kProducerRegisters,
                                   NVVM::SetMaxRegisterAction::decrease);
    ifThen(im.eq(tid, kConsumers * kWarpgroup), [&] {
      auto loop = scf::ForOp::create(b, loc, im.c(0), im.c(kSteps), im.c(1));
      OpBuilder::InsertionGuard loopGuard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value iv = loop.getInductionVar();
      Value stage = im.rem(iv, kStages);
      nvgpu::MBarrierTryWaitParityOp::create(b, loc, empty, parity(iv, true),
                                             ticks, stage);
      nvgpu::MBarrierArriveExpectTxOp::create(b, loc, full, im.c(kStageBytes),
                                              stage, Value());
      Value base = im.mul(stage, kStageBytes);
      Value kOffset = im.mul(iv, kTileK);
      for (int64_t i = 0; i < 2; ++i)
        nvgpu::TmaAsyncLoadOp::create(
            b, loc, view(aBoxType, im.addc(base, i * kABoxBytes)), full, aMap,
            ValueRange{kOffset, im.addc(rowBase, i * kBoxA)}, stage, Value(),
            Value());
      for (int64_t i = 0; i < 2; ++i)
        nvgpu::TmaAsyncLoadOp::create(
            b, loc,
            view(bBoxType, im.addc(base, 2 * kABoxBytes + i * kBBoxBytes)),
            full, bMap, ValueRange{im.addc(colBase, i * kBoxB), kOffset}, stage,
            Value(), Value());
    });
  });

  // Consumers.
  Value isConsumer = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                           warpgroup, im.c(kConsumers));
  ifThen(isConsumer, [&] {
    NVVM::SetMaxRegisterOp::create(b, loc, kConsumerRegisters,
                                   NVVM::SetMaxRegisterAction::increase);
    auto accType = nvgpu::WarpgroupAccumulatorType::get(
        ctx, VectorType::get({kBoxA, kTileN}, b.getF32Type()));
    Value init = nvgpu::WarpgroupMmaInitAccumulatorOp::create(b, loc, accType);
    Value isLeader = im.eq(im.rem(tid, kWarpgroup), 0);
    Value aOffset = im.mul(warpgroup, kABoxBytes);
    auto loop = scf::ForOp::create(
        b, loc, im.c(0), im.c(kSteps), im.c(1), ValueRange{init},
        [&](OpBuilder &lb, Location, Value iv, ValueRange iter) {
          OpBuilder::InsertionGuard loopGuard(b);
          b.setInsertionPoint(lb.getInsertionBlock(), lb.getInsertionPoint());
          Value stage = im.rem(iv, kStages);
          nvgpu::MBarrierTryWaitParityOp::create(
              b, loc, full, parity(iv, false), ticks, stage);
          Value base = im.mul(stage, kStageBytes);
          Value aTile = view(aBoxType, im.add(base, aOffset));
          Value bTile = view(bTileType, im.addc(base, 2 * kABoxBytes));
          Value aDesc = nvgpu::WarpgroupGenerateDescriptorOp::create(
              b, loc, nvgpu::WarpgroupMatrixDescriptorType::get(ctx, aBoxType),
              aTile, aMap);
          Value bDesc = nvgpu::WarpgroupGenerateDescriptorOp::create(
              b, loc, nvgpu::WarpgroupMatrixDescriptorType::get(ctx, bTileType),
              bTile, bMap);
          // Waits for the previous step's group (waitGroup = 1), whose
          // stage is then released to the producer.
          Value acc = nvgpu::WarpgroupMmaOp::create(
              b, loc, accType, aDesc, bDesc, /*waitGroup=*/1,
              /*transposeA=*/UnitAttr(), /*transposeB=*/b.getUnitAttr(),
              iter[0]);
          Value notFirst = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::ne, iv, im.c(0));
          ifThen(arith::AndIOp::create(b, loc, notFirst, isLeader), [&] {
            Value previous = im.rem(im.addc(iv, kStages - 1), kStages);
            nvgpu::MBarrierArriveOp::create(
                b, loc, nvgpu::MBarrierTokenType::get(ctx), empty, previous);
          });
          scf::YieldOp::create(b, loc, acc);
        });
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
    // Both consumers are done with every stage before the accumulators
    // overwrite them (named barrier 1: the 256 consumer threads).
    auto consumerBarrier = [&] {
      Value id = arith::ConstantIntOp::create(b, loc, 1, 32);
      Value count =
          arith::ConstantIntOp::create(b, loc, kConsumers * kWarpgroup, 32);
      NVVM::BarrierOp::create(b, loc, Type(), id, count,
                              NVVM::BarrierReductionAttr(), Value());
    };
    consumerBarrier();
    Value accTile = view(accTileType, im.mul(warpgroup, kAccBytes));
    nvgpu::WarpgroupMmaStoreOp::create(b, loc, loop.getResult(0), accTile);
    consumerBarrier();
    // C[rows of this warpgroup] += staged accumulators: each warp adds
    // one 128-column row per step, 4 floats a thread.
    Value lane = im.rem(tid, kWarpgroup);
    Value col = im.mul(im.rem(lane, 32), 4);
    Value globalRow0 = im.add(rowBase, im.mul(warpgroup, kBoxA));
    Value globalCol = im.add(colBase, col);
    auto rows = scf::ForOp::create(b, loc, im.div(lane, 32), im.c(kBoxA),
                                   im.c(kWarpgroup / 32));
    OpBuilder::InsertionGuard rowsGuard(b);
    b.setInsertionPointToStart(rows.getBody());
    Value r = rows.getInductionVar();
    Value globalRow = im.add(globalRow0, r);
    for (int64_t e = 0; e < 4; ++e) {
      Value sharedCol = im.addc(col, e), cCol = im.addc(globalCol, e);
      Value staged =
          memref::LoadOp::create(b, loc, accTile, ValueRange{r, sharedCol});
      Value old =
          memref::LoadOp::create(b, loc, c, ValueRange{globalRow, cCol});
      Value sum = arith::AddFOp::create(b, loc, old, staged);
      memref::StoreOp::create(b, loc, sum, c, ValueRange{globalRow, cCol});
    }
  });
  gpu::TerminatorOp::create(b, loc);
}
