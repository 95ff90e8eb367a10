//===- Compile.h - The whole compilation chain in one process ---*- C++ -*-===//
//
// What mlc-compile does: import (ONNX or mlc MLIR), lower to linalg, run a
// backend's pipeline, serialize, link. Each stage is also reachable with
// mlc-translate and mlc-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DRIVER_COMPILE_H
#define MLC_DRIVER_COMPILE_H

#include "mlc/Backend/Registry.h"
#include "mlc/Import/ONNX/ONNXImporter.h"
#include "mlc/Quantization/Quantize.h"

#include "mlir/IR/MLIRContext.h"

namespace mlc {

/// What to write to the output path.
enum class EmitKind {
  MLIR,     ///< the mlc-dialect module after graph-level passes
  LLVMIR,   ///< optimized LLVM IR
  Asm,      ///< target assembly
  Obj,      ///< relocatable object file
  SharedLib ///< the runtime artifact (default)
};

struct CompileOptions {
  std::string inputPath;
  std::string outputPath;
  std::string backend = "cpu";
  TargetOptions target;
  EmitKind emit = EmitKind::SharedLib;
  /// Layout of spatial ops after graph optimization: "auto" (the backend's
  /// preference), "nchw" or "nhwc".
  std::string layout = "auto";
  /// Print, per op, which backend gets it and why (mlc-print-partition).
  bool printPartition = false;
  /// Post-training quantization (--quantize=int8|int8-dynamic), done on
  /// the imported module before the graph passes.
  QuantizeOptions quantize;
  /// Run mlc-lower-quant on a module with quantize / dequantize ops (QDQ
  /// models) before the graph passes.
  bool lowerQuant = true;
  /// --quantize=fp16|bf16: "fp16" or "bf16" (half-precision weights and
  /// activations, mlc-convert-float-precision; CPU backend only), else "".
  std::string halfPrecision;
  /// --max-memory: what the compiler may hold of the model's constants (the
  /// importer's limit) and what constant folding may spend on one op (see
  /// getFoldElementLimit).
  uint64_t maxMemoryBytes = kDefaultMaxMemoryBytes;
  /// --input-structure: (name, spec) of sequence and optional graph inputs
  /// (ONNXImportOptions::inputStructures).
  std::vector<std::pair<std::string, std::string>> inputStructures;
  /// --max-loop-iterations (ONNXImportOptions::maxLoopIterations).
  int64_t maxLoopIterations = 0;
};

/// The largest result a graph pass may fold under a memory limit of
/// `maxMemoryBytes`: an op's operands and result (8 bytes an element on the
/// host, four tensors) must fit. mlc-fold-constants keeps its own lower
/// default (2^22 elements).
int64_t getFoldElementLimit(uint64_t maxMemoryBytes);

/// Adds the graph passes that `options` ask for: `mlc-graph-opt` from -O1
/// on, converting spatial ops to `options.layout` (for "auto", to the
/// backend's preferred layout when it is not NCHW).
void buildGraphPipeline(mlir::OpPassManager &pm, const Backend &backend,
                        const CompileOptions &options);

/// Adds the passes from the mlc dialect to linalg on tensors with the
/// entry point exposed: what every backend pipeline starts from.
void buildMLCToBackendInputPipeline(mlir::OpPassManager &pm);

/// Runs the chain. Diagnostics go to the context's handler. A backend whose
/// LoweringInput is Partitions gets the ops it claims (mlc-partition, after
/// the graph passes) and its pipeline runs first; the "cpu" backend's
/// pipeline then compiles the rest, and the backend serializes and links.
mlir::LogicalResult compileModel(mlir::MLIRContext &context,
                                 const BackendRegistry &registry,
                                 const CompileOptions &options);

} // namespace mlc

#endif // MLC_DRIVER_COMPILE_H
