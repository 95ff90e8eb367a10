//===- IntrinsicCall.h - Intrinsic calls in code on tensors -----*- C++ -*-===//
//
// The register kernels (Int8Gemm.cpp, Bf16Gemm.cpp) call LLVM intrinsics
// from code on tensors. Bufferization and buffer deallocation reject
// llvm.call_intrinsic (its memory effects are unknown), so an intrinsic is
// first a call to a private declaration named after it and marked
// `mlc.intrinsic`; mlc-cpu-lower-int8-dots makes the calls intrinsics after
// bufferization.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKENDS_CPU_INTRINSICCALL_H
#define MLC_BACKENDS_CPU_INTRINSICCALL_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlc::cpu {

inline constexpr llvm::StringLiteral kIntrinsicMark = "mlc.intrinsic";

/// A call of the intrinsic `name` (declared in `module` on first use).
inline mlir::Value callIntrinsic(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::ModuleOp module, mlir::Type type,
                                 llvm::StringRef name, mlir::ValueRange args) {
  if (!module.lookupSymbol(name)) {
    mlir::OpBuilder mb = mlir::OpBuilder::atBlockBegin(module.getBody());
    auto decl = mlir::func::FuncOp::create(
        mb, loc, name, b.getFunctionType(args.getTypes(), type));
    decl.setPrivate();
    decl->setAttr(kIntrinsicMark, b.getUnitAttr());
  }
  return mlir::func::CallOp::create(b, loc, name, mlir::TypeRange{type}, args)
      .getResult(0);
}

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_INTRINSICCALL_H
