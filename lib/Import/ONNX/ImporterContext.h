//===- ImporterContext.h - State of one ONNX graph import -------*- C++ -*-===//
//
// The value map, the builder and attribute/constant helpers shared by the
// per-family operator importers (MathOps.cpp, NNOps.cpp, TensorOps.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef MLC_LIB_IMPORT_ONNX_IMPORTERCONTEXT_H
#define MLC_LIB_IMPORT_ONNX_IMPORTERCONTEXT_H

#include "mlc/Dialect/MLC/IR/MLCOps.h"
#include "mlc/Import/ONNX/ONNXImporter.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <functional>

namespace mlc::onnx_import {

/// TensorProto.DataType codes added after ONNX 1.12 (Debian's onnx.proto).
enum : int32_t {
  kOnnxFloat8E4M3FN = 17,
  kOnnxFloat8E4M3FNUZ = 18,
  kOnnxFloat8E5M2 = 19,
  kOnnxFloat8E5M2FNUZ = 20,
  kOnnxUInt4 = 21,
  kOnnxInt4 = 22,
  kOnnxFloat4E2M1 = 23,
};

class ImporterContext {
public:
  ImporterContext(mlir::MLIRContext *context, llvm::StringRef sourceName,
                  llvm::StringRef modelDir, int64_t opset,
                  const ONNXImportOptions &options = {})
      : builder(context), sourceName(sourceName), modelDir(modelDir),
        opset(opset), options(options) {}

  mlir::OpBuilder builder;
  std::string sourceName;
  std::string modelDir;
  int64_t opset;
  /// The limits of this import (ONNXImporter.h).
  ONNXImportOptions options;
  /// Subgraphs (If/Loop/Scan) being imported around the current node.
  unsigned subgraphDepth = 0;
  /// Set before the error of a model that breaks a limit of `options` or
  /// is malformed (validateGraph): the import fails as a whole, an If
  /// branch does not turn that error into a run-time one (IfOps.cpp).
  bool refused = false;
  /// Bytes of the constant tensors converted so far, bounded by
  /// options.maxMemoryBytes.
  uint64_t constantBytes = 0;
  /// Opset version of every imported domain ("" is the default domain).
  llvm::StringMap<int64_t> domainOpsets;
  llvm::StringMap<mlir::Value> values;
  /// Integer values that hold ONNX unsigned integers (uint4..uint64). MLIR
  /// integers are signless: ops whose semantics depend on signedness read
  /// this to pick unsigned arithmetic.
  llvm::DenseSet<mlir::Value> unsignedValues;
  /// Statically shaped types the graph declares for its outputs and
  /// value_info entries, for ops whose result shape depends on runtime
  /// values (Resize with runtime scales or sizes).
  llvm::StringMap<mlir::RankedTensorType> declaredTypes;

  bool isUnsigned(mlir::Value value) const {
    return unsignedValues.contains(value);
  }
  /// Marks the outputs of `node` unsigned when they carry the element type of
  /// an unsigned input: every ONNX op whose output type is one of its input
  /// types keeps that type's signedness. Ops with other output types (Cast,
  /// CastLike, comparisons) mark their outputs themselves. This may
  /// over-approximate (Shape of a uint64 tensor), which only matters for
  /// values beyond the signed range.
  void propagateUnsigned(const onnx::NodeProto &node);

  /// Location of a graph node: its name (or op type and index) in the file.
  mlir::Location getNodeLoc(const onnx::NodeProto &node, int index);

  /// Input `i` of `node`, or a null Value when absent or named "".
  /// Errors when the name is not produced by anything.
  mlir::FailureOr<mlir::Value> getInput(const onnx::NodeProto &node, int i,
                                        mlir::Location loc);
  /// Like getInput but the input must be present.
  mlir::FailureOr<mlir::Value> getRequiredInput(const onnx::NodeProto &node,
                                                int i, mlir::Location loc);

  /// Constant integer contents of an input produced by mlc.constant.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  getConstantInts(mlir::Value value, mlir::Location loc, llvm::StringRef what);
  /// Constant scalar float contents of an input produced by mlc.constant.
  mlir::FailureOr<double> getConstantScalar(mlir::Value value,
                                            mlir::Location loc,
                                            llvm::StringRef what);

  /// Converts a TensorProto (raw or typed data, or external data under the
  /// model's directory) to an elements attribute.
  mlir::FailureOr<mlir::ElementsAttr>
  convertTensor(const onnx::TensorProto &tensor, mlir::Location loc);

  /// Maps an ONNX element type to an MLIR type; failure when unsupported.
  mlir::FailureOr<mlir::Type> convertElementType(int32_t onnxType,
                                                 mlir::Location loc);

  /// True for the ONNX unsigned integer element types.
  static bool isUnsignedElementType(int32_t onnxType);

  /// Binds output `i` of `node` to `value`.
  void setOutput(const onnx::NodeProto &node, int i, mlir::Value value) {
    if (i < node.output_size() && !node.output(i).empty())
      values[node.output(i)] = value;
  }
};

/// Attribute accessors with defaults.
const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                     llvm::StringRef name);
int64_t getIntAttr(const onnx::NodeProto &node, llvm::StringRef name,
                   int64_t defaultValue);
float getFloatAttr(const onnx::NodeProto &node, llvm::StringRef name,
                   float defaultValue);
std::string getStringAttr(const onnx::NodeProto &node, llvm::StringRef name,
                          llvm::StringRef defaultValue);
llvm::SmallVector<int64_t> getIntsAttr(const onnx::NodeProto &node,
                                       llvm::StringRef name,
                                       llvm::ArrayRef<int64_t> defaultValue);

/// Imports one node; the handler of an (op type, opset range) entry.
using OpImporter = std::function<mlir::LogicalResult(
    ImporterContext &, const onnx::NodeProto &, mlir::Location)>;

/// The newest default-domain opset the importer knows. Opsets 23 and 24 only
/// added element types (float4, float8 e8m0, int4) to the ops MLC imports,
/// whose semantics for the supported types did not change; an entry valid
/// "from N on" ends here.
inline constexpr int64_t kLatestOpset = 24;

struct OpImporterEntry {
  std::string opType;
  int64_t sinceVersion; ///< first opset the entry handles
  int64_t untilVersion; ///< last opset the entry handles
  OpImporter importer;
};

using OpImporterTable = std::vector<OpImporterEntry>;

/// Creates a single-result op of type OpTy whose result type OpTy infers, or
/// fails with the inference's diagnostic at `loc`. ODS's inferring builders
/// (`OpTy::create(b, loc, operands...)`) end the process with "Failed to infer
/// result type(s)" instead, so any model the importer's own checks let through
/// would crash the tool. `args` are those that follow the result type in
/// OpTy's builder.
template <typename OpTy, typename... Args>
mlir::FailureOr<OpTy> createInferred(mlir::OpBuilder &b, mlir::Location loc,
                                     Args &&...args) {
  OpTy op = OpTy::create(b, loc, mlir::Type(b.getNoneType()),
                         std::forward<Args>(args)...);
  llvm::SmallVector<mlir::Type, 1> types;
  if (mlir::failed(OpTy::inferReturnTypes(
          b.getContext(), loc, op->getOperands(), op->getRawDictionaryAttrs(),
          op->getPropertiesStorage(), op->getRegions(), types)) ||
      types.size() != 1) {
    op->erase();
    return mlir::failure();
  }
  op->getResult(0).setType(types.front());
  return op;
}

void registerMathOpImporters(OpImporterTable &table);
void registerNNOpImporters(OpImporterTable &table);
void registerTensorOpImporters(OpImporterTable &table);
void registerLogicOpImporters(OpImporterTable &table);

} // namespace mlc::onnx_import

#endif // MLC_LIB_IMPORT_ONNX_IMPORTERCONTEXT_H
