//===- HostEntry.cpp - Host-buffer entry point around the device one ------===//
//
// The runtime ABI passes host pointers; the mapped entry works on device
// memory. The new @mlc_entry copies inputs in, calls the device entry and
// copies outputs out.
//
//===----------------------------------------------------------------------===//

#include "CUDAPasses.h"

#include "mlc/Backend/Passes.h"

namespace mlc::cuda {
#define GEN_PASS_DEF_HOSTENTRY
#include "CUDAPasses.h.inc"
} // namespace mlc::cuda

using namespace mlir;
using namespace mlc;

namespace {
struct HostEntryPass : cuda::impl::HostEntryBase<HostEntryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto device = module.lookupSymbol<func::FuncOp>(kEntryFuncName);
    if (!device || device.isExternal()) {
      module.emitError("no function '") << kEntryFuncName << "' to wrap";
      return signalPassFailure();
    }
    unsigned numInputs = 0;
    // mlc-expose-entry reads inputs through to_tensor and writes outputs
    // with materialize_in_destination; after bufferization the ABI
    // attribute says how many leading arguments are inputs.
    if (auto abi = module->getAttrOfType<DictionaryAttr>(kABIAttrName))
      if (auto inputs = abi.getAs<ArrayAttr>("inputs"))
        numInputs = inputs.size();
    FunctionType type = device.getFunctionType();
    if (numInputs > type.getNumInputs()) {
      device.emitError("entry has fewer arguments than the ABI's inputs");
      return signalPassFailure();
    }
    device.setName(cuda::kDeviceEntryFuncName);
    device.setPrivate();

    OpBuilder b(device);
    b.setInsertionPointAfter(device);
    Location loc = device.getLoc();
    auto host = func::FuncOp::create(b, loc, kEntryFuncName, type);
    Block *entry = host.addEntryBlock();
    b.setInsertionPointToStart(entry);
    SmallVector<Value> deviceArgs;
    for (auto [i, arg] : llvm::enumerate(entry->getArguments())) {
      auto memrefType = cast<MemRefType>(arg.getType());
      Value buffer =
          gpu::AllocOp::create(b, loc, memrefType, Type(), ValueRange{},
                               ValueRange{}, ValueRange{}, false)
              .getMemref();
      if (i < numInputs)
        gpu::MemcpyOp::create(b, loc, TypeRange{}, ValueRange{}, buffer, arg);
      deviceArgs.push_back(buffer);
    }
    func::CallOp::create(b, loc, device, deviceArgs);
    for (auto [i, arg] : llvm::enumerate(entry->getArguments())) {
      if (i >= numInputs)
        gpu::MemcpyOp::create(b, loc, TypeRange{}, ValueRange{}, arg,
                              deviceArgs[i]);
    }
    for (Value buffer : deviceArgs)
      gpu::DeallocOp::create(b, loc, Type(), ValueRange{}, buffer);
    func::ReturnOp::create(b, loc);
  }
};
} // namespace
