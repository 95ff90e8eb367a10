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

namespace {
struct AlignWorkgroupMemoryPass
    : cuda::impl::AlignWorkgroupMemoryBase<AlignWorkgroupMemoryPass> {
  void runOnOperation() override {
    getOperation()->walk([](LLVM::GlobalOp global) {
      if (global.getAddrSpace() != kSharedAddressSpace)
        return;
      if (global.getAlignment().value_or(0) < kSharedAlignment)
        global.setAlignment(kSharedAlignment);
    });
  }
};
} // namespace
