//===- Calibration.cpp - Activation ranges from observed values -----------===//
//
// min/max: the range seen. percentile: the range holding the given
// percentage of the values (the rest clip). entropy: TensorRT's calibrator,
// the clipping threshold of |x| whose quantized distribution is closest
// (Kullback-Leibler divergence) to the observed histogram.
//
//===----------------------------------------------------------------------===//

#include "mlc/Quantization/Calibration.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlc;
using namespace mlc::quant;

TensorRange quant::getUint8Range(double lo, double hi) {
  TensorRange range;
  range.min = std::min(lo, 0.0);
  range.max = std::max(hi, 0.0);
  double scale = (range.max - range.min) / 255.0;
  if (!(scale > 0) || !std::isfinite(scale))
    scale = 1.0;
  range.scale = static_cast<float>(scale);
  range.zeroPoint = std::clamp<int64_t>(
      static_cast<int64_t>(std::nearbyint(-range.min / range.scale)), 0, 255);
  return range;
}

void RangeObserver::observeMinMax(ArrayRef<float> values) {
  for (float v : values) {
    if (!std::isfinite(v))
      continue;
    min = std::min<double>(min, v);
    max = std::max<double>(max, v);
  }
}

void RangeObserver::startHistogram() {
  histogram.assign(kBins, 0);
  absHistogram.assign(kBins, 0);
}

void RangeObserver::observeHistogram(ArrayRef<float> values) {
  if (!(max > min))
    return;
  double width = (max - min) / kBins;
  double absMax = std::max(std::abs(min), std::abs(max));
  double absWidth = absMax / kBins;
  for (float v : values) {
    if (!std::isfinite(v))
      continue;
    int bin = std::clamp(static_cast<int>((v - min) / width), 0, kBins - 1);
    histogram[bin] += 1;
    int absBin =
        std::clamp(static_cast<int>(std::abs(v) / absWidth), 0, kBins - 1);
    absHistogram[absBin] += 1;
  }
}

TensorRange RangeObserver::getRange(CalibrationMethod method,
                                    double percentile) const {
  if (!(max >= min)) // nothing observed
    return getUint8Range(0, 0);
  if (method == CalibrationMethod::MinMax || !(max > min) || histogram.empty())
    return getUint8Range(min, max);
  if (method == CalibrationMethod::Percentile)
    return getPercentileRange(percentile);
  return getEntropyRange();
}

TensorRange RangeObserver::getPercentileRange(double percentile) const {
  double total = 0;
  for (double count : histogram)
    total += count;
  if (total == 0)
    return getUint8Range(min, max);
  double width = (max - min) / kBins;
  double keep = percentile / 100.0;
  // The lower bound leaves (1 - keep) of the values below it, the upper
  // bound as many above it.
  double cumulative = 0;
  double lo = min, hi = max;
  for (int i = 0; i < kBins; ++i) {
    cumulative += histogram[i];
    if (cumulative >= (1 - keep) * total) {
      lo = min + i * width;
      break;
    }
  }
  cumulative = 0;
  for (int i = kBins - 1; i >= 0; --i) {
    cumulative += histogram[i];
    if (cumulative >= (1 - keep) * total) {
      hi = min + (i + 1) * width;
      break;
    }
  }
  return getUint8Range(lo, hi);
}

/// KL(p || q) of two unnormalized distributions; q's empty bins where p is
/// not get a tiny mass so that such thresholds lose instead of dividing by 0.
static double getKLDivergence(ArrayRef<double> p, ArrayRef<double> q) {
  double pSum = 0, qSum = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    pSum += p[i];
    qSum += q[i];
  }
  if (pSum == 0 || qSum == 0)
    return std::numeric_limits<double>::infinity();
  double divergence = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == 0)
      continue;
    double pi = p[i] / pSum;
    double qi = std::max(q[i] / qSum, 1e-12);
    divergence += pi * std::log(pi / qi);
  }
  return divergence;
}

TensorRange RangeObserver::getEntropyRange() const {
  double absMax = std::max(std::abs(min), std::abs(max));
  if (!(absMax > 0))
    return getUint8Range(min, max);
  // Levels available to |x|: all 255 steps when the tensor is non-negative
  // (after a ReLU), about half of them otherwise.
  int levels = min >= 0 ? 255 : 128;
  int bestBins = kBins;
  double best = std::numeric_limits<double>::infinity();
  std::vector<double> p, q;
  for (int bins = levels; bins <= kBins; ++bins) {
    // Reference: the histogram clipped at `bins`, outliers in the last bin.
    p.assign(absHistogram.begin(), absHistogram.begin() + bins);
    for (int i = bins; i < kBins; ++i)
      p[bins - 1] += absHistogram[i];
    // Candidate: the first `bins` bins merged into `levels` levels, each
    // level's mass spread over its non-empty bins.
    q.assign(bins, 0);
    double merged = static_cast<double>(bins) / levels;
    for (int j = 0; j < levels; ++j) {
      int start = static_cast<int>(std::floor(j * merged));
      int end = j == levels - 1
                    ? bins
                    : static_cast<int>(std::floor((j + 1) * merged));
      double mass = 0;
      int nonEmpty = 0;
      for (int k = start; k < end; ++k) {
        mass += absHistogram[k];
        nonEmpty += absHistogram[k] != 0;
      }
      if (nonEmpty == 0)
        continue;
      for (int k = start; k < end; ++k)
        if (absHistogram[k] != 0)
          q[k] = mass / nonEmpty;
    }
    double divergence = getKLDivergence(p, q);
    if (divergence < best) {
      best = divergence;
      bestBins = bins;
    }
  }
  double threshold = absMax * bestBins / kBins;
  return getUint8Range(std::max(min, -threshold), std::min(max, threshold));
}
