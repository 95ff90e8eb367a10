//===- AlignWorkgroupMemory.cpp - 32-byte aligned shared memory -----------===//

#include "CUDAPasses.h"

namespace mlc::cuda {
#define GEN_PASS_DEF_ALIGNWORKGROUPMEMORY
#include "CUDAPasses.h.inc"
} // namespace mlc::cuda

using namespace mlir;
using namespace mlc;

/// NVVM's address space of workgroup (shared) memory.
static constexpr unsigned kSharedAddressSpace = 3;
/// wmma.load/store need 32-byte alignment; cp.async needs 16.
static constexpr uint64_t kSharedAlignment = 32;
/// TMA boxes with a 128-byte swizzle need 1024-byte aligned destinations.
static constexpr uint64_t kDynamicSharedAlignment = 1024;

namespace {
struct AlignWorkgroupMemoryPass
    : cuda::impl::AlignWorkgroupMemoryBase<AlignWorkgroupMemoryPass> {
  void runOnOperation() override {
    getOperation()->walk([](LLVM::GlobalOp global) {
      if (global.getAddrSpace() != kSharedAddressSpace)
        return;
      // The dynamic shared memory (a zero-length array) holds the TMA
      // destinations of the Hopper GEMM: 128-byte swizzled boxes must
      // start on 1024-byte boundaries.
      auto array = dyn_cast<LLVM::LLVMArrayType>(global.getGlobalType());
      bool dynamic = array && array.getNumElements() == 0;
      uint64_t alignment = dynamic ? kDynamicSharedAlignment : kSharedAlignment;
      if (global.getAlignment().value_or(0) < alignment)
        global.setAlignment(alignment);
      // convert-gpu-to-nvvm gives it internal linkage, which NVPTX emits
      // as a one-byte static `.shared` variable that ptxas places among
      // the static ones (offset 0, under the mbarriers), not at the start
      // of the dynamic region. External linkage makes it the PTX
      // `.extern .shared .b8 name[]` that aliases the dynamic region.
      if (dynamic && global.getLinkage() != LLVM::Linkage::External) {
        global.setLinkage(LLVM::Linkage::External);
        global.removeValueAttr();
      }
    });
  }
};
} // namespace
