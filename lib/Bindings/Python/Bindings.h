//===- Bindings.h - Shared pieces of the mlc Python module ------*- C++ -*-===//
//
// The exceptions the module raises and the functions that add the compiler
// (Compile.cpp) and the session (Session.cpp) to it.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BINDINGS_PYTHON_BINDINGS_H
#define MLC_BINDINGS_PYTHON_BINDINGS_H

#include <nanobind/nanobind.h>

#include <stdexcept>
#include <string>

namespace mlc::python {

/// Raised as mlc.Error: a failure of the runtime (loading an artifact, out
/// of memory, no device).
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Raised as mlc.CompileError: the compiler's diagnostics, one per line,
/// as mlc-compile prints them.
struct CompileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Raised as mlc.InvalidArgument: inputs that do not fit the model (names,
/// dtypes, shapes), as onnxruntime raises InvalidArgument.
struct InvalidArgument : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void populateCompile(nanobind::module_ &m);
void populateSession(nanobind::module_ &m);
void populateSupportedOps(nanobind::module_ &m);

} // namespace mlc::python

#endif // MLC_BINDINGS_PYTHON_BINDINGS_H
