//===- Registry.h - Backends known to a tool --------------------*- C++ -*-===//
//
// A BackendRegistry owns the backends a tool can target. Tools create one,
// register the in-tree backends, and load plug-ins into it; a plug-in is a
// shared object exporting `mlcRegisterBackendPlugin(mlc::BackendRegistry &)`.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKEND_REGISTRY_H
#define MLC_BACKEND_REGISTRY_H

#include "mlc/Backend/Backend.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <vector>

namespace mlc {

class BackendRegistry {
public:
  /// Registers `backend`; fails if a backend of the same name exists.
  llvm::Error registerBackend(std::unique_ptr<Backend> backend);

  /// Returns the backend named `name`, or null.
  const Backend *lookup(llvm::StringRef name) const;

  /// Names of all registered backends, sorted.
  std::vector<std::string> getNames() const;

  /// Loads the plug-in at `path` and lets it register its backends.
  llvm::Error loadPlugin(llvm::StringRef path);

private:
  llvm::StringMap<std::unique_ptr<Backend>> backends;
};

} // namespace mlc

/// Entry point a backend plug-in exports (with C linkage).
extern "C" void mlcRegisterBackendPlugin(mlc::BackendRegistry &registry);

#endif // MLC_BACKEND_REGISTRY_H
