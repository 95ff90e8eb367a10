//===- FuzzSupport.h - What the MLC fuzz targets share ----------*- C++ -*-===//
//
// A fresh MLIRContext per input (no state carried from one input to the
// next, so a crash reproduces from its input alone), with diagnostics
// swallowed: an error is the expected answer to most fuzzed bytes.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_TOOLS_FUZZ_FUZZSUPPORT_H
#define MLC_TOOLS_FUZZ_FUZZSUPPORT_H

#include "mlc/InitAll.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Operation.h"

#include <cstdint>
#include <cstdlib>

namespace mlc::fuzz {

/// A single-threaded context with every dialect the pipelines load, and a
/// handler that drops diagnostics (MLC_FUZZ_VERBOSE=1 prints them, to see
/// why an input of interest was refused).
class FuzzContext {
public:
  FuzzContext()
      : context(getRegistry(), mlir::MLIRContext::Threading::DISABLED),
        handler(&context, [](mlir::Diagnostic &diag) {
          return std::getenv("MLC_FUZZ_VERBOSE") ? mlir::failure()
                                                 : mlir::success();
        }) {}
  mlir::MLIRContext *get() { return &context; }

private:
  static const mlir::DialectRegistry &getRegistry() {
    static const mlir::DialectRegistry registry = [] {
      mlir::DialectRegistry r;
      mlc::registerAllDialects(r);
      return r;
    }();
    return registry;
  }
  mlir::MLIRContext context;
  mlir::ScopedDiagnosticHandler handler;
};

/// Returns whether every statically shaped tensor of `root` (results and
/// block arguments) has at most `maxElements` elements: the compile target
/// skips the others, which would make it slow (constant folding a 1 GB
/// tensor), not find bugs faster.
inline bool hasSmallTensors(mlir::Operation *root, int64_t maxElements) {
  auto isSmall = [&](mlir::Type type) {
    auto tensor = mlir::dyn_cast<mlir::RankedTensorType>(type);
    if (!tensor)
      return true;
    int64_t elements = 1;
    for (int64_t dim : tensor.getShape()) {
      if (mlir::ShapedType::isDynamic(dim))
        continue;
      if (dim != 0 && elements > maxElements / dim)
        return false;
      elements *= dim;
    }
    return elements <= maxElements;
  };
  bool small = true;
  root->walk([&](mlir::Operation *op) {
    for (mlir::Type type : op->getResultTypes())
      small = small && isSmall(type);
    for (mlir::Region &region : op->getRegions())
      for (mlir::Block &block : region)
        for (mlir::Type type : block.getArgumentTypes())
          small = small && isSmall(type);
    return small ? mlir::WalkResult::advance() : mlir::WalkResult::interrupt();
  });
  return small;
}

} // namespace mlc::fuzz

#endif // MLC_TOOLS_FUZZ_FUZZSUPPORT_H
