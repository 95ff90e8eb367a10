//===- CPUFeatureCheck.h - x86 features checked at load time -----*- C++
//-*-===//
//
// The x86 ISA extensions a code variant may use, and where CPUID reports
// each one: what an artifact with one variant per CPU (--cpu=A,B) checks
// before it picks one.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKENDS_CPU_TARGET_CPUFEATURECHECK_H
#define MLC_BACKENDS_CPU_TARGET_CPUFEATURECHECK_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace llvm {
class MCSubtargetInfo;
} // namespace llvm

namespace mlc::cpu {

/// The CPUID output registers a feature bit can be in.
enum class CpuidRegister { EAX, EBX, ECX, EDX };

/// One feature: its LLVM name, the CPUID leaf/subleaf/register/bit that
/// reports it, and the XCR0 bits the OS must enable for its registers
/// (0 for none).
struct CpuidFeature {
  llvm::StringLiteral name;
  uint32_t leaf, subleaf;
  CpuidRegister reg;
  unsigned bit;
  uint32_t xcr0Mask;
};

/// Every feature the load-time check knows (SSE3 to AVX-512 and the VNNI
/// and BF16 dot products). Features outside this list are not checked.
llvm::ArrayRef<CpuidFeature> getCpuidFeatures();

/// The features of the list that `sti` (a variant's subtarget) has.
llvm::SmallVector<const CpuidFeature *>
getRequiredFeatures(const llvm::MCSubtargetInfo &sti);

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_TARGET_CPUFEATURECHECK_H
