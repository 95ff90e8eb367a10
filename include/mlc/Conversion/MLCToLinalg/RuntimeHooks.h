//===- RuntimeHooks.h - Functions lowered code calls, the ABI defines -*- C++
//-*-===//
//
// A few mlc ops need the run's context, which only the runtime ABI
// (mlc-emit-runtime-abi) owns. convert-mlc-to-linalg lowers them to calls of
// private functions named here, declared but not defined; the ABI emitter
// finds those calls in the LLVM dialect and replaces them with the real
// thing. Keeping the names in one header is the contract between the two.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_CONVERSION_MLCTOLINALG_RUNTIMEHOOKS_H
#define MLC_CONVERSION_MLCTOLINALG_RUNTIMEHOOKS_H

#include "llvm/ADT/StringRef.h"

namespace mlc {

/// `() -> ()`, called with a string attribute kRuntimeErrorMessageAttr: the
/// run stops there and returns MLC_ERROR_MODEL, mlc_last_error() returning
/// the message (mlc.runtime_error).
inline constexpr llvm::StringLiteral kRuntimeErrorFuncName =
    "__mlc_runtime_error";
inline constexpr llvm::StringLiteral kRuntimeErrorMessageAttr = "mlc.message";

/// `() -> i64`: the key of the run's random draws without a `seed`, the
/// context's seed (mlc.random).
inline constexpr llvm::StringLiteral kRandomSeedFuncName = "__mlc_random_seed";
/// `(i64 n) -> i64`: the run's random counter, advanced by `n` blocks: the
/// first of `n` Philox blocks no other draw of the context uses.
inline constexpr llvm::StringLiteral kRandomCounterFuncName =
    "__mlc_random_counter";

} // namespace mlc

#endif // MLC_CONVERSION_MLCTOLINALG_RUNTIMEHOOKS_H
