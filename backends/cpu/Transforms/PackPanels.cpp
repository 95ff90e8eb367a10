//===- PackPanels.cpp - The mlc-cpu-pack-panels pass ----------------------===//
//
// Stores constant weights in the order the register tiles read them. After
// mlc-cpu-tile-contractions, a register tile reads its weights as a slice
// NR columns wide of a row-major constant: for a matmul's B[K, N], rows of
// NR floats that lie N floats apart; for an HWCF filter, rows F floats
// apart. Rows a power-of-two stride apart fall into a few L1 sets, and a
// slice wider than the cache is fetched row by row, never as a stream. The
// constant is rewritten once, at compile time, as panels
// [N / NR][..., NR] (the last dimension cut into panels, each panel
// contiguous), and each slice becomes a slice of its panel.
//
// A constant is packed only when every use of it is such a chain of
// slices and every panel offset is provably a multiple of NR (constants,
// loop induction variables whose start and step are), so the rewrite never
// changes a value and never keeps two copies of the weights.
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"
#include "Transforms/ConstantPermutation.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_PACKPANELS
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;
using mlc::cpu::permuteConstant;

namespace {

/// Panels narrower than this are not worth a copy of the weights' layout
/// (the register tiles are at least one 8-lane vector wide).
constexpr int64_t kMinPanelWidth = 8;

/// Whether `ofr` is a multiple of `width` on every execution: a constant,
/// or the induction variable of an scf.for / scf.forall whose start and
/// step are constant multiples.
bool isMultipleOf(OpFoldResult ofr, int64_t width) {
  if (std::optional<int64_t> c = getConstantIntValue(ofr))
    return *c % width == 0;
  auto arg = dyn_cast<BlockArgument>(cast<Value>(ofr));
  if (!arg)
    return false;
  Operation *owner = arg.getOwner()->getParentOp();
  auto multiple = [&](std::optional<int64_t> v) {
    return v && *v % width == 0;
  };
  if (auto loop = dyn_cast<scf::ForOp>(owner))
    return arg == loop.getInductionVar() &&
           multiple(getConstantIntValue(loop.getLowerBound())) &&
           multiple(getConstantIntValue(loop.getStep()));
  if (auto forall = dyn_cast<scf::ForallOp>(owner)) {
    auto ivs = forall.getInductionVars();
    auto it = llvm::find(ivs, arg);
    if (it == ivs.end())
      return false;
    size_t d = it - ivs.begin();
    return multiple(getConstantIntValue(forall.getMixedLowerBound()[d])) &&
           multiple(getConstantIntValue(forall.getMixedStep()[d]));
  }
  return false;
}

/// Whether a slice of `value`, or of its slices, is narrower than `size`
/// in the last dimension.
bool cutsLastDim(Value value, int64_t size) {
  return llvm::any_of(value.getUsers(), [&](Operation *user) {
    auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
    if (!slice)
      return false;
    return slice.getStaticSizes().back() != size ||
           cutsLastDim(slice.getResult(), size);
  });
}

/// One slice of a constant to be read from its panel instead: the slice,
/// and the offsets of every constant dimension it starts at (the terms to
/// sum, from each slice of the chain).
struct PanelRead {
  tensor::ExtractSliceOp slice;
  SmallVector<SmallVector<OpFoldResult>> offsetTerms;
};

/// Walks the slices of `value` (the constant, or a slice of it whose
/// offsets so far are `terms`), collecting in `reads` the slices that cut
/// the last dimension to the panel width. Fails on any other use, or when a
/// panel is not aligned; `width` is the panel width, 0 until known.
LogicalResult collectPanelReads(Value value, int64_t lastDim,
                                ArrayRef<SmallVector<OpFoldResult>> terms,
                                int64_t &width,
                                SmallVectorImpl<PanelRead> &reads) {
  for (Operation *user : value.getUsers()) {
    auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
    if (!slice || slice.getSource() != value || !slice.hasUnitStride())
      return failure();
    SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
    SmallVector<int64_t> sizes(slice.getStaticSizes());
    if (ShapedType::isDynamicShape(sizes))
      return failure();
    int64_t rank = sizes.size();
    SmallVector<SmallVector<OpFoldResult>> chained(terms);
    for (int64_t d = 0; d < rank; ++d)
      chained[d].push_back(offsets[d]);
    int64_t size = sizes.back();
    // No slice under it cuts the last dimension further: this slice is
    // the panel read (the slices under it read within the panel).
    bool leaf = !cutsLastDim(slice.getResult(), size);
    if (leaf) {
      if (size == lastDim)
        return failure(); // read whole: nothing to gain
      if (size < kMinPanelWidth || lastDim % size != 0 ||
          (width != 0 && width != size) ||
          slice.getResultType().getShape().back() != size)
        return failure();
      width = size;
      reads.push_back({slice, chained});
      continue;
    }
    // A wider slice (a cache tile's block): its slices cut the panels, and
    // nothing else may read it.
    if (slice.getResultType().getRank() != rank ||
        failed(collectPanelReads(slice.getResult(), lastDim, chained, width,
                                 reads)))
      return failure();
  }
  return success();
}

/// Packs `constant` into panels when all its reads allow it.
void packConstant(arith::ConstantOp constant) {
  auto type = dyn_cast<RankedTensorType>(constant.getType());
  auto attr = dyn_cast<ElementsAttr>(constant.getValue());
  if (!type || !attr || !type.hasStaticShape() || type.getRank() < 2 ||
      constant->use_empty())
    return;
  int64_t rank = type.getRank();
  int64_t lastDim = type.getShape().back();
  int64_t width = 0;
  SmallVector<PanelRead> reads;
  SmallVector<SmallVector<OpFoldResult>> terms(rank);
  if (failed(collectPanelReads(constant.getResult(), lastDim, terms, width,
                               reads)) ||
      reads.empty())
    return;
  for (PanelRead &read : reads)
    for (OpFoldResult term : read.offsetTerms.back())
      if (!isMultipleOf(term, width))
        return;

  // [d0, ..., N] read as [d0, ..., N / NR, NR] -> [N / NR, d0, ..., NR].
  SmallVector<int64_t> sourceShape(type.getShape().drop_back());
  sourceShape.append({lastDim / width, width});
  SmallVector<int64_t> perm = {rank - 1};
  for (int64_t d = 0; d < rank - 1; ++d)
    perm.push_back(d);
  perm.push_back(rank);
  SmallVector<int64_t> packedShape = {lastDim / width};
  llvm::append_range(packedShape, type.getShape().drop_back());
  packedShape.push_back(width);
  ElementsAttr packed = permuteConstant(attr, sourceShape, perm, packedShape);
  if (!packed)
    return;
  OpBuilder builder(constant);
  Value panels =
      arith::ConstantOp::create(builder, constant.getLoc(), packed).getResult();

  MLIRContext *context = constant.getContext();
  for (PanelRead &read : reads) {
    tensor::ExtractSliceOp slice = read.slice;
    builder.setInsertionPoint(slice);
    Location loc = slice.getLoc();
    // The absolute offset of every dimension is the sum of its terms; the
    // panel is the last dimension's divided by the width.
    auto sumOf = [&](ArrayRef<OpFoldResult> terms, int64_t divisor) {
      AffineExpr sum = getAffineConstantExpr(0, context);
      for (size_t i = 0; i < terms.size(); ++i)
        sum = sum + getAffineSymbolExpr(i, context);
      return affine::makeComposedFoldedAffineApply(
          builder, loc, divisor == 1 ? sum : sum.floorDiv(divisor), terms);
    };
    SmallVector<OpFoldResult> packedOffsets = {
        sumOf(read.offsetTerms.back(), width)};
    for (int64_t d = 0; d < rank - 1; ++d)
      packedOffsets.push_back(sumOf(read.offsetTerms[d], 1));
    packedOffsets.push_back(builder.getIndexAttr(0));
    SmallVector<OpFoldResult> packedSizes = {builder.getIndexAttr(1)};
    llvm::append_range(packedSizes, slice.getMixedSizes());
    SmallVector<OpFoldResult> strides(rank + 1, builder.getIndexAttr(1));
    // The panel dimension is dropped, with the dimensions the slice
    // itself dropped.
    auto replacement = tensor::ExtractSliceOp::create(
        builder, loc, slice.getResultType(), panels, packedOffsets, packedSizes,
        strides);
    slice.replaceAllUsesWith(replacement.getResult());
  }
  // The chains of slices, then the constant, are dead: erase them, from
  // the panel reads upwards.
  SmallVector<Operation *> dead;
  for (PanelRead &read : reads)
    dead.push_back(read.slice);
  while (!dead.empty()) {
    Operation *op = dead.pop_back_val();
    if (!op->use_empty())
      continue;
    Value source = cast<tensor::ExtractSliceOp>(op).getSource();
    op->erase();
    if (Operation *parent = source.getDefiningOp();
        parent && parent->use_empty() && isa<tensor::ExtractSliceOp>(parent))
      dead.push_back(parent);
  }
  if (constant->use_empty())
    constant->erase();
}

struct PackPanelsPass : public mlc::cpu::impl::PackPanelsBase<PackPanelsPass> {
  void runOnOperation() override {
    SmallVector<arith::ConstantOp> constants;
    getOperation().walk(
        [&](arith::ConstantOp constant) { constants.push_back(constant); });
    for (arith::ConstantOp constant : constants)
      packConstant(constant);
  }
};

} // namespace
