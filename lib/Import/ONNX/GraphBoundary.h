//===- GraphBoundary.h - Sequence/optional graph boundary ---*- C++ -*-===//
//
// Turns the main graph's inputs and outputs, tensors, sequences and
// optionals, into @main's tensor arguments and results, and records their
// structure for the runtime ABI (mlc_value_info in mlc_runtime.h).
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_IMPORT_ONNX_GRAPHBOUNDARY_H
#define MLC_LIB_IMPORT_ONNX_GRAPHBOUNDARY_H

#include "ImporterContext.h"

#include "mlir/IR/BuiltinAttributes.h"

namespace mlc::onnx_import {

/// Module attribute holding the graph's values: a dictionary of `inputs`
/// and `outputs`, arrays of {name, kind, present, count} in graph order
/// (kind is an mlc_value_kind). mlc-emit-runtime-abi reads it; the Backend
/// library spells the same name (mlc/Backend/Passes.h).
inline constexpr llvm::StringLiteral kGraphValuesAttrName = "mlc.graph_values";

/// The ranked tensor type of a tensor type proto; unknown dimensions are
/// dynamic. `name` names the value in errors.
mlir::FailureOr<mlir::RankedTensorType>
convertTensorTypeProto(ImporterContext &ic, llvm::StringRef name,
                       const onnx::TypeProto_Tensor &type, mlir::Location loc);

/// One graph input, flattened into the tensors @main takes.
struct GraphInput {
  std::string name;
  int32_t kind = 0; ///< an mlc_value_kind
  bool present = true;
  llvm::SmallVector<mlir::RankedTensorType> types;
  llvm::SmallVector<std::string> tensorNames;
  bool isUnsigned = false;
  /// The ONNX dim_params of a tensor input's dimensions, or null.
  mlir::ArrayAttr dimParams;
};

/// The graph inputs that are not initializers, with the structure of each
/// sequence and optional taken from `ic.options.inputStructures`. Errors for
/// a spec that names no such input, does not parse or does not fit.
mlir::FailureOr<llvm::SmallVector<GraphInput>>
describeGraphInputs(ImporterContext &ic, const onnx::GraphProto &graph,
                    mlir::Location loc);

/// Binds every input's name in `ic.values` to its tensors in `args` (in
/// order), as a sequence or optional placeholder where it is one.
void bindGraphInputs(ImporterContext &ic, llvm::ArrayRef<GraphInput> inputs,
                     mlir::ValueRange args, mlir::Location loc);

/// The graph outputs flattened into tensors, their names, and the
/// kGraphValuesAttrName entries of inputs and outputs.
struct GraphOutputs {
  llvm::SmallVector<mlir::Value> values;
  llvm::SmallVector<std::string> names;
};
mlir::FailureOr<GraphOutputs>
flattenGraphOutputs(ImporterContext &ic, const onnx::GraphProto &graph,
                    mlir::Location loc,
                    llvm::SmallVectorImpl<mlir::Attribute> &entries);

/// One kGraphValuesAttrName entry.
/// `present` is 1, 0 (an absent optional) or -1 (an optional whose
/// presence its first tensor, an i1 scalar, gives at run time).
mlir::DictionaryAttr describeGraphValue(mlir::Builder &b, llvm::StringRef name,
                                        int32_t kind, int32_t present,
                                        int64_t count);

} // namespace mlc::onnx_import

#endif // MLC_LIB_IMPORT_ONNX_GRAPHBOUNDARY_H
