//===- WidenBf16Contractions.cpp - mlc-cpu-widen-bf16-contractions
//---------===//
//
// The f32 register tiles (mlc-cpu-tile-contractions) only take f32
// operands, and a bf16 x bf16 -> f32 contraction in the loop lowering runs
// scalar code that converts every element. The contractions that no bf16
// kernel took (all of them on CPUs without AVX512-BF16; attention's
// activation x activation matmuls everywhere) get f32 operands: constants
// are widened at compile time, other operands by an elementwise extf. bf16
// products are exact in f32, so the results are the same.
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"
#include "ConstantBytes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

namespace mlc::cpu {
#define GEN_PASS_DEF_WIDENBF16CONTRACTIONS
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;

namespace {

/// The contractions the f32 tile strategy (or at least f32 loops) handles.
bool isContraction(linalg::LinalgOp op) {
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp, linalg::Conv2DNhwcFhwcOp,
          linalg::Conv2DNhwcHwcfOp, linalg::Conv2DNhwgcGfhwcOp,
          linalg::DepthwiseConv2DNhwcHwcOp>(op.getOperation()))
    return true;
  return isa<linalg::GenericOp>(op.getOperation()) &&
         linalg::isaContractionOpInterface(op);
}

/// The block arguments of the two inputs are only widened (arith.extf to
/// f32) in the body.
bool onlyWidensInputs(Block &body) {
  for (unsigned i = 0; i < 2; ++i)
    for (Operation *user : body.getArgument(i).getUsers()) {
      auto ext = dyn_cast<arith::ExtFOp>(user);
      if (!ext || !ext.getType().isF32())
        return false;
    }
  return true;
}

/// `attr` (bf16) as f32, or null when its bytes are not at hand.
ElementsAttr widenConstant(ElementsAttr attr) {
  auto type = cast<RankedTensorType>(attr.getType());
  auto wideType = RankedTensorType::get(type.getShape(),
                                        Float32Type::get(type.getContext()));
  if (auto dense = dyn_cast<DenseElementsAttr>(attr); dense && dense.isSplat())
    return DenseElementsAttr::get(
        wideType,
        FloatAttr::get(wideType.getElementType(),
                       dense.getSplatValue<APFloat>().convertToFloat()));
  std::optional<ArrayRef<char>> raw = mlc::cpu::getRawBytes(attr);
  if (!raw)
    return {};
  std::vector<uint32_t> wide(type.getNumElements());
  for (size_t i = 0; i < wide.size(); ++i) {
    uint16_t bits;
    std::memcpy(&bits, raw->data() + i * 2, 2);
    wide[i] = uint32_t(bits) << 16;
  }
  ArrayRef<char> bytes(reinterpret_cast<const char *>(wide.data()),
                       wide.size() * 4);
  if (wide.size() <= 64)
    return DenseElementsAttr::getFromRawBuffer(wideType, bytes);
  auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      bytes, alignof(std::max_align_t));
  return DenseResourceElementsAttr::get(wideType, "mlc_widened_weights",
                                        std::move(blob));
}

/// `v` (bf16) as f32: a widened constant (through a transpose, which
/// mlc-cpu-pack-weights then folds), else an elementwise extf at run time.
Value widen(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  auto wideType = RankedTensorType::get(type.getShape(), b.getF32Type());
  if (auto constant = v.getDefiningOp<arith::ConstantOp>())
    if (auto attr = dyn_cast<ElementsAttr>(constant.getValue()))
      if (ElementsAttr wide = widenConstant(attr))
        return arith::ConstantOp::create(b, loc, wide);
  if (auto transpose = v.getDefiningOp<linalg::TransposeOp>())
    if (transpose.getInput().getDefiningOp<arith::ConstantOp>()) {
      Value input = widen(b, loc, transpose.getInput());
      Value init =
          tensor::EmptyOp::create(b, loc, type.getShape(), b.getF32Type());
      return linalg::TransposeOp::create(b, loc, input, init,
                                         transpose.getPermutation())
          .getResult()[0];
    }
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamicSizes.push_back(tensor::DimOp::create(b, loc, v, d));
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(), b.getF32Type(),
                                       dynamicSizes);
  AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> parallel(type.getRank(),
                                            utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{wideType}, ValueRange{v}, ValueRange{init},
             ArrayRef<AffineMap>{identity, identity}, parallel,
             [](OpBuilder &nb, Location nl, ValueRange args) {
               Value ext =
                   arith::ExtFOp::create(nb, nl, nb.getF32Type(), args[0]);
               linalg::YieldOp::create(nb, nl, ext);
             })
      .getResult(0);
}

struct WidenBf16ContractionsPass
    : public mlc::cpu::impl::WidenBf16ContractionsBase<
          WidenBf16ContractionsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> work;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
          op.getNumDpsInits() != 1 || op->getNumRegions() != 1 ||
          !isContraction(op))
        return;
      for (Value input : op.getDpsInputs())
        if (!isa<RankedTensorType>(input.getType()) ||
            !getElementTypeOrSelf(input.getType()).isBF16())
          return;
      if (!getElementTypeOrSelf(op.getDpsInits()[0].getType()).isF32() ||
          !onlyWidensInputs(op->getRegion(0).front()))
        return;
      work.push_back(op);
    });
    OpBuilder b(&getContext());
    for (linalg::LinalgOp op : work) {
      b.setInsertionPoint(op);
      Block &body = op->getRegion(0).front();
      for (unsigned i = 0; i < 2; ++i) {
        OpOperand *operand = op.getDpsInputOperand(i);
        operand->set(widen(b, op.getLoc(), operand->get()));
        BlockArgument arg = body.getArgument(i);
        arg.setType(b.getF32Type());
        for (Operation *user : llvm::make_early_inc_range(arg.getUsers())) {
          user->getResult(0).replaceAllUsesWith(arg);
          user->erase();
        }
      }
    }
  }
};

} // namespace
