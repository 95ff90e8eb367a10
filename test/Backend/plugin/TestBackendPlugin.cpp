//===- TestBackendPlugin.cpp - A backend plug-in for the test suite -------===//
//
// Backend "test-partial" claims the mlc ops named by --test-backend-ops
// (default relu,conv2d), so the partitioner can be tested without building
// backends/npu-example. Its lowering inlines its partitions back, so that
// the CPU backend compiles everything: models compiled for it run, and must
// give the CPU backend's numbers. Compiled in variants (see CMakeLists.txt)
// that exercise the loader's errors.
//
//===----------------------------------------------------------------------===//

#include "mlc/Backend/Partition.h"
#include "mlc/Backend/Registry.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"

#ifndef TEST_PLUGIN_NAME
#define TEST_PLUGIN_NAME "test-partial"
#endif
#ifndef TEST_PLUGIN_API_VERSION
#define TEST_PLUGIN_API_VERSION MLC_BACKEND_PLUGIN_API_VERSION
#endif

using namespace mlir;

static llvm::cl::opt<std::string>
    claimedOps("test-backend-ops",
               llvm::cl::desc("Comma-separated mlc op names (without 'mlc.') "
                              "the test-partial backend claims"),
               llvm::cl::init("relu,conv2d"));

namespace {
/// Replaces each call of a partition of this backend by the partition's ops.
struct InlinePartitionsPass
    : PassWrapper<InlinePartitionsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(InlinePartitionsPass)
  StringRef getArgument() const override {
    return "test-backend-inline-partitions";
  }
  StringRef getDescription() const override {
    return "Inline the partitions of the test-partial backend";
  }
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::CallOp> calls;
    module.walk([&](func::CallOp call) {
      auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
      if (callee && callee->getAttrOfType<StringAttr>(mlc::kBackendAttrName) ==
                        StringAttr::get(&getContext(), TEST_PLUGIN_NAME))
        calls.push_back(call);
    });
    SmallVector<func::FuncOp> callees;
    for (func::CallOp call : calls) {
      auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
      OpBuilder builder(call);
      IRMapping mapping;
      mapping.map(callee.getArguments(), call.getOperands());
      for (Operation &op : callee.getBody().front().without_terminator())
        builder.clone(op, mapping);
      for (auto [result, value] :
           llvm::zip(call.getResults(),
                     callee.getBody().front().getTerminator()->getOperands()))
        result.replaceAllUsesWith(mapping.lookup(value));
      call.erase();
      if (!llvm::is_contained(callees, callee))
        callees.push_back(callee);
    }
    for (func::FuncOp callee : callees)
      callee.erase();
  }
};

class TestBackend : public mlc::Backend {
public:
  explicit TestBackend(const mlc::BackendRegistry &registry)
      : registry(registry) {}
  StringRef getName() const override { return TEST_PLUGIN_NAME; }
  StringRef getDescription() const override {
    return "test backend claiming the ops of --test-backend-ops";
  }
  mlc::LoweringInput getLoweringInput() const override {
    return mlc::LoweringInput::Partitions;
  }
  mlc::OpSupport getOpSupport(Operation *op) const override {
    StringRef name = op->getName().getStringRef();
    if (!name.consume_front("mlc."))
      return {false, "not an mlc op"};
    SmallVector<StringRef> names;
    StringRef(claimedOps).split(names, ',', -1, false);
    if (llvm::is_contained(names, name))
      return {true, "listed in --test-backend-ops"};
    return {false, "not in --test-backend-ops"};
  }
  void buildLoweringPipeline(OpPassManager &pm,
                             const mlc::TargetOptions &) const override {
    pm.addPass(std::make_unique<InlinePartitionsPass>());
  }
  LogicalResult serialize(ModuleOp module, const mlc::TargetOptions &options,
                          mlc::ArtifactKind kind,
                          llvm::raw_pwrite_stream &os) const override {
    return registry.lookup("cpu")->serialize(module, options, kind, os);
  }
  LogicalResult linkSharedLibrary(StringRef objectPath, StringRef outputPath,
                                  const mlc::TargetOptions &options,
                                  Location loc) const override {
    return registry.lookup("cpu")->linkSharedLibrary(objectPath, outputPath,
                                                     options, loc);
  }

private:
  const mlc::BackendRegistry &registry;
};
} // namespace

extern "C" unsigned mlcBackendPluginAPIVersion() {
  return TEST_PLUGIN_API_VERSION;
}

#ifndef TEST_PLUGIN_NO_ENTRY
extern "C" void mlcRegisterBackendPlugin(mlc::BackendRegistry &registry) {
  PassRegistration<InlinePartitionsPass>();
  llvm::cantFail(
      registry.registerBackend(std::make_unique<TestBackend>(registry)));
}
#endif
