//===- IndexMath.h - Index arithmetic for kernel builders -------*- C++ -*-===//
//
// Unsigned index arithmetic with constant operands, built at the builder's
// current insertion point: the address computations of the GEMM kernels
// (MMAToGPU, MMASyncGEMM, HopperGEMM) and the gather bodies of
// ContractionToMMA, which also runs its index functions on integers.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKENDS_CUDA_INDEXMATH_H
#define MLC_BACKENDS_CUDA_INDEXMATH_H

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlc::cuda {

struct IndexMath {
  using Index = mlir::Value;
  /// The in-bounds flag; null means always in bounds.
  using Flag = mlir::Value;
  mlir::OpBuilder &b;
  mlir::Location loc;

  mlir::Value c(int64_t v) {
    return mlir::arith::ConstantIndexOp::create(b, loc, v);
  }
  mlir::Value mul(mlir::Value x, int64_t v) {
    return mlir::arith::MulIOp::create(b, loc, x, c(v));
  }
  mlir::Value add(mlir::Value x, mlir::Value y) {
    return mlir::arith::AddIOp::create(b, loc, x, y);
  }
  mlir::Value addc(mlir::Value x, int64_t v) { return add(x, c(v)); }
  mlir::Value div(mlir::Value x, int64_t v) {
    return mlir::arith::DivUIOp::create(b, loc, x, c(v));
  }
  mlir::Value rem(mlir::Value x, int64_t v) {
    return mlir::arith::RemUIOp::create(b, loc, x, c(v));
  }
  mlir::Value minu(mlir::Value x, int64_t v) {
    return mlir::arith::MinUIOp::create(b, loc, x, c(v));
  }
  mlir::Value lt(mlir::Value x, int64_t v) {
    return cmp(mlir::arith::CmpIPredicate::ult, x, v);
  }
  mlir::Value eq(mlir::Value x, int64_t v) {
    return cmp(mlir::arith::CmpIPredicate::eq, x, v);
  }
  mlir::Value both(mlir::Value x, mlir::Value y) {
    return mlir::arith::AndIOp::create(b, loc, x, y);
  }

private:
  mlir::Value cmp(mlir::arith::CmpIPredicate predicate, mlir::Value x,
                  int64_t v) {
    return mlir::arith::CmpIOp::create(b, loc, predicate, x, c(v));
  }
};

} // namespace mlc::cuda

#endif // MLC_BACKENDS_CUDA_INDEXMATH_H
