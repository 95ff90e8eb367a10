//===- OptionsBinderTest.cpp - A backend's options, bound to flags --------===//
//
// Values set by name land in the options struct, bad values are refused
// with the message tools print, and a command-line binder's flags are
// registered while it lives and gone after.
//
//===----------------------------------------------------------------------===//

#include "mlc/Backend/OptionsBinder.h"

#include "gtest/gtest.h"

using namespace mlc;

namespace {

enum class Kernel { Small, Large };

struct TestOptions {
  std::string name = "x";
  bool fast = false;
  int offset = -1;
  unsigned count = 4;
  double scale = 1.0;
  Kernel kernel = Kernel::Small;

  void bindOptions(OptionsBinder &binder) {
    binder.opt("test-name", name, "a name");
    binder.opt("test-fast", fast, "a switch");
    binder.opt("test-offset", offset, "an int");
    binder.opt("test-count", count, "a count");
    binder.opt("test-scale", scale, "a scale");
    binder.opt<Kernel>("test-kernel", kernel, "a kernel",
                       {{"small", Kernel::Small, "the small one"},
                        {"large", Kernel::Large, "the large one"}});
  }
};

std::string getError(llvm::Error err) {
  return err ? llvm::toString(std::move(err)) : "";
}

TEST(OptionsBinderTest, SetsEveryTypeByName) {
  TestOptions options;
  OptionsBinder binder;
  options.bindOptions(binder);
  EXPECT_EQ(binder.getNames(), (std::vector<std::string>{
                                   "test-name", "test-fast", "test-offset",
                                   "test-count", "test-scale", "test-kernel"}));
  EXPECT_EQ(getError(binder.set("test-name", "y")), "");
  EXPECT_EQ(getError(binder.set("test-fast", "true")), "");
  EXPECT_EQ(getError(binder.set("test-offset", "-3")), "");
  EXPECT_EQ(getError(binder.set("test-count", "7")), "");
  EXPECT_EQ(getError(binder.set("test-scale", "0.5")), "");
  EXPECT_EQ(getError(binder.set("test-kernel", "large")), "");
  EXPECT_EQ(options.name, "y");
  EXPECT_TRUE(options.fast);
  EXPECT_EQ(options.offset, -3);
  EXPECT_EQ(options.count, 7u);
  EXPECT_EQ(options.scale, 0.5);
  EXPECT_EQ(options.kernel, Kernel::Large);
  EXPECT_EQ(getError(binder.set("test-fast", "0")), "");
  EXPECT_FALSE(options.fast);
  // A local binder makes no flags.
  EXPECT_EQ(binder.getCategory(), nullptr);
  EXPECT_FALSE(llvm::cl::getRegisteredOptions().count("test-name"));
}

TEST(OptionsBinderTest, BadValuesSayWhatIsExpected) {
  TestOptions options;
  OptionsBinder binder;
  options.bindOptions(binder);
  EXPECT_EQ(getError(binder.set("test-count", "-1")),
            "invalid --test-count '-1' (expected an unsigned integer)");
  EXPECT_EQ(getError(binder.set("test-offset", "1.5")),
            "invalid --test-offset '1.5' (expected an integer)");
  EXPECT_EQ(getError(binder.set("test-scale", "big")),
            "invalid --test-scale 'big' (expected a number)");
  EXPECT_EQ(getError(binder.set("test-fast", "yes")),
            "invalid --test-fast 'yes' (expected true or false)");
  EXPECT_EQ(getError(binder.set("test-kernel", "huge")),
            "unknown --test-kernel 'huge' (expected small or large)");
  EXPECT_EQ(getError(binder.set("test-other", "1")),
            "unknown option --test-other");
  // Refused values leave the struct alone.
  EXPECT_EQ(options.count, 4u);
  EXPECT_EQ(options.kernel, Kernel::Small);
}

TEST(OptionsBinderTest, NameClashIsAnError) {
  std::string a, b;
  OptionsBinder binder;
  binder.opt("test-same", a, "first");
  binder.opt("test-same", b, "second");
  EXPECT_EQ(getError(binder.takeError()),
            "option --test-same is already taken");
  EXPECT_EQ(binder.getNames(), (std::vector<std::string>{"test-same"}));
}

TEST(OptionsBinderTest, CommandLineFlagsLiveWithTheBinder) {
  TestOptions options;
  {
    OptionsBinder binder("test options");
    options.bindOptions(binder);
    ASSERT_NE(binder.getCategory(), nullptr);
    EXPECT_EQ(binder.getCategory()->getName(), "test options");
    auto &flags = llvm::cl::getRegisteredOptions();
    ASSERT_TRUE(flags.count("test-kernel"));
    // A tool's command line reaches the struct through the same parsing.
    const char *argv[] = {"tool", "--test-kernel=large", "--test-count=9",
                          "--test-fast"};
    ASSERT_TRUE(llvm::cl::ParseCommandLineOptions(std::size(argv), argv, "",
                                                  &llvm::nulls()));
    EXPECT_EQ(options.kernel, Kernel::Large);
    EXPECT_EQ(options.count, 9u);
    EXPECT_TRUE(options.fast);
    // An option of the process cannot be taken again.
    std::string other;
    binder.opt("test-count", other, "again");
    EXPECT_EQ(getError(binder.takeError()),
              "option --test-count is already taken");
  }
  EXPECT_FALSE(llvm::cl::getRegisteredOptions().count("test-kernel"));
}

} // namespace
