//===- Backend.h - The MLC backend plug-in interface ------------*- C++ -*-===//
//
// A backend turns linalg-on-tensors IR (as produced by convert-mlc-to-linalg
// and the entry-point pass) into an artifact for one kind of hardware. In-tree
// backends (backends/cpu) and out-of-tree plug-ins implement this class and
// register an instance with a BackendRegistry.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKEND_BACKEND_H
#define MLC_BACKEND_BACKEND_H

#include "mlc/Backend/OptionsBinder.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace mlc {

/// What the backend is asked to produce for a target.
struct TargetOptions {
  /// LLVM target triple; empty means the host.
  std::string triple;
  /// CPU name (e.g. "znver4", "cortex-a76"); empty means generic, or the
  /// host CPU when the triple is the host's.
  std::string cpu;
  /// Comma-separated LLVM target features ("+avx2,+fma").
  std::string features;
  /// 0..3, as -O0..-O3.
  unsigned optLevel = 2;
  /// Report the static memory plan (arena, largest live set, weights) as a
  /// remark, where the backend makes one (mlc-compile --memory-report).
  bool memoryReport = false;
  /// The type of `--quantize=fp16|bf16` when the backend computes in it
  /// itself (Backend::handlesHalfPrecision) rather than the graph being
  /// converted to it; empty otherwise.
  std::string halfPrecision;
  /// Sanitizer instrumentation of the generated code (mlc-compile
  /// --sanitize): "", "address" or "thread". The artifact then needs that
  /// sanitizer's runtime in the process that loads it (utils/sanitize).
  std::string sanitize;
};

/// Tensor layout a backend prefers for spatial ops; layout conversion
/// rewrites the graph to it.
enum class DataLayoutPreference { NCHW, NHWC };

/// The forms of output a backend can serialize a lowered module to.
enum class ArtifactKind { LLVMIR, Assembly, Object };

/// Whether a backend claims an op, and why: the partitioner reports the
/// reason with `--mlc-print-partition`.
struct OpSupport {
  bool supported = false;
  std::string reason;
};

/// What a backend's lowering pipeline starts from.
enum class LoweringInput {
  /// The whole model as linalg on tensors with its entry point exposed
  /// (cpu, cuda).
  WholeModule,
  /// The mlc-level module after `mlc-partition` outlined the ops the backend
  /// claims into functions tagged `mlc.backend = <name>`. Its pipeline must
  /// replace those functions and their calls by IR the CPU backend compiles
  /// (calls into the backend's runtime library, say); the CPU backend then
  /// lowers the whole module, and the backend serializes and links it.
  Partitions
};

class Backend {
public:
  virtual ~Backend();

  /// Short unique name, used by `mlc-compile --target=` and in diagnostics.
  virtual llvm::StringRef getName() const = 0;
  virtual llvm::StringRef getDescription() const = 0;

  /// Other `--target=` names this backend answers to (the CPU backend:
  /// host, x86_64, aarch64); getTargetOptions is told which one was used.
  virtual std::vector<std::string> getTargetAliases() const { return {}; }

  /// Declares the backend's own options: the fields of its options struct,
  /// bound by name with `binder` (see OptionsBinder.h). mlc-compile and
  /// mlc-opt make them flags, listed by `mlc-compile --target=NAME --help`;
  /// mlc.compile sets them by name. Called once, when the backend is
  /// registered; the values are set before getTargetOptions is called.
  virtual void bindOptions(OptionsBinder &binder) {}

  /// Fills the triple, CPU and features of `target` for
  /// `--target=<targetName>` (the backend's name or one of its aliases)
  /// from the backend's options, and checks those options; an error is one
  /// line naming the option ("unsupported --cuda-sm=75 (...)").
  virtual llvm::Error getTargetOptions(llvm::StringRef targetName,
                                       TargetOptions &target) const {
    return llvm::Error::success();
  }

  /// Whether the backend takes `--quantize=<type>` (fp16, bf16) itself, as
  /// TargetOptions::halfPrecision, rather than having the graph converted
  /// to `type` before lowering (the CUDA backend: bf16 Tensor Core
  /// operands with f32 accumulation).
  virtual bool handlesHalfPrecision(llvm::StringRef type) const {
    return false;
  }

  virtual DataLayoutPreference getPreferredLayout() const {
    return DataLayoutPreference::NCHW;
  }

  /// Whether this backend can run `op` (an mlc op); ops it cannot run are
  /// left to the CPU backend by the partitioner.
  virtual bool isOpSupported(mlir::Operation *op) const { return true; }

  /// isOpSupported with the reason the partitioner reports; override this
  /// rather than isOpSupported to explain the decision.
  virtual OpSupport getOpSupport(mlir::Operation *op) const {
    bool supported = isOpSupported(op);
    return {supported, supported ? "supported" : "not supported"};
  }

  virtual LoweringInput getLoweringInput() const {
    return LoweringInput::WholeModule;
  }

  /// Adds the passes that lower a module of linalg on tensors, whose entry
  /// point was exposed by `mlc-expose-entry`, to the backend's final form
  /// (the LLVM dialect with the runtime ABI, for LLVM-based backends). For a
  /// LoweringInput::Partitions backend: the passes that lower its outlined
  /// partitions (see LoweringInput).
  virtual void buildLoweringPipeline(mlir::OpPassManager &pm,
                                     const TargetOptions &options) const = 0;

  /// Writes the lowered module as `kind` to `os`.
  virtual mlir::LogicalResult serialize(mlir::ModuleOp module,
                                        const TargetOptions &options,
                                        ArtifactKind kind,
                                        llvm::raw_pwrite_stream &os) const = 0;

  /// Links the serialized object file `objectPath` into the shared library
  /// `outputPath` that implements include/mlc/Runtime/mlc_runtime.h.
  virtual mlir::LogicalResult linkSharedLibrary(llvm::StringRef objectPath,
                                                llvm::StringRef outputPath,
                                                const TargetOptions &options,
                                                mlir::Location loc) const = 0;
};

} // namespace mlc

#endif // MLC_BACKEND_BACKEND_H
