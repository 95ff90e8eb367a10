//===- MMAToGPU.cpp - Padded f16 matmuls to Tensor Core kernels -----------===//
//
// Each linalg.matmul / linalg.batch_matmul on memrefs with f16 or bf16
// inputs, an f32 accumulator and tile-multiple dimensions becomes a
// gpu.launch whose warps compute 16x16 output tiles with WMMA.
//
//===----------------------------------------------------------------------===//

#include "CUDAPasses.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
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
  auto launch = gpu::LaunchOp::create(b, loc, c(grid[0]), c(grid[1]),
                                      c(grid[2]), c(block[0]), c(block[1]),
                                      c(block[2]));
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

namespace {
template <typename OpTy>
struct MatmulToWMMA : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

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
    if (!inType.isF16() || !isTileable(a, inType) ||
        !isTileable(b, inType) || !isTileable(c, rewriter.getF32Type()))
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
      return rewriter.notifyMatchFailure(op, "too many column tiles or batches");
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
};
} // namespace

void cuda::populateMMAToGPUPatterns(RewritePatternSet &patterns) {
  patterns.add<MatmulToWMMA<linalg::MatmulOp>,
               MatmulToWMMA<linalg::BatchMatmulOp>>(patterns.getContext());
}

namespace {
struct MMAToGPUPass : cuda::impl::MMAToGPUBase<MMAToGPUPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    cuda::populateMMAToGPUPatterns(patterns);
    // The launches hold constants that must stay inside them.
    GreedyRewriteConfig config;
    config.enableFolding(false);
    config.setStrictness(GreedyRewriteStrictness::ExistingOps);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      return signalPassFailure();
  }
};
} // namespace
