//===- MLCControlFlowOps.h - mlc.if, mlc.loop, mlc.cf.yield -----*- C++ -*-===//
//
// The control flow ops of the mlc dialect (MLCControlFlowOps.td), kept out
// of MLCOps.h: only the files that build or lower them include this.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DIALECT_MLC_IR_MLCCONTROLFLOWOPS_H
#define MLC_DIALECT_MLC_IR_MLCCONTROLFLOWOPS_H

#include "mlc/Dialect/MLC/IR/MLCOps.h"

#define GET_OP_CLASSES
#include "mlc/Dialect/MLC/IR/MLCControlFlowOps.h.inc"

#endif // MLC_DIALECT_MLC_IR_MLCCONTROLFLOWOPS_H
