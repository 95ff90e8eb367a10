//===- MLCFusedOps.cpp - Verifier of mlc.fused ----------------------------===//

#include "mlc/Dialect/MLC/IR/MLCOps.h"

using namespace mlir;
using namespace mlc;

LogicalResult FusedOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError("has ") << getInputs().size() << " inputs but its body "
                               << body.getNumArguments() << " arguments";
  for (auto [input, arg] : llvm::zip(getInputs(), body.getArguments()))
    if (input.getType() != arg.getType())
      return emitOpError("input type ")
             << input.getType() << " does not match body argument type "
             << arg.getType();
  auto yield = body.empty() ? YieldOp() : dyn_cast<YieldOp>(body.back());
  if (!yield)
    return emitOpError("body must end in mlc.yield");
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError("yields ") << yield.getValues().getTypes()
                                  << " but returns " << getResultTypes();
  for (Operation &op : body.without_terminator())
    if (!isa<MLCDialect>(op.getDialect()) || isa<FusedOp>(op))
      return op.emitOpError("cannot be part of an mlc.fused group");
  return success();
}
