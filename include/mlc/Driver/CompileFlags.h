//===- CompileFlags.h - mlc-compile's flags, checked ------------*- C++ -*-===//
//
// The options of mlc-compile as a user spells them (strings and numbers),
// and the one function that checks them and turns them into CompileOptions.
// mlc-compile and the Python bindings (mlc.compile) both go through it, so
// they accept the same values and refuse the others with the same message.
// Backend options (--cuda-sm, --cpu, a plug-in's) are not here: each backend
// declares its own (Backend::bindOptions); the driver only asks the selected
// backend for its target.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DRIVER_COMPILEFLAGS_H
#define MLC_DRIVER_COMPILEFLAGS_H

#include "mlc/Driver/Compile.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlc {

/// One field per mlc-compile flag, with the flag's default.
struct CompileFlags {
  std::string inputPath;
  std::string outputPath;
  /// --target: a registered backend's name or alias (host, x86_64 and
  /// aarch64 are the CPU backend's).
  std::string target = "host";
  /// Backend options by flag name ("cuda-sm", "80"), set on the backend that
  /// declares them before it is asked for its target; mlc-compile leaves
  /// this empty (its command line sets them), mlc.compile fills it.
  std::vector<std::pair<std::string, std::string>> backendOptions;
  /// -O<n>.
  unsigned optLevel = 2;
  std::string layout = "auto";
  EmitKind emit = EmitKind::SharedLib;
  bool printPartition = false;
  /// --memory-report: the static memory plan as a remark.
  bool memoryReport = false;
  /// --sanitize: "", address or thread (instrumented generated code).
  std::string sanitize;
  /// --max-memory: bytes, with an optional K, M, G or T suffix (powers of
  /// 1024); "" for the default (kDefaultMaxMemoryBytes, 8G).
  std::string maxMemory;
  /// --quantize: "", int8, int8-dynamic, fp16 or bf16.
  std::string quantize;
  std::string calibrationData;
  std::string calibrationMethod = "minmax";
  double calibrationPercentile = 99.99;
  std::string calibrationFile;
  std::string quantReport;
  std::vector<std::string> keepFloat;
  bool lowerQuant = true;
  /// --input-structure NAME=SPEC, each as given.
  std::vector<std::string> inputStructures;
  /// --max-loop-iterations N (0: none).
  int64_t maxLoopIterations = 0;
};

/// Sets `flags.backendOptions` on the backends of `registry`, checks `flags`
/// against them and returns the
/// options of compileModel. A bad value is an error whose message is the
/// line mlc-compile prints after "error: " (e.g. "unknown --layout 'x'
/// (expected auto, nchw or nhwc)").
llvm::Expected<CompileOptions> getCompileOptions(const CompileFlags &flags,
                                                 BackendRegistry &registry);

/// The byte count a memory size spells: digits with an optional K, M, G or T
/// suffix (powers of 1024, "KB"/"KiB" also accepted, any case), e.g. 512M,
/// 4G. None for anything else, 0, or a count that does not fit in 64 bits.
std::optional<uint64_t> parseMemorySize(llvm::StringRef text);

} // namespace mlc

#endif // MLC_DRIVER_COMPILEFLAGS_H
