//===- Int8Gemm.cpp - The mlc-cpu-int8-gemm pass --------------------------===//
//
// Replaces the packed i8 x i8 -> i32 GEMM that convert-mlc-to-linalg makes
// of quantized layers (Int8ContractionToLinalg.cpp) with a register-blocked
// kernel built on the target's integer dot-product instruction:
//   x86-vnni  vpdpbusd ymm (AVX512-VNNI + VL, or AVX-VNNI as {vex})
//   x86-avx2  vpmaddwd ymm on bytes widened to i16 in registers
//   arm-dot   sdot (AArch64 +dotprod), arm-i8mm also usdot (+i8mm)
// Rows of MR activations times one 16-channel weight tile accumulate in
// vector registers over the whole K; the i32 result is added to the
// accumulator's initial value (the bias) once at the end.
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"
#include "Int8MulAcc.h"
#include "IntrinsicCall.h"
#include "VectorBody.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_INT8GEMM
#define GEN_PASS_DEF_LOWERINT8DOTS
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;
using mlc::cpu::callIntrinsic;
using mlc::cpu::kIntrinsicMark;

namespace {

enum class Isa { None, X86Avx2, X86Vnni, X86Vnni512, ArmDot, ArmI8mm };

/// The generic's shapes, when it is the packed GEMM; and the extension of
/// the activation.
struct GemmShape {
  int64_t m, k1, n1;
  bool isUnsigned;
};

std::optional<GemmShape> matchGemm(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != 5 || op.getNumReductionLoops() != 2 ||
      !op.hasPureTensorSemantics())
    return std::nullopt;
  auto a = dyn_cast<RankedTensorType>(op.getDpsInputs()[0].getType());
  auto b = dyn_cast<RankedTensorType>(op.getDpsInputs()[1].getType());
  auto c = dyn_cast<RankedTensorType>(op.getDpsInits()[0].getType());
  if (!a || !b || !c || a.getRank() != 3 || b.getRank() != 4 ||
      c.getRank() != 3 || !a.hasStaticShape() || !b.hasStaticShape() ||
      !c.hasStaticShape() || !a.getElementType().isInteger(8) ||
      !b.getElementType().isInteger(8) || !c.getElementType().isInteger(32) ||
      a.getDimSize(2) != 4 || b.getDimSize(2) != 16 || b.getDimSize(3) != 4 ||
      c.getDimSize(2) != 16 || a.getDimSize(0) != c.getDimSize(0) ||
      a.getDimSize(1) != b.getDimSize(1) || b.getDimSize(0) != c.getDimSize(1))
    return std::nullopt;
  MLIRContext *ctx = op.getContext();
  AffineExpr dm, dn1, dn0, dk1, dk0;
  bindDims(ctx, dm, dn1, dn0, dk1, dk0);
  SmallVector<AffineMap> expected = {
      AffineMap::get(5, 0, {dm, dk1, dk0}, ctx),
      AffineMap::get(5, 0, {dn1, dk1, dn0, dk0}, ctx),
      AffineMap::get(5, 0, {dm, dn1, dn0}, ctx)};
  if (op.getIndexingMapsArray() != ArrayRef<AffineMap>(expected))
    return std::nullopt;
  std::optional<bool> isUnsigned =
      mlc::cpu::matchInt8MulAccBody(op.getRegion().front());
  if (!isUnsigned)
    return std::nullopt;
  return GemmShape{a.getDimSize(0), a.getDimSize(1), b.getDimSize(0),
                   *isUnsigned};
}

/// How one ISA computes: `filtersPerAcc` channels per accumulator register
/// of `accType`; a register block of `rows` activation rows times `tiles`
/// 16-channel weight tiles.
struct Kernel {
  Isa isa;
  bool isUnsigned;
  int64_t filtersPerAcc, rows, tiles;
  VectorType accType;
  /// Where the intrinsic declarations go.
  ModuleOp module;

  int64_t accsPerTile() const { return 16 / filtersPerAcc; }
  int64_t accsPerRow() const { return tiles * accsPerTile(); }
};

/// acc + dot(a: the 4 activation bytes, w: filtersPerAcc x 4 weight bytes).
Value emitDot(OpBuilder &b, Location loc, const Kernel &k, Value acc, Value a4,
              Value w) {
  Type i32 = b.getI32Type(), i8 = b.getI8Type();
  auto broadcastBytes = [&](int64_t lanes) -> Value {
    Value word =
        vector::BitCastOp::create(b, loc, VectorType::get({1}, i32), a4);
    Value scalar =
        vector::ExtractOp::create(b, loc, word, ArrayRef<int64_t>{0});
    Value splat = vector::BroadcastOp::create(
        b, loc, VectorType::get({lanes}, i32), scalar);
    return vector::BitCastOp::create(b, loc, VectorType::get({lanes * 4}, i8),
                                     splat);
  };
  switch (k.isa) {
  case Isa::X86Vnni:
    return callIntrinsic(b, loc, k.module, k.accType,
                         "llvm.x86.avx512.vpdpbusd.256",
                         {acc, broadcastBytes(8), w});
  case Isa::X86Vnni512:
    return callIntrinsic(b, loc, k.module, k.accType,
                         "llvm.x86.avx512.vpdpbusd.512",
                         {acc, broadcastBytes(16), w});
  case Isa::X86Avx2: {
    Type i16 = b.getI16Type();
    auto a16Type = VectorType::get({4}, i16);
    Value a16 = k.isUnsigned
                    ? arith::ExtUIOp::create(b, loc, a16Type, a4).getResult()
                    : arith::ExtSIOp::create(b, loc, a16Type, a4).getResult();
    SmallVector<int64_t> mask;
    for (int i = 0; i < 16; ++i)
      mask.push_back(i % 4);
    Value aRep = vector::ShuffleOp::create(b, loc, a16, a16, mask);
    Value w16 = arith::ExtSIOp::create(b, loc, VectorType::get({16}, i16), w);
    Value p = callIntrinsic(b, loc, k.module, k.accType,
                            "llvm.x86.avx2.pmadd.wd", {aRep, w16});
    return arith::AddIOp::create(b, loc, acc, p);
  }
  case Isa::ArmDot:
  case Isa::ArmI8mm:
    return callIntrinsic(b, loc, k.module, k.accType,
                         k.isUnsigned ? "llvm.aarch64.neon.usdot.v4i32.v16i8"
                                      : "llvm.aarch64.neon.sdot.v4i32.v16i8",
                         {acc, broadcastBytes(4), w});
  case Isa::None:
    break;
  }
  llvm_unreachable("no kernel for Isa::None");
}

/// The accumulators of one row as [offset in the tile, i32 vector] pairs.
SmallVector<std::pair<int64_t, Value>>
finalizeRow(OpBuilder &b, Location loc, const Kernel &k, ValueRange accs) {
  SmallVector<std::pair<int64_t, Value>> out;
  if (k.isa != Isa::X86Avx2) {
    for (auto [i, acc] : llvm::enumerate(accs))
      out.push_back({int64_t(i) * k.filtersPerAcc, acc});
    return out;
  }
  // vpmaddwd leaves two partial sums per channel, side by side: add them.
  SmallVector<int64_t> evens, odds;
  for (int i = 0; i < 8; ++i) {
    evens.push_back(2 * i);
    odds.push_back(2 * i + 1);
  }
  for (size_t i = 0; i + 1 < accs.size(); i += 2) {
    Value e = vector::ShuffleOp::create(b, loc, accs[i], accs[i + 1], evens);
    Value o = vector::ShuffleOp::create(b, loc, accs[i], accs[i + 1], odds);
    out.push_back({int64_t(i) * 4, arith::AddIOp::create(b, loc, e, o)});
  }
  return out;
}

/// An elementwise consumer of the GEMM computed on the register tile
/// (requantization: mlc.requantize's i32 -> i8, with per-channel
/// multipliers), so that the i32 accumulators never reach memory:
///   C -> collapse_shape [M, N1 * 16] -> (extract_slice [M, N]) ->
///   expand_shape -> linalg.generic (all parallel, identity maps for C and
///   the result; other inputs per channel (the last dim) or scalars).
/// The accumulator must start from a broadcast constant bias or zero.
struct Epilogue {
  linalg::GenericOp op;
  /// The operand of `op` that reads the GEMM's result.
  unsigned accOperand;
  tensor::ExpandShapeOp expand;
  /// The real channels (N <= N1 * 16).
  int64_t n;
  /// The bias [N1, 16] i32 constant, or null for zero; `biasFlat` is it as
  /// [N1 * 16], made where the kernel is emitted.
  Value bias, biasFlat;
  /// The ops between the GEMM and `op`, erased once `op` is replaced.
  SmallVector<Operation *> chain;

  Type getResultType() const {
    return cast<RankedTensorType>(op->getResult(0).getType()).getElementType();
  }
};

std::optional<Epilogue> matchEpilogue(linalg::GenericOp gemm,
                                      const GemmShape &shape) {
  Epilogue e;
  // The accumulator's start: a broadcast constant bias, or zero.
  Value init = gemm.getDpsInits()[0];
  if (auto broadcast = init.getDefiningOp<linalg::BroadcastOp>()) {
    auto bias = broadcast.getInput().getDefiningOp<arith::ConstantOp>();
    if (!bias || broadcast.getDimensions() != ArrayRef<int64_t>{0})
      return std::nullopt;
    e.bias = bias;
  } else if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    if (!matchPattern(fill.getInputs()[0], m_Zero()))
      return std::nullopt;
  } else {
    return std::nullopt;
  }
  Value v = gemm.getResult(0);
  auto next = [&]() -> Operation * {
    if (!v.hasOneUse())
      return nullptr;
    return *v.getUsers().begin();
  };
  auto collapse = dyn_cast_or_null<tensor::CollapseShapeOp>(next());
  if (!collapse || collapse.getResultType().getRank() != 2)
    return std::nullopt;
  e.chain.push_back(collapse);
  v = collapse.getResult();
  e.n = shape.n1 * 16;
  if (auto slice = dyn_cast_or_null<tensor::ExtractSliceOp>(next())) {
    RankedTensorType type = slice.getResultType();
    if (!slice.hasZeroOffset() || !slice.hasUnitStride() ||
        type.getRank() != 2 || !type.hasStaticShape() ||
        type.getDimSize(0) != shape.m)
      return std::nullopt;
    e.n = type.getDimSize(1);
    e.chain.push_back(slice);
    v = slice.getResult();
  }
  e.expand = dyn_cast_or_null<tensor::ExpandShapeOp>(next());
  if (!e.expand || e.expand.getReassociationIndices().back().size() != 1)
    return std::nullopt;
  v = e.expand.getResult();
  e.op = dyn_cast_or_null<linalg::GenericOp>(next());
  if (!e.op || e.op.getNumDpsInits() != 1 ||
      e.op.getNumParallelLoops() != e.op.getNumLoops() ||
      !e.op.hasPureTensorSemantics() ||
      !mlc::cpu::isVectorizableBody(e.op.getRegion().front()))
    return std::nullopt;
  int64_t rank = e.expand.getResultType().getRank();
  OpOperand *out = e.op.getDpsInitOperand(0);
  if (!e.op.getMatchingIndexingMap(out).isIdentity() ||
      !e.op.getMatchingBlockArgument(out).use_empty())
    return std::nullopt;
  bool found = false;
  for (OpOperand *in : e.op.getDpsInputOperands()) {
    AffineMap map = e.op.getMatchingIndexingMap(in);
    auto type = dyn_cast<RankedTensorType>(in->get().getType());
    if (!type)
      return std::nullopt;
    if (in->get() == v) {
      if (found || !map.isIdentity())
        return std::nullopt;
      found = true;
      e.accOperand = in->getOperandNumber();
      continue;
    }
    // Per channel: [N] read along the last loop; or a scalar.
    if (!mlc::cpu::isChannelOrScalarInput(e.op, in, rank - 1, e.n))
      return std::nullopt;
  }
  if (!found)
    return std::nullopt;
  return e;
}

/// The epilogue's body on the vector `acc` of the channels [col, col +
/// lanes).
Value applyEpilogue(OpBuilder &b, Location loc, const Epilogue &e, Value acc,
                    Value col) {
  return mlc::cpu::applyEpilogueOnVector(b, loc, e.op, e.accOperand, acc, col,
                                         /*inBounds=*/false);
}

/// Rows [lo, hi) of the block `c` (local indices; activation row
/// `rowBase + r`), in register blocks of `k.rows` rows times the `k.tiles`
/// weight tiles from `tile0`; returns the updated `c` [rows, k.tiles * 16].
/// With an epilogue, `c` is the block of its result [rows, <= k.tiles * 16]
/// (global column `col0`), written with the epilogue of bias + sums.
Value emitRowBlocks(OpBuilder &b, Location loc, const Kernel &k, Value a,
                    Value w, Value c, Value tile0, Value rowBase,
                    int64_t k1Size, Value lo, Value hi, const Epilogue *epi,
                    Value col0) {
  Type i8 = b.getI8Type();
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  int64_t accsPerTile = k.accsPerTile(), accsPerRow = k.accsPerRow();
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(k.accType));
  Value zeroI8 = arith::ConstantOp::create(b, loc, b.getIntegerAttr(i8, 0));
  Value zeroI32 = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  auto rowLoop = scf::ForOp::create(
      b, loc, lo, hi, idx(k.rows), ValueRange{c},
      [&](OpBuilder &rb, Location rloc, Value r, ValueRange rowArgs) {
        Value m = arith::AddIOp::create(rb, rloc, rowBase, r);
        SmallVector<Value> inits(k.rows * accsPerRow, zero);
        auto kLoop = scf::ForOp::create(
            rb, rloc, idx(0), idx(k1Size), idx(1), inits,
            [&](OpBuilder &kb, Location kloc, Value k1, ValueRange accs) {
              // Weight tiles (tile0 + t, k1): 16 channels x 4 bytes each.
              SmallVector<Value> ws;
              auto wType = VectorType::get({k.filtersPerAcc * 4}, i8);
              for (int64_t t = 0; t < k.tiles; ++t) {
                Value tile = arith::AddIOp::create(
                    kb, kloc,
                    arith::MulIOp::create(
                        kb, kloc,
                        arith::AddIOp::create(kb, kloc, tile0, idx(t)),
                        idx(k1Size)),
                    k1);
                Value base = arith::MulIOp::create(kb, kloc, tile, idx(64));
                for (int64_t v = 0; v < accsPerTile; ++v)
                  ws.push_back(vector::TransferReadOp::create(
                      kb, kloc, wType, w,
                      ValueRange{arith::AddIOp::create(
                          kb, kloc, base, idx(v * k.filtersPerAcc * 4))},
                      zeroI8, ArrayRef<bool>{true}));
              }
              Value col = arith::MulIOp::create(kb, kloc, k1, idx(4));
              SmallVector<Value> next;
              for (int64_t i = 0; i < k.rows; ++i) {
                Value row = arith::AddIOp::create(kb, kloc, m, idx(i));
                Value a4 = vector::TransferReadOp::create(
                    kb, kloc, VectorType::get({4}, i8), a, ValueRange{row, col},
                    zeroI8, ArrayRef<bool>{true});
                for (int64_t v = 0; v < accsPerRow; ++v)
                  next.push_back(emitDot(kb, kloc, k, accs[i * accsPerRow + v],
                                         a4, ws[v]));
              }
              scf::YieldOp::create(kb, kloc, next);
            });
        Value out = rowArgs[0];
        for (int64_t i = 0; i < k.rows; ++i) {
          Value row = arith::AddIOp::create(rb, rloc, r, idx(i));
          for (auto [offset, vec] : finalizeRow(
                   rb, rloc, k,
                   kLoop.getResults().slice(i * accsPerRow, accsPerRow))) {
            Value colIdx = idx(offset);
            auto vecType = cast<VectorType>(vec.getType());
            if (epi) {
              Value col = arith::AddIOp::create(rb, rloc, col0, colIdx);
              Value sum = vec;
              if (epi->biasFlat)
                sum = arith::AddIOp::create(rb, rloc,
                                            vector::TransferReadOp::create(
                                                rb, rloc, vecType,
                                                epi->biasFlat, ValueRange{col},
                                                zeroI32, ArrayRef<bool>{true}),
                                            vec);
              Value result = applyEpilogue(rb, rloc, *epi, sum, col);
              // Past the N real channels of the last tile: masked.
              out = vector::TransferWriteOp::create(rb, rloc, result, out,
                                                    ValueRange{row, colIdx},
                                                    ArrayRef<bool>{false})
                        .getResult();
              continue;
            }
            Value init = vector::TransferReadOp::create(
                rb, rloc, vecType, out, ValueRange{row, colIdx}, zeroI32,
                ArrayRef<bool>{true});
            Value sum = arith::AddIOp::create(rb, rloc, init, vec);
            out = vector::TransferWriteOp::create(rb, rloc, sum, out,
                                                  ValueRange{row, colIdx},
                                                  ArrayRef<bool>{true})
                      .getResult();
          }
        }
        scf::YieldOp::create(rb, rloc, out);
      });
  return rowLoop.getResult(0);
}

/// The block of `rows` activation rows from `rowBase` times the weight tiles
/// [tile0, tile0 + k.tiles): full register blocks, then single rows.
Value emitBlock(OpBuilder &b, Location loc, const Kernel &k, Value a, Value w,
                Value c, Value tile0, Value rowBase, int64_t k1Size, Value rows,
                const Epilogue *epi, Value col0) {
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value full = arith::SubIOp::create(
      b, loc, rows, arith::RemUIOp::create(b, loc, rows, idx(k.rows)));
  c = emitRowBlocks(b, loc, k, a, w, c, tile0, rowBase, k1Size, idx(0), full,
                    epi, col0);
  Kernel one = k;
  one.rows = 1;
  return emitRowBlocks(b, loc, one, a, w, c, tile0, rowBase, k1Size, full, rows,
                       epi, col0);
}

/// Rows per block of the outer loops: what one thread computes at a time,
/// and what stays in the L2 cache while the block's weight tiles stream.
constexpr int64_t kBlockRegisterRows = 16;
/// A GEMM with fewer multiply-adds than this runs on one thread.
constexpr int64_t kMinParallelMacs = int64_t(1) << 18;

/// The register block of `isa` for u8/s8 activations, or nullopt when the
/// ISA has no instruction for this signedness.
std::optional<Kernel> chooseKernel(Isa isa, bool isUnsigned, int64_t n1,
                                   ModuleOp module) {
  Type i32 = IntegerType::get(module.getContext(), 32);
  Kernel k{isa, isUnsigned, 0, 0, 1, {}, module};
  switch (isa) {
  case Isa::X86Vnni512:
    // vpdpbusd zmm: one 16-channel tile per register; 6 rows x 4 tiles =
    // 24 accumulators, 4 weight registers and a broadcast of 32.
    if (!isUnsigned)
      return std::nullopt;
    k.filtersPerAcc = 16;
    k.accType = VectorType::get({16}, i32);
    k.tiles = std::min<int64_t>(4, n1);
    k.rows = k.tiles >= 4 ? 6 : k.tiles == 3 ? 7 : k.tiles == 2 ? 10 : 16;
    return k;
  case Isa::X86Vnni:
    // vpdpbusd ymm (AVX512-VL or AVX-VNNI, which has 16 registers):
    // 3 rows x 2 tiles = 12 accumulators, 4 weight registers.
    if (!isUnsigned)
      return std::nullopt;
    k.filtersPerAcc = 8;
    k.accType = VectorType::get({8}, i32);
    k.tiles = std::min<int64_t>(2, n1);
    k.rows = k.tiles == 2 ? 3 : 6;
    return k;
  case Isa::X86Avx2:
    k.filtersPerAcc = 4;
    k.rows = 2;
    k.accType = VectorType::get({8}, i32);
    return k;
  case Isa::ArmDot:
    // sdot multiplies signed bytes; usdot (unsigned x signed) is I8MM.
    if (isUnsigned)
      return std::nullopt;
    [[fallthrough]];
  case Isa::ArmI8mm:
    k.filtersPerAcc = 4;
    k.rows = 4;
    k.accType = VectorType::get({4}, i32);
    return k;
  case Isa::None:
    break;
  }
  return std::nullopt;
}

struct Int8GemmPass : public mlc::cpu::impl::Int8GemmBase<Int8GemmPass> {
  using Int8GemmBase::Int8GemmBase;

  void runOnOperation() override {
    Isa target = llvm::StringSwitch<Isa>(isa)
                     .Case("x86-avx2", Isa::X86Avx2)
                     .Case("x86-vnni", Isa::X86Vnni)
                     .Case("x86-vnni512", Isa::X86Vnni512)
                     .Case("arm-dot", Isa::ArmDot)
                     .Case("arm-i8mm", Isa::ArmI8mm)
                     .Default(Isa::None);
    if (target == Isa::None)
      return;
    SmallVector<std::pair<linalg::GenericOp, GemmShape>> gemms;
    getOperation().walk([&](linalg::GenericOp op) {
      if (std::optional<GemmShape> shape = matchGemm(op))
        gemms.push_back({op, *shape});
    });
    IRRewriter rewriter(&getContext());
    for (auto [op, shape] : gemms) {
      std::optional<Kernel> kernel =
          chooseKernel(target, shape.isUnsigned, shape.n1, getOperation());
      if (!kernel)
        continue;
      std::optional<Epilogue> epi = matchEpilogue(op, shape);
      if (!epi) {
        rewriter.setInsertionPoint(op);
        rewriter.replaceOp(op, emitGemm(rewriter, op, shape, *kernel, nullptr));
        continue;
      }
      // The epilogue's result [M, N], computed on the register tiles.
      rewriter.setInsertionPoint(epi->op);
      Value result = emitGemm(rewriter, op, shape, *kernel, &*epi);
      Value expanded = tensor::ExpandShapeOp::create(
          rewriter, epi->op.getLoc(), epi->op.getResult(0).getType(), result,
          epi->expand.getReassociationIndices());
      rewriter.replaceOp(epi->op, expanded);
      rewriter.eraseOp(epi->expand);
      for (Operation *dead : llvm::reverse(epi->chain))
        rewriter.eraseOp(dead);
      rewriter.eraseOp(op);
    }
  }

  /// C [M, N1 * 16] in blocks of rows x weight tiles: an scf.forall over
  /// the blocks when the GEMM is big enough for threads, scf.for otherwise;
  /// the last tile block may have fewer tiles (a kernel of its own).
  Value emitGemm(OpBuilder &b, linalg::GenericOp op, const GemmShape &shape,
                 const Kernel &k, Epilogue *epi) {
    Location loc = op.getLoc();
    int64_t m = shape.m, k1 = shape.k1, n1 = shape.n1;
    Type i8 = b.getI8Type(), i32 = b.getI32Type();
    Value a = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({m, k1 * 4}, i8), op.getDpsInputs()[0],
        SmallVector<ReassociationIndices>{{0}, {1, 2}});
    Value w = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({n1 * k1 * 64}, i8), op.getDpsInputs()[1],
        SmallVector<ReassociationIndices>{{0, 1, 2, 3}});
    // The tensor the blocks write: the accumulators C [M, N1 * 16] (from
    // their initial value), or the epilogue's result [M, N].
    Value c;
    int64_t cols = n1 * 16;
    if (epi) {
      cols = epi->n;
      c = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{m, cols},
                                  epi->getResultType());
      if (epi->bias)
        epi->biasFlat = tensor::CollapseShapeOp::create(
            b, loc, RankedTensorType::get({n1 * 16}, i32), epi->bias,
            SmallVector<ReassociationIndices>{{0, 1}});
    } else {
      c = tensor::CollapseShapeOp::create(
          b, loc, RankedTensorType::get({m, n1 * 16}, i32), op.getDpsInits()[0],
          SmallVector<ReassociationIndices>{{0}, {1, 2}});
    }
    auto idx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };

    int64_t blockRows = k.rows * kBlockRegisterRows;
    int64_t mBlocks = (m + blockRows - 1) / blockRows;
    int64_t nBlocks = (n1 + k.tiles - 1) / k.tiles;
    int64_t lastTiles = n1 - (nBlocks - 1) * k.tiles;
    // Block (i, j): rows [i * blockRows, +rows), tiles [j * k.tiles, +tiles).
    auto emitBody =
        [&](OpBuilder &bb, Location bl, Value i, Value j,
            Value out) -> std::pair<Value, SmallVector<OpFoldResult>> {
      Value row0 = arith::MulIOp::create(bb, bl, i, idx(blockRows));
      Value rows = arith::MinSIOp::create(
          bb, bl, idx(blockRows), arith::SubIOp::create(bb, bl, idx(m), row0));
      Value tile0 = arith::MulIOp::create(bb, bl, j, idx(k.tiles));
      Value tiles = arith::MinSIOp::create(
          bb, bl, idx(k.tiles), arith::SubIOp::create(bb, bl, idx(n1), tile0));
      Value col0 = arith::MulIOp::create(bb, bl, tile0, idx(16));
      Value blockCols = arith::MinSIOp::create(
          bb, bl, arith::MulIOp::create(bb, bl, tiles, idx(16)),
          arith::SubIOp::create(bb, bl, idx(cols), col0));
      SmallVector<OpFoldResult> offsets = {row0, col0},
                                sizes = {rows, blockCols};
      Value block = tensor::ExtractSliceOp::create(
          bb, bl, out, offsets, sizes,
          SmallVector<OpFoldResult>(2, bb.getIndexAttr(1)));
      Value result;
      if (lastTiles == k.tiles) {
        result =
            emitBlock(bb, bl, k, a, w, block, tile0, row0, k1, rows, epi, col0);
      } else {
        Kernel last = *chooseKernel(k.isa, k.isUnsigned, lastTiles, k.module);
        Value isFull = arith::CmpIOp::create(bb, bl, arith::CmpIPredicate::eq,
                                             tiles, idx(k.tiles));
        auto ifOp = scf::IfOp::create(
            bb, bl, isFull,
            [&](OpBuilder &tb, Location tl) {
              scf::YieldOp::create(tb, tl,
                                   emitBlock(tb, tl, k, a, w, block, tile0,
                                             row0, k1, rows, epi, col0));
            },
            [&](OpBuilder &eb, Location el) {
              scf::YieldOp::create(eb, el,
                                   emitBlock(eb, el, last, a, w, block, tile0,
                                             row0, k1, rows, epi, col0));
            });
        result = ifOp.getResult(0);
      }
      SmallVector<OpFoldResult> place = {row0, col0, rows, blockCols};
      return {result, place};
    };

    bool parallel = this->parallel && mBlocks * nBlocks > 1 &&
                    m * n1 * 16 * k1 * 4 >= kMinParallelMacs;
    SmallVector<OpFoldResult> ones(2, b.getIndexAttr(1));
    if (parallel) {
      auto forall = scf::ForallOp::create(
          b, loc,
          SmallVector<OpFoldResult>{b.getIndexAttr(mBlocks),
                                    b.getIndexAttr(nBlocks)},
          ValueRange{c}, std::nullopt);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(forall.getBody());
      auto [result, place] =
          emitBody(b, loc, forall.getInductionVar(0), forall.getInductionVar(1),
                   forall.getRegionIterArgs()[0]);
      b.setInsertionPointToStart(forall.getTerminator().getBody());
      tensor::ParallelInsertSliceOp::create(
          b, loc, result, forall.getRegionIterArgs()[0],
          ArrayRef<OpFoldResult>(place).take_front(2),
          ArrayRef<OpFoldResult>(place).drop_front(2), ones);
      c = forall.getResult(0);
    } else {
      auto outer = scf::ForOp::create(
          b, loc, idx(0), idx(mBlocks), idx(1), ValueRange{c},
          [&](OpBuilder &ob, Location ol, Value i, ValueRange oArgs) {
            auto inner = scf::ForOp::create(
                ob, ol, idx(0), idx(nBlocks), idx(1), oArgs,
                [&](OpBuilder &ib, Location il, Value j, ValueRange iArgs) {
                  auto [result, place] = emitBody(ib, il, i, j, iArgs[0]);
                  Value updated = tensor::InsertSliceOp::create(
                      ib, il, result, iArgs[0],
                      ArrayRef<OpFoldResult>(place).take_front(2),
                      ArrayRef<OpFoldResult>(place).drop_front(2), ones);
                  scf::YieldOp::create(ib, il, updated);
                });
            scf::YieldOp::create(ob, ol, inner.getResult(0));
          });
      c = outer.getResult(0);
    }
    if (epi)
      return c;
    return tensor::ExpandShapeOp::create(
        b, loc, op.getResult(0).getType(), c,
        SmallVector<ReassociationIndices>{{0}, {1, 2}});
  }
};

struct LowerInt8DotsPass
    : public mlc::cpu::impl::LowerInt8DotsBase<LowerInt8DotsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::CallOp> calls;
    module.walk([&](func::CallOp call) {
      auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
      if (callee && callee->hasAttr(kIntrinsicMark))
        calls.push_back(call);
    });
    IRRewriter rewriter(&getContext());
    for (func::CallOp call : calls) {
      rewriter.setInsertionPoint(call);
      Value result =
          LLVM::CallIntrinsicOp::create(
              rewriter, call.getLoc(), call.getResultTypes()[0],
              rewriter.getStringAttr(call.getCallee()), call.getOperands())
              .getResult(0);
      rewriter.replaceOp(call, result);
    }
    for (auto f : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (f->hasAttr(kIntrinsicMark))
        f.erase();
  }
};

} // namespace
