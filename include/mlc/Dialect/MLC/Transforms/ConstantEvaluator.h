//===- ConstantEvaluator.h - Compile-time evaluation of mlc ops -*- C++ -*-===//
//
// Evaluates mlc ops on constant operands on the host, for constant folding
// and for the importer, which needs shape operands as constants.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DIALECT_MLC_TRANSFORMS_CONSTANTEVALUATOR_H
#define MLC_DIALECT_MLC_TRANSFORMS_CONSTANTEVALUATOR_H

#include "mlc/Dialect/MLC/Transforms/ConstantUtils.h"

namespace mlc {

/// The value of the single result of `op` computed from `operands`, or
/// failure when `op` is not an op this evaluator implements (or its
/// operands are out of range, e.g. an integer division by zero).
mlir::FailureOr<ConstTensor> evaluateOp(mlir::Operation *op,
                                        llvm::ArrayRef<ConstTensor> operands);

/// The value of `value` when it is an mlc.constant, or the result of
/// evaluable mlc ops over constants up to `depth` producers deep, each
/// result at most `maxElements` large. The IR is not changed.
mlir::FailureOr<ConstTensor> foldToConstant(mlir::Value value,
                                            int64_t maxElements = 1 << 16,
                                            unsigned depth = 32);

} // namespace mlc

#endif // MLC_DIALECT_MLC_TRANSFORMS_CONSTANTEVALUATOR_H
