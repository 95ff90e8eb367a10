//===- CompileFlags.h - mlc-compile's flags, checked -------------*- C++
//-*-===//
//
// The options of mlc-compile as a user spells them (strings and numbers),
// and the one function that checks them and turns them into CompileOptions.
// mlc-compile and the Python bindings (mlc.compile) both go through it, so
// they accept the same values and refuse the others with the same message.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DRIVER_COMPILEFLAGS_H
#define MLC_DRIVER_COMPILEFLAGS_H

#include "mlc/Driver/Compile.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace mlc {

/// One field per mlc-compile flag, with the flag's default.
struct CompileFlags {
  std::string inputPath;
  std::string outputPath;
  /// --target: host, x86_64, aarch64, cuda or a registered backend's name.
  std::string target = "host";
  unsigned cudaSM = 80;
  std::string cudaGEMM = "wmma";
  /// --cpu and --mattr (CPU backend only).
  std::string cpu;
  std::string mattr;
  /// -O<n>.
  unsigned optLevel = 2;
  std::string layout = "auto";
  EmitKind emit = EmitKind::SharedLib;
  bool printPartition = false;
  /// --memory-report: the static memory plan as a remark.
  bool memoryReport = false;
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
};

/// Checks `flags` against the backends of `registry` and returns the
/// options of compileModel. A bad value is an error whose message is the
/// line mlc-compile prints after "error: " (e.g. "unknown --layout 'x'
/// (expected auto, nchw or nhwc)").
llvm::Expected<CompileOptions>
getCompileOptions(const CompileFlags &flags, const BackendRegistry &registry);

/// The byte count a memory size spells: digits with an optional K, M, G or T
/// suffix (powers of 1024, "KB"/"KiB" also accepted, any case), e.g. 512M,
/// 4G. None for anything else, 0, or a count that does not fit in 64 bits.
std::optional<uint64_t> parseMemorySize(llvm::StringRef text);

} // namespace mlc

#endif // MLC_DRIVER_COMPILEFLAGS_H
