//===- Int8Depthwise.cpp - The mlc-cpu-int8-depthwise pass ----------------===//
//
// The 8-bit depthwise convolution in NHWC that convert-mlc-to-linalg makes
// (Int8ContractionToLinalg.cpp: loops (n, oh, ow, kh, kw, c),
// acc[n, oh, ow, c] += ext(x[n, oh*s + kh*d, ow*s + kw*d, c]) * w[kh, kw, c])
// becomes register tiles: for a row of output pixels, `kRows` pixels x one
// vector of channels accumulate in i32 vector registers over the whole
// window, each step a widened activation vector times a widened filter
// vector. As loops, the accumulator row went to memory and back once per
// window position (9 times for 3x3).
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"
#include "Int8MulAcc.h"
#include "Target/CPUTarget.h"
#include "VectorBody.h"

#include "mlir/Analysis/FlatLinearValueConstraints.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_INT8DEPTHWISE
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;

namespace {

/// Output pixels per register tile.
constexpr int64_t kRows = 4;

struct Depthwise {
  int64_t n, oh, ow, c, kh, kw;
  int64_t strides[2], dilations[2];
  bool isUnsigned;
};

/// `expr` as d_a * s + d_b * d (the window read of one spatial dim).
bool matchWindow(AffineExpr expr, unsigned outDim, unsigned kDim,
                 int64_t &stride, int64_t &dilation) {
  SmallVector<int64_t> coeffs;
  if (failed(getFlattenedAffineExpr(expr, 6, 0, &coeffs)))
    return false;
  for (unsigned d = 0; d < 6; ++d)
    if (d != outDim && d != kDim && coeffs[d] != 0)
      return false;
  if (coeffs[6] != 0 || coeffs[outDim] <= 0 || coeffs[kDim] <= 0)
    return false;
  stride = coeffs[outDim];
  dilation = coeffs[kDim];
  return true;
}

std::optional<Depthwise> matchDepthwise(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != 6 || !op.hasPureTensorSemantics())
    return std::nullopt;
  auto x = dyn_cast<RankedTensorType>(op.getDpsInputs()[0].getType());
  auto w = dyn_cast<RankedTensorType>(op.getDpsInputs()[1].getType());
  auto c = dyn_cast<RankedTensorType>(op.getDpsInits()[0].getType());
  if (!x || !w || !c || x.getRank() != 4 || w.getRank() != 3 ||
      c.getRank() != 4 || !x.hasStaticShape() || !w.hasStaticShape() ||
      !c.hasStaticShape() || !x.getElementType().isInteger(8) ||
      !w.getElementType().isInteger(8) || !c.getElementType().isInteger(32))
    return std::nullopt;
  auto p = utils::IteratorType::parallel, r = utils::IteratorType::reduction;
  if (op.getIteratorTypesArray() !=
      SmallVector<utils::IteratorType>{p, p, p, r, r, p})
    return std::nullopt;
  MLIRContext *ctx = op.getContext();
  AffineExpr dn, doh, dow, dkh, dkw, dc;
  bindDims(ctx, dn, doh, dow, dkh, dkw, dc);
  AffineMap in = op.getIndexingMapsArray()[0];
  if (op.getIndexingMapsArray()[1] !=
          AffineMap::get(6, 0, {dkh, dkw, dc}, ctx) ||
      op.getIndexingMapsArray()[2] !=
          AffineMap::get(6, 0, {dn, doh, dow, dc}, ctx) ||
      in.getNumResults() != 4 || in.getResult(0) != dn || in.getResult(3) != dc)
    return std::nullopt;
  Depthwise d;
  if (!matchWindow(in.getResult(1), 1, 3, d.strides[0], d.dilations[0]) ||
      !matchWindow(in.getResult(2), 2, 4, d.strides[1], d.dilations[1]))
    return std::nullopt;
  std::optional<bool> isUnsigned =
      mlc::cpu::matchInt8MulAccBody(op.getRegion().front());
  if (!isUnsigned)
    return std::nullopt;
  d.isUnsigned = *isUnsigned;
  d.n = c.getDimSize(0);
  d.oh = c.getDimSize(1);
  d.ow = c.getDimSize(2);
  d.c = c.getDimSize(3);
  d.kh = w.getDimSize(0);
  d.kw = w.getDimSize(1);
  return d;
}

/// An elementwise consumer of the convolution (requantization: i32 -> i8
/// with per-channel multipliers) computed on the register tile, so that
/// the i32 accumulators never reach memory: a linalg.generic of 4 parallel
/// loops that reads the convolution's result through the identity map, its
/// other inputs per channel ([C] along the last loop) or scalars, and
/// writes its result through the identity map without reading it.
struct Epilogue {
  linalg::GenericOp op;
  /// The operand of `op` that reads the convolution's result.
  unsigned accOperand;
};

std::optional<Epilogue> matchEpilogue(linalg::GenericOp conv,
                                      const Depthwise &d) {
  Value result = conv.getResult(0);
  if (!result.hasOneUse())
    return std::nullopt;
  auto op = dyn_cast<linalg::GenericOp>(*result.getUsers().begin());
  if (!op || op.getNumDpsInits() != 1 || op.getNumLoops() != 4 ||
      op.getNumParallelLoops() != 4 || !op.hasPureTensorSemantics() ||
      !mlc::cpu::isVectorizableBody(op.getRegion().front()))
    return std::nullopt;
  OpOperand *out = op.getDpsInitOperand(0);
  if (!op.getMatchingIndexingMap(out).isIdentity() ||
      !op.getMatchingBlockArgument(out).use_empty() ||
      !cast<RankedTensorType>(out->get().getType()).hasStaticShape())
    return std::nullopt;
  Epilogue e;
  bool found = false;
  for (OpOperand *in : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(in);
    auto type = dyn_cast<RankedTensorType>(in->get().getType());
    if (!type)
      return std::nullopt;
    if (in->get() == result) {
      if (found || !map.isIdentity())
        return std::nullopt;
      found = true;
      e.accOperand = in->getOperandNumber();
      continue;
    }
    if (!mlc::cpu::isChannelOrScalarInput(op, in, 3, d.c))
      return std::nullopt;
  }
  if (!found)
    return std::nullopt;
  e.op = op;
  return e;
}

/// The epilogue's body on the accumulator vector `acc` of the channels
/// [ch, ch + lanes).
Value applyEpilogue(OpBuilder &b, Location loc, const Epilogue &e, Value acc,
                    Value ch, bool inBounds) {
  return mlc::cpu::applyEpilogueOnVector(b, loc, e.op, e.accOperand, acc, ch,
                                         inBounds);
}

/// The bias [C] i32 constant that the convolution's accumulator starts
/// from (a broadcast over n, oh, ow), or null.
Value getBroadcastBias(Value init) {
  auto broadcast = init.getDefiningOp<linalg::BroadcastOp>();
  if (!broadcast || broadcast.getDimensions() != ArrayRef<int64_t>{0, 1, 2})
    return {};
  return broadcast.getInput();
}

struct Int8DepthwisePass
    : public mlc::cpu::impl::Int8DepthwiseBase<Int8DepthwisePass> {
  using Int8DepthwiseBase::Int8DepthwiseBase;

  void runOnOperation() override {
    FailureOr<mlc::cpu::CPUTarget> target =
        mlc::cpu::CPUTarget::fromIsaName(isa);
    if (failed(target) || target->isa == mlc::cpu::VectorIsa::Scalar)
      return;
    int64_t lanes = target->getF32Lanes();
    SmallVector<std::pair<linalg::GenericOp, Depthwise>> convs;
    getOperation().walk([&](linalg::GenericOp op) {
      if (std::optional<Depthwise> d = matchDepthwise(op))
        convs.push_back({op, *d});
    });
    IRRewriter rewriter(&getContext());
    for (auto [op, d] : convs) {
      std::optional<Epilogue> epi = matchEpilogue(op, d);
      if (!epi) {
        rewriter.setInsertionPoint(op);
        rewriter.replaceOp(op, emit(rewriter, op, d, lanes, nullptr));
        continue;
      }
      // The kernel writes the epilogue's result where the epilogue was.
      rewriter.setInsertionPoint(epi->op);
      Value result = emit(rewriter, op, d, lanes, &*epi);
      rewriter.replaceOp(epi->op, result);
      rewriter.eraseOp(op);
    }
  }

  /// Output rows (n, oh) as an scf.forall (threads) or scf.for; in each,
  /// tiles of kRows pixels (then single pixels) x `lanes` channels.
  /// With `epi`, the tiles apply it to their accumulators and write its
  /// result instead.
  Value emit(OpBuilder &b, linalg::GenericOp op, const Depthwise &d,
             int64_t lanes, const Epilogue *epi) {
    Location loc = op.getLoc();
    Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1];
    Value init = op.getDpsInits()[0];
    // The accumulators start from the bias vector of their channels when
    // the initial value is a broadcast bias, else from `init` (with an
    // epilogue, `init` is only read: the tiles write the epilogue's
    // result).
    Value bias = getBroadcastBias(init);
    Value c = epi ? linalg::GenericOp(epi->op).getDpsInits()[0] : init;
    Type outElem = cast<RankedTensorType>(c.getType()).getElementType();
    auto idx = [&](OpBuilder &ib, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(ib, loc, v);
    };
    Type i8 = b.getI8Type(), i32 = b.getI32Type();
    auto accType = VectorType::get({lanes}, i32);
    auto byteType = VectorType::get({lanes}, i8);
    bool inBounds = d.c % lanes == 0;

    // One output row [1, 1, OW, C] of `out` at (n, oh).
    auto emitRow = [&](OpBuilder &rb, Value n, Value oh, Value row) -> Value {
      Value zeroI8 =
          arith::ConstantOp::create(rb, loc, rb.getIntegerAttr(i8, 0));
      Value zeroI32 =
          arith::ConstantOp::create(rb, loc, rb.getI32IntegerAttr(0));
      Value c0 = idx(rb, 0);
      auto tiles = [&](OpBuilder &tb, Value lo, Value hi, int64_t rows,
                       Value out) -> Value {
        auto owLoop = scf::ForOp::create(
            tb, loc, lo, hi, idx(tb, rows), ValueRange{out},
            [&](OpBuilder &ob, Location, Value ow, ValueRange owArgs) {
              auto cLoop = scf::ForOp::create(
                  ob, loc, idx(ob, 0), idx(ob, d.c), idx(ob, lanes), owArgs,
                  [&](OpBuilder &cb, Location, Value ch, ValueRange cArgs) {
                    Value acc = cArgs[0];
                    SmallVector<Value> accs;
                    Value biasVector;
                    if (bias)
                      biasVector = vector::TransferReadOp::create(
                          cb, loc, accType, bias, ValueRange{ch}, zeroI32,
                          ArrayRef<bool>{inBounds});
                    for (int64_t r = 0; r < rows; ++r) {
                      Value col =
                          arith::AddIOp::create(cb, loc, ow, idx(cb, r));
                      if (bias) {
                        accs.push_back(biasVector);
                        continue;
                      }
                      // The carried row holds `init` where no tile wrote.
                      accs.push_back(vector::TransferReadOp::create(
                          cb, loc, accType, epi ? init : acc,
                          epi ? ValueRange{n, oh, col, ch}
                              : ValueRange{c0, c0, col, ch},
                          zeroI32, ArrayRef<bool>{inBounds}));
                    }
                    for (int64_t i = 0; i < d.kh; ++i) {
                      Value ih = arith::AddIOp::create(
                          cb, loc,
                          arith::MulIOp::create(cb, loc, oh,
                                                idx(cb, d.strides[0])),
                          idx(cb, i * d.dilations[0]));
                      for (int64_t j = 0; j < d.kw; ++j) {
                        Value wv = vector::TransferReadOp::create(
                            cb, loc, byteType, w,
                            ValueRange{idx(cb, i), idx(cb, j), ch}, zeroI8,
                            ArrayRef<bool>{inBounds});
                        Value w32 =
                            arith::ExtSIOp::create(cb, loc, accType, wv);
                        for (int64_t r = 0; r < rows; ++r) {
                          Value iw = arith::AddIOp::create(
                              cb, loc,
                              arith::MulIOp::create(
                                  cb, loc,
                                  arith::AddIOp::create(cb, loc, ow,
                                                        idx(cb, r)),
                                  idx(cb, d.strides[1])),
                              idx(cb, j * d.dilations[1]));
                          Value xv = vector::TransferReadOp::create(
                              cb, loc, byteType, x, ValueRange{n, ih, iw, ch},
                              zeroI8, ArrayRef<bool>{inBounds});
                          Value x32 =
                              d.isUnsigned
                                  ? arith::ExtUIOp::create(cb, loc, accType, xv)
                                        .getResult()
                                  : arith::ExtSIOp::create(cb, loc, accType, xv)
                                        .getResult();
                          accs[r] = arith::AddIOp::create(
                              cb, loc, accs[r],
                              arith::MulIOp::create(cb, loc, x32, w32));
                        }
                      }
                    }
                    for (int64_t r = 0; r < rows; ++r) {
                      Value col =
                          arith::AddIOp::create(cb, loc, ow, idx(cb, r));
                      Value value = epi ? applyEpilogue(cb, loc, *epi, accs[r],
                                                        ch, inBounds)
                                        : accs[r];
                      acc =
                          vector::TransferWriteOp::create(
                              cb, loc, value, acc, ValueRange{c0, c0, col, ch},
                              ArrayRef<bool>{inBounds})
                              .getResult();
                    }
                    scf::YieldOp::create(cb, loc, acc);
                  });
              scf::YieldOp::create(ob, loc, cLoop.getResult(0));
            });
        return owLoop.getResult(0);
      };
      int64_t full = d.ow / kRows * kRows;
      row = tiles(rb, idx(rb, 0), idx(rb, full), kRows, row);
      return tiles(rb, idx(rb, full), idx(rb, d.ow), 1, row);
    };

    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), b.getIndexAttr(1),
                                       b.getIndexAttr(d.ow),
                                       b.getIndexAttr(d.c)};
    SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
    auto rowType = RankedTensorType::get({1, 1, d.ow, d.c}, outElem);
    int64_t rows = d.n * d.oh;
    if (parallel && rows > 1) {
      auto forall = scf::ForallOp::create(
          b, loc, SmallVector<OpFoldResult>{b.getIndexAttr(rows)},
          ValueRange{c}, std::nullopt);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(forall.getBody());
      Value iv = forall.getInductionVar(0);
      Value n = arith::DivUIOp::create(b, loc, iv, idx(b, d.oh));
      Value oh = arith::RemUIOp::create(b, loc, iv, idx(b, d.oh));
      SmallVector<OpFoldResult> offsets = {n, oh, b.getIndexAttr(0),
                                           b.getIndexAttr(0)};
      Value row = tensor::ExtractSliceOp::create(b, loc, rowType,
                                                 forall.getRegionIterArgs()[0],
                                                 offsets, sizes, strides);
      Value result = emitRow(b, n, oh, row);
      b.setInsertionPointToStart(forall.getTerminator().getBody());
      tensor::ParallelInsertSliceOp::create(b, loc, result,
                                            forall.getRegionIterArgs()[0],
                                            offsets, sizes, strides);
      return forall.getResult(0);
    }
    auto loop = scf::ForOp::create(
        b, loc, idx(b, 0), idx(b, rows), idx(b, 1), ValueRange{c},
        [&](OpBuilder &lb, Location, Value iv, ValueRange args) {
          Value n = arith::DivUIOp::create(lb, loc, iv, idx(lb, d.oh));
          Value oh = arith::RemUIOp::create(lb, loc, iv, idx(lb, d.oh));
          SmallVector<OpFoldResult> offsets = {n, oh, lb.getIndexAttr(0),
                                               lb.getIndexAttr(0)};
          Value row = tensor::ExtractSliceOp::create(lb, loc, rowType, args[0],
                                                     offsets, sizes, strides);
          Value result = emitRow(lb, n, oh, row);
          scf::YieldOp::create(lb, loc,
                               tensor::InsertSliceOp::create(lb, loc, result,
                                                             args[0], offsets,
                                                             sizes, strides)
                                   .getResult());
        });
    return loop.getResult(0);
  }
};

} // namespace
