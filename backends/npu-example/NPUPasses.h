//===- NPUPasses.h - Passes of the example NPU backend ----------*- C++ -*-===//
#ifndef NPU_EXAMPLE_NPUPASSES_H
#define NPU_EXAMPLE_NPUPASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/Pass.h"

namespace npu_example {

/// The backend's name, its partitions' `mlc.backend` tag and --target.
inline constexpr llvm::StringLiteral kBackendName = "npu-example";

#define GEN_PASS_DECL
#include "NPUPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "NPUPasses.h.inc"

} // namespace npu_example

#endif // NPU_EXAMPLE_NPUPASSES_H
