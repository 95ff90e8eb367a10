//===- CalibrationTest.cpp - Range observers and the calibration file -----===//

#include "mlc/Quantization/Calibration.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"

#include <gtest/gtest.h>

#include <random>

using namespace mlc;
using namespace mlc::quant;

namespace {

TEST(CalibrationTest, Uint8RangeIncludesZero) {
  TensorRange r = getUint8Range(0.0, 2.55);
  EXPECT_NEAR(r.scale, 0.01, 1e-7);
  EXPECT_EQ(r.zeroPoint, 0);
  r = getUint8Range(-1.0, 1.0);
  EXPECT_NEAR(r.scale, 2.0 / 255, 1e-7);
  EXPECT_TRUE(r.zeroPoint == 127 || r.zeroPoint == 128); // 127.5 +- rounding
  r = getUint8Range(1.0, 2.0);                           // widened down to 0
  EXPECT_EQ(r.min, 0.0);
  EXPECT_EQ(r.zeroPoint, 0);
  r = getUint8Range(-4.0, -2.0); // widened up to 0
  EXPECT_EQ(r.max, 0.0);
  EXPECT_EQ(r.zeroPoint, 255);
  r = getUint8Range(0.0, 0.0);
  EXPECT_EQ(r.scale, 1.0);
}

/// Values of a ReLU-like tensor: |N(0, 1)| plus a few far outliers.
static std::vector<float> getLongTail() {
  std::mt19937 generator(0);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values;
  for (int i = 0; i < 100000; ++i)
    values.push_back(std::abs(normal(generator)));
  for (int i = 0; i < 5; ++i)
    values.push_back(50.0f);
  return values;
}

static TensorRange observe(const std::vector<float> &values,
                           CalibrationMethod method, double percentile) {
  RangeObserver observer;
  observer.observeMinMax(values);
  observer.startHistogram();
  observer.observeHistogram(values);
  return observer.getRange(method, percentile);
}

TEST(CalibrationTest, MinMaxSkipsNonFinite) {
  RangeObserver observer;
  std::vector<float> values = {-1.0f, 3.0f, NAN, INFINITY};
  observer.observeMinMax(values);
  TensorRange r = observer.getRange(CalibrationMethod::MinMax, 0);
  EXPECT_EQ(r.min, -1.0);
  EXPECT_EQ(r.max, 3.0);
}

TEST(CalibrationTest, PercentileClipsOutliers) {
  std::vector<float> values = getLongTail();
  EXPECT_EQ(observe(values, CalibrationMethod::MinMax, 0).max, 50.0);
  TensorRange r = observe(values, CalibrationMethod::Percentile, 99.9);
  // The 99.9th percentile of |N(0, 1)| is about 3.3.
  EXPECT_GT(r.max, 3.0);
  EXPECT_LT(r.max, 3.7);
  EXPECT_EQ(r.min, 0.0);
}

TEST(CalibrationTest, EntropyClipsTheTail) {
  std::vector<float> values = getLongTail();
  TensorRange r = observe(values, CalibrationMethod::Entropy, 0);
  EXPECT_GT(r.max, 2.0);
  EXPECT_LT(r.max, 10.0);
  EXPECT_EQ(r.min, 0.0);
}

TEST(CalibrationTest, FileRoundTrip) {
  mlir::MLIRContext context;
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("calib", "json", path));
  llvm::FileRemover remove(path);
  CalibrationTable table;
  table.method = "percentile";
  table.percentile = 99.9;
  table.samples = 7;
  table.tensors.push_back({"x", getUint8Range(-1.25, 3.5)});
  table.tensors.push_back({"conv/Conv:1#2", getUint8Range(0, 0.1)});
  ASSERT_TRUE(mlir::succeeded(writeCalibrationFile(&context, path, table)));
  mlir::FailureOr<CalibrationTable> read = readCalibrationFile(&context, path);
  ASSERT_TRUE(mlir::succeeded(read));
  EXPECT_EQ(read->method, "percentile");
  EXPECT_EQ(read->percentile, 99.9);
  EXPECT_EQ(read->samples, 7);
  ASSERT_EQ(read->tensors.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(read->tensors[i].first, table.tensors[i].first);
    EXPECT_EQ(read->tensors[i].second.scale, table.tensors[i].second.scale);
    EXPECT_EQ(read->tensors[i].second.zeroPoint,
              table.tensors[i].second.zeroPoint);
    EXPECT_EQ(read->tensors[i].second.min, table.tensors[i].second.min);
  }
}

TEST(CalibrationTest, BadFileIsAnError) {
  mlir::MLIRContext context;
  std::string message;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    message = d.str();
    return mlir::success();
  });
  llvm::SmallString<128> path;
  int fd;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("calib", "json", fd, path));
  llvm::FileRemover remove(path);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << "{\"format\": \"other\"}";
  }
  EXPECT_TRUE(mlir::failed(readCalibrationFile(&context, path)));
  EXPECT_NE(message.find("not an MLC calibration file"), std::string::npos);
}

} // namespace
