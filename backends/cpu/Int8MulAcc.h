//===- Int8MulAcc.h - The body of the 8-bit contractions --------*- C++ -*-===//
//
// The linalg.generic body that Int8ContractionToLinalg.cpp gives every 8-bit
// contraction (GEMM and depthwise window sum), matched by the CPU kernels
// that replace them (Int8Gemm.cpp, Int8Depthwise.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKENDS_CPU_INT8MULACC_H
#define MLC_BACKENDS_CPU_INT8MULACC_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace mlc::cpu {

/// Whether `body` is `yield(addi(out, muli(ext(in0), extsi(in1))))`: returns
/// whether the activation (in0) is zero-extended (unsigned), or nullopt.
inline std::optional<bool> matchInt8MulAccBody(mlir::Block &body) {
  using namespace mlir;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddIOp>();
  if (!add || add.getLhs() != body.getArgument(2))
    return std::nullopt;
  auto mul = add.getRhs().getDefiningOp<arith::MulIOp>();
  if (!mul)
    return std::nullopt;
  Operation *extX = mul.getLhs().getDefiningOp();
  auto extW = mul.getRhs().getDefiningOp<arith::ExtSIOp>();
  if (!extX || !isa<arith::ExtUIOp, arith::ExtSIOp>(extX) || !extW ||
      extX->getOperand(0) != body.getArgument(0) ||
      extW.getIn() != body.getArgument(1))
    return std::nullopt;
  return isa<arith::ExtUIOp>(extX);
}

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_INT8MULACC_H
