//===- Bf16Contraction.cpp - What the bf16 kernels compute ----------------===//

#include "Bf16Contraction.h"
#include "ConstantBytes.h"
#include "VectorBody.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"

using namespace mlir;
using namespace mlc::cpu::bf16;
using mlc::cpu::getRawBytes;

namespace {

bool isBf16(Value v) { return getElementTypeOrSelf(v.getType()).isBF16(); }
bool isF32(Value v) { return getElementTypeOrSelf(v.getType()).isF32(); }

/// The constant `v` is, when its bytes are at hand (or it is a splat).
ElementsAttr getConstantWeights(Value v) {
  auto constant = v.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return {};
  auto attr = dyn_cast<ElementsAttr>(constant.getValue());
  if (!attr)
    return {};
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if ((dense && dense.isSplat()) || getRawBytes(attr))
    return attr;
  return {};
}

/// Whether `body` is yield(addf(out, mulf(extf(in0), extf(in1)))).
bool isBf16MulAccBody(Block &body) {
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value acc = body.getArgument(2);
  Value product = add.getLhs() == acc   ? add.getRhs()
                  : add.getRhs() == acc ? add.getLhs()
                                        : Value();
  auto mul = product ? product.getDefiningOp<arith::MulFOp>() : nullptr;
  if (!mul)
    return false;
  auto x = mul.getLhs().getDefiningOp<arith::ExtFOp>();
  auto w = mul.getRhs().getDefiningOp<arith::ExtFOp>();
  return x && w && x.getIn() == body.getArgument(0) &&
         w.getIn() == body.getArgument(1);
}

} // namespace

std::optional<Contraction>
mlc::cpu::bf16::matchConv(linalg::Conv2DNhwcFhwcOp op) {
  Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1];
  auto xType = dyn_cast<RankedTensorType>(x.getType());
  auto wType = dyn_cast<RankedTensorType>(w.getType());
  auto outType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!xType || !wType || !outType || !xType.hasStaticShape() ||
      !wType.hasStaticShape() || !outType.hasStaticShape() || !isBf16(x) ||
      !isBf16(w) || !isF32(op->getResult(0)))
    return std::nullopt;
  Contraction c;
  c.op = op;
  c.isConv = true;
  c.weights = getConstantWeights(w);
  if (!c.weights)
    return std::nullopt;
  c.layout = WeightLayout::FHWC;
  c.oh = outType.getDimSize(1);
  c.groups = outType.getDimSize(0) * c.oh;
  c.rowsPerGroup = outType.getDimSize(2);
  c.n = outType.getDimSize(3);
  c.kh = wType.getDimSize(1);
  c.kw = wType.getDimSize(2);
  c.c = wType.getDimSize(3);
  auto strides = op.getStrides().getValues<int64_t>();
  auto dilations = op.getDilations().getValues<int64_t>();
  c.strideH = strides[0];
  c.strideW = strides[1];
  c.dilH = dilations[0];
  c.dilW = dilations[1];
  // A 1x1 conv over every pixel is a matmul of [N * H * W, C] pixels: its
  // register blocks then run across image rows.
  if (c.kh == 1 && c.kw == 1 && c.strideH == 1 && c.strideW == 1 &&
      xType.getShape() ==
          ArrayRef<int64_t>{outType.getDimSize(0), c.oh, c.rowsPerGroup, c.c}) {
    c.isConv = false;
    c.rowsPerGroup *= c.groups;
    c.groups = 1;
    c.oh = 1;
  }
  return c;
}

std::optional<Contraction> mlc::cpu::bf16::matchMatmul(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 1 || !op.hasPureTensorSemantics())
    return std::nullopt;
  if (auto matmul = dyn_cast<linalg::MatmulOp>(op.getOperation());
      matmul && matmul.hasUserDefinedMaps())
    return std::nullopt;
  if (!isa<linalg::MatmulOp>(op.getOperation()) &&
      (!isa<linalg::GenericOp>(op.getOperation()) ||
       !isBf16MulAccBody(op->getRegion(0).front())))
    return std::nullopt;
  Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1];
  auto aType = dyn_cast<RankedTensorType>(a.getType());
  auto bType = dyn_cast<RankedTensorType>(b.getType());
  auto outType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!aType || !bType || !outType || !aType.hasStaticShape() ||
      !bType.hasStaticShape() || !outType.hasStaticShape() || !isBf16(a) ||
      !isBf16(b) || !isF32(op->getResult(0)))
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  MLIRContext *ctx = op.getContext();
  // The loops: k is the reduction; the output reads every parallel loop in
  // order, the last one (n) the channels.
  unsigned numLoops = op.getNumLoops();
  AffineMap outMap = op.getIndexingMapsArray()[2];
  unsigned k = 0;
  SmallVector<unsigned> parallel;
  for (auto [d, iterator] : llvm::enumerate(op.getIteratorTypesArray())) {
    if (iterator == utils::IteratorType::reduction)
      k = d;
    else
      parallel.push_back(d);
  }
  SmallVector<AffineExpr> parallelExprs;
  for (unsigned d : parallel)
    parallelExprs.push_back(getAffineDimExpr(d, ctx));
  if (outMap != AffineMap::get(numLoops, 0, parallelExprs, ctx))
    return std::nullopt;
  unsigned nDim = parallel.back();
  // A: some parallel loops but n, in order, then k; B: k, then parallel
  // unit loops, then n.
  AffineMap aMap = op.getIndexingMapsArray()[0];
  AffineMap bMap = op.getIndexingMapsArray()[1];
  if (aMap.getNumResults() < 1 || bMap.getNumResults() < 2)
    return std::nullopt;
  int64_t last = -1;
  for (auto [i, e] : llvm::enumerate(aMap.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(e);
    if (!dim)
      return std::nullopt;
    bool isLast = i + 1 == aMap.getNumResults();
    if (isLast != (dim.getPosition() == k) || dim.getPosition() == nDim ||
        (!isLast && int64_t(dim.getPosition()) <= last))
      return std::nullopt;
    last = dim.getPosition();
  }
  for (auto [i, e] : llvm::enumerate(bMap.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(e);
    if (!dim)
      return std::nullopt;
    unsigned d = dim.getPosition();
    bool ok = i == 0 ? d == k
              : i + 1 == bMap.getNumResults()
                  ? d == nDim
                  : d != k && d != nDim && ranges[d] == 1;
    if (!ok)
      return std::nullopt;
  }
  Contraction c;
  c.op = op;
  c.c = ranges[k];
  c.n = ranges[nDim];
  c.rowsPerGroup = outType.getNumElements() / c.n;
  // A's rows are the output's (every non-unit row loop read in order).
  if (aType.getNumElements() / c.c != c.rowsPerGroup)
    return std::nullopt;
  c.weights = getConstantWeights(b);
  c.layout = WeightLayout::KN;
  if (!c.weights) {
    auto transpose = b.getDefiningOp<linalg::TransposeOp>();
    if (!transpose || bType.getRank() != 2 ||
        transpose.getPermutation() != ArrayRef<int64_t>{1, 0})
      return std::nullopt;
    c.weights = getConstantWeights(transpose.getInput());
    c.layout = WeightLayout::NK;
  }
  if (!c.weights)
    return std::nullopt;
  return c;
}

std::optional<Epilogue> mlc::cpu::bf16::matchEpilogue(const Contraction &c) {
  Value result = c.op->getResult(0);
  if (!result.hasOneUse())
    return std::nullopt;
  Epilogue e;
  e.op = dyn_cast<linalg::GenericOp>(*result.getUsers().begin());
  if (!e.op || e.op.getNumDpsInits() != 1 ||
      e.op.getNumParallelLoops() != e.op.getNumLoops() ||
      !e.op.hasPureTensorSemantics() ||
      !mlc::cpu::isVectorizableBody(e.op.getRegion().front()))
    return std::nullopt;
  auto outType = cast<RankedTensorType>(result.getType());
  int64_t rank = outType.getRank();
  OpOperand *init = e.op.getDpsInitOperand(0);
  if (e.op.getNumLoops() != rank ||
      !e.op.getMatchingIndexingMap(init).isIdentity() ||
      !e.op.getMatchingBlockArgument(init).use_empty() ||
      cast<RankedTensorType>(e.op->getResult(0).getType()).getShape() !=
          outType.getShape())
    return std::nullopt;
  SmallVector<int64_t> ranges = e.op.getStaticLoopRanges();
  bool found = false;
  for (OpOperand *in : e.op.getDpsInputOperands()) {
    AffineMap map = e.op.getMatchingIndexingMap(in);
    auto type = dyn_cast<RankedTensorType>(in->get().getType());
    if (!type || !type.hasStaticShape())
      return std::nullopt;
    if (in->get() == result) {
      if (found || !map.isIdentity())
        return std::nullopt;
      found = true;
      e.accOperand = in->getOperandNumber();
      e.kinds.push_back(Epilogue::Kind::Acc);
      e.inputs.push_back(result);
      continue;
    }
    if (map.isIdentity() && type.getShape() == outType.getShape()) {
      e.kinds.push_back(Epilogue::Kind::Full);
      e.inputs.push_back(in->get());
      continue;
    }
    if (type.getNumElements() == 1) {
      e.kinds.push_back(Epilogue::Kind::Scalar);
      e.inputs.push_back(in->get());
      continue;
    }
    // Per channel: reads the last loop last, otherwise unit loops only.
    bool perChannel = type.getNumElements() == c.n &&
                      map.getNumResults() >= 1 &&
                      map.getResults().back() ==
                          getAffineDimExpr(rank - 1, c.op.getContext());
    for (AffineExpr r : map.getResults().drop_back()) {
      auto dim = dyn_cast<AffineDimExpr>(r);
      if (!isa<AffineConstantExpr>(r) &&
          (!dim || ranges[dim.getPosition()] != 1))
        perChannel = false;
    }
    if (!perChannel)
      return std::nullopt;
    e.kinds.push_back(Epilogue::Kind::PerChannel);
    e.inputs.push_back(in->get());
  }
  if (!found)
    return std::nullopt;
  return e;
}
