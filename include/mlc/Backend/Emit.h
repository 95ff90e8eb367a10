//===- Emit.h - LLVM code emission shared by LLVM-based backends -*- C++
//-*-===//
//
// From a module in the LLVM dialect to LLVM IR, optimized LLVM IR, assembly
// or an object file, through llvm::TargetMachine; and linking an object file
// into a shared library with the system's C compiler driver.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKEND_EMIT_H
#define MLC_BACKEND_EMIT_H

#include "mlc/Backend/Backend.h"

#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>
#include <vector>

namespace mlc {

/// Creates the TargetMachine for `options` (host triple, CPU and features
/// when the triple is empty or the host's and no CPU is given).
mlir::FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetOptions &options, mlir::Location loc);

/// Translates `module` (LLVM dialect) to LLVM IR, and runs LLVM's default
/// optimization pipeline for `options.optLevel` for the target machine `tm`,
/// then the instrumentation of `sanitize` ("", "address" or "thread", as
/// TargetOptions::sanitize), as clang -fsanitize= would.
mlir::FailureOr<std::unique_ptr<llvm::Module>>
translateAndOptimize(mlir::ModuleOp module, llvm::LLVMContext &llvmContext,
                     llvm::TargetMachine &tm, unsigned optLevel,
                     llvm::StringRef sanitize = "");

/// Writes `module` as `kind` (LLVM IR text, assembly or object code).
mlir::LogicalResult emitLLVMModule(llvm::Module &module,
                                   llvm::TargetMachine &tm, ArtifactKind kind,
                                   llvm::raw_pwrite_stream &os,
                                   mlir::Location loc);

/// Links `objectPath` into the shared library `outputPath` with `driver`
/// (a C compiler driver such as `cc` or `aarch64-linux-gnu-gcc`), adding
/// libm and, after the object, `extraInputs` (a backend's runtime library,
/// say). Fails with a diagnostic at `loc` carrying the driver's output.
mlir::LogicalResult
linkWithCompilerDriver(llvm::StringRef driver, llvm::StringRef objectPath,
                       llvm::StringRef outputPath, mlir::Location loc,
                       llvm::ArrayRef<std::string> extraInputs = {});

/// LLVM's OpenMP runtime (libomp), which the parallel loops of CPU code
/// call: its directory, or "" when MLC was built without it.
llvm::StringRef getOpenMPLibraryDir();

/// Whether CPU code for `triple` ("" for the host) may run on threads:
/// libomp is there and the triple is the host's architecture
/// (cross-compiled artifacts stay single-threaded).
bool canUseThreads(llvm::StringRef triple);

/// The compiler-driver arguments that link libomp into a shared library
/// for `triple`, as needed (an artifact that never forks does not depend
/// on it); empty when code for `triple` does not use threads. Every
/// backend whose artifact holds CPU code links with them.
std::vector<std::string> getOpenMPLinkArgs(llvm::StringRef triple);

} // namespace mlc

#endif // MLC_BACKEND_EMIT_H
