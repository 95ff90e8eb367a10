//===- Diagnostics.h - How MLC's tools print diagnostics --------*- C++ -*-===//
//
// One line per diagnostic, located in the user's terms: the model file and,
// for a diagnostic about an ONNX node, the node's name.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DRIVER_DIAGNOSTICS_H
#define MLC_DRIVER_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlc {

/// `file:line:col` for a file location, `file: node 'name'` for an ONNX node
/// (a NameLoc around the file location), the name alone for other named
/// locations; empty when the location says nothing useful.
std::string formatLocation(mlir::Location loc);

/// Prints every diagnostic of `context` to `os` as
/// `<location>: error|warning|note|remark: <message>` while alive.
class DiagnosticPrinter {
public:
  DiagnosticPrinter(mlir::MLIRContext &context, llvm::raw_ostream &os);

private:
  mlir::ScopedDiagnosticHandler handler;
};

} // namespace mlc

#endif // MLC_DRIVER_DIAGNOSTICS_H
