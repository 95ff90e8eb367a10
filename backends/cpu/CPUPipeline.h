//===- CPUPipeline.h - Lowering pipeline of the CPU backend -----*- C++ -*-===//
#ifndef MLC_BACKENDS_CPU_CPUPIPELINE_H
#define MLC_BACKENDS_CPU_CPUPIPELINE_H

#include "CPUBackend.h"

#include <string>

namespace mlc::cpu {

/// The textual pass pipeline after mlc-expose-entry, as mlc-opt spells it.
std::string getCPULoweringPipeline(unsigned optLevel);

mlir::LogicalResult buildCPULoweringPipeline(mlir::OpPassManager &pm,
                                             unsigned optLevel);

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_CPUPIPELINE_H
