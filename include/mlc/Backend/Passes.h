//===- Passes.h - Passes shared by MLC backends -----------------*- C++ -*-===//
#ifndef MLC_BACKEND_PASSES_H
#define MLC_BACKEND_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlc {

/// Name of the module attribute holding the model's ABI description.
inline constexpr llvm::StringLiteral kABIAttrName = "mlc.abi";
/// Name of the argument/result attribute holding an ONNX tensor name.
inline constexpr llvm::StringLiteral kNameAttrName = "mlc.name";
/// Unit attribute of a model function argument or result whose signless
/// integers are unsigned (ONNX uint8..uint64); the runtime ABI reports them
/// as MLC_DTYPE_U*.
inline constexpr llvm::StringLiteral kUnsignedAttrName = "mlc.unsigned";
/// Argument attribute of a model input: an array holding the ONNX dim_param
/// of every dimension ("" for none). mlc-emit-runtime-abi checks, at run
/// time, that the inputs sharing a name agree on its size.
inline constexpr llvm::StringLiteral kDimParamsAttrName = "mlc.dim_params";
/// Module attribute describing the ONNX graph values, tensors, sequences
/// and optionals, that the model's tensors flatten (set by the importer
/// when any is not a tensor): a dictionary of `inputs` and `outputs`,
/// arrays of {name, kind, present, count}. mlc-emit-runtime-abi turns it
/// into the mlc_value_info tables of mlc_runtime.h.
inline constexpr llvm::StringLiteral kGraphValuesAttrName = "mlc.graph_values";
/// Symbol of the destination-passing entry point.
inline constexpr llvm::StringLiteral kEntryFuncName = "mlc_entry";
/// The function that returns the thread count of the context that runs
/// the artifact: declared by the CPU backend's parallel loops, defined by
/// mlc-emit-runtime-abi.
inline constexpr llvm::StringLiteral kThreadCountFunc = "__mlc_thread_count";
/// Argument attribute of the entry's trailing arena argument (the static
/// memory plan's buffers), and the module attribute holding its size in
/// bytes: mlc-emit-runtime-abi allocates it once per context.
inline constexpr llvm::StringLiteral kArenaArgAttr = "mlc.arena";
inline constexpr llvm::StringLiteral kArenaSizeAttr = "mlc.arena_size";

#define GEN_PASS_DECL
#include "mlc/Backend/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "mlc/Backend/Passes.h.inc"

} // namespace mlc

#endif // MLC_BACKEND_PASSES_H
