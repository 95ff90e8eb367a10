//===- Bf16Contraction.h - What the bf16 kernels compute --------*- C++ -*-===//
//
// The contractions mlc-cpu-bf16-gemm (Bf16Gemm.cpp) replaces, seen as rows
// x channels with constant weights, and the elementwise consumer it runs on
// the register tile: matched here, emitted there.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKENDS_CPU_BF16CONTRACTION_H
#define MLC_BACKENDS_CPU_BF16CONTRACTION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace mlc::cpu::bf16 {

using mlir::ElementsAttr;
using mlir::SmallVector;
using mlir::Type;
using mlir::Value;
namespace linalg = mlir::linalg;

/// Where weight (f, tap, c) is in the constant's bytes.
enum class WeightLayout {
  /// A convolution filter [F, KH, KW, C].
  FHWC,
  /// A matmul's B [K, N] (unit dims between them allowed).
  KN,
  /// The transpose of a constant [N, K] (Gemm's transB).
  NK,
};

/// A contraction as rows x channels: out[g * R + r, f] = sum over taps and
/// c of input(g, r, tap, c) * W(f, tap, c). A matmul has one group and one
/// tap; a convolution has a group per output image row (n, oh) and a tap
/// per filter position (kh, kw).
struct Contraction {
  mutable linalg::LinalgOp op;
  bool isConv = false;
  int64_t groups = 1, rowsPerGroup = 0;
  /// Convolution only: output rows per image, filter size, strides and
  /// dilations.
  int64_t oh = 1, kh = 1, kw = 1, strideH = 1, strideW = 1, dilH = 1, dilW = 1;
  /// Reduction per tap, output channels.
  int64_t c = 0, n = 0;
  ElementsAttr weights;
  WeightLayout layout = WeightLayout::KN;

  int64_t getRows() const { return groups * rowsPerGroup; }
  int64_t getTaps() const { return kh * kw; }
  int64_t getPairs() const { return (c + 1) / 2; }
  int64_t getTiles() const { return (n + 15) / 16; }
};

/// An elementwise consumer of the contraction, computed on the register
/// tile: all parallel, identity maps for the accumulator and the result;
/// its other inputs the same shape (a residual), per channel or scalars.
struct Epilogue {
  linalg::GenericOp op;
  unsigned accOperand = 0;
  /// Per input operand of `op`: the value to read, reshaped to [rows, N]
  /// (full), [N] (per channel) or kept (scalar: any shape of 1 element).
  enum class Kind { Acc, Full, PerChannel, Scalar };
  SmallVector<Kind> kinds;
  SmallVector<Value> inputs;

  Type getResultType() const {
    return mlir::cast<mlir::RankedTensorType>(op->getResult(0).getType())
        .getElementType();
  }
};

/// A static conv_2d_nhwc_fhwc of bf16 with a constant filter into f32.
std::optional<Contraction> matchConv(linalg::Conv2DNhwcFhwcOp op);

/// A matmul (linalg.matmul, or a generic contraction of A [m..., K] and a
/// constant B [K, (unit dims), N] into [m..., (unit dims), N]) of bf16
/// into f32.
std::optional<Contraction> matchMatmul(linalg::LinalgOp op);

/// The elementwise consumer of `c`'s result that the kernel can apply to
/// its register tile, if there is one.
std::optional<Epilogue> matchEpilogue(const Contraction &c);

} // namespace mlc::cpu::bf16

#endif // MLC_BACKENDS_CPU_BF16CONTRACTION_H
