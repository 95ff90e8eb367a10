//===- UnshareInits.cpp - The mlc-cpu-unshare-inits pass ------------------===//
//
// Clones the freshly made initial tensors (tensor.empty and the fills or
// broadcasts into one) that CSE left shared between destination-passing
// ops, one per user, so that eliminate-empty-tensors never redirects a
// shared init into an output buffer (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_UNSHAREINITS
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;

namespace {

/// Whether `value` is made from nothing but constants: a tensor.empty, or
/// the result of a destination-passing op with pure tensor semantics, one
/// result, constant or scalar inputs and one init made so (a fill, the
/// broadcast of a constant bias). Such a chain is cheap to recompute.
bool isFreshTensor(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op)
    return false;
  if (isa<tensor::EmptyOp>(op))
    return true;
  auto dps = dyn_cast<DestinationStyleOpInterface>(op);
  if (!dps || !dps.hasPureTensorSemantics() || op->getNumResults() != 1 ||
      op->getNumRegions() > 1 || dps.getNumDpsInits() != 1)
    return false;
  for (OpOperand *input : dps.getDpsInputOperands()) {
    Operation *producer = input->get().getDefiningOp();
    if (isa<ShapedType>(input->get().getType()) &&
        !(producer && producer->hasTrait<OpTrait::ConstantLike>()))
      return false;
  }
  return isFreshTensor(dps.getDpsInits()[0]);
}

/// A copy of the fresh chain of `value` before `user`.
Value cloneFreshTensor(OpBuilder &b, Operation *user, Value value) {
  Operation *op = value.getDefiningOp();
  IRMapping mapping;
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(op)) {
    Value init = dps.getDpsInits()[0];
    mapping.map(init, cloneFreshTensor(b, user, init));
  }
  b.setInsertionPoint(user);
  return b.clone(*op, mapping)->getResult(cast<OpResult>(value).getResultNumber());
}

struct UnshareInitsPass
    : public mlc::cpu::impl::UnshareInitsBase<UnshareInitsPass> {
  void runOnOperation() override {
    // The init operands that read a fresh tensor someone else reads too.
    SmallVector<OpOperand *> shared;
    getOperation().walk([&](DestinationStyleOpInterface op) {
      if (!op.hasPureTensorSemantics())
        return;
      for (OpOperand &init : op.getDpsInitsMutable())
        if (!init.get().hasOneUse() && isFreshTensor(init.get()))
          shared.push_back(&init);
    });
    // Each reader but the last gets a copy; the last keeps the original.
    OpBuilder b(&getContext());
    for (OpOperand *init : shared)
      if (!init->get().hasOneUse())
        init->set(cloneFreshTensor(b, init->getOwner(), init->get()));
  }
};

} // namespace
