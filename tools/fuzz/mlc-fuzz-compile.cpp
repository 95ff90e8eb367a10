//===- mlc-fuzz-compile.cpp - libFuzzer target: import and graph passes ---===//
//
// Bytes -> import -> the graph passes of mlc-compile -O2 for the CPU backend
// (constant folding, fusion, layout conversion) -> mlc to linalg on tensors
// with the entry exposed: what every backend starts from. The backend's own
// pipeline (tiling, LLVM) is left out to keep each input fast. Models whose
// tensors exceed kMaxElements elements, or files over kMaxBytes, are
// skipped. The pass manager verifies the module after every pass.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "mlc/Backend/Registry.h"
#include "mlc/Driver/Compile.h"
#include "mlc/Import/ONNX/ONNXImporter.h"

#include "mlir/Pass/PassManager.h"

static constexpr size_t kMaxBytes = 64 * 1024;
static constexpr int64_t kMaxElements = 1 << 16;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  mlc::registerAllPasses();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > kMaxBytes)
    return 0;
  static const mlc::BackendRegistry *backends = [] {
    auto *registry = new mlc::BackendRegistry();
    mlc::registerAllBackends(*registry);
    return registry;
  }();
  const mlc::Backend *cpu = backends->lookup("cpu");
  mlc::fuzz::FuzzContext context;
  mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>> module =
      mlc::importONNXModel(
          context.get(),
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.onnx");
  if (mlir::failed(module) ||
      !mlc::fuzz::hasSmallTensors(module->get(), kMaxElements))
    return 0;
  mlc::CompileOptions options;
  mlir::PassManager pm(context.get());
  mlc::buildGraphPipeline(pm, *cpu, options);
  mlc::buildMLCToBackendInputPipeline(pm);
  (void)pm.run(module->get());
  return 0;
}
