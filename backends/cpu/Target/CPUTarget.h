//===- CPUTarget.h - What the CPU backend knows of its target ---*- C++ -*-===//
//
// The one description of the target CPU that code generation reads: the
// vector ISA, its register file and its caches, derived from the LLVM target
// machine (`--cpu`, `--target`) or named directly by a pass option.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKENDS_CPU_TARGET_CPUTARGET_H
#define MLC_BACKENDS_CPU_TARGET_CPUTARGET_H

#include "mlc/Backend/Backend.h"

#include "mlir/Support/LLVM.h"

#include <string>

namespace mlc::cpu {

/// The vector ISA levels the tile strategy distinguishes.
enum class VectorIsa {
  /// No SIMD float FMA the strategy plans for: loops, LLVM vectorizes.
  Scalar,
  /// x86-64 AVX2 + FMA (x86-64-v3): 16 ymm registers.
  AVX2,
  /// x86-64 AVX-512F (x86-64-v4, Skylake-SP, Zen 4): 32 zmm registers.
  AVX512,
  /// AArch64 Advanced SIMD: 32 q registers.
  NEON,
};

struct CPUTarget {
  VectorIsa isa = VectorIsa::Scalar;
  /// Bits of one SIMD register.
  int64_t vectorBits = 128;
  /// SIMD registers the register tiles may plan with.
  int64_t vectorRegisters = 16;
  /// The kernel of the packed int8 GEMMs (mlc-cpu-int8-gemm's `isa`):
  /// x86-vnni512 (AVX512-VNNI, zmm), x86-vnni (AVX-VNNI, ymm), x86-avx2,
  /// arm-i8mm, arm-dot, or none.
  std::string int8Kernel = "none";
  /// The kernel of the bf16 contractions (mlc-cpu-bf16-gemm's `isa`):
  /// x86-avx512bf16 (vdpbf16ps zmm), arm-bf16 (bfdot), or none (the
  /// contractions are widened to f32).
  std::string bf16Kernel = "none";
  /// Per-core data cache sizes, in bytes.
  int64_t l1Bytes = 32 * 1024;
  int64_t l2Bytes = 1024 * 1024;

  /// f32 lanes of one SIMD register.
  int64_t getF32Lanes() const { return vectorBits / 32; }

  /// The ISA name as pass options spell it: scalar, avx2, avx512, neon.
  llvm::StringRef getIsaName() const;

  /// The target of an ISA named as getIsaName() spells it; failure for an
  /// unknown name.
  static mlir::FailureOr<CPUTarget> fromIsaName(llvm::StringRef name);

  /// The target that LLVM's target machine for `options` describes (its
  /// CPU features decide the vector ISA and the int8 and bf16 kernels).
  static CPUTarget fromTargetOptions(const TargetOptions &options);
};

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_TARGET_CPUTARGET_H
