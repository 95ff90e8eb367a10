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

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_INT8GEMM
#define GEN_PASS_DEF_LOWERINT8DOTS
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;

namespace {

enum class Isa { None, X86Avx2, X86Vnni, ArmDot, ArmI8mm };

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
  // yield(addi(out, muli(ext(a), extsi(b)))).
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddIOp>();
  if (!add || add.getLhs() != body.getArgument(2))
    return std::nullopt;
  auto mul = add.getRhs().getDefiningOp<arith::MulIOp>();
  if (!mul)
    return std::nullopt;
  Operation *extA = mul.getLhs().getDefiningOp();
  auto extB = mul.getRhs().getDefiningOp<arith::ExtSIOp>();
  if (!extA || !isa<arith::ExtUIOp, arith::ExtSIOp>(extA) || !extB ||
      extA->getOperand(0) != body.getArgument(0) ||
      extB.getIn() != body.getArgument(1))
    return std::nullopt;
  return GemmShape{a.getDimSize(0), a.getDimSize(1), b.getDimSize(0),
                   isa<arith::ExtUIOp>(extA)};
}

/// How one ISA computes: `filtersPerAcc` channels per accumulator register
/// of `accType`, `rows` activation rows per block.
struct Kernel {
  Isa isa;
  bool isUnsigned;
  int64_t filtersPerAcc, rows;
  VectorType accType;
  /// Where the intrinsic declarations go.
  ModuleOp module;
};

/// Bufferization and buffer deallocation reject llvm.call_intrinsic (its
/// memory effects are unknown), so the dot instructions are first calls to
/// private declarations named after the intrinsic and marked
/// `mlc.intrinsic`; mlc-cpu-lower-int8-dots makes them intrinsics after
/// bufferization.
static constexpr StringLiteral kIntrinsicMark = "mlc.intrinsic";

Value callIntrinsic(OpBuilder &b, Location loc, ModuleOp module, Type type,
                    StringRef name, ValueRange args) {
  if (!module.lookupSymbol(name)) {
    OpBuilder mb = OpBuilder::atBlockBegin(module.getBody());
    auto decl = func::FuncOp::create(
        mb, loc, name, b.getFunctionType(ValueRange(args).getTypes(), type));
    decl.setPrivate();
    decl->setAttr(kIntrinsicMark, b.getUnitAttr());
  }
  return func::CallOp::create(b, loc, name, TypeRange{type}, args)
      .getResult(0);
}

/// acc + dot(a: the 4 activation bytes, w: filtersPerAcc x 4 weight bytes).
Value emitDot(OpBuilder &b, Location loc, const Kernel &k, Value acc,
              Value a4, Value w) {
  Type i32 = b.getI32Type(), i8 = b.getI8Type();
  auto broadcastBytes = [&](int64_t lanes) -> Value {
    Value word = vector::BitCastOp::create(b, loc, VectorType::get({1}, i32),
                                           a4);
    Value scalar = vector::ExtractOp::create(b, loc, word, ArrayRef<int64_t>{0});
    Value splat = vector::BroadcastOp::create(
        b, loc, VectorType::get({lanes}, i32), scalar);
    return vector::BitCastOp::create(
        b, loc, VectorType::get({lanes * 4}, i8), splat);
  };
  switch (k.isa) {
  case Isa::X86Vnni:
    return callIntrinsic(b, loc, k.module, k.accType, "llvm.x86.avx512.vpdpbusd.256",
                         {acc, broadcastBytes(8), w});
  case Isa::X86Avx2: {
    Type i16 = b.getI16Type();
    auto a16Type = VectorType::get({4}, i16);
    Value a16 = k.isUnsigned ? arith::ExtUIOp::create(b, loc, a16Type, a4)
                                   .getResult()
                             : arith::ExtSIOp::create(b, loc, a16Type, a4)
                                   .getResult();
    SmallVector<int64_t> mask;
    for (int i = 0; i < 16; ++i)
      mask.push_back(i % 4);
    Value aRep = vector::ShuffleOp::create(b, loc, a16, a16, mask);
    Value w16 = arith::ExtSIOp::create(b, loc, VectorType::get({16}, i16), w);
    Value p = callIntrinsic(b, loc, k.module, k.accType, "llvm.x86.avx2.pmadd.wd",
                            {aRep, w16});
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

/// Rows [lo, hi) in blocks of `k.rows` of the n1-th weight tile; returns the
/// updated accumulator tensor c [M, N1 * 16].
Value emitRowBlocks(OpBuilder &b, Location loc, const Kernel &k, Value a,
                    Value w, Value c, Value n1, int64_t k1Size, int64_t lo,
                    int64_t hi) {
  if (hi <= lo)
    return c;
  Type i8 = b.getI8Type();
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  int64_t accsPerRow = 16 / k.filtersPerAcc;
  Value zero = arith::ConstantOp::create(b, loc,
                                         b.getZeroAttr(k.accType));
  Value zeroI8 = arith::ConstantOp::create(b, loc, b.getIntegerAttr(i8, 0));
  Value zeroI32 =
      arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  auto rowLoop = scf::ForOp::create(
      b, loc, idx(lo), idx(hi), idx(k.rows), ValueRange{c},
      [&](OpBuilder &rb, Location rloc, Value m, ValueRange rowArgs) {
        SmallVector<Value> inits(k.rows * accsPerRow, zero);
        auto kLoop = scf::ForOp::create(
            rb, rloc, idx(0), idx(k1Size), idx(1), inits,
            [&](OpBuilder &kb, Location kloc, Value k1, ValueRange accs) {
              // Weight tile (n1, k1): 16 channels x 4 bytes, contiguous.
              Value tile = arith::AddIOp::create(
                  kb, kloc, arith::MulIOp::create(kb, kloc, n1, idx(k1Size)),
                  k1);
              Value base = arith::MulIOp::create(kb, kloc, tile, idx(64));
              SmallVector<Value> ws;
              auto wType = VectorType::get({k.filtersPerAcc * 4}, i8);
              for (int64_t v = 0; v < accsPerRow; ++v)
                ws.push_back(vector::TransferReadOp::create(
                    kb, kloc, wType, w,
                    ValueRange{arith::AddIOp::create(
                        kb, kloc, base, idx(v * k.filtersPerAcc * 4))},
                    zeroI8, ArrayRef<bool>{true}));
              Value col = arith::MulIOp::create(kb, kloc, k1, idx(4));
              SmallVector<Value> next;
              for (int64_t r = 0; r < k.rows; ++r) {
                Value row = arith::AddIOp::create(kb, kloc, m, idx(r));
                Value a4 = vector::TransferReadOp::create(
                    kb, kloc, VectorType::get({4}, i8), a,
                    ValueRange{row, col}, zeroI8, ArrayRef<bool>{true});
                for (int64_t v = 0; v < accsPerRow; ++v)
                  next.push_back(emitDot(kb, kloc, k,
                                         accs[r * accsPerRow + v], a4, ws[v]));
              }
              scf::YieldOp::create(kb, kloc, next);
            });
        Value out = rowArgs[0];
        Value tileBase = arith::MulIOp::create(rb, rloc, n1, idx(16));
        for (int64_t r = 0; r < k.rows; ++r) {
          Value row = arith::AddIOp::create(rb, rloc, m, idx(r));
          for (auto [offset, vec] : finalizeRow(
                   rb, rloc, k,
                   kLoop.getResults().slice(r * accsPerRow, accsPerRow))) {
            Value colIdx =
                arith::AddIOp::create(rb, rloc, tileBase, idx(offset));
            auto vecType = cast<VectorType>(vec.getType());
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

struct Int8GemmPass : public mlc::cpu::impl::Int8GemmBase<Int8GemmPass> {
  using Int8GemmBase::Int8GemmBase;

  void runOnOperation() override {
    Isa target = llvm::StringSwitch<Isa>(isa)
                     .Case("x86-avx2", Isa::X86Avx2)
                     .Case("x86-vnni", Isa::X86Vnni)
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
      Kernel k{target, shape.isUnsigned, 0, 0, {}, getOperation()};
      Type i32 = rewriter.getI32Type();
      switch (target) {
      case Isa::X86Vnni:
        // vpdpbusd multiplies unsigned by signed bytes.
        if (!shape.isUnsigned)
          continue;
        k.filtersPerAcc = 8;
        k.rows = 4;
        k.accType = VectorType::get({8}, i32);
        break;
      case Isa::X86Avx2:
        k.filtersPerAcc = 4;
        k.rows = 2;
        k.accType = VectorType::get({8}, i32);
        break;
      case Isa::ArmDot:
        // sdot multiplies signed bytes; usdot (unsigned x signed) is I8MM.
        if (shape.isUnsigned)
          continue;
        [[fallthrough]];
      case Isa::ArmI8mm:
        k.filtersPerAcc = 4;
        k.rows = 4;
        k.accType = VectorType::get({4}, i32);
        break;
      case Isa::None:
        continue;
      }
      Location loc = op.getLoc();
      rewriter.setInsertionPoint(op);
      int64_t m = shape.m, k1 = shape.k1, n1 = shape.n1;
      Type i8 = rewriter.getI8Type();
      Value a = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({m, k1 * 4}, i8),
          op.getDpsInputs()[0], SmallVector<ReassociationIndices>{{0}, {1, 2}});
      Value w = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({n1 * k1 * 64}, i8),
          op.getDpsInputs()[1],
          SmallVector<ReassociationIndices>{{0, 1, 2, 3}});
      Value c = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({m, n1 * 16}, i32),
          op.getDpsInits()[0], SmallVector<ReassociationIndices>{{0}, {1, 2}});
      auto idx = [&](int64_t v) -> Value {
        return arith::ConstantIndexOp::create(rewriter, loc, v);
      };
      int64_t full = m / k.rows * k.rows;
      auto tileLoop = scf::ForOp::create(
          rewriter, loc, idx(0), idx(n1), idx(1), ValueRange{c},
          [&](OpBuilder &b, Location tloc, Value tile, ValueRange args) {
            Value out = emitRowBlocks(b, tloc, k, a, w, args[0], tile, k1, 0,
                                      full);
            Kernel one = k;
            one.rows = 1;
            out = emitRowBlocks(b, tloc, one, a, w, out, tile, k1, full, m);
            scf::YieldOp::create(b, tloc, out);
          });
      Value result = tensor::ExpandShapeOp::create(
          rewriter, loc, op.getResult(0).getType(), tileLoop.getResult(0),
          SmallVector<ReassociationIndices>{{0}, {1, 2}});
      rewriter.replaceOp(op, result);
    }
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
      Value result = LLVM::CallIntrinsicOp::create(
                         rewriter, call.getLoc(), call.getResultTypes()[0],
                         rewriter.getStringAttr(call.getCallee()),
                         call.getOperands())
                         .getResult(0);
      rewriter.replaceOp(call, result);
    }
    for (auto f : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (f->hasAttr(kIntrinsicMark))
        f.erase();
  }
};

} // namespace
