//===- LatencyStatsTest.cpp - Tests for nearest-rank latency stats --------===//

#include "mlc/Runtime/LatencyStats.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <random>
#include <vector>

using namespace mlc;

TEST(LatencyStatsTest, OneToHundredShuffled) {
  std::vector<double> samples;
  for (int i = 1; i <= 100; ++i)
    samples.push_back(i);
  std::shuffle(samples.begin(), samples.end(), std::mt19937(42));
  LatencyStats stats = LatencyStats::compute(samples);
  EXPECT_EQ(stats.runs, 100u);
  EXPECT_EQ(stats.median, 50);
  EXPECT_EQ(stats.p95, 95);
  EXPECT_EQ(stats.p99, 99);
  EXPECT_EQ(stats.max, 100);
}

TEST(LatencyStatsTest, SmallCountRoundsRankUp) {
  // Ranks: 50% of 10 -> 5, 95% of 10 -> ceil(9.5) = 10, 99% -> ceil(9.9) = 10.
  std::vector<double> samples = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  LatencyStats stats = LatencyStats::compute(samples);
  EXPECT_EQ(stats.runs, 10u);
  EXPECT_EQ(stats.median, 5);
  EXPECT_EQ(stats.p95, 10);
  EXPECT_EQ(stats.p99, 10);
  EXPECT_EQ(stats.max, 10);
}

TEST(LatencyStatsTest, EvenCountMedianIsLowerMiddle) {
  LatencyStats stats = LatencyStats::compute({4.0, 1.0, 3.0, 2.0});
  EXPECT_EQ(stats.median, 2);
}

TEST(LatencyStatsTest, SingleSample) {
  LatencyStats stats = LatencyStats::compute({1.5});
  EXPECT_EQ(stats.runs, 1u);
  EXPECT_EQ(stats.median, 1.5);
  EXPECT_EQ(stats.p95, 1.5);
  EXPECT_EQ(stats.p99, 1.5);
  EXPECT_EQ(stats.max, 1.5);
}

TEST(LatencyStatsTest, EmptyGivesZeros) {
  LatencyStats stats = LatencyStats::compute({});
  EXPECT_EQ(stats.runs, 0u);
  EXPECT_EQ(stats.median, 0);
  EXPECT_EQ(stats.max, 0);
}

TEST(LatencyStatsTest, NearestRankPercentile) {
  std::vector<double> sorted = {1, 2, 3, 4};
  EXPECT_EQ(getNearestRankPercentile(sorted, 25), 1);
  EXPECT_EQ(getNearestRankPercentile(sorted, 26), 2);
  EXPECT_EQ(getNearestRankPercentile(sorted, 50), 2);
  EXPECT_EQ(getNearestRankPercentile(sorted, 75), 3);
  EXPECT_EQ(getNearestRankPercentile(sorted, 100), 4);
  EXPECT_EQ(getNearestRankPercentile(sorted, 0), 1);
  EXPECT_EQ(getNearestRankPercentile({}, 50), 0);
}
