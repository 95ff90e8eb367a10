//===- LatencyStats.cpp - Summary statistics of run latencies -------------===//
//
// Nearest-rank percentiles over a sorted copy of the samples.
//
//===----------------------------------------------------------------------===//

#include "mlc/Runtime/LatencyStats.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace mlc {

double getNearestRankPercentile(ArrayRef<double> sorted, double percent) {
  if (sorted.empty())
    return 0;
  // The epsilon keeps exact products such as 0.95 * 100 = 95.000000000000014
  // from rounding up to the next rank.
  double rank = std::ceil(percent / 100.0 * sorted.size() - 1e-9);
  size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

LatencyStats LatencyStats::compute(ArrayRef<double> samples) {
  LatencyStats stats;
  if (samples.empty())
    return stats;
  SmallVector<double> sorted(samples.begin(), samples.end());
  llvm::sort(sorted);
  stats.runs = sorted.size();
  stats.median = getNearestRankPercentile(sorted, 50);
  stats.p95 = getNearestRankPercentile(sorted, 95);
  stats.p99 = getNearestRankPercentile(sorted, 99);
  stats.max = sorted.back();
  return stats;
}

} // namespace mlc
