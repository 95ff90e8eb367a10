//===- LatencyStats.h - Summary statistics of run latencies -----*- C++ -*-===//
//
// Median and tail percentiles of a set of measured run times, as printed by
// `mlc-run --bench`.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_RUNTIME_LATENCYSTATS_H
#define MLC_RUNTIME_LATENCYSTATS_H

#include "llvm/ADT/ArrayRef.h"

#include <cstddef>

namespace mlc {

/// Percentiles use the nearest-rank method: the p-th percentile of N sorted
/// samples is the sample of 1-based rank ceil(p/100 * N). Every reported value
/// is thus a measured sample, never an interpolation; the median of an even
/// count is the lower of the two middle samples.
struct LatencyStats {
  size_t runs = 0;
  double median = 0;
  double p95 = 0;
  double p99 = 0;
  double max = 0;

  /// Summarizes `samples` (any unit; mlc-run uses milliseconds). All fields
  /// are 0 when `samples` is empty.
  static LatencyStats compute(llvm::ArrayRef<double> samples);
};

/// Returns the nearest-rank `percent`-th percentile (0 < percent <= 100) of
/// `sorted`, which must be sorted ascending; 0 when `sorted` is empty.
double getNearestRankPercentile(llvm::ArrayRef<double> sorted, double percent);

} // namespace mlc

#endif // MLC_RUNTIME_LATENCYSTATS_H
