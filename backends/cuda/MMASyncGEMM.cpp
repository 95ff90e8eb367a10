//===- MMASyncGEMM.cpp - Warp-level mma.sync GEMM kernel (sm_80+) ---------===//
//
// C[M,N] += A[M,K] * B[K,N] (row-major memrefs, optionally with a leading
// batch dimension) on the Tensor Cores with the warp-synchronous
// `mma.sync.aligned` instructions:
//
//   f16  x f16  -> f32   m16n8k16   nvgpu.mma.sync
//   bf16 x bf16 -> f32   m16n8k16   nvvm.mma.sync (MLIR 22's nvgpu-to-nvvm
//                                   cannot deduce the PTX types of bf16)
//   i8   x i8   -> i32   m16n8k32   nvgpu.mma.sync (PTX .s8.s8, .satfinite)
//
// A block of 128 threads (four warps) computes a 64x64 tile of C; warp w
// owns the 32x32 sub-tile at rows (w / 2) * 32, columns (w % 2) * 32, i.e.
// 2 x 4 MMA tiles of 16x8. Per step of K (kStep = 16 for 16-bit types, 32
// for 8-bit ones, so that both tiles are 2 KiB) the block stages the
// 64 x kStep A tile and the kStep x 64 B tile in workgroup memory with
// cp.async (nvgpu.device_async_copy, 16 bytes a thread for each tile),
// waits, and every lane reads its fragments from there.
//
// M and N need only be multiples of 16 and K of kStep: blocks at the
// bottom/right edge zero-fill the rows/columns beyond M/N (cp.async with a
// source size of 0) and skip the 16x8 tiles of C outside the matrix (M, N
// multiples of 16 make each such tile wholly inside or outside).
//
// Fragment layouts (PTX ISA, "Matrix fragments for mma.m16n8k16" and
// "mma.m16n8k32"), with g = lane / 4 (groupID) and t = lane % 4
// (threadID_in_group), P = elements per 32-bit register (2 for 16-bit
// types, 4 for 8-bit ones), H = kStep / 2 (8 or 16):
//
//   A (16 x kStep, row-major), 4 registers a[0..3], register j holds the P
//     consecutive elements  A[g + 8 * (j % 2)][t * P + H * (j / 2) + e],
//     e = 0..P-1, element e in the register's e-th lane (lowest bits first):
//       j=0: row g,   cols tP..tP+P-1      j=1: row g+8, same cols
//       j=2: row g,   cols tP+H..          j=3: row g+8, cols tP+H..
//   B (kStep x 8, "col"), 2 registers b[0..1], register j holds
//       B[t * P + H * j + e][g], e = 0..P-1 (P consecutive k of column g);
//   C/D (16 x 8, f32 or s32), 4 elements c[0..3]:
//       c[i] = C[g + 8 * (i / 2)][2 * t + i % 2].
//
// Upstream MLIR's convert-vector-to-gpu{use-nvgpu=true} emits the same
// per-lane coordinates for m16n8k16 f16 and m16n8k32 i8 (pinned by
// test/Backend/cuda/mma-sync-layout.mlir).
//
// nvgpu.mma.sync takes them as vector<4xPxT> (A), vector<2xPxT> (B) and
// vector<2x2xTacc> (C), the outer index being the register (A, B) or the
// row half (C); nvvm.mma.sync (bf16) takes each register as an i32 whose
// low 16 bits are the element of lower index (vector.bitcast of
// vector<2xbf16> on the little-endian NVPTX target).
//
//===----------------------------------------------------------------------===//

#include "CUDAPasses.h"
#include "IndexMath.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlc;

namespace {
constexpr int64_t kBlockTile = 64;
constexpr int64_t kWarpTile = 32;
constexpr int64_t kThreads = 128;
constexpr int64_t kTileM = 16, kTileN = 8;
constexpr int64_t kCopyBytes = 16;
} // namespace

static Value buildBF16MMA(OpBuilder &b, Location loc, Value aFrag, Value bFrag,
                          Value acc);

bool cuda::isMMASyncType(Type input, Type accumulator) {
  if (input.isF16() || input.isBF16())
    return accumulator.isF32();
  return input.isInteger(8) && accumulator.isInteger(32);
}

int64_t cuda::getMMASyncK(Type input) {
  return input.getIntOrFloatBitWidth() == 8 ? 32 : 16;
}

bool cuda::isMMASyncShape(Type input, int64_t m, int64_t n, int64_t k) {
  return m % kTileM == 0 && n % 16 == 0 && k % getMMASyncK(input) == 0 &&
         (n + kBlockTile - 1) / kBlockTile <= 65535;
}

void cuda::buildMMASyncGEMM(OpBuilder &b, Location loc, Value a, Value bm,
                            Value c, int64_t batch, int64_t m, int64_t n,
                            int64_t k, bool batched) {
  MLIRContext *ctx = b.getContext();
  Type inType = cast<MemRefType>(a.getType()).getElementType();
  Type accType = cast<MemRefType>(c.getType()).getElementType();
  const bool isBF16 = inType.isBF16();
  const int64_t bytes = inType.getIntOrFloatBitWidth() / 8;
  const int64_t kStep = getMMASyncK(inType);
  const int64_t perReg = 4 / bytes;           // P
  const int64_t half = kStep / 2;             // H
  const int64_t perCopy = kCopyBytes / bytes; // elements per cp.async
  const int64_t bChunksPerRow = kBlockTile / perCopy;
  const bool maskM = m % kBlockTile != 0, maskN = n % kBlockTile != 0;

  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto sAType = MemRefType::get({kBlockTile, kStep}, inType,
                                MemRefLayoutAttrInterface(), workgroup);
  auto sBType = MemRefType::get({kStep, kBlockTile}, inType,
                                MemRefLayoutAttrInterface(), workgroup);
  auto aFragType = VectorType::get({4, perReg}, inType);
  auto bFragType = VectorType::get({2, perReg}, inType);
  auto regType = VectorType::get({perReg}, inType);
  auto accFragType = VectorType::get({2, 2}, accType);
  auto accRowType = VectorType::get({2}, accType);

  auto c0 = [&](OpBuilder &ob, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ob, loc, v);
  };
  auto launch = gpu::LaunchOp::create(
      b, loc, c0(b, (m + kBlockTile - 1) / kBlockTile),
      c0(b, (n + kBlockTile - 1) / kBlockTile), c0(b, batch), c0(b, kThreads),
      c0(b, 1), c0(b, 1), /*dynamicSharedMemorySize=*/nullptr,
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

  Value warp = im.div(tid, 32), lane = im.rem(tid, 32);
  Value g = im.div(lane, 4), t = im.rem(lane, 4);
  Value warpRow = im.mul(im.div(warp, 2), kWarpTile);
  Value warpCol = im.mul(im.rem(warp, 2), kWarpTile);
  Value row0 = im.mul(blockIds.x, kBlockTile),
        col0 = im.mul(blockIds.y, kBlockTile);

  // The 16x8 C tiles of this warp: (mi, nj), mi < 2, nj < 4. Rows of a
  // tile: rowBase + g and rowBase + g + 8; columns colBase + 2t, + 1.
  constexpr int64_t kTilesM = kWarpTile / kTileM, kTilesN = kWarpTile / kTileN;
  SmallVector<Value> tileRows, tileCols;
  for (int64_t i = 0; i < kTilesM; ++i)
    tileRows.push_back(im.addc(im.add(row0, warpRow), i * kTileM));
  for (int64_t j = 0; j < kTilesN; ++j)
    tileCols.push_back(im.addc(im.add(col0, warpCol), j * kTileN));
  // Whether tile (i, j) lies inside C (warp-uniform); null: always.
  auto tileInside = [&](int64_t i, int64_t j) -> Value {
    Value inside;
    if (maskM)
      inside = im.lt(tileRows[i], m);
    if (maskN) {
      Value col = im.lt(tileCols[j], n);
      inside = inside ? arith::AndIOp::create(b, loc, inside, col) : col;
    }
    return inside;
  };
  Value laneRow = g, laneCol = im.mul(t, 2);
  auto loadAcc = [&](OpBuilder &ob, int64_t i, int64_t j) -> Value {
    Value zero = arith::ConstantOp::create(ob, loc, accFragType,
                                           ob.getZeroAttr(accFragType));
    Value frag = zero;
    for (int64_t h = 0; h < 2; ++h) {
      Value r =
          arith::AddIOp::create(ob, loc, im.add(tileRows[i], laneRow),
                                arith::ConstantIndexOp::create(ob, loc, h * 8));
      Value col = im.add(tileCols[j], laneCol);
      Value v = vector::LoadOp::create(ob, loc, accRowType, c, indices(r, col));
      frag = vector::InsertOp::create(ob, loc, v, frag, h);
    }
    return frag;
  };
  SmallVector<Value> accs;
  for (int64_t i = 0; i < kTilesM; ++i)
    for (int64_t j = 0; j < kTilesN; ++j) {
      Value inside = tileInside(i, j);
      if (!inside) {
        accs.push_back(loadAcc(b, i, j));
        continue;
      }
      auto ifOp = scf::IfOp::create(
          b, loc, inside,
          [&](OpBuilder &tb, Location) {
            OpBuilder::InsertionGuard g2(b);
            b.setInsertionPoint(tb.getInsertionBlock(), tb.getInsertionPoint());
            scf::YieldOp::create(b, loc, loadAcc(b, i, j));
          },
          [&](OpBuilder &eb, Location) {
            Value zero = arith::ConstantOp::create(eb, loc, accFragType,
                                                   eb.getZeroAttr(accFragType));
            scf::YieldOp::create(eb, loc, zero);
          });
      accs.push_back(ifOp.getResult(0));
    }

  // Copies: thread tid stages A row tid / 2, columns (tid % 2) * perCopy
  // (a row of the A tile is kStep elements = 32 bytes = two copies), and B
  // row tid / bChunksPerRow, columns (tid % bChunksPerRow) * perCopy.
  Value aRow = im.div(tid, 2), aCol = im.mul(im.rem(tid, 2), perCopy);
  Value bRow = im.div(tid, bChunksPerRow),
        bCol = im.mul(im.rem(tid, bChunksPerRow), perCopy);
  Value aGlobalRow = im.add(row0, aRow), bGlobalCol = im.add(col0, bCol);
  // Beyond M / N: read a clamped (valid) address and fill zeros.
  Value aSrcElements, bSrcElements;
  auto srcCount = [&](Value inside) -> Value {
    return arith::SelectOp::create(b, loc, inside, im.c(perCopy), im.c(0));
  };
  if (maskM) {
    aSrcElements = srcCount(im.lt(aGlobalRow, m));
    aGlobalRow = im.minu(aGlobalRow, m - 1);
  }
  if (maskN) {
    bSrcElements = srcCount(im.lt(bGlobalCol, n));
    bGlobalCol = im.minu(bGlobalCol, n - perCopy);
  }

  auto tokenType = nvgpu::DeviceAsyncTokenType::get(ctx);
  auto loop = scf::ForOp::create(
      b, loc, im.c(0), im.c(k), im.c(kStep), accs,
      [&](OpBuilder &lb, Location ll, Value kIv, ValueRange iter) {
        OpBuilder::InsertionGuard loopGuard(b);
        b.setInsertionPoint(lb.getInsertionBlock(), lb.getInsertionPoint());
        Value copyA = nvgpu::DeviceAsyncCopyOp::create(
            b, ll, tokenType, sA, ValueRange{aRow, aCol}, a,
            indices(aGlobalRow, im.add(kIv, aCol)), b.getIndexAttr(perCopy),
            aSrcElements, /*bypassL1=*/UnitAttr());
        Value copyB = nvgpu::DeviceAsyncCopyOp::create(
            b, ll, tokenType, sB, ValueRange{bRow, bCol}, bm,
            indices(im.add(kIv, bRow), bGlobalCol), b.getIndexAttr(perCopy),
            bSrcElements, UnitAttr());
        Value group = nvgpu::DeviceAsyncCreateGroupOp::create(
            b, ll, tokenType, ValueRange{copyA, copyB});
        nvgpu::DeviceAsyncWaitOp::create(b, ll, group, IntegerAttr());
        gpu::BarrierOp::create(b, ll);

        // A fragments: register j = sA[r + 8 (j % 2)][t P + H (j / 2) + e].
        SmallVector<Value> aFrags;
        for (int64_t i = 0; i < kTilesM; ++i) {
          Value frag = arith::ConstantOp::create(b, ll, aFragType,
                                                 b.getZeroAttr(aFragType));
          Value r = im.add(im.addc(warpRow, i * kTileM), g);
          for (int64_t j = 0; j < 4; ++j) {
            Value row = im.addc(r, (j % 2) * 8);
            Value col = im.addc(im.mul(t, perReg), (j / 2) * half);
            Value reg = vector::LoadOp::create(b, ll, regType, sA,
                                               ValueRange{row, col});
            frag = vector::InsertOp::create(b, ll, reg, frag, j);
          }
          aFrags.push_back(frag);
        }
        // B fragments: register j = sB[t P + H j + e][column g], gathered
        // element by element (consecutive k are a row apart).
        SmallVector<Value> bFrags;
        for (int64_t nj = 0; nj < kTilesN; ++nj) {
          Value col = im.add(im.addc(warpCol, nj * kTileN), g);
          SmallVector<Value> elements;
          for (int64_t j = 0; j < 2; ++j)
            for (int64_t e = 0; e < perReg; ++e) {
              Value row = im.addc(im.mul(t, perReg), half * j + e);
              elements.push_back(
                  memref::LoadOp::create(b, ll, sB, ValueRange{row, col}));
            }
          bFrags.push_back(
              vector::FromElementsOp::create(b, ll, bFragType, elements));
        }
        SmallVector<Value> results;
        for (int64_t i = 0; i < kTilesM; ++i)
          for (int64_t nj = 0; nj < kTilesN; ++nj) {
            Value acc = iter[i * kTilesN + nj];
            results.push_back(
                isBF16 ? buildBF16MMA(b, ll, aFrags[i], bFrags[nj], acc)
                       : nvgpu::MmaSyncOp::create(
                             b, ll, aFrags[i], bFrags[nj], acc,
                             b.getI64ArrayAttr({kTileM, kTileN, kStep}))
                             .getResult());
          }
        // The next step overwrites the tiles only after every warp read them.
        gpu::BarrierOp::create(b, ll);
        scf::YieldOp::create(b, ll, results);
      });

  // Epilogue: each lane stores its two row pairs of every inside tile.
  for (int64_t i = 0; i < kTilesM; ++i)
    for (int64_t j = 0; j < kTilesN; ++j) {
      Value frag = loop.getResult(i * kTilesN + j);
      auto store = [&](OpBuilder &sb) {
        for (int64_t h = 0; h < 2; ++h) {
          Value v = vector::ExtractOp::create(sb, loc, frag, h);
          Value r = arith::AddIOp::create(
              sb, loc, im.add(tileRows[i], laneRow),
              arith::ConstantIndexOp::create(sb, loc, h * 8));
          vector::StoreOp::create(sb, loc, v, c,
                                  indices(r, im.add(tileCols[j], laneCol)));
        }
      };
      Value inside = tileInside(i, j);
      if (!inside) {
        store(b);
        continue;
      }
      scf::IfOp::create(b, loc, inside, [&](OpBuilder &tb, Location) {
        OpBuilder::InsertionGuard g2(b);
        b.setInsertionPoint(tb.getInsertionBlock(), tb.getInsertionPoint());
        store(b);
        scf::YieldOp::create(b, loc);
      });
    }
  gpu::TerminatorOp::create(b, loc);
}

/// nvvm.mma.sync m16n8k16 .bf16 on the fragments `aFrag` (vector<4x2xbf16>)
/// and `bFrag` (vector<2x2xbf16>) with the accumulator `acc`
/// (vector<2x2xf32>), in nvgpu.mma.sync's vector form.
static Value buildBF16MMA(OpBuilder &b, Location loc, Value aFrag, Value bFrag,
                          Value acc) {
  Type i32 = b.getI32Type();
  Type f32 = b.getF32Type();
  auto wordType = VectorType::get({1}, i32);
  // Register j of a vector<Rx2xbf16> fragment as the i32 PTX expects.
  auto registers = [&](Value frag, int64_t count) {
    SmallVector<Value> regs;
    for (int64_t j = 0; j < count; ++j) {
      Value pair = vector::ExtractOp::create(b, loc, frag, j);
      Value word = vector::BitCastOp::create(b, loc, wordType, pair);
      regs.push_back(vector::ExtractOp::create(b, loc, word, 0));
    }
    return regs;
  };
  SmallVector<Value> aRegs = registers(aFrag, 4);
  SmallVector<Value> bRegs = registers(bFrag, 2);
  SmallVector<Value> cRegs;
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t e = 0; e < 2; ++e)
      cRegs.push_back(
          vector::ExtractOp::create(b, loc, acc, ArrayRef<int64_t>{h, e}));
  auto resultType =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  auto mma = NVVM::MmaOp::create(
      b, loc, resultType, aRegs, bRegs, cRegs,
      /*shape=*/ArrayRef<int64_t>{kTileM, kTileN, 16},
      /*b1Op=*/std::nullopt, /*intOverflow=*/std::nullopt,
      /*multiplicandPtxTypes=*/
      std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16, NVVM::MMATypes::bf16},
      /*multiplicandLayouts=*/
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  SmallVector<Value> elements;
  for (int64_t i = 0; i < 4; ++i)
    elements.push_back(
        LLVM::ExtractValueOp::create(b, loc, mma.getResult(), i));
  return vector::FromElementsOp::create(b, loc, cast<VectorType>(acc.getType()),
                                        elements);
}
