//===- MLCRandomOps.h - mlc.random ------------------------------*- C++ -*-===//
//
// The random number ops of the mlc dialect (MLCRandomOps.td), kept out of
// MLCOps.h: only the files that build or lower them include this.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DIALECT_MLC_IR_MLCRANDOMOPS_H
#define MLC_DIALECT_MLC_IR_MLCRANDOMOPS_H

#include "mlc/Dialect/MLC/IR/MLCOps.h"

#define GET_OP_CLASSES
#include "mlc/Dialect/MLC/IR/MLCRandomOps.h.inc"

#endif // MLC_DIALECT_MLC_IR_MLCRANDOMOPS_H
