//===- RelaxClamps.cpp - The mlc-cpu-relax-clamps pass --------------------===//
//
// Quantization ends with a clamp to the integer range, then a float to
// integer conversion: fptosi(minimumf(maximumf(round(x / s) + zp, lo), hi)).
// arith.maximumf/minimumf propagate NaN, which x86 has no instruction for:
// each becomes a compare for unordered lanes and a blend around vmaxps
// (a residual add of INT8 resnet50 spent more time there than in its
// arithmetic). A clamp to a constant bound whose result only reaches the
// conversion (the sign of a zero does not matter there) becomes a compare
// and select that keeps NaN and that x86 computes with one vmaxps /
// vminps.
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_RELAXCLAMPS
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;

namespace {

/// Whether `value` is a constant (scalar or splat) that is not NaN.
bool isNumberConstant(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return false;
  if (auto splat = dyn_cast<SplatElementsAttr>(attr))
    attr = splat.getSplatValue<Attribute>();
  auto number = dyn_cast<FloatAttr>(attr);
  return number && !number.getValue().isNaN();
}

struct RelaxClampsPass : mlc::cpu::impl::RelaxClampsBase<RelaxClampsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> clamps;
    getOperation().walk([&](Operation *convert) {
      if (!isa<arith::FPToSIOp, arith::FPToUIOp>(convert))
        return;
      // The ops a clamp's result may feed: the conversion, the NaN guard
      // before it (select(x != x, 0, x)), the other clamp.
      SmallPtrSet<Operation *, 4> allowed = {convert};
      Value v = convert->getOperand(0);
      if (auto guard = v.getDefiningOp<arith::SelectOp>()) {
        auto isNan = guard.getCondition().getDefiningOp<arith::CmpFOp>();
        if (isNan && isNan.getPredicate() == arith::CmpFPredicate::UNO &&
            isNan.getLhs() == isNan.getRhs() &&
            isNan.getLhs() == guard.getFalseValue() && guard->hasOneUse()) {
          allowed.insert(guard);
          allowed.insert(isNan);
          v = guard.getFalseValue();
        }
      }
      for (Operation *op = v.getDefiningOp();
           op && isa<arith::MaximumFOp, arith::MinimumFOp>(op) &&
           isNumberConstant(op->getOperand(1)) &&
           llvm::all_of(op->getUsers(),
                        [&](Operation *user) { return allowed.count(user); });
           op = op->getOperand(0).getDefiningOp()) {
        clamps.push_back(op);
        allowed.insert(op);
      }
    });
    // max(a, c) as a < c ? c : a and min(a, c) as a > c ? c : a: a NaN in
    // `a` still propagates, and these are what x86's vmaxps(c, a) /
    // vminps(c, a) compute, which LLVM selects for them. Only the sign of
    // a zero result may differ, which the conversion does not see.
    for (Operation *op : clamps) {
      OpBuilder b(op);
      Value a = op->getOperand(0), c = op->getOperand(1);
      auto predicate = isa<arith::MaximumFOp>(op) ? arith::CmpFPredicate::OLT
                                                  : arith::CmpFPredicate::OGT;
      Value beyond = arith::CmpFOp::create(b, op->getLoc(), predicate, a, c);
      op->getResult(0).replaceAllUsesWith(
          arith::SelectOp::create(b, op->getLoc(), beyond, c, a));
      op->erase();
    }
  }
};

} // namespace
