//===- CPUPipeline.h - Lowering pipeline of the CPU backend -----*- C++ -*-===//
#ifndef MLC_BACKENDS_CPU_CPUPIPELINE_H
#define MLC_BACKENDS_CPU_CPUPIPELINE_H

#include "CPUBackend.h"

#include <string>

namespace mlc::cpu {

/// What the CPU lowering pipeline is built for.
struct CPUPipelineOptions {
  /// 0..3, as -O0..-O3.
  unsigned optLevel = 2;
  /// mlc-cpu-int8-gemm's kernel ("none": loops).
  std::string int8Isa = "none";
  /// mlc-cpu-bf16-gemm's kernel ("none": the bf16 contractions are widened
  /// to the f32 register tiles).
  std::string bf16Isa = "none";
  /// The vector ISA sizing the register tiles of the float contractions
  /// ("scalar": loops, LLVM vectorizes).
  std::string vectorIsa = "scalar";
  /// Whether the outer tiles of large contractions run on the context's
  /// threads (OpenMP, libomp linked into the artifact).
  bool threads = false;
  /// Whether the static memory plan (one arena per context) is made, and
  /// reported in a remark.
  bool planMemory = true;
  bool memoryReport = false;
};

/// Appends the passes after mlc-expose-entry: linalg on tensors to the
/// LLVM dialect with the runtime ABI.
void buildCPULoweringPipeline(mlir::OpPassManager &pm,
                              const CPUPipelineOptions &options);

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_CPUPIPELINE_H
