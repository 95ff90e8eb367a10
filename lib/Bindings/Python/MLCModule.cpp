//===- MLCModule.cpp - The mlc._mlc extension module
//-----------------------===//
//
// Thin bindings over the driver (mlc::compileModel) and the runtime
// (mlc::CompiledModel); the Python package `mlc` wraps them.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

#include "mlc/Runtime/mlc_runtime.h"

namespace nb = nanobind;
using namespace mlc::python;

NB_MODULE(_mlc, m) {
  m.doc() = "MLC: compile ONNX models ahead of time and run them.";
  nb::exception<Error> error(m, "Error", PyExc_RuntimeError);
  nb::exception<CompileError>(m, "CompileError", error);
  nb::exception<InvalidArgument>(m, "InvalidArgument", error);
  m.attr("ABI_VERSION") = MLC_ABI_VERSION;
  populateCompile(m);
  populateSession(m);
  populateSupportedOps(m);
}
