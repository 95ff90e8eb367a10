//===- MMAToGPU.cpp - Padded f16 matmuls to Tensor Core kernels -----------===//
//
// Each linalg.matmul / linalg.batch_matmul on memrefs with f16 inputs, an
// f32 accumulator and tile-multiple dimensions becomes a gpu.launch whose
// warps compute 16x16 output tiles with WMMA; bf16 -> f32 and i8 -> i32
// ones (and f16 ones with mma-sync=1) become the mma.sync kernel of
// MMASyncGEMM.cpp.
//
//===----------------------------------------------------------------------===//

#include "CUDAPasses.h"
#include "IndexMath.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlc::cuda {
#define GEN_PASS_DEF_MMATOGPU
#include "CUDAPasses.h.inc"
} // namespace mlc::cuda

using namespace mlir;
using namespace mlc;

gpu::LaunchOp cuda::createLaunch(
    OpBuilder &b, Location loc, ArrayRef<int64_t> grid, ArrayRef<int64_t> block,
    function_ref<void(OpBuilder &, gpu::KernelDim3, gpu::KernelDim3)> body) {
  auto c = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto launch =
      gpu::LaunchOp::create(b, loc, c(grid[0]), c(grid[1]), c(grid[2]),
                            c(block[0]), c(block[1]), c(block[2]));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  body(b, launch.getBlockIds(), launch.getThreadIds());
  gpu::TerminatorOp::create(b, loc);
  return launch;
}

/// Whether `v` is a static identity-layout memref whose last two dims are
/// multiples of the MMA tile.
static bool isTileable(Value v, Type elementType) {
  auto type = dyn_cast<MemRefType>(v.getType());
  if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity() ||
      type.getElementType() != elementType || type.getRank() < 2)
    return false;
  int64_t rank = type.getRank();
  return type.getDimSize(rank - 1) % cuda::kMMATile == 0 &&
         type.getDimSize(rank - 2) % cuda::kMMATile == 0;
}

/// Edge of the block tile of the shared-memory kernel, and its K step.
static constexpr int64_t kBlockTile = 64;

/// The shared-memory kernel, for M and N multiples of 64: a block of four
/// warps computes a 64x64 tile, each warp 32x32 (2x2 WMMA fragments). Per
/// step of K, the block stages the 64x16 A tile and the 16x64 B tile in
/// workgroup memory with cp.async (16 bytes a thread), waits, and every
/// warp reads its fragments from there: A and B are read from global
/// memory once per block instead of once per warp tile.
static void buildStagedKernel(OpBuilder &b, Location loc, Value a, Value bm,
                              Value c, int64_t batch, int64_t m, int64_t n,
                              int64_t k, bool batched) {
  MLIRContext *ctx = b.getContext();
  const int64_t tile = cuda::kMMATile;
  Type f16 = b.getF16Type();
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto sAType = MemRefType::get({kBlockTile, tile}, f16,
                                MemRefLayoutAttrInterface(), workgroup);
  auto sBType = MemRefType::get({tile, kBlockTile}, f16,
                                MemRefLayoutAttrInterface(), workgroup);
  auto aFrag = gpu::MMAMatrixType::get({tile, tile}, f16, "AOp");
  auto bFrag = gpu::MMAMatrixType::get({tile, tile}, f16, "BOp");
  auto cFrag = gpu::MMAMatrixType::get({tile, tile}, b.getF32Type(), "COp");
  auto lead = [&](int64_t v) {
    return IntegerAttr::get(IndexType::get(ctx), v);
  };
  auto c0 = [&](OpBuilder &ob, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ob, loc, v);
  };
  auto launch = gpu::LaunchOp::create(
      b, loc, c0(b, m / kBlockTile), c0(b, n / kBlockTile), c0(b, batch),
      c0(b, 128), c0(b, 1), c0(b, 1), /*dynamicSharedMemorySize=*/nullptr,
      /*asyncTokenType=*/nullptr, ValueRange{}, TypeRange{sAType, sBType});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  cuda::IndexMath im{b, loc};
  gpu::KernelDim3 blockIds = launch.getBlockIds();
  Value tid = launch.getThreadIds().x;
  Value sA = launch.getWorkgroupAttributions()[0];
  Value sB = launch.getWorkgroupAttributions()[1];
  auto indices = [&](Value r, Value cl) {
    SmallVector<Value> idx;
    if (batched)
      idx.push_back(blockIds.z);
    idx.append({r, cl});
    return idx;
  };
  Value warp = im.div(tid, 32);
  Value warpRow = im.mul(im.div(warp, 2), 32),
        warpCol = im.mul(im.rem(warp, 2), 32);
  Value row0 = im.mul(blockIds.x, kBlockTile),
        col0 = im.mul(blockIds.y, kBlockTile);
  SmallVector<Value> rows, cols;
  for (int64_t i = 0; i < 2; ++i) {
    rows.push_back(im.add(im.add(row0, warpRow), im.c(i * tile)));
    cols.push_back(im.add(im.add(col0, warpCol), im.c(i * tile)));
  }
  SmallVector<Value> accs;
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 2; ++j)
      accs.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
          b, loc, cFrag, c, indices(rows[i], cols[j]), lead(n), UnitAttr()));
  // Thread t copies 8 halves (16 bytes): A row t/2, column (t%2)*8; B row
  // t/8, column (t%8)*8.
  Value aRow = im.div(tid, 2), aCol = im.mul(im.rem(tid, 2), 8);
  Value bRow = im.div(tid, 8), bCol = im.mul(im.rem(tid, 8), 8);
  Value aGlobalRow = im.add(row0, aRow), bGlobalCol = im.add(col0, bCol);
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(ctx);
  auto loop = scf::ForOp::create(
      b, loc, im.c(0), im.c(k), im.c(tile), accs,
      [&](OpBuilder &lb, Location ll, Value kIv, ValueRange iter) {
        OpBuilder::InsertionGuard loopGuard(b);
        b.setInsertionPoint(lb.getInsertionBlock(), lb.getInsertionPoint());
        Value copyA = nvgpu::DeviceAsyncCopyOp::create(
            b, ll, tokenType, sA, ValueRange{aRow, aCol}, a,
            indices(aGlobalRow, im.add(kIv, aCol)), b.getIndexAttr(8),
            /*srcElements=*/Value(), /*bypassL1=*/UnitAttr());
        Value copyB = nvgpu::DeviceAsyncCopyOp::create(
            b, ll, tokenType, sB, ValueRange{bRow, bCol}, bm,
            indices(im.add(kIv, bRow), bGlobalCol), b.getIndexAttr(8), Value(),
            UnitAttr());
        Value group = nvgpu::DeviceAsyncCreateGroupOp::create(
            b, ll, tokenType, ValueRange{copyA, copyB});
        nvgpu::DeviceAsyncWaitOp::create(b, ll, group, IntegerAttr());
        gpu::BarrierOp::create(b, ll);
        SmallVector<Value> fa, fb;
        for (int64_t i = 0; i < 2; ++i) {
          fa.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
              b, ll, aFrag, sA,
              ValueRange{im.add(warpRow, im.c(i * tile)), im.c(0)}, lead(tile),
              UnitAttr()));
          fb.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
              b, ll, bFrag, sB,
              ValueRange{im.c(0), im.add(warpCol, im.c(i * tile))},
              lead(kBlockTile), UnitAttr()));
        }
        SmallVector<Value> results;
        for (int64_t i = 0; i < 2; ++i)
          for (int64_t j = 0; j < 2; ++j)
            results.push_back(gpu::SubgroupMmaComputeOp::create(
                b, ll, cFrag, fa[i], fb[j], iter[i * 2 + j], UnitAttr(),
                UnitAttr()));
        // The next step overwrites the tiles only after every warp read them.
        gpu::BarrierOp::create(b, ll);
        scf::YieldOp::create(b, ll, results);
      });
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 2; ++j)
      gpu::SubgroupMmaStoreMatrixOp::create(b, loc, loop.getResult(i * 2 + j),
                                            c, indices(rows[i], cols[j]),
                                            lead(n), UnitAttr());
  gpu::TerminatorOp::create(b, loc);
}

namespace {
template <typename OpTy> struct MatmulToWMMA : OpRewritePattern<OpTy> {
  MatmulToWMMA(MLIRContext *ctx, unsigned sm, bool mmaSync)
      : OpRewritePattern<OpTy>(ctx), sm(sm), mmaSync(mmaSync) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics() || op.hasUserDefinedMaps())
      return rewriter.notifyMatchFailure(op, "not a plain memref matmul");
    Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1];
    Value c = op.getDpsInits()[0];
    auto aType = dyn_cast<MemRefType>(a.getType());
    if (!aType)
      return failure();
    Type inType = aType.getElementType();
    if (succeeded(matchHopper(op, a, b, c, rewriter)))
      return success();
    if (succeeded(matchMMASync(op, a, b, c, rewriter)))
      return success();
    if (!inType.isF16() || !isTileable(a, inType) || !isTileable(b, inType) ||
        !isTileable(c, rewriter.getF32Type()))
      return rewriter.notifyMatchFailure(
          op, "needs f16 x f16 -> f32 in 16-multiples");
    auto cType = cast<MemRefType>(c.getType());
    bool batched = cType.getRank() == 3;
    int64_t batch = batched ? cType.getDimSize(0) : 1;
    int64_t m = cType.getDimSize(batched), n = cType.getDimSize(batched + 1);
    int64_t k = aType.getDimSize(batched + 1);
    const int64_t tile = cuda::kMMATile;

    MLIRContext *ctx = rewriter.getContext();
    auto aFrag = gpu::MMAMatrixType::get({tile, tile}, inType, "AOp");
    auto bFrag = gpu::MMAMatrixType::get({tile, tile}, inType, "BOp");
    auto cFrag =
        gpu::MMAMatrixType::get({tile, tile}, rewriter.getF32Type(), "COp");
    auto lead = [&](int64_t v) {
      return IntegerAttr::get(IndexType::get(ctx), v);
    };
    Location loc = op.getLoc();
    // Row tiles on x, whose grid limit (2^31 - 1) fits im2col's large M;
    // y and z are limited to 65535.
    if (n / tile > 65535 || batch > 65535)
      return rewriter.notifyMatchFailure(op,
                                         "too many column tiles or batches");
    if (m % kBlockTile == 0 && n % kBlockTile == 0) {
      buildStagedKernel(rewriter, op.getLoc(), a, b, c, batch, m, n, k,
                        batched);
      rewriter.eraseOp(op);
      return success();
    }
    cuda::createLaunch(
        rewriter, loc, {m / tile, n / tile, batch}, {32, 1, 1},
        [&](OpBuilder &kb, gpu::KernelDim3 blockIds, gpu::KernelDim3) {
          auto cst = [&](int64_t v) -> Value {
            return arith::ConstantIndexOp::create(kb, loc, v);
          };
          Value row = arith::MulIOp::create(kb, loc, blockIds.x, cst(tile));
          Value col = arith::MulIOp::create(kb, loc, blockIds.y, cst(tile));
          auto indices = [&](Value r, Value cl) {
            SmallVector<Value> idx;
            if (batched)
              idx.push_back(blockIds.z);
            idx.append({r, cl});
            return idx;
          };
          Value acc = gpu::SubgroupMmaLoadMatrixOp::create(
              kb, loc, cFrag, c, indices(row, col), lead(n), UnitAttr());
          auto loop = scf::ForOp::create(
              kb, loc, cst(0), cst(k), cst(tile), ValueRange{acc},
              [&](OpBuilder &lb, Location ll, Value kIv, ValueRange iter) {
                Value fa = gpu::SubgroupMmaLoadMatrixOp::create(
                    lb, ll, aFrag, a, indices(row, kIv), lead(k), UnitAttr());
                Value fb = gpu::SubgroupMmaLoadMatrixOp::create(
                    lb, ll, bFrag, b, indices(kIv, col), lead(n), UnitAttr());
                Value r = gpu::SubgroupMmaComputeOp::create(
                    lb, ll, cFrag, fa, fb, iter[0], UnitAttr(), UnitAttr());
                scf::YieldOp::create(lb, ll, r);
              });
          gpu::SubgroupMmaStoreMatrixOp::create(kb, loc, loop.getResult(0), c,
                                                indices(row, col), lead(n),
                                                UnitAttr());
        });
    rewriter.eraseOp(op);
    return success();
  }

private:
  /// sm_90: 2-D f16/bf16 matmuls in multiples of the Hopper tiles become
  /// the TMA + wgmma kernel.
  LogicalResult matchHopper(OpTy op, Value a, Value b, Value c,
                            PatternRewriter &rewriter) const {
    if (sm < 90 || !std::is_same_v<OpTy, linalg::MatmulOp>)
      return failure();
    Type inType = cast<MemRefType>(a.getType()).getElementType();
    if (!(inType.isF16() || inType.isBF16()) || !isTileable(a, inType) ||
        !isTileable(b, inType) || !isTileable(c, rewriter.getF32Type()))
      return failure();
    auto cType = cast<MemRefType>(c.getType());
    int64_t m = cType.getDimSize(0), n = cType.getDimSize(1);
    int64_t k = cast<MemRefType>(a.getType()).getDimSize(1);
    if (!cuda::isHopperGEMMShape(m, n, k))
      return failure();
    cuda::buildHopperGEMM(rewriter, op.getLoc(), a, b, c, m, n, k);
    rewriter.eraseOp(op);
    return success();
  }

  /// bf16 and i8 matmuls (which WMMA cannot take), and f16 ones with
  /// `mmaSync` (--cuda-gemm=mma), become the mma.sync kernel.
  LogicalResult matchMMASync(OpTy op, Value a, Value b, Value c,
                             PatternRewriter &rewriter) const {
    Type inType = cast<MemRefType>(a.getType()).getElementType();
    auto cType = dyn_cast<MemRefType>(c.getType());
    if (!cType || !cuda::isMMASyncType(inType, cType.getElementType()) ||
        (inType.isF16() && !mmaSync))
      return failure();
    if (!isTileable(a, inType) || !isTileable(b, inType) ||
        !isTileable(c, cType.getElementType()))
      return failure();
    bool batched = cType.getRank() == 3;
    int64_t batch = batched ? cType.getDimSize(0) : 1;
    int64_t m = cType.getDimSize(batched), n = cType.getDimSize(batched + 1);
    int64_t k = cast<MemRefType>(a.getType()).getDimSize(batched + 1);
    if (!cuda::isMMASyncShape(inType, m, n, k) || batch > 65535)
      return failure();
    cuda::buildMMASyncGEMM(rewriter, op.getLoc(), a, b, c, batch, m, n, k,
                           batched);
    rewriter.eraseOp(op);
    return success();
  }

  unsigned sm;
  bool mmaSync;
};
} // namespace

void cuda::populateMMAToGPUPatterns(RewritePatternSet &patterns, unsigned sm,
                                    bool mmaSync) {
  patterns
      .add<MatmulToWMMA<linalg::MatmulOp>, MatmulToWMMA<linalg::BatchMatmulOp>>(
          patterns.getContext(), sm, mmaSync);
}

namespace {
struct MMAToGPUPass : cuda::impl::MMAToGPUBase<MMAToGPUPass> {
  using MMAToGPUBase::MMAToGPUBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    cuda::populateMMAToGPUPatterns(patterns, sm, mmaSync);
    // The launches hold constants that must stay inside them.
    GreedyRewriteConfig config;
    config.enableFolding(false);
    config.setStrictness(GreedyRewriteStrictness::ExistingOps);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      return signalPassFailure();
  }
};
} // namespace
