//===- CPUBackend.h - The in-tree CPU backend -------------------*- C++ -*-===//
//
// x86-64 and AArch64 code through LLVM. Tools register it with
// registerCPUBackend; mlc-opt also gets its pipeline as --mlc-cpu-pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKENDS_CPU_CPUBACKEND_H
#define MLC_BACKENDS_CPU_CPUBACKEND_H

#include "mlc/Backend/Registry.h"

namespace mlc::cpu {

/// The CPU backend's own options (flags of mlc-compile with --target=host,
/// x86_64, aarch64 or cpu).
struct CPUOptions {
  /// --cpu: the LLVM CPU name; empty for the target's default.
  std::string cpu;
  /// --mattr: LLVM target features added to the CPU's.
  std::string mattr;

  void bindOptions(OptionsBinder &binder);
};

/// Registers the backend named "cpu" with `registry`.
void registerCPUBackend(BackendRegistry &registry);

/// Registers the `mlc-cpu-pipeline` pass pipeline (linalg on tensors ->
/// LLVM dialect with the runtime ABI) with the global pass registry.
void registerCPUPipeline();

/// Registers mlc-translate's `--cpu-emit-object` / `--cpu-emit-assembly`.
void registerCPUTranslations();

/// The LLVM triple, CPU and features for a `--target=` name (host, x86_64,
/// aarch64); failure for an unknown name.
mlir::FailureOr<TargetOptions> getCPUTargetOptions(llvm::StringRef target);

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_CPUBACKEND_H
