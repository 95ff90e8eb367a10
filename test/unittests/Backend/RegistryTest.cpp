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
  EXPECT_FALSE(llvm::errorToBool(
      registry.registerBackend(std::make_unique<NamedBackend>("zeta"))));
  EXPECT_FALSE(llvm::errorToBool(
      registry.registerBackend(std::make_unique<NamedBackend>("alpha"))));
  llvm::Error dup =
      registry.registerBackend(std::make_unique<NamedBackend>("zeta"));
  ASSERT_TRUE(bool(dup));
  EXPECT_EQ(llvm::toString(std::move(dup)),
            "backend 'zeta' is already registered");
  EXPECT_EQ(registry.getNames(), (std::vector<std::string>{"alpha", "zeta"}));
  EXPECT_NE(registry.lookup("alpha"), nullptr);
  EXPECT_EQ(registry.lookup("beta"), nullptr);
}

/// A backend with an option of its own and a target alias.
class OptionsBackend : public NamedBackend {
public:
  OptionsBackend(std::string name, std::string option)
      : NamedBackend(std::move(name)), option(std::move(option)) {}
  std::vector<std::string> getTargetAliases() const override {
    return {getName().str() + "-alias"};
  }
  void bindOptions(OptionsBinder &binder) override {
    binder.opt(option, level, "a level");
  }
  llvm::Error getTargetOptions(llvm::StringRef targetName,
                               TargetOptions &target) const override {
    target.cpu = targetName.str() + ":" + std::to_string(level);
    return llvm::Error::success();
  }
  unsigned level = 1;

private:
  std::string option;
};

TEST(BackendRegistryTest, OptionsReachTheirBackend) {
  BackendRegistry registry;
  auto a = std::make_unique<OptionsBackend>("a", "a-level");
  auto b = std::make_unique<OptionsBackend>("b", "b-level");
  OptionsBackend *aPtr = a.get(), *bPtr = b.get();
  ASSERT_FALSE(llvm::errorToBool(registry.registerBackend(std::move(a))));
  ASSERT_FALSE(llvm::errorToBool(registry.registerBackend(std::move(b))));
  EXPECT_FALSE(llvm::errorToBool(registry.setOption("b-level", "3")));
  EXPECT_EQ(aPtr->level, 1u);
  EXPECT_EQ(bPtr->level, 3u);
  EXPECT_EQ(registry.getOptionNames("b"),
            (std::vector<std::string>{"b-level"}));
  llvm::Error unknown = registry.setOption("c-level", "1");
  ASSERT_TRUE(bool(unknown));
  EXPECT_EQ(llvm::toString(std::move(unknown)),
            "unknown backend option --c-level");
  // Aliases select their backend, which is told the name used.
  EXPECT_EQ(registry.lookupTarget("b-alias"), bPtr);
  EXPECT_EQ(registry.lookupTarget("a"), aPtr);
  EXPECT_EQ(registry.lookupTarget("c"), nullptr);
  EXPECT_EQ(registry.getTargetAliases(),
            (std::vector<std::string>{"a-alias", "b-alias"}));
  TargetOptions target;
  EXPECT_FALSE(llvm::errorToBool(
      registry.lookupTarget("b-alias")->getTargetOptions("b-alias", target)));
  EXPECT_EQ(target.cpu, "b-alias:3");
}

TEST(BackendRegistryTest, OptionTakenByAnotherBackendIsRefused) {
  BackendRegistry registry;
  ASSERT_FALSE(llvm::errorToBool(registry.registerBackend(
      std::make_unique<OptionsBackend>("a", "level"))));
  llvm::Error clash =
      registry.registerBackend(std::make_unique<OptionsBackend>("b", "level"));
  ASSERT_TRUE(bool(clash));
  EXPECT_EQ(llvm::toString(std::move(clash)),
            "backend 'b': option --level is already taken");
  EXPECT_EQ(registry.lookup("b"), nullptr);
}

TEST(BackendRegistryTest, CommandLineRegistryMakesFlagsInACategory) {
  {
    BackendRegistry registry(BackendOptionsSource::CommandLine);
    ASSERT_FALSE(llvm::errorToBool(registry.registerBackend(
        std::make_unique<OptionsBackend>("cl", "registry-test-level"))));
    const llvm::cl::OptionCategory *category = registry.getOptionCategory("cl");
    ASSERT_NE(category, nullptr);
    EXPECT_EQ(category->getName(), "cl backend options");
    EXPECT_TRUE(llvm::cl::getRegisteredOptions().count("registry-test-level"));
  }
  EXPECT_FALSE(llvm::cl::getRegisteredOptions().count("registry-test-level"));
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
  std::vector<std::string> paths =
      getBackendPluginPaths(std::size(args), const_cast<char **>(args));
  EXPECT_EQ(paths, (std::vector<std::string>{"a.so", "b.so", "c.so"}));
}

TEST(PluginPathsTest, TrailingFlagWithoutValueIsIgnored) {
  const char *args[] = {"tool", "--load-backend-plugin"};
  EXPECT_TRUE(getBackendPluginPaths(2, const_cast<char **>(args)).empty());
}

TEST(TargetFlagTest, LastSpellingWinsElseTheDefault) {
  const char *args[] = {"tool",         "-target", "cuda",
                        "--target=npu", "--",      "--target=after"};
  EXPECT_EQ(getTargetFlag(std::size(args), const_cast<char **>(args), "host"),
            "npu");
  const char *none[] = {"tool", "--targets=x"};
  EXPECT_EQ(getTargetFlag(2, const_cast<char **>(none), "host"), "host");
}

} // namespace
