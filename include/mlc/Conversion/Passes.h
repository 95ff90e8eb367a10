//===- Passes.h - Conversion passes of MLC ----------------------*- C++ -*-===//
#ifndef MLC_CONVERSION_PASSES_H
#define MLC_CONVERSION_PASSES_H

#include "mlc/Conversion/MLCToLinalg/MLCToLinalg.h"

namespace mlc {
#define GEN_PASS_REGISTRATION
#include "mlc/Conversion/Passes.h.inc"
} // namespace mlc

#endif // MLC_CONVERSION_PASSES_H
