//===- RegistryTest.cpp - BackendRegistry and plug-in flag scanning -------===//
//
// The registry's name checks and the argv scan that finds plug-ins before
// the command line is parsed (loading itself is covered by the lit tests
// with the test plug-ins).
//
//===----------------------------------------------------------------------===//

#include "mlc/Backend/Registry.h"

#include "gtest/gtest.h"

using namespace mlc;

namespace {

class NamedBackend : public Backend {
public:
  explicit NamedBackend(std::string name) : name(std::move(name)) {}
  llvm::StringRef getName() const override { return name; }
  llvm::StringRef getDescription() const override { return "test"; }
  void buildLoweringPipeline(mlir::OpPassManager &,
                             const TargetOptions &) const override {}
  mlir::LogicalResult serialize(mlir::ModuleOp, const TargetOptions &,
                                ArtifactKind,
                                llvm::raw_pwrite_stream &) const override {
    return mlir::failure();
  }
  mlir::LogicalResult linkSharedLibrary(llvm::StringRef, llvm::StringRef,
                                        const TargetOptions &,
                                        mlir::Location) const override {
    return mlir::failure();
  }

private:
  std::string name;
};

TEST(BackendRegistryTest, RejectsDuplicateNamesAndListsSorted) {
  BackendRegistry registry;
  EXPECT_FALSE(
      llvm::errorToBool(registry.registerBackend(std::make_unique<NamedBackend>("zeta"))));
  EXPECT_FALSE(
      llvm::errorToBool(registry.registerBackend(std::make_unique<NamedBackend>("alpha"))));
  llvm::Error dup = registry.registerBackend(std::make_unique<NamedBackend>("zeta"));
  ASSERT_TRUE(bool(dup));
  EXPECT_EQ(llvm::toString(std::move(dup)), "backend 'zeta' is already registered");
  EXPECT_EQ(registry.getNames(), (std::vector<std::string>{"alpha", "zeta"}));
  EXPECT_NE(registry.lookup("alpha"), nullptr);
  EXPECT_EQ(registry.lookup("beta"), nullptr);
}

TEST(BackendRegistryTest, DefaultOpSupportFollowsIsOpSupported) {
  NamedBackend backend("x");
  OpSupport support = backend.getOpSupport(nullptr);
  EXPECT_TRUE(support.supported);
  EXPECT_EQ(support.reason, "supported");
  EXPECT_EQ(backend.getLoweringInput(), LoweringInput::WholeModule);
}

TEST(BackendRegistryTest, MissingPluginIsAnError) {
  BackendRegistry registry;
  llvm::Error err = registry.loadPlugin("/nonexistent/plugin.so");
  ASSERT_TRUE(bool(err));
  EXPECT_EQ(llvm::toString(std::move(err)),
            "backend plug-in '/nonexistent/plugin.so' does not exist");
}

TEST(PluginPathsTest, FindsEverySpelling) {
  const char *args[] = {"tool",
                        "model.onnx",
                        "--load-backend-plugin=a.so",
                        "-load-backend-plugin=b.so",
                        "--load-backend-plugin",
                        "c.so",
                        "--load-backend-plugins=no.so",
                        "--target=npu",
                        "--",
                        "--load-backend-plugin=after-dashdash.so"};
  std::vector<std::string> paths = getBackendPluginPaths(
      std::size(args), const_cast<char **>(args));
  EXPECT_EQ(paths, (std::vector<std::string>{"a.so", "b.so", "c.so"}));
}

TEST(PluginPathsTest, TrailingFlagWithoutValueIsIgnored) {
  const char *args[] = {"tool", "--load-backend-plugin"};
  EXPECT_TRUE(getBackendPluginPaths(2, const_cast<char **>(args)).empty());
}

} // namespace
