//===- MLCOps.h - Operations of the mlc dialect -----------------*- C++ -*-===//
#ifndef MLC_DIALECT_MLC_IR_MLCOPS_H
#define MLC_DIALECT_MLC_IR_MLCOPS_H

#include "mlc/Dialect/MLC/IR/MLCDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "mlc/Dialect/MLC/IR/MLCTensorEnums.h.inc"

#define GET_OP_CLASSES
#include "mlc/Dialect/MLC/IR/MLCOps.h.inc"

namespace mlc {
/// Returns the numpy-broadcast shape of `lhs` and `rhs`, or failure when the
/// shapes are incompatible. Dynamic dimensions broadcast with 1 or themselves.
mlir::FailureOr<llvm::SmallVector<int64_t>>
getBroadcastShape(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);
} // namespace mlc

#endif // MLC_DIALECT_MLC_IR_MLCOPS_H
