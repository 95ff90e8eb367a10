//===- Registry.h - Backends known to a tool --------------------*- C++ -*-===//
//
// A BackendRegistry owns the backends a tool can target. Tools create one,
// register the in-tree backends, and load plug-ins into it; a plug-in is a
// shared object exporting, with C linkage,
//   unsigned mlcBackendPluginAPIVersion();   // returns MLC_BACKEND_PLUGIN_API_VERSION
//   void mlcRegisterBackendPlugin(mlc::BackendRegistry &registry);
// (docs/AddingABackend.md walks through writing one).
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKEND_REGISTRY_H
#define MLC_BACKEND_REGISTRY_H

#include "mlc/Backend/Backend.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <vector>

/// Version of the C++ interface a plug-in is compiled against (Backend,
/// BackendRegistry, the pass and partition APIs). Bumped on every change that
/// breaks plug-ins built against older headers; a tool refuses to load a
/// plug-in built for another version.
#define MLC_BACKEND_PLUGIN_API_VERSION 1

namespace mlc {

class BackendRegistry {
public:
  /// Registers `backend`; fails if a backend of the same name exists. While
  /// a plug-in is being loaded, its registrations are collected and checked
  /// when its entry point returns: loadPlugin reports a clash.
  llvm::Error registerBackend(std::unique_ptr<Backend> backend);

  /// Returns the backend named `name`, or null.
  const Backend *lookup(llvm::StringRef name) const;

  /// Names of all registered backends, sorted.
  std::vector<std::string> getNames() const;

  /// Loads the plug-in at `path`, checks its API version and lets it
  /// register its backends (and passes, options). Fails, with one line
  /// naming the plug-in, for a missing file or symbol, a version mismatch, a
  /// plug-in loaded twice or a backend name that is already taken.
  llvm::Error loadPlugin(llvm::StringRef path);

private:
  llvm::StringMap<std::unique_ptr<Backend>> backends;
  /// Registrations made by the plug-in being loaded, or null.
  std::vector<std::unique_ptr<Backend>> *pending = nullptr;
  /// Real paths of the plug-ins loaded so far.
  llvm::StringSet<> loadedPlugins;
};

/// The name of the flag that loads a plug-in.
inline constexpr llvm::StringLiteral kLoadBackendPluginFlag =
    "load-backend-plugin";

/// The paths given to `--load-backend-plugin=PATH` (or `-load-backend-plugin
/// PATH`) in `argv`, in order. Tools load them before parsing the command
/// line, so that a plug-in's options and passes are known to the parser.
std::vector<std::string> getBackendPluginPaths(int argc, char **argv);

} // namespace mlc

extern "C" {
/// What a plug-in exports: the API version it was compiled against
/// (MLC_BACKEND_PLUGIN_API_VERSION), and its registration function.
unsigned mlcBackendPluginAPIVersion();
void mlcRegisterBackendPlugin(mlc::BackendRegistry &registry);
}

#endif // MLC_BACKEND_REGISTRY_H
