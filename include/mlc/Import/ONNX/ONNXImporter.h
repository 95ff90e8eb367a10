//===- ONNXImporter.h - ONNX model to the mlc dialect -----------*- C++ -*-===//
//
// Imports an ONNX ModelProto into a module with one `func.func @main` of mlc
// ops. Errors (malformed files, unsupported operators or attributes) are
// reported as located diagnostics naming the ONNX node; nothing crashes.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_IMPORT_ONNX_ONNXIMPORTER_H
#define MLC_IMPORT_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mlc {

/// The memory a compilation may spend on a model's constant tensors (and on
/// constant folding) unless told otherwise: mlc-compile --max-memory.
inline constexpr uint64_t kDefaultMaxMemoryBytes = uint64_t(8) << 30;
/// The largest --max-loop-iterations: each iteration is a copy of the body.
inline constexpr int64_t kMaxLoopIterationsLimit = 4096;

/// Limits that keep a hostile model from steering the importer into
/// unbounded memory, recursion or work. Each one passed is a located error.
struct ONNXImportOptions {
  /// Bytes of constant tensors (initializers, Constant values, external
  /// data) the import may hold, each tensor and all of them together.
  uint64_t maxMemoryBytes = kDefaultMaxMemoryBytes;
  /// Levels of subgraphs (If branches, Loop and Scan bodies) inside each
  /// other. The protobuf parser refuses messages nested deeper than 100,
  /// about 30 subgraph levels, before the importer sees them.
  unsigned maxSubgraphDepth = 16;
  /// Attributes of one node, and entries of one attribute's list (ints,
  /// floats, strings, tensors, graphs).
  int maxNodeAttributes = 1024;
  int64_t maxAttributeListLength = int64_t(1) << 20;
  /// The structure a sequence or optional graph input is compiled for, as
  /// (input name, spec) pairs (mlc-compile --input-structure NAME=SPEC):
  /// `seq(SHAPE, ...)` a sequence of one element per SHAPE (`seq()` an empty
  /// one), `none` an absent optional, a SHAPE (`[2,?]`, `[]` a scalar) a
  /// present optional tensor of that shape; an optional sequence takes
  /// `seq(...)`. A `?` dimension is dynamic, or the declared one. An
  /// optional tensor input without a spec is present with its declared
  /// shape; a sequence input needs one (docs/Tools.md).
  std::vector<std::pair<std::string, std::string>> inputStructures;
  /// mlc-compile --max-loop-iterations: a Loop that carries a sequence or
  /// optional and runs a trip count (or condition) known only at run time is
  /// unrolled for at most this many iterations, its carried sequences then
  /// of run-time length; a run needing more fails with MLC_ERROR_MODEL. 0
  /// refuses such a Loop at compile time.
  int64_t maxLoopIterations = 0;
};

/// Imports the serialized ModelProto in `buffer`; `sourceName` (the file
/// name) is used in locations, and its directory is where external data
/// must lie.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXModel(mlir::MLIRContext *context, llvm::StringRef buffer,
                llvm::StringRef sourceName,
                const ONNXImportOptions &options = {});

/// Reads and imports the model file at `path`.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXFile(mlir::MLIRContext *context, llvm::StringRef path,
               const ONNXImportOptions &options = {});

/// One entry of the importer's registry: a default-domain ONNX op type and
/// the opsets [sinceVersion, untilVersion] that entry imports.
struct ImportedONNXOp {
  std::string opType;
  int64_t sinceVersion;
  int64_t untilVersion;
};

/// Every entry of the importer's registry, in registration order (an op
/// whose semantics changed between opsets has several). docs/SupportedOps.md
/// is generated from it (mlc.imported_onnx_ops()).
std::vector<ImportedONNXOp> getImportedONNXOps();

/// Registers the `--import-onnx` translation of mlc-translate.
void registerONNXImportTranslation();

} // namespace mlc

#endif // MLC_IMPORT_ONNX_ONNXIMPORTER_H
