//===- Bf16Gemm.cpp - The mlc-cpu-bf16-gemm pass --------------------------===//
//
// Replaces the bf16 x bf16 -> f32 contractions of --quantize=bf16 whose
// weights are constants (matmuls, the MatMul generics of transformer
// layers, NHWC convolutions) with register-tiled kernels on AVX512-BF16's
// vdpbf16ps (or AArch64's bfdot): the weights are packed at compile time
// in pairs of the reduction dim ([N1/T][taps][C/2][T][16][2]), a register
// block of rows x 16-channel tiles accumulates in f32 registers over the
// whole reduction, and the elementwise consumer (bias, ReLU, residual add,
// the rounding to bf16) runs on the f32 register tile before it is stored.
//
//===----------------------------------------------------------------------===//

#include "Bf16Contraction.h"
#include "CPUPasses.h"
#include "ConstantBytes.h"
#include "IntrinsicCall.h"
#include "VectorBody.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

#include <cstring>
#include <functional>

namespace mlc::cpu {
#define GEN_PASS_DEF_BF16GEMM
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;
using mlc::cpu::getRawBytes;
using namespace mlc::cpu::bf16;

namespace {

/// Register block: `rows` rows x `tiles` 16-channel tiles of f32
/// accumulators (zmm).
struct Kernel {
  int64_t rows, tiles;
  ModuleOp module;
  /// f32 lanes of one accumulator (16: vdpbf16ps zmm; 4: bfdot q), and
  /// the dot instruction: acc[i] += a[2i] * b[2i] + a[2i+1] * b[2i+1].
  int64_t lanes = 16;
  StringRef intrinsic = "llvm.x86.avx512bf16.dpbf16ps.512";

  int64_t accsPerTile() const { return 16 / lanes; }
  int64_t accsPerRow() const { return tiles * accsPerTile(); }
  VectorType getAccType(MLIRContext *ctx) const {
    return VectorType::get({lanes}, Float32Type::get(ctx));
  }
};

/// Rows per block of the outer loops, in register blocks.
constexpr int64_t kBlockRegisterRows = 16;
/// A contraction with fewer multiply-adds than this runs on one thread.
constexpr int64_t kMinParallelMacs = int64_t(1) << 18;

/// AVX512-BF16: 6 rows x 4 tiles = 24 zmm accumulators, 4 weight
/// registers and a broadcast of the 32; fewer tiles (channels not a
/// multiple of 64), more rows. AArch64 BF16 (bfdot, 4 lanes): 6 rows x 1
/// tile = 24 q accumulators, 4 weight registers and a broadcast of the 32.
Kernel chooseKernel(int64_t n1, ModuleOp module, bool arm) {
  if (arm) {
    Kernel k{6, 1, module};
    k.lanes = 4;
    k.intrinsic = "llvm.aarch64.neon.bfdot.v4f32.v8bf16";
    return k;
  }
  int64_t tiles = n1 % 4 == 0 ? 4 : n1 % 3 == 0 ? 3 : n1 % 2 == 0 ? 2 : 1;
  int64_t rows = tiles == 4 ? 6 : tiles == 3 ? 8 : tiles == 2 ? 12 : 16;
  return Kernel{rows, tiles, module};
}

/// The weights packed for vdpbf16ps in blocks of `tiles` 16-channel tiles:
/// [N1 / tiles][taps][pairs][tiles][16][2], zero past the N channels and
/// the C reduction elements. One step of a register block reads
/// tiles * 64 contiguous bytes.
Value packWeights(OpBuilder &b, Location loc, const Contraction &c,
                  int64_t tiles) {
  int64_t n1 = c.getTiles(), taps = c.getTaps(), pairs = c.getPairs();
  int64_t size = n1 * taps * pairs * 32;
  std::vector<uint16_t> packed(size, 0);
  std::optional<ArrayRef<char>> raw = getRawBytes(c.weights);
  uint16_t splat = 0;
  if (!raw) {
    APFloat value = cast<DenseElementsAttr>(c.weights).getSplatValue<APFloat>();
    splat = value.bitcastToAPInt().getZExtValue();
  }
  auto read = [&](int64_t index) -> uint16_t {
    if (!raw)
      return splat;
    uint16_t bits;
    std::memcpy(&bits, raw->data() + index * 2, 2);
    return bits;
  };
  for (int64_t f = 0; f < c.n; ++f)
    for (int64_t t = 0; t < taps; ++t)
      for (int64_t k = 0; k < c.c; ++k) {
        int64_t source = 0;
        switch (c.layout) {
        case WeightLayout::FHWC:
          source = (f * taps + t) * c.c + k;
          break;
        case WeightLayout::KN:
          source = k * c.n + f;
          break;
        case WeightLayout::NK:
          source = f * c.c + k;
          break;
        }
        int64_t tile = f / 16;
        int64_t dest = (((tile / tiles * taps + t) * pairs + k / 2) * tiles +
                        tile % tiles) *
                           32 +
                       f % 16 * 2 + k % 2;
        packed[dest] = read(source);
      }
  auto type = RankedTensorType::get({size}, b.getBF16Type());
  ArrayRef<char> bytes(reinterpret_cast<const char *>(packed.data()),
                       packed.size() * 2);
  auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      bytes, alignof(std::max_align_t));
  auto attr = DenseResourceElementsAttr::get(type, "mlc_bf16_packed_weights",
                                             std::move(blob));
  return arith::ConstantOp::create(b, loc, attr);
}

/// The accumulators' start: a broadcast bias [N], a fill value, or (any
/// other init) the init itself as [rows, N].
struct AccumulatorInit {
  Value bias, fill, full;
};

/// `v` [d0, ..., dn] as [d0 * ... * d(n-1), dn].
Value collapseToRows(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() == 2)
    return v;
  ReassociationIndices rows;
  for (int64_t d = 0; d + 1 < type.getRank(); ++d)
    rows.push_back(d);
  SmallVector<ReassociationIndices> reassociation = {rows,
                                                     {type.getRank() - 1}};
  if (type.getRank() == 1)
    return tensor::ExpandShapeOp::create(
        b, loc,
        RankedTensorType::get({1, type.getDimSize(0)}, type.getElementType()),
        v, SmallVector<ReassociationIndices>{{0, 1}});
  return tensor::CollapseShapeOp::create(b, loc, v, reassociation);
}

/// `v` (any shape) as one dim.
Value collapseToVector(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() == 1)
    return v;
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  return tensor::CollapseShapeOp::create(
      b, loc, v, SmallVector<ReassociationIndices>{all});
}

AccumulatorInit getAccumulatorInit(OpBuilder &b, Location loc,
                                   const Contraction &c) {
  AccumulatorInit init;
  Value value = c.op.getDpsInits()[0];
  if (auto fill = value.getDefiningOp<linalg::FillOp>()) {
    if (!matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
      init.fill = fill.getInputs()[0];
    return init;
  }
  if (auto broadcast = value.getDefiningOp<linalg::BroadcastOp>()) {
    auto type = cast<RankedTensorType>(broadcast.getInput().getType());
    int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
    if (type.getRank() == 1 && type.getDimSize(0) == c.n &&
        llvm::equal(broadcast.getDimensions(),
                    llvm::seq<int64_t>(0, rank - 1))) {
      init.bias = broadcast.getInput();
      return init;
    }
  }
  init.full = collapseToRows(b, loc, value);
  return init;
}

class KernelEmitter {
public:
  KernelEmitter(const Contraction &c, const Epilogue *epi,
                const AccumulatorInit &init, Value packed, Value input,
                SmallVector<Value> epilogueInputs)
      : c(c), epi(epi), init(init), packed(packed), input(input),
        epilogueInputs(std::move(epilogueInputs)), fullTiles(c.n % 16 == 0) {}

  /// Rows [lo, hi) of the block `out` (its row 0 is row `row0` of group
  /// `g`; its column 0 channel `col0`, of tile `tile0`), in register blocks
  /// of k.rows.
  Value emitRowBlocks(OpBuilder &b, Location loc, const Kernel &k, Value out,
                      Value g, Value row0, Value tile0, Value col0, Value lo,
                      Value hi) {
    auto loop = scf::ForOp::create(
        b, loc, lo, hi, idx(b, loc, k.rows), ValueRange{out},
        [&](OpBuilder &rb, Location rl, Value r, ValueRange args) {
          Value result =
              emitRegisterBlock(rb, rl, k, args[0], g, row0, r, tile0, col0);
          scf::YieldOp::create(rb, rl, result);
        });
    return loop.getResult(0);
  }

private:
  static Value idx(OpBuilder &b, Location loc, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }

  /// The two bf16 of reduction pair `pair` for row `row` of group `g` at
  /// tap (kh, kw), broadcast to `lanes` lanes.
  Value readPair(OpBuilder &b, Location loc, int64_t lanes, Value g, Value row,
                 Value kh, Value kw, Value pair, bool inBounds) {
    Type bf16 = b.getBF16Type(), i32 = b.getI32Type();
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(bf16));
    Value k = arith::MulIOp::create(b, loc, pair, idx(b, loc, 2));
    SmallVector<Value> indices;
    if (!c.isConv) {
      indices = {row, k};
    } else {
      Value n = arith::DivUIOp::create(b, loc, g, idx(b, loc, c.oh));
      Value oh = arith::RemUIOp::create(b, loc, g, idx(b, loc, c.oh));
      Value ih = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, oh, idx(b, loc, c.strideH)),
          arith::MulIOp::create(b, loc, kh, idx(b, loc, c.dilH)));
      Value iw = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, row, idx(b, loc, c.strideW)),
          arith::MulIOp::create(b, loc, kw, idx(b, loc, c.dilW)));
      indices = {n, ih, iw, k};
    }
    Value two = vector::TransferReadOp::create(
        b, loc, VectorType::get({2}, bf16), input, indices, zero,
        ArrayRef<bool>{inBounds});
    Value word =
        vector::BitCastOp::create(b, loc, VectorType::get({1}, i32), two);
    Value scalar =
        vector::ExtractOp::create(b, loc, word, ArrayRef<int64_t>{0});
    Value splat = vector::BroadcastOp::create(
        b, loc, VectorType::get({lanes}, i32), scalar);
    return vector::BitCastOp::create(b, loc, VectorType::get({2 * lanes}, bf16),
                                     splat);
  }

  /// One reduction pair of every accumulator of the register block.
  SmallVector<Value> emitStep(OpBuilder &b, Location loc, const Kernel &k,
                              ValueRange accs, Value g, Value firstRow,
                              Value tile0, Value tap, Value kh, Value kw,
                              Value pair, bool inBounds) {
    Type bf16 = b.getBF16Type();
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(bf16));
    // ((block * taps + tap) * pairs + pair) * tiles * 32, block = tile0 /
    // tiles.
    Value block = arith::DivUIOp::create(b, loc, tile0, idx(b, loc, k.tiles));
    Value base = arith::MulIOp::create(
        b, loc,
        arith::AddIOp::create(
            b, loc,
            arith::MulIOp::create(
                b, loc,
                arith::AddIOp::create(
                    b, loc,
                    arith::MulIOp::create(b, loc, block,
                                          idx(b, loc, c.getTaps())),
                    tap),
                idx(b, loc, c.getPairs())),
            pair),
        idx(b, loc, k.tiles * 32));
    SmallVector<Value> ws;
    for (int64_t v = 0; v < k.accsPerRow(); ++v) {
      Value offset =
          arith::AddIOp::create(b, loc, base, idx(b, loc, v * 2 * k.lanes));
      ws.push_back(vector::TransferReadOp::create(
          b, loc, VectorType::get({2 * k.lanes}, bf16), packed,
          ValueRange{offset}, zero, ArrayRef<bool>{true}));
    }
    SmallVector<Value> next;
    VectorType accType = k.getAccType(b.getContext());
    for (int64_t i = 0; i < k.rows; ++i) {
      Value row = arith::AddIOp::create(b, loc, firstRow, idx(b, loc, i));
      Value a = readPair(b, loc, k.lanes, g, row, kh, kw, pair, inBounds);
      for (int64_t v = 0; v < k.accsPerRow(); ++v)
        next.push_back(
            mlc::cpu::callIntrinsic(b, loc, k.module, accType, k.intrinsic,
                                    {accs[i * k.accsPerRow() + v], a, ws[v]}));
    }
    return next;
  }

  /// All pairs of one tap.
  SmallVector<Value> emitTap(OpBuilder &b, Location loc, const Kernel &k,
                             ValueRange accs, Value g, Value firstRow,
                             Value tile0, Value tap, Value kh, Value kw) {
    int64_t fullPairs = c.c / 2;
    SmallVector<Value> result(accs);
    if (fullPairs > 0) {
      auto loop = scf::ForOp::create(
          b, loc, idx(b, loc, 0), idx(b, loc, fullPairs), idx(b, loc, 1),
          result, [&](OpBuilder &pb, Location pl, Value pair, ValueRange args) {
            scf::YieldOp::create(pb, pl,
                                 emitStep(pb, pl, k, args, g, firstRow, tile0,
                                          tap, kh, kw, pair, true));
          });
      result.assign(loop.getResults().begin(), loop.getResults().end());
    }
    // An odd reduction: the last element alone (its pair masked).
    if (c.c % 2 != 0)
      result = emitStep(b, loc, k, result, g, firstRow, tile0, tap, kh, kw,
                        idx(b, loc, fullPairs), false);
    return result;
  }

  /// The channels [col, col + 16) of the epilogue's result for `acc`,
  /// row `row` of [rows, N].
  Value applyEpilogue(OpBuilder &b, Location loc, Value acc, Value row,
                      Value col) {
    auto vec = [&](Type t) { return VectorType::get({16}, t); };
    linalg::GenericOp op = epi->op;
    Block &body = op.getRegion().front();
    IRMapping mapping;
    for (auto [i, in] : llvm::enumerate(op.getDpsInputOperands())) {
      BlockArgument arg = op.getMatchingBlockArgument(in);
      Value source = epilogueInputs[i];
      Type elem = getElementTypeOrSelf(source.getType());
      Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elem));
      switch (epi->kinds[i]) {
      case Epilogue::Kind::Acc:
        mapping.map(arg, acc);
        break;
      case Epilogue::Kind::Full:
        mapping.map(arg, vector::TransferReadOp::create(
                             b, loc, vec(elem), source, ValueRange{row, col},
                             zero, ArrayRef<bool>{fullTiles}));
        break;
      case Epilogue::Kind::PerChannel:
        mapping.map(arg, vector::TransferReadOp::create(
                             b, loc, vec(elem), source, ValueRange{col}, zero,
                             ArrayRef<bool>{fullTiles}));
        break;
      case Epilogue::Kind::Scalar: {
        auto type = cast<RankedTensorType>(source.getType());
        SmallVector<Value> zeros(type.getRank(), idx(b, loc, 0));
        Value scalar = tensor::ExtractOp::create(b, loc, source, zeros);
        mapping.map(arg,
                    vector::BroadcastOp::create(b, loc, vec(elem), scalar));
        break;
      }
      }
    }
    return mlc::cpu::cloneBodyOnVectors(b, loc, body, 16, mapping);
  }

  /// Rows [r, r + k.rows) of the block: the reduction in registers, then
  /// the accumulator's start, the epilogue, and the store.
  Value emitRegisterBlock(OpBuilder &b, Location loc, const Kernel &k,
                          Value out, Value g, Value row0, Value r, Value tile0,
                          Value col0) {
    VectorType laneType = k.getAccType(b.getContext());
    Value zeroAcc = arith::ConstantOp::create(
        b, loc, laneType, DenseElementsAttr::get(laneType, 0.0f));
    SmallVector<Value> accs(k.rows * k.accsPerRow(), zeroAcc);
    auto accType = VectorType::get({16}, b.getF32Type());
    // The row within the group, and (matmul) within all rows.
    Value firstRow = arith::AddIOp::create(b, loc, row0, r);
    Value firstInputRow = firstRow;
    if (!c.isConv)
      firstInputRow = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, g, idx(b, loc, c.rowsPerGroup)),
          firstRow);
    if (c.getTaps() == 1) {
      Value zero = idx(b, loc, 0);
      accs =
          emitTap(b, loc, k, accs, g, firstInputRow, tile0, zero, zero, zero);
    } else {
      auto taps = scf::ForOp::create(
          b, loc, idx(b, loc, 0), idx(b, loc, c.getTaps()), idx(b, loc, 1),
          accs, [&](OpBuilder &tb, Location tl, Value tap, ValueRange args) {
            Value kh = arith::DivUIOp::create(tb, tl, tap, idx(tb, tl, c.kw));
            Value kw = arith::RemUIOp::create(tb, tl, tap, idx(tb, tl, c.kw));
            scf::YieldOp::create(
                tb, tl,
                emitTap(tb, tl, k, args, g, firstInputRow, tile0, tap, kh, kw));
          });
      accs.assign(taps.getResults().begin(), taps.getResults().end());
    }
    Type f32 = b.getF32Type();
    Value zeroF32 = arith::ConstantOp::create(b, loc, b.getZeroAttr(f32));
    Value fill;
    if (init.fill)
      fill = vector::BroadcastOp::create(b, loc, accType, init.fill);
    for (int64_t i = 0; i < k.rows; ++i) {
      Value localRow = arith::AddIOp::create(b, loc, r, idx(b, loc, i));
      // Row of [rows, N].
      Value row = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, g, idx(b, loc, c.rowsPerGroup)),
          arith::AddIOp::create(b, loc, firstRow, idx(b, loc, i)));
      for (int64_t t = 0; t < k.tiles; ++t) {
        Value localCol = idx(b, loc, t * 16);
        Value col = arith::AddIOp::create(b, loc, col0, localCol);
        // The tile's 16 channels as one vector (bfdot: 4 accumulators).
        SmallVector<Value> parts(ArrayRef<Value>(accs).slice(
            (i * k.tiles + t) * k.accsPerTile(), k.accsPerTile()));
        while (parts.size() > 1) {
          SmallVector<Value> joined;
          for (size_t p = 0; p < parts.size(); p += 2) {
            int64_t width =
                cast<VectorType>(parts[p].getType()).getNumElements();
            joined.push_back(vector::ShuffleOp::create(
                b, loc, parts[p], parts[p + 1],
                llvm::to_vector(llvm::seq<int64_t>(0, 2 * width))));
          }
          parts = std::move(joined);
        }
        Value sum = parts.front();
        if (fill)
          sum = arith::AddFOp::create(b, loc, fill, sum);
        if (init.bias)
          sum = arith::AddFOp::create(
              b, loc,
              vector::TransferReadOp::create(b, loc, accType, init.bias,
                                             ValueRange{col}, zeroF32,
                                             ArrayRef<bool>{fullTiles}),
              sum);
        if (init.full)
          sum = arith::AddFOp::create(
              b, loc,
              vector::TransferReadOp::create(b, loc, accType, init.full,
                                             ValueRange{row, col}, zeroF32,
                                             ArrayRef<bool>{fullTiles}),
              sum);
        Value result = epi ? applyEpilogue(b, loc, sum, row, col) : sum;
        // Past the N real channels of the last tile: masked (only when N
        // is no multiple of 16).
        out = vector::TransferWriteOp::create(b, loc, result, out,
                                              ValueRange{localRow, localCol},
                                              ArrayRef<bool>{fullTiles})
                  .getResult();
      }
    }
    return out;
  }

  const Contraction &c;
  const Epilogue *epi;
  const AccumulatorInit &init;
  Value packed, input;
  SmallVector<Value> epilogueInputs;
  /// Whether every 16-channel tile is whole (the tile blocks divide the
  /// tiles): no access of the epilogue is masked.
  bool fullTiles;
};

struct Bf16GemmPass : public mlc::cpu::impl::Bf16GemmBase<Bf16GemmPass> {
  using Bf16GemmBase::Bf16GemmBase;

  void runOnOperation() override {
    if (isa != "x86-avx512bf16" && isa != "arm-bf16") {
      if (isa != "none") {
        getOperation().emitError() << "unknown ISA '" << isa
                                   << "' (expected none, x86-avx512bf16 or "
                                      "arm-bf16)";
        signalPassFailure();
      }
      return;
    }
    SmallVector<Contraction> work;
    getOperation().walk([&](linalg::LinalgOp op) {
      std::optional<Contraction> c;
      if (auto conv = dyn_cast<linalg::Conv2DNhwcFhwcOp>(op.getOperation()))
        c = matchConv(conv);
      else
        c = matchMatmul(op);
      if (c)
        work.push_back(*c);
    });
    IRRewriter rewriter(&getContext());
    for (Contraction &c : work)
      rewrite(rewriter, c);
  }

  void rewrite(IRRewriter &rewriter, const Contraction &c) {
    std::optional<Epilogue> epi = matchEpilogue(c);
    Operation *root = epi ? epi->op.getOperation() : c.op.getOperation();
    rewriter.setInsertionPoint(root);
    Location loc = c.op.getLoc();
    OpBuilder &b = rewriter;
    int64_t rows = c.getRows(), n1 = c.getTiles();
    Kernel k = chooseKernel(n1, getOperation(), isa == "arm-bf16");
    Value packed = packWeights(b, loc, c, k.tiles);
    // Read now: an earlier rewrite may have replaced the producer.
    Value input = c.op.getDpsInputs()[0];
    if (!c.isConv)
      input = collapseToRows(b, loc, input);
    AccumulatorInit init = getAccumulatorInit(b, loc, c);
    SmallVector<Value> epilogueInputs;
    Type resultElement = b.getF32Type();
    if (epi) {
      resultElement = epi->getResultType();
      for (auto [kind, value] : llvm::zip(epi->kinds, epi->inputs)) {
        switch (kind) {
        case Epilogue::Kind::Acc:
        case Epilogue::Kind::Scalar:
          epilogueInputs.push_back(value);
          break;
        case Epilogue::Kind::Full:
          epilogueInputs.push_back(collapseToRows(b, loc, value));
          break;
        case Epilogue::Kind::PerChannel:
          epilogueInputs.push_back(collapseToVector(b, loc, value));
          break;
        }
      }
    }
    Value out = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{rows, c.n},
                                        resultElement);
    KernelEmitter emitter(c, epi ? &*epi : nullptr, init, packed, input,
                          epilogueInputs);

    int64_t blockRows = k.rows * kBlockRegisterRows;
    int64_t rowBlocks = (c.rowsPerGroup + blockRows - 1) / blockRows;
    int64_t colBlocks = n1 / k.tiles;
    // Block (g, i, j): rows [i * blockRows, +rows) of group g, tiles
    // [j * k.tiles, +k.tiles).
    auto emitBody =
        [&](OpBuilder &bb, Location bl, Value g, Value i, Value j,
            Value dest) -> std::pair<Value, SmallVector<OpFoldResult>> {
      auto cst = [&](int64_t v) -> Value {
        return arith::ConstantIndexOp::create(bb, bl, v);
      };
      Value row0 = arith::MulIOp::create(bb, bl, i, cst(blockRows));
      Value blockRowCount = arith::MinSIOp::create(
          bb, bl, cst(blockRows),
          arith::SubIOp::create(bb, bl, cst(c.rowsPerGroup), row0));
      Value tile0 = arith::MulIOp::create(bb, bl, j, cst(k.tiles));
      Value col0 = arith::MulIOp::create(bb, bl, tile0, cst(16));
      // Whole tiles: a static block width, so that the accesses of the
      // block need no masks.
      Value cols = cst(k.tiles * 16);
      if (c.n % 16 != 0)
        cols = arith::MinSIOp::create(
            bb, bl, cols, arith::SubIOp::create(bb, bl, cst(c.n), col0));
      Value globalRow = arith::AddIOp::create(
          bb, bl, arith::MulIOp::create(bb, bl, g, cst(c.rowsPerGroup)), row0);
      SmallVector<OpFoldResult> offsets = {globalRow, col0},
                                sizes = {blockRowCount, cols};
      Value block = tensor::ExtractSliceOp::create(
          bb, bl, dest, offsets, sizes,
          SmallVector<OpFoldResult>(2, bb.getIndexAttr(1)));
      Value full = arith::SubIOp::create(
          bb, bl, blockRowCount,
          arith::RemUIOp::create(bb, bl, blockRowCount, cst(k.rows)));
      block = emitter.emitRowBlocks(bb, bl, k, block, g, row0, tile0, col0,
                                    cst(0), full);
      Kernel one = k;
      one.rows = 1;
      block = emitter.emitRowBlocks(bb, bl, one, block, g, row0, tile0, col0,
                                    full, blockRowCount);
      SmallVector<OpFoldResult> place = {globalRow, col0, blockRowCount, cols};
      return {block, place};
    };

    int64_t macs = rows * c.n * c.getTaps() * c.c;
    int64_t blocks = c.groups * rowBlocks * colBlocks;
    SmallVector<OpFoldResult> ones(2, b.getIndexAttr(1));
    // The loops over (groups, row blocks, column blocks), outermost first.
    // When the weights outweigh the activations (the deep layers), one
    // column block's weights stay in cache while every row passes;
    // otherwise the activations of a row block do.
    int64_t weightBytes = n1 * 16 * c.getTaps() * c.getPairs() * 4;
    int64_t inputBytes =
        cast<RankedTensorType>(input.getType()).getNumElements() * 2;
    bool isParallel = parallel && blocks > 1 && macs >= kMinParallelMacs;
    SmallVector<int64_t> order = {0, 2, 1};
    if (weightBytes > inputBytes)
      order = {2, 0, 1};
    else if (isParallel)
      order = {0, 1, 2};
    int64_t extents[3] = {c.groups, rowBlocks, colBlocks};
    if (isParallel) {
      SmallVector<OpFoldResult> ubs;
      for (int64_t d : order)
        ubs.push_back(b.getIndexAttr(extents[d]));
      auto forall =
          scf::ForallOp::create(b, loc, ubs, ValueRange{out}, std::nullopt);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(forall.getBody());
      Value ivs[3];
      for (auto [position, d] : llvm::enumerate(order))
        ivs[d] = forall.getInductionVar(position);
      auto [result, place] = emitBody(b, loc, ivs[0], ivs[1], ivs[2],
                                      forall.getRegionIterArgs()[0]);
      b.setInsertionPointToStart(forall.getTerminator().getBody());
      tensor::ParallelInsertSliceOp::create(
          b, loc, result, forall.getRegionIterArgs()[0],
          ArrayRef<OpFoldResult>(place).take_front(2),
          ArrayRef<OpFoldResult>(place).drop_front(2), ones);
      out = forall.getResult(0);
    } else {
      Value ivs[3];
      std::function<Value(OpBuilder &, Location, unsigned, Value)> nest =
          [&](OpBuilder &lb, Location ll, unsigned level, Value dest) -> Value {
        if (level == order.size()) {
          auto [result, place] = emitBody(lb, ll, ivs[0], ivs[1], ivs[2], dest);
          return tensor::InsertSliceOp::create(
              lb, ll, result, dest, ArrayRef<OpFoldResult>(place).take_front(2),
              ArrayRef<OpFoldResult>(place).drop_front(2), ones);
        }
        auto loop = scf::ForOp::create(
            lb, ll, arith::ConstantIndexOp::create(lb, ll, 0),
            arith::ConstantIndexOp::create(lb, ll, extents[order[level]]),
            arith::ConstantIndexOp::create(lb, ll, 1), ValueRange{dest},
            [&](OpBuilder &ib, Location il, Value iv, ValueRange args) {
              ivs[order[level]] = iv;
              scf::YieldOp::create(ib, il, nest(ib, il, level + 1, args[0]));
            });
        return loop.getResult(0);
      };
      out = nest(b, loc, 0, out);
    }
    // [rows, N] -> the shape of what is replaced.
    auto resultType = cast<RankedTensorType>(root->getResult(0).getType());
    Value result = out;
    if (resultType.getRank() != 2) {
      ReassociationIndices lead;
      for (int64_t d = 0; d + 1 < resultType.getRank(); ++d)
        lead.push_back(d);
      SmallVector<ReassociationIndices> reassociation = {
          lead, {resultType.getRank() - 1}};
      if (resultType.getRank() == 1)
        reassociation = {{0, 1}};
      result =
          tensor::ExpandShapeOp::create(b, loc, resultType, out, reassociation);
    }
    rewriter.replaceOp(root, result);
    if (epi)
      rewriter.eraseOp(c.op);
  }
};

} // namespace
