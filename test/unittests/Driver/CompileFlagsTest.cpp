//===- CompileFlagsTest.cpp - mlc-compile's flags, checked ----------------===//
//
// getCompileOptions, which mlc-compile and the Python package share: the
// options each flag sets, and the message of each refused value (the text
// after "error: " in both).
//
//===----------------------------------------------------------------------===//

#include "mlc/Driver/CompileFlags.h"
#include "mlc/InitAll.h"

#include "gtest/gtest.h"

using namespace mlc;

namespace {

class CompileFlagsTest : public ::testing::Test {
protected:
  CompileFlagsTest() { registerAllBackends(registry); }

  /// The error message of `flags`, or "" when they are accepted.
  std::string getError(const CompileFlags &flags) {
    llvm::Expected<CompileOptions> options = getCompileOptions(flags, registry);
    if (options)
      return "";
    return llvm::toString(options.takeError());
  }

  BackendRegistry registry;
};

TEST_F(CompileFlagsTest, DefaultsAreTheHostCPUAtO2) {
  CompileFlags flags;
  flags.inputPath = "m.onnx";
  flags.outputPath = "m.so";
  llvm::Expected<CompileOptions> options = getCompileOptions(flags, registry);
  ASSERT_TRUE(static_cast<bool>(options))
      << llvm::toString(options.takeError());
  EXPECT_EQ(options->backend, "cpu");
  EXPECT_EQ(options->target.optLevel, 2u);
  EXPECT_EQ(options->target.triple, "");
  EXPECT_EQ(options->layout, "auto");
  EXPECT_EQ(options->inputPath, "m.onnx");
  EXPECT_EQ(options->outputPath, "m.so");
  EXPECT_EQ(options->emit, EmitKind::SharedLib);
  EXPECT_EQ(options->quantize.mode, QuantizeMode::None);
  EXPECT_TRUE(options->halfPrecision.empty());
  EXPECT_TRUE(options->lowerQuant);
}

TEST_F(CompileFlagsTest, CPUFlagsReachTheTarget) {
  CompileFlags flags;
  flags.target = "aarch64";
  flags.backendOptions = {{"cpu", "neoverse-v1"}, {"mattr", "+dotprod"}};
  flags.optLevel = 0;
  llvm::Expected<CompileOptions> options = getCompileOptions(flags, registry);
  ASSERT_TRUE(static_cast<bool>(options));
  EXPECT_EQ(options->target.triple, "aarch64-unknown-linux-gnu");
  EXPECT_EQ(options->target.cpu, "neoverse-v1");
  // --mattr adds to the target's own features.
  EXPECT_EQ(options->target.features, "+neon,+dotprod");
  EXPECT_EQ(options->target.optLevel, 0u);
}

TEST_F(CompileFlagsTest, QuantizeModes) {
  CompileFlags flags;
  flags.quantize = "int8";
  flags.calibrationData = "calib";
  flags.calibrationMethod = "percentile";
  flags.calibrationPercentile = 99.9;
  flags.keepFloat = {"fc1"};
  llvm::Expected<CompileOptions> options = getCompileOptions(flags, registry);
  ASSERT_TRUE(static_cast<bool>(options));
  EXPECT_EQ(options->quantize.mode, QuantizeMode::Int8);
  EXPECT_EQ(options->quantize.method, CalibrationMethod::Percentile);
  EXPECT_EQ(options->quantize.percentile, 99.9);
  EXPECT_EQ(options->quantize.calibrationData, "calib");
  ASSERT_EQ(options->quantize.keepFloat.size(), 1u);

  flags = CompileFlags();
  flags.quantize = "bf16";
  options = getCompileOptions(flags, registry);
  ASSERT_TRUE(static_cast<bool>(options));
  EXPECT_EQ(options->halfPrecision, "bf16");
  EXPECT_EQ(options->quantize.mode, QuantizeMode::None);

  // For CUDA, bf16 is the GEMMs' operand type, not a graph conversion.
  flags.target = "cuda";
  options = getCompileOptions(flags, registry);
  ASSERT_TRUE(static_cast<bool>(options));
  EXPECT_EQ(options->backend, "cuda");
  EXPECT_TRUE(options->halfPrecision.empty());
  EXPECT_EQ(options->target.halfPrecision, "bf16");
}

TEST_F(CompileFlagsTest, CUDAOptionsAreTheBackendsOwn) {
  CompileFlags flags;
  flags.target = "cuda";
  flags.backendOptions = {{"cuda-sm", "90"}, {"cuda-gemm", "hopper"}};
  llvm::Expected<CompileOptions> options = getCompileOptions(flags, registry);
  ASSERT_TRUE(static_cast<bool>(options));
  EXPECT_EQ(options->backend, "cuda");
  EXPECT_EQ(options->target.triple, "nvptx64-nvidia-cuda");
  EXPECT_EQ(options->target.cpu, "sm_90a");
  // No backend choice travels as a fake LLVM target feature.
  EXPECT_EQ(options->target.features, "+ptx80");
  EXPECT_TRUE(options->target.halfPrecision.empty());
  // The CPU backend's options do not reach another backend's target.
  flags.backendOptions.push_back({"cpu", "znver4"});
  options = getCompileOptions(flags, registry);
  ASSERT_TRUE(static_cast<bool>(options));
  EXPECT_EQ(options->target.cpu, "sm_90a");
}

TEST_F(CompileFlagsTest, RefusedValuesSayWhy) {
  CompileFlags flags;
  flags.optLevel = 4;
  EXPECT_EQ(getError(flags), "-O must be 0, 1, 2 or 3");

  flags = CompileFlags();
  flags.target = "riscv";
  EXPECT_EQ(getError(flags), "unknown --target 'riscv' (expected host, "
                             "x86_64, aarch64 or a backend: cpu, cuda)");

  flags = CompileFlags();
  flags.layout = "nhcw";
  EXPECT_EQ(getError(flags),
            "unknown --layout 'nhcw' (expected auto, nchw or nhwc)");

  flags = CompileFlags();
  flags.quantize = "int4";
  EXPECT_EQ(getError(flags), "unknown --quantize 'int4' (expected int8, "
                             "int8-dynamic, fp16 or bf16)");

  flags = CompileFlags();
  flags.quantize = "int8";
  flags.calibrationMethod = "median";
  EXPECT_EQ(getError(flags), "unknown --calibration-method 'median' "
                             "(expected minmax, percentile or entropy)");

  flags = CompileFlags();
  flags.quantReport = "r.json";
  EXPECT_EQ(getError(flags),
            "--calibration-data, --calibration-file, --quant-report and "
            "--keep-float need --quantize=int8 or int8-dynamic");

  flags = CompileFlags();
  flags.target = "cuda";
  flags.backendOptions = {{"cuda-sm", "75"}};
  EXPECT_EQ(getError(flags),
            "unsupported --cuda-sm=75 (expected 80, 86, 89 or 90)");

  flags.backendOptions = {{"cuda-sm", "80"}, {"cuda-gemm", "hopper"}};
  EXPECT_EQ(getError(flags), "--cuda-gemm=hopper needs --cuda-sm=90 (wgmma "
                             "and TMA are sm_90a instructions)");

  flags.backendOptions = {{"cuda-gemm", "tiles"}};
  EXPECT_EQ(getError(flags),
            "unknown --cuda-gemm 'tiles' (expected wmma, hopper or mma)");

  flags.backendOptions = {{"cuda-sm", "eighty"}};
  EXPECT_EQ(getError(flags),
            "invalid --cuda-sm 'eighty' (expected an unsigned integer)");

  flags.backendOptions = {{"cuda-warps", "4"}};
  EXPECT_EQ(getError(flags), "unknown backend option --cuda-warps");

  flags = CompileFlags();
  flags.maxMemory = "4X";
  EXPECT_EQ(getError(flags), "bad --max-memory '4X' (expected a positive "
                             "size such as 512M, 4G or 1073741824)");
}

TEST_F(CompileFlagsTest, MaxMemory) {
  CompileFlags flags;
  llvm::Expected<CompileOptions> options = getCompileOptions(flags, registry);
  ASSERT_TRUE(static_cast<bool>(options));
  EXPECT_EQ(options->maxMemoryBytes, kDefaultMaxMemoryBytes);
  flags.maxMemory = "512M";
  options = getCompileOptions(flags, registry);
  ASSERT_TRUE(static_cast<bool>(options));
  EXPECT_EQ(options->maxMemoryBytes, uint64_t(512) << 20);
}

TEST(ParseMemorySize, SuffixesAndLimits) {
  EXPECT_EQ(parseMemorySize("1024"), uint64_t(1024));
  EXPECT_EQ(parseMemorySize("4K"), uint64_t(4096));
  EXPECT_EQ(parseMemorySize("4kb"), uint64_t(4096));
  EXPECT_EQ(parseMemorySize("4KiB"), uint64_t(4096));
  EXPECT_EQ(parseMemorySize("3m"), uint64_t(3) << 20);
  EXPECT_EQ(parseMemorySize("8G"), uint64_t(8) << 30);
  EXPECT_EQ(parseMemorySize("2T"), uint64_t(2) << 40);
  EXPECT_EQ(parseMemorySize("16777215T"), uint64_t(16777215) << 40);
  for (const char *bad : {"", "0", "0G", "G", "-1", "1.5G", "4Q", "4 G", "4GG",
                          "16777216T", "99999999999999999999"})
    EXPECT_EQ(parseMemorySize(bad), std::nullopt) << bad;
}

} // namespace
