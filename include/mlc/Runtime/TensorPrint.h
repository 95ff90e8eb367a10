//===- TensorPrint.h - Host tensors as text ---------------------*- C++ -*-===//
//
// What mlc-run prints of an output: its first values.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_RUNTIME_TENSORPRINT_H
#define MLC_RUNTIME_TENSORPRINT_H

#include "mlc/Runtime/TensorIO.h"

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace mlc {

/// Prints up to `maxValues` elements separated by spaces, followed by ` ...`
/// when some were left out. Floats print with %g, bools as 0/1.
void printTensorValues(llvm::raw_ostream &os, const HostTensor &tensor,
                       size_t maxValues);

} // namespace mlc

#endif // MLC_RUNTIME_TENSORPRINT_H
