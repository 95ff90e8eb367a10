//===- MLCDialect.cpp - The mlc dialect -----------------------------------===//
//
// Dialect registration and constant materialization for folders.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/IR/MLCDialect.h"
#include "mlc/Dialect/MLC/IR/MLCControlFlowOps.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"
#include "mlc/Dialect/MLC/IR/MLCRandomOps.h"

using namespace mlir;
using namespace mlc;

#include "mlc/Dialect/MLC/IR/MLCOpsDialect.cpp.inc"

void MLCDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "mlc/Dialect/MLC/IR/MLCOps.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "mlc/Dialect/MLC/IR/MLCControlFlowOps.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "mlc/Dialect/MLC/IR/MLCRandomOps.cpp.inc"
      >();
}

Operation *MLCDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed || typed.getType() != type || !isa<RankedTensorType>(type))
    return nullptr;
  return ConstantOp::create(builder, loc, typed);
}
