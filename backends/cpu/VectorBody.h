//===- VectorBody.h - An elementwise body run on vectors ---------*- C++
//-*-===//
//
// The hand-written GEMM kernels (Int8Gemm.cpp, Bf16Gemm.cpp) apply a fused
// elementwise epilogue to their register tiles by cloning its linalg body
// onto vectors.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKENDS_CPU_VECTORBODY_H
#define MLC_BACKENDS_CPU_VECTORBODY_H

#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace mlc::cpu {

/// Whether every op of `body` (but the yield) can run on vectors as it is:
/// arith and math ops without regions on scalars.
inline bool isVectorizableBody(mlir::Block &body) {
  for (mlir::Operation &op : body.without_terminator()) {
    llvm::StringRef dialect =
        op.getDialect() ? op.getDialect()->getNamespace() : "";
    if ((dialect != "arith" && dialect != "math") || op.getNumRegions() != 0 ||
        llvm::isa<mlir::arith::ConstantOp>(op))
      return false;
    for (mlir::Type t :
         llvm::concat<mlir::Type>(op.getOperandTypes(), op.getResultTypes()))
      if (!t.isIntOrIndexOrFloat() || t.isIndex())
        return false;
  }
  return true;
}

/// The value `body` (isVectorizableBody) yields, computed on vectors of
/// `lanes`: `mapping` holds the vectors of its block arguments; any other
/// scalar it reads is broadcast.
inline mlir::Value cloneBodyOnVectors(mlir::OpBuilder &b, mlir::Location loc,
                                      mlir::Block &body, int64_t lanes,
                                      mlir::IRMapping &mapping) {
  auto vec = [&](mlir::Type t) { return mlir::VectorType::get({lanes}, t); };
  for (mlir::Operation &inner : body.without_terminator()) {
    for (mlir::Value operand : inner.getOperands())
      if (!mapping.contains(operand))
        mapping.map(operand, mlir::vector::BroadcastOp::create(
                                 b, loc, vec(operand.getType()), operand));
    mlir::Operation *clone = b.clone(inner, mapping);
    for (auto [result, original] :
         llvm::zip(clone->getResults(), inner.getResults())) {
      result.setType(vec(original.getType()));
      mapping.map(original, result);
    }
  }
  return mapping.lookup(body.getTerminator()->getOperand(0));
}

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_VECTORBODY_H
