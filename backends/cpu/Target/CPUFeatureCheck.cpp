//===- CPUFeatureCheck.cpp - x86 features checked at load time ------------===//
//
// Bits from the Intel SDM (CPUID leaves 1 and 7) and AMD's APM (leaf
// 0x80000001); XCR0 bits 1-2 are SSE/AVX state, 5-7 the AVX-512 state.
//
//===----------------------------------------------------------------------===//

#include "Target/CPUFeatureCheck.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/MC/MCSubtargetInfo.h"

using namespace mlc::cpu;

namespace {
constexpr uint32_t kAvxState = 0x6;     // XMM and YMM
constexpr uint32_t kAvx512State = 0xe6; // and opmask, ZMM0-15 high, ZMM16-31
using R = CpuidRegister;
const CpuidFeature kFeatures[] = {
    {"sse3", 1, 0, R::ECX, 0, 0},
    {"ssse3", 1, 0, R::ECX, 9, 0},
    {"fma", 1, 0, R::ECX, 12, kAvxState},
    {"cx16", 1, 0, R::ECX, 13, 0},
    {"sse4.1", 1, 0, R::ECX, 19, 0},
    {"sse4.2", 1, 0, R::ECX, 20, 0},
    {"movbe", 1, 0, R::ECX, 22, 0},
    {"popcnt", 1, 0, R::ECX, 23, 0},
    {"avx", 1, 0, R::ECX, 28, kAvxState},
    {"f16c", 1, 0, R::ECX, 29, kAvxState},
    {"bmi", 7, 0, R::EBX, 3, 0},
    {"avx2", 7, 0, R::EBX, 5, kAvxState},
    {"bmi2", 7, 0, R::EBX, 8, 0},
    {"avx512f", 7, 0, R::EBX, 16, kAvx512State},
    {"avx512dq", 7, 0, R::EBX, 17, kAvx512State},
    {"avx512ifma", 7, 0, R::EBX, 21, kAvx512State},
    {"avx512cd", 7, 0, R::EBX, 28, kAvx512State},
    {"avx512bw", 7, 0, R::EBX, 30, kAvx512State},
    {"avx512vl", 7, 0, R::EBX, 31, kAvx512State},
    {"avx512vbmi", 7, 0, R::ECX, 1, kAvx512State},
    {"avx512vbmi2", 7, 0, R::ECX, 6, kAvx512State},
    {"avx512vnni", 7, 0, R::ECX, 11, kAvx512State},
    {"avx512bitalg", 7, 0, R::ECX, 12, kAvx512State},
    {"avx512vpopcntdq", 7, 0, R::ECX, 14, kAvx512State},
    {"avx512fp16", 7, 0, R::EDX, 23, kAvx512State},
    {"avxvnni", 7, 1, R::EAX, 4, kAvxState},
    {"avx512bf16", 7, 1, R::EAX, 5, kAvx512State},
    {"lzcnt", 0x80000001, 0, R::ECX, 5, 0},
};
} // namespace

llvm::ArrayRef<CpuidFeature> mlc::cpu::getCpuidFeatures() { return kFeatures; }

llvm::SmallVector<const CpuidFeature *>
mlc::cpu::getRequiredFeatures(const llvm::MCSubtargetInfo &sti) {
  llvm::SmallVector<const CpuidFeature *> required;
  for (const CpuidFeature &feature : kFeatures)
    if (sti.checkFeatures(("+" + feature.name.str())))
      required.push_back(&feature);
  return required;
}
