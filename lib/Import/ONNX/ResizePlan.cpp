//===- ResizePlan.cpp - Source indices and weights of a resize ------------===//
//
// The ONNX reference's coordinate transformations, nearest modes, cubic and
// antialiased filters, evaluated at compile time for one axis.
//
//===----------------------------------------------------------------------===//

#include "ResizePlan.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>

using namespace llvm;
using namespace mlc::onnx_import;

/// The source coordinate of output position `x` (the ONNX reference's
/// `_interpolate_1d_with_x`); `outside` is set for tf_crop_and_resize
/// positions outside the input.
static double sourceCoordinate(const ResizeOptions &opts, int64_t x,
                               double scale, int64_t inSize, int64_t outSize,
                               double roiStart, double roiEnd, bool &outside) {
  double outWidth = scale * static_cast<double>(inSize);
  double xd = static_cast<double>(x);
  const std::string &m = opts.coordinateMode;
  outside = false;
  if (m == "align_corners")
    return outWidth == 1 ? 0.0 : xd * (inSize - 1) / (outWidth - 1);
  if (m == "asymmetric")
    return xd / scale;
  if (m == "tf_crop_and_resize") {
    double xo = outWidth == 1
                    ? (roiEnd - roiStart) * (inSize - 1) / 2
                    : xd * (roiEnd - roiStart) * (inSize - 1) / (outWidth - 1);
    xo += roiStart * (inSize - 1);
    outside = xo < 0 || xo > static_cast<double>(inSize - 1);
    return xo;
  }
  if (m == "pytorch_half_pixel")
    return outWidth == 1 ? -0.5 : (xd + 0.5) / scale - 0.5;
  if (m == "half_pixel_symmetric") {
    double adjustment = static_cast<double>(outSize) / outWidth;
    double center = static_cast<double>(inSize) / 2;
    return center * (1 - adjustment) + (xd + 0.5) / scale - 0.5;
  }
  if (m == "tf_half_pixel_for_nn")
    return (xd + 0.5) / scale;
  // half_pixel
  return (xd + 0.5) / scale - 0.5;
}

static SmallVector<double> cubicCoefficients(double r, double a) {
  double s = 1 - r;
  return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
          ((a + 2) * r - (a + 3)) * r * r + 1,
          ((a + 2) * s - (a + 3)) * s * s + 1,
          ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a};
}

/// The reference's antialiased filters, stretched by 1 / scale when
/// downsampling: the weights of taps start .. start + n - 1 around a source
/// coordinate at `ratio` in (0, 1] past its left neighbour, normalized.
static SmallVector<double> antialiasCoefficients(const ResizeOptions &opts,
                                                 double ratio, double scale) {
  scale = std::min(scale, 1.0);
  SmallVector<double> coeffs;
  if (opts.mode == "linear") {
    int64_t start = static_cast<int64_t>(std::floor(-1 / scale) + 1);
    for (int64_t i = start; i < 2 - start; ++i)
      coeffs.push_back(std::clamp(1 - std::abs((i - ratio) * scale), 0.0, 1.0));
  } else {
    double a = opts.cubicA;
    int64_t start = static_cast<int64_t>(std::floor(-2 / scale) + 1);
    for (int64_t i = start; i < 2 - start; ++i) {
      double x = std::abs(scale * (i - ratio));
      double x2 = x * x, x3 = x2 * x;
      coeffs.push_back(x <= 1  ? (a + 2) * x3 - (a + 3) * x2 + 1
                       : x < 2 ? a * x3 - 5 * a * x2 + 8 * a * x - 4 * a
                               : 0.0);
    }
  }
  double sum = 0;
  for (double c : coeffs)
    sum += c;
  for (double &c : coeffs)
    c /= sum;
  return coeffs;
}

/// The reference's `_get_neighbor`: the n indices nearest to `x` (ties to
/// the smaller) in the input padded by ceil(n / 2) on each side, in input
/// coordinates (outside [0, inSize) they read the border).
static SmallVector<int64_t> neighborIndices(double x, int64_t n,
                                            int64_t inSize) {
  int64_t pad = (n + 1) / 2;
  int64_t limit = inSize + 2 * pad;
  x += pad;
  SmallVector<int64_t> all;
  for (int64_t i = 0; i < limit; ++i)
    all.push_back(i);
  // Ties go to the smaller index: compare (distance, index).
  llvm::sort(all, [&](int64_t l, int64_t r) {
    double dl = std::abs(x - l), dr = std::abs(x - r);
    return dl != dr ? dl < dr : l < r;
  });
  all.resize(std::min<int64_t>(n, limit));
  llvm::sort(all);
  for (int64_t &i : all)
    i -= pad;
  return all;
}

/// Taps per output position of planAxis: an antialiased downscale by s
/// has 2 * ceil(1 / s) (linear) or 2 * ceil(2 / s) (cubic).
double mlc::onnx_import::tapCount(const ResizeOptions &opts, double scale) {
  if (opts.mode == "nearest")
    return 1;
  double support = opts.mode == "linear" ? 1 : 2;
  if (!opts.antialias)
    return 2 * support;
  return -2 * std::floor(-support / std::min(scale, 1.0));
}

/// Source indices and weights of every output position of one axis.
AxisPlan mlc::onnx_import::planAxis(const ResizeOptions &opts, double scale,
                                    int64_t inSize, int64_t outSize,
                                    double roiStart, double roiEnd) {
  int64_t numTaps = opts.mode == "nearest" ? 1 : opts.mode == "linear" ? 2 : 4;
  bool antialias = opts.antialias && opts.mode != "nearest";
  if (antialias)
    numTaps =
        static_cast<int64_t>(antialiasCoefficients(opts, 0.5, scale).size());
  AxisPlan plan;
  plan.indices.assign(numTaps, SmallVector<int64_t>(outSize));
  plan.weights.assign(numTaps, SmallVector<double>(outSize));
  plan.outside.assign(outSize, false);
  auto clampIndex = [&](int64_t i) {
    return std::min<int64_t>(std::max<int64_t>(i, 0), inSize - 1);
  };
  for (int64_t x = 0; x < outSize; ++x) {
    bool outside = false;
    double xo = sourceCoordinate(opts, x, scale, inSize, outSize, roiStart,
                                 roiEnd, outside);
    plan.outside[x] = outside;
    plan.anyOutside |= outside;
    // As the reference: the left neighbour is the index below xo, and an
    // integral xo is the right neighbour with ratio 1.
    double floorXo = std::floor(xo);
    bool integral = floorXo == xo;
    int64_t left = static_cast<int64_t>(floorXo) - (integral ? 1 : 0);
    double ratio = integral ? 1.0 : xo - floorXo;
    if (opts.mode == "nearest") {
      bool right;
      const std::string &nm = opts.nearestMode;
      if (integral)
        right = true;
      else if (nm == "simple") // Resize-10 / Upsample: ceil when shrinking
        right = scale < 1;
      else if (nm == "round_prefer_ceil")
        right = ratio >= 0.5;
      else if (nm == "floor")
        right = false;
      else if (nm == "ceil")
        right = true;
      else // round_prefer_floor
        right = ratio > 0.5;
      plan.indices[0][x] = clampIndex(right ? left + 1 : left);
      plan.weights[0][x] = 1.0;
      continue;
    }
    SmallVector<double> coeffs;
    int64_t first;
    if (antialias) {
      coeffs = antialiasCoefficients(opts, ratio, scale);
      SmallVector<int64_t> neighbors = neighborIndices(xo, numTaps, inSize);
      if (static_cast<int64_t>(neighbors.size()) != numTaps)
        neighbors.resize(numTaps, neighbors.empty() ? 0 : neighbors.back());
      if (opts.excludeOutside) {
        double sum = 0;
        for (int64_t t = 0; t < numTaps; ++t) {
          if (neighbors[t] < 0 || neighbors[t] >= inSize)
            coeffs[t] = 0;
          sum += coeffs[t];
        }
        if (sum != 0)
          for (double &c : coeffs)
            c /= sum;
      }
      for (int64_t t = 0; t < numTaps; ++t) {
        plan.indices[t][x] = clampIndex(neighbors[t]);
        plan.weights[t][x] = coeffs[t];
      }
      continue;
    }
    if (opts.mode == "linear") {
      coeffs = {1 - ratio, ratio};
      first = left;
    } else {
      coeffs = cubicCoefficients(ratio, opts.cubicA);
      first = left - 1;
    }
    if (opts.excludeOutside) {
      double sum = 0;
      for (int64_t t = 0; t < numTaps; ++t) {
        int64_t i = first + t;
        if (i < 0 || i >= inSize)
          coeffs[t] = 0;
        sum += coeffs[t];
      }
      if (sum != 0)
        for (double &c : coeffs)
          c /= sum;
    }
    for (int64_t t = 0; t < numTaps; ++t) {
      plan.indices[t][x] = clampIndex(first + t);
      plan.weights[t][x] = coeffs[t];
    }
  }
  return plan;
}

/// True when the plan maps every output position to itself: the taps at
/// index x (several when clamped at the border) weigh 1 in all, the others 0.
bool mlc::onnx_import::isIdentity(const AxisPlan &plan, int64_t inSize,
                                  int64_t outSize) {
  if (inSize != outSize || plan.anyOutside)
    return false;
  for (int64_t x = 0; x < outSize; ++x) {
    double self = 0;
    for (size_t t = 0; t < plan.indices.size(); ++t) {
      if (plan.indices[t][x] == x)
        self += plan.weights[t][x];
      else if (plan.weights[t][x] != 0)
        return false;
    }
    if (std::abs(self - 1.0) > 1e-12)
      return false;
  }
  return true;
}
