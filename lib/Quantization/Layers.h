//===- Layers.h - The layers post-training quantization touches -*- C++ -*-===//
//
// Finding the conv2d / matmul / gemm layers of a float mlc module that can
// be quantized, their ONNX node names, the values whose ranges calibration
// measures, and how those values are named in a calibration file.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_QUANTIZATION_LAYERS_H
#define MLC_LIB_QUANTIZATION_LAYERS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"

#include <string>

namespace mlc::quant {

/// Marks the op whose result is a layer's output in the report (its value
/// is the layer's ONNX node name).
inline constexpr llvm::StringLiteral kReportAttrName = "mlc.quant_layer";

/// One quantizable layer: a float conv2d (NCHW, constant filter and bias) or
/// matmul (constant 2-D right operand); a gemm becomes a matmul plus a bias
/// add when prepared.
struct Layer {
  mlir::Operation *op = nullptr;
  /// The ONNX node name (from the op's NameLoc).
  std::string name;
  /// The activation operand.
  mlir::Value input;
  /// Where the output quantize / dequantize goes: the layer's result, or
  /// that of the ReLU / Clip that is its only user.
  mlir::Value output;
  /// The value the report compares: `output`, or the bias add of a gemm.
  mlir::Value reportValue;
  bool isConv() const;
};

/// The model function @main; an error at the module when it is missing.
mlir::FailureOr<mlir::func::FuncOp> getEntryFunction(mlir::ModuleOp module);

/// The ONNX node name of `loc` (a NameLoc, possibly inside a FusedLoc), or
/// an empty string.
std::string getLocName(mlir::Location loc);

/// The quantizable layers of `func`, in program order.
llvm::SmallVector<Layer> findLayers(mlir::func::FuncOp func);

/// Rewrites a gemm layer into mlc.matmul with constant weights
/// `alpha * op(B)` plus `beta * C`, and sets the layer's values. Conv2d and
/// matmul layers are left as they are.
void prepareLayer(Layer &layer);

/// Stable names for the values whose ranges a calibration file records:
/// a model input by its name, an op result by its ONNX node name (":N" for
/// result N > 0), "#2", "#3", ... appended on a repeat.
class ValueNamer {
public:
  explicit ValueNamer(mlir::func::FuncOp func) : func(func) {}
  llvm::StringRef getName(mlir::Value value);

private:
  mlir::func::FuncOp func;
  llvm::DenseMap<mlir::Value, std::string> names;
  llvm::StringMap<unsigned> used;
};

/// Bytes the constants of `module` take in the artifact: a copy of the
/// module is lowered by convert-mlc-to-linalg (which stores the weights of
/// 8-bit layers as i8) and its tensor constants are summed. Falls back to
/// the mlc.constant tensors of `module` itself if that lowering fails.
int64_t getConstantBytes(mlir::ModuleOp module);

} // namespace mlc::quant

#endif // MLC_LIB_QUANTIZATION_LAYERS_H
