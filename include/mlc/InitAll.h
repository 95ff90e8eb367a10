//===- InitAll.h - Registration of everything MLC provides ------*- C++ -*-===//
//
// Tools call these once at start-up: MLC registers its dialects, passes,
// pipelines and in-tree backends explicitly, without static initializers.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_INITALL_H
#define MLC_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlc {
class BackendRegistry;

/// Registers the mlc dialect and the upstream dialects MLC's pipelines use.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers MLC's passes and named pipelines (including each in-tree
/// backend's pipeline) with the global pass registry.
void registerAllPasses();

/// Registers the in-tree backends with `registry`.
void registerAllBackends(BackendRegistry &registry);

/// Registers mlc-translate's translations: --import-onnx and each in-tree
/// backend's emitters (--cpu-emit-object, --cuda-emit-ptx, ...).
void registerAllTranslations();

} // namespace mlc

#endif // MLC_INITALL_H
