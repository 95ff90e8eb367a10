//===- CPUTarget.cpp - What the CPU backend knows of its target -----------===//

#include "Target/CPUTarget.h"

#include "mlc/Backend/Emit.h"

#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::cpu;

StringRef CPUTarget::getIsaName() const {
  switch (isa) {
  case VectorIsa::Scalar:
    return "scalar";
  case VectorIsa::AVX2:
    return "avx2";
  case VectorIsa::AVX512:
    return "avx512";
  case VectorIsa::NEON:
    return "neon";
  }
  llvm_unreachable("unknown VectorIsa");
}

FailureOr<CPUTarget> CPUTarget::fromIsaName(StringRef name) {
  std::optional<VectorIsa> isa =
      llvm::StringSwitch<std::optional<VectorIsa>>(name)
          .Case("scalar", VectorIsa::Scalar)
          .Case("avx2", VectorIsa::AVX2)
          .Case("avx512", VectorIsa::AVX512)
          .Case("neon", VectorIsa::NEON)
          .Default(std::nullopt);
  if (!isa)
    return failure();
  CPUTarget target;
  target.isa = *isa;
  switch (*isa) {
  case VectorIsa::Scalar:
    break;
  case VectorIsa::AVX2:
    target.vectorBits = 256;
    target.vectorRegisters = 16;
    target.l2Bytes = 512 * 1024;
    break;
  case VectorIsa::AVX512:
    target.vectorBits = 512;
    target.vectorRegisters = 32;
    target.l1Bytes = 48 * 1024;
    target.l2Bytes = 1024 * 1024;
    break;
  case VectorIsa::NEON:
    target.vectorBits = 128;
    target.vectorRegisters = 32;
    target.l1Bytes = 64 * 1024;
    break;
  }
  return target;
}

CPUTarget CPUTarget::fromTargetOptions(const TargetOptions &options) {
  MLIRContext context; // only for the location of an error
  FailureOr<std::unique_ptr<llvm::TargetMachine>> tm =
      createTargetMachine(options, UnknownLoc::get(&context));
  if (failed(tm))
    return *fromIsaName("scalar");
  const llvm::MCSubtargetInfo *sti = (*tm)->getMCSubtargetInfo();
  const llvm::Triple &triple = (*tm)->getTargetTriple();
  StringRef isa = "scalar", int8Kernel = "none", bf16Kernel = "none";
  if (triple.isX86()) {
    if (sti->checkFeatures("+avx512f"))
      isa = "avx512";
    else if (sti->checkFeatures("+avx2") && sti->checkFeatures("+fma"))
      isa = "avx2";
    if (sti->checkFeatures("+avx512vnni") && sti->checkFeatures("+avx512f"))
      int8Kernel = "x86-vnni512";
    else if (sti->checkFeatures("+avxvnni"))
      int8Kernel = "x86-vnni";
    else if (sti->checkFeatures("+avx2"))
      int8Kernel = "x86-avx2";
    if (sti->checkFeatures("+avx512bf16") && sti->checkFeatures("+avx512f"))
      bf16Kernel = "x86-avx512bf16";
  } else if (triple.isAArch64()) {
    if (sti->checkFeatures("+neon"))
      isa = "neon";
    if (sti->checkFeatures("+bf16"))
      bf16Kernel = "arm-bf16";
    if (sti->checkFeatures("+i8mm"))
      int8Kernel = "arm-i8mm";
    else if (sti->checkFeatures("+dotprod"))
      int8Kernel = "arm-dot";
  }
  CPUTarget target = *fromIsaName(isa);
  target.int8Kernel = int8Kernel.str();
  target.bf16Kernel = bf16Kernel.str();
  return target;
}
