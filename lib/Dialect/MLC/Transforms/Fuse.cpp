//===- Fuse.cpp - The mlc-fuse pass ---------------------------------------===//
//
// Forms mlc.fused groups: a conv2d / matmul / gemm root with its epilogue of
// elementwise ops (bias, activation, residual add, clip), and chains of
// elementwise ops. A value joins a group only when its single user is the
// next op of the group, so fusion never computes anything twice.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/IR/MLCOps.h"
#include "mlc/Dialect/MLC/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

namespace mlc {
#define GEN_PASS_DEF_FUSE
#include "mlc/Dialect/MLC/Transforms/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

bool isContractionRoot(Operation *op) {
  return isa<Conv2DOp, MatMulOp, GemmOp>(op);
}

/// Elementwise mlc ops that may follow a root or each other in a group.
bool isElementwise(Operation *op) {
  return isa<AddOp, SubOp, MulOp, DivOp, ReluOp, SigmoidOp, TanhOp, ClipOp,
             // Activations and math of MLCMathOps.td.
             LeakyReluOp, EluOp, SeluOp, CeluOp, ThresholdedReluOp,
             HardSigmoidOp, HardSwishOp, GeluOp, MishOp, SoftplusOp, SoftsignOp,
             PReluOp, MaxOp, MinOp, ExpOp, ErfOp, SqrtOp, AbsOp, NegOp>(op);
}

bool hasStaticResult(Operation *op) {
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  return type && type.hasStaticShape();
}

bool isInsideFusedOp(Operation *op) {
  return op->getParentOfType<FusedOp>() != nullptr;
}

/// The elementwise op that extends a group ending in `last`, if any: the
/// only user of `last`'s result, in the same block, producing the same shape
/// (an epilogue that broadcasts the group's value to a bigger shape would
/// recompute it).
Operation *getEpilogueUser(Operation *last) {
  Value value = last->getResult(0);
  if (value.use_empty())
    return nullptr;
  // One user, possibly through several operands (x * x).
  Operation *user = *value.getUsers().begin();
  if (llvm::any_of(value.getUsers(),
                   [&](Operation *other) { return other != user; }))
    return nullptr;
  if (!isElementwise(user) || user->getBlock() != last->getBlock() ||
      user->getResult(0).getType() != value.getType() || !hasStaticResult(user))
    return nullptr;
  return user;
}

/// Replaces the ops of `group` (in program order, each feeding the next) by
/// one mlc.fused op placed at the last one.
void createFusedOp(PatternRewriter &rewriter, ArrayRef<Operation *> group) {
  llvm::SetVector<Operation *> members(group.begin(), group.end());
  llvm::SetVector<Value> inputs;
  for (Operation *op : group)
    for (Value operand : op->getOperands())
      if (!members.contains(operand.getDefiningOp()))
        inputs.insert(operand);

  std::string kind;
  for (Operation *op : group) {
    if (!kind.empty())
      kind += "_";
    kind += op->getName().stripDialect();
  }

  Operation *last = group.back();
  rewriter.setInsertionPoint(last);
  auto fused = FusedOp::create(rewriter, last->getLoc(), last->getResultTypes(),
                               kind, inputs.getArrayRef());
  Block *body = rewriter.createBlock(&fused.getBody());
  IRMapping mapping;
  for (Value input : inputs)
    mapping.map(input, body->addArgument(input.getType(), input.getLoc()));
  for (Operation *op : group)
    rewriter.clone(*op, mapping);
  YieldOp::create(rewriter, last->getLoc(), mapping.lookup(last->getResult(0)));
  rewriter.replaceOp(last, fused.getResults());
  for (Operation *op : llvm::reverse(group.drop_back()))
    rewriter.eraseOp(op);
}

/// conv2d / matmul / gemm followed by its elementwise epilogue.
struct FuseContractionEpilogue : RewritePattern {
  FuseContractionEpilogue(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/2, context) {}
  LogicalResult matchAndRewrite(Operation *root,
                                PatternRewriter &rewriter) const override {
    if (!isContractionRoot(root) || isInsideFusedOp(root))
      return failure();
    if (!hasStaticResult(root))
      return rewriter.notifyMatchFailure(root, "dynamic shape");
    SmallVector<Operation *> group = {root};
    while (Operation *next = getEpilogueUser(group.back()))
      group.push_back(next);
    if (group.size() < 2)
      return rewriter.notifyMatchFailure(root, "no fusable epilogue");
    createFusedOp(rewriter, group);
    return success();
  }
};

/// A maximal chain of at least two elementwise ops.
struct FuseElementwiseChain : RewritePattern {
  FuseElementwiseChain(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}
  LogicalResult matchAndRewrite(Operation *head,
                                PatternRewriter &rewriter) const override {
    if (!isElementwise(head) || isInsideFusedOp(head) || !hasStaticResult(head))
      return failure();
    // Start only at the head of a chain: an operand that would extend the
    // chain (or a contraction epilogue) upwards means this is not the head.
    for (Value operand : head->getOperands()) {
      Operation *producer = operand.getDefiningOp();
      if (producer &&
          (isElementwise(producer) || isContractionRoot(producer)) &&
          getEpilogueUser(producer) == head)
        return rewriter.notifyMatchFailure(head, "not the head of a chain");
    }
    SmallVector<Operation *> group = {head};
    while (Operation *next = getEpilogueUser(group.back()))
      group.push_back(next);
    if (group.size() < 2)
      return rewriter.notifyMatchFailure(head, "chain of one op");
    createFusedOp(rewriter, group);
    return success();
  }
};

struct FusePass : public mlc::impl::FuseBase<FusePass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFusePatterns(patterns, fuseElementwiseChains);
    GreedyRewriteConfig config;
    // Groups are formed from the top of each block down, so a root claims
    // its epilogue before the epilogue is taken for an elementwise chain.
    config.setUseTopDownTraversal(true);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns), config);
  }
};

} // namespace

void mlc::populateFusePatterns(RewritePatternSet &patterns,
                               bool fuseElementwiseChains) {
  patterns.add<FuseContractionEpilogue>(patterns.getContext());
  if (fuseElementwiseChains)
    patterns.add<FuseElementwiseChain>(patterns.getContext());
}
