//===- NPUBackend.cpp - The example NPU backend and its plug-in entry -----===//
//
// npu-example claims f32 convolutions (NCHW, group 1), 2-D matrix products
// (matmul, gemm) and relu; mlc-partition outlines them, the
// npu-example-lower-partitions pass turns them into calls to the NPU runtime,
// and the CPU backend compiles the rest of the model. The artifact is the CPU
// backend's object linked with the runtime library (libnpu_example_runtime.a,
// found next to this plug-in).
//
//===----------------------------------------------------------------------===//

#include "NPUPasses.h"

#include "mlc/Backend/Emit.h"
#include "mlc/Backend/Registry.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <dlfcn.h>

using namespace mlir;

namespace {
/// The plug-in's own options, declared as the in-tree backends declare
/// theirs: the tool that loads the plug-in makes them flags
/// (`mlc-compile --load-backend-plugin=... --target=npu-example --help`).
struct NPUOptions {
  /// --npu-example-ops: the kinds of op the backend claims.
  std::string ops = "conv2d,matmul,relu";

  void bindOptions(mlc::OptionsBinder &binder) {
    binder.opt("npu-example-ops", ops,
               "Comma-separated ops npu-example claims (of conv2d, matmul, "
               "relu; default all)",
               "op,...");
  }
};
} // namespace

/// The directory holding this plug-in, where its runtime library lies too.
static std::string getPluginDirectory() {
  Dl_info info;
  if (!dladdr(reinterpret_cast<void *>(&getPluginDirectory), &info) ||
      !info.dli_fname)
    return "";
  return llvm::sys::path::parent_path(info.dli_fname).str();
}

static bool isStaticF32(Type type, int64_t rank) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() && tensor.getElementType().isF32() &&
         (rank < 0 || tensor.getRank() == rank);
}

namespace {
class NPUBackend : public mlc::Backend {
public:
  explicit NPUBackend(const mlc::BackendRegistry &registry)
      : registry(registry) {}

  StringRef getName() const override { return npu_example::kBackendName; }
  StringRef getDescription() const override {
    return "example NPU (emulated): conv2d, matmul, relu; CPU for the rest";
  }
  mlc::LoweringInput getLoweringInput() const override {
    return mlc::LoweringInput::Partitions;
  }

  void bindOptions(mlc::OptionsBinder &binder) override {
    npuOptions.bindOptions(binder);
  }

  /// The host side is the CPU backend's (host triple); the options are
  /// checked here, before anything is compiled.
  llvm::Error getTargetOptions(StringRef targetName,
                               mlc::TargetOptions &target) const override {
    SmallVector<StringRef> ops;
    StringRef(npuOptions.ops).split(ops, ',', -1, false);
    for (StringRef op : ops)
      if (op != "conv2d" && op != "matmul" && op != "relu")
        return llvm::createStringError(
            "unknown op '" + op +
            "' in --npu-example-ops (expected conv2d, matmul or relu)");
    return llvm::Error::success();
  }

  mlc::OpSupport getOpSupport(Operation *op) const override {
    auto kind =
        llvm::TypeSwitch<Operation *, StringRef>(op)
            .Case<mlc::Conv2DOp>([](auto) { return "conv2d"; })
            .Case<mlc::MatMulOp, mlc::GemmOp>([](auto) { return "matmul"; })
            .Case<mlc::ReluOp>([](auto) { return "relu"; })
            .Default([](auto) { return ""; });
    if (kind.empty())
      return {false,
              "npu-example has no " + op->getName().getStringRef().str()};
    SmallVector<StringRef> enabled;
    StringRef(npuOptions.ops).split(enabled, ',', -1, false);
    if (!llvm::is_contained(enabled, kind))
      return {false, "disabled by --npu-example-ops"};
    if (auto conv = dyn_cast<mlc::Conv2DOp>(op)) {
      if (!isStaticF32(conv.getType(), 4) ||
          !isStaticF32(conv.getInput().getType(), 4))
        return {false, "npu-example convolves static f32 tensors only"};
      if (conv.getLayout() != "NCHW")
        return {false, "npu-example convolves NCHW only"};
      if (conv.getGroup() != 1)
        return {false, "npu-example has no grouped convolution (group " +
                           std::to_string(conv.getGroup()) + ")"};
      return {true, "f32 NCHW convolution"};
    }
    if (auto matmul = dyn_cast<mlc::MatMulOp>(op)) {
      if (!isStaticF32(matmul.getLhs().getType(), 2) ||
          !isStaticF32(matmul.getRhs().getType(), 2))
        return {false, "npu-example multiplies static 2-D f32 matrices only"};
      return {true, "f32 2-D matrix product"};
    }
    if (auto gemm = dyn_cast<mlc::GemmOp>(op)) {
      if (!isStaticF32(gemm.getA().getType(), 2) ||
          !isStaticF32(gemm.getB().getType(), 2))
        return {false, "npu-example multiplies static 2-D f32 matrices only"};
      if (gemm.getTransA() || gemm.getAlpha().convertToFloat() != 1.0f ||
          gemm.getBeta().convertToFloat() != 1.0f)
        return {false, "npu-example has no transposed A, alpha or beta"};
      auto result = cast<RankedTensorType>(gemm.getType());
      if (Value c = gemm.getC()) {
        auto bias = dyn_cast<RankedTensorType>(c.getType());
        if (!bias || bias.getNumElements() != result.getDimSize(1) ||
            bias.getRank() < 1 ||
            bias.getShape().back() != result.getDimSize(1))
          return {false, "npu-example adds a per-column bias [N] only"};
      }
      return {true, "f32 2-D matrix product with bias"};
    }
    if (!isStaticF32(op->getResult(0).getType(), -1))
      return {false, "npu-example runs relu on static f32 tensors only"};
    return {true, "f32 relu"};
  }

  void buildLoweringPipeline(OpPassManager &pm,
                             const mlc::TargetOptions &options) const override {
    pm.addPass(npu_example::createLowerPartitions());
  }

  // The host code around the partitions is the CPU backend's.
  LogicalResult serialize(ModuleOp module, const mlc::TargetOptions &options,
                          mlc::ArtifactKind kind,
                          llvm::raw_pwrite_stream &os) const override {
    const mlc::Backend *cpu = registry.lookup("cpu");
    if (!cpu)
      return module.emitError("npu-example needs the cpu backend");
    return cpu->serialize(module, options, kind, os);
  }

  LogicalResult linkSharedLibrary(StringRef objectPath, StringRef outputPath,
                                  const mlc::TargetOptions &options,
                                  Location loc) const override {
    SmallString<256> runtime(getPluginDirectory());
    llvm::sys::path::append(runtime, "libnpu_example_runtime.a");
    if (!llvm::sys::fs::exists(runtime))
      return emitError(loc)
             << "npu-example runtime library '" << runtime << "' not found";
    for (StringRef driver : {"cc", "gcc", "clang", "clang-22"})
      if (llvm::sys::findProgramByName(driver)) {
        // The CPU code around the partitions may run on threads.
        std::vector<std::string> inputs = {runtime.str().str()};
        llvm::append_range(inputs, mlc::getOpenMPLinkArgs(options.triple));
        return mlc::linkWithCompilerDriver(driver, objectPath, outputPath, loc,
                                           inputs);
      }
    return emitError(loc) << "no C compiler driver (cc, gcc, clang) found";
  }

private:
  const mlc::BackendRegistry &registry;
  NPUOptions npuOptions;
};
} // namespace

extern "C" unsigned mlcBackendPluginAPIVersion() {
  return MLC_BACKEND_PLUGIN_API_VERSION;
}

extern "C" void mlcRegisterBackendPlugin(mlc::BackendRegistry &registry) {
  // mlc-opt can spell out the lowering: --npu-example-lower-partitions.
  npu_example::registerNPUExamplePasses();
  // While a plug-in loads, registrations are staged and cannot fail here; a
  // name clash is reported by the tool when this function returns.
  llvm::cantFail(
      registry.registerBackend(std::make_unique<NPUBackend>(registry)));
}
