//===- ResizePlan.h - Source indices and weights of a resize ----*- C++ -*-===//
//
// The compile-time half of Resize/Upsample (ResizeOps.cpp): for constant
// scales, sizes and roi, the source indices and weights of every output
// position of one axis, as the ONNX reference computes them.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_IMPORT_ONNX_RESIZEPLAN_H
#define MLC_LIB_IMPORT_ONNX_RESIZEPLAN_H

#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <string>

namespace mlc::onnx_import {

/// How one axis is resized: `taps` gathers, each with one source index and
/// weight per output position, and the positions that take the
/// extrapolation value (tf_crop_and_resize).
struct AxisPlan {
  llvm::SmallVector<llvm::SmallVector<int64_t>> indices;
  llvm::SmallVector<llvm::SmallVector<double>> weights;
  llvm::SmallVector<bool> outside;
  bool anyOutside = false;
};

/// The attributes of a Resize (or Upsample) that its plan depends on.
struct ResizeOptions {
  std::string mode;           // nearest, linear, cubic
  std::string coordinateMode; // ONNX coordinate_transformation_mode
  std::string nearestMode;    // ONNX nearest_mode, or "simple" (opset 10)
  double cubicA = -0.75;
  bool excludeOutside = false;
  bool antialias = false; // linear and cubic only
  double extrapolationValue = 0.0;
};

/// Taps per output position of planAxis: an antialiased downscale by s
/// has 2 * ceil(1 / s) (linear) or 2 * ceil(2 / s) (cubic).
double tapCount(const ResizeOptions &opts, double scale);

/// Source indices and weights of every output position of one axis.
AxisPlan planAxis(const ResizeOptions &opts, double scale, int64_t inSize,
                  int64_t outSize, double roiStart, double roiEnd);

/// True when the plan maps every output position to itself: the taps at
/// index x (several when clamped at the border) weigh 1 in all, the others 0.
bool isIdentity(const AxisPlan &plan, int64_t inSize, int64_t outSize);

} // namespace mlc::onnx_import

#endif // MLC_LIB_IMPORT_ONNX_RESIZEPLAN_H
