//===- CPUPipeline.h - Lowering pipeline of the CPU backend -----*- C++ -*-===//
#ifndef MLC_BACKENDS_CPU_CPUPIPELINE_H
#define MLC_BACKENDS_CPU_CPUPIPELINE_H

#include "CPUBackend.h"

#include <string>

namespace mlc::cpu {

/// The textual pass pipeline after mlc-expose-entry, as mlc-opt spells it.
/// `int8Isa` picks mlc-cpu-int8-gemm's kernel ("none": loops).
/// `vectorIsa` sizes the register tiles of the float contractions
/// ("scalar": loops, LLVM vectorizes).
std::string getCPULoweringPipeline(unsigned optLevel,
                                   llvm::StringRef int8Isa = "none",
                                   llvm::StringRef vectorIsa = "scalar");

mlir::LogicalResult
buildCPULoweringPipeline(mlir::OpPassManager &pm, unsigned optLevel,
                         llvm::StringRef int8Isa = "none",
                         llvm::StringRef vectorIsa = "scalar");

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_CPUPIPELINE_H
