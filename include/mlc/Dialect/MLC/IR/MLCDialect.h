//===- MLCDialect.h - The mlc dialect ---------------------------*- C++ -*-===//
#ifndef MLC_DIALECT_MLC_IR_MLCDIALECT_H
#define MLC_DIALECT_MLC_IR_MLCDIALECT_H

#include "mlir/IR/Dialect.h"

#include "mlc/Dialect/MLC/IR/MLCOpsDialect.h.inc"

#endif // MLC_DIALECT_MLC_IR_MLCDIALECT_H
