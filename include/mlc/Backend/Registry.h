//===- Registry.h - Backends known to a tool --------------------*- C++ -*-===//
//
// A BackendRegistry owns the backends a tool can target. Tools create one,
// register the in-tree backends, and load plug-ins into it; a plug-in is a
// shared object exporting, with C linkage,
//   unsigned mlcBackendPluginAPIVersion();   // returns
//   MLC_BACKEND_PLUGIN_API_VERSION void
//   mlcRegisterBackendPlugin(mlc::BackendRegistry &registry);
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
#define MLC_BACKEND_PLUGIN_API_VERSION 2

namespace mlc {

/// Where the backends' options (Backend::bindOptions) take their values.
enum class BackendOptionsSource {
  /// From setOption only (mlc.compile, tests): several registries may live
  /// in one process.
  Local,
  /// Also from the command line: each backend's options become flags in a
  /// category of its own ("cuda backend options"). One such registry per
  /// process (a tool's), created before the command line is parsed.
  CommandLine,
};

class BackendRegistry {
public:
  explicit BackendRegistry(
      BackendOptionsSource optionsSource = BackendOptionsSource::Local)
      : optionsSource(optionsSource) {}
  ~BackendRegistry();

  /// Registers `backend` and binds its options; fails if a backend of the
  /// same name exists or an option name is taken. While
  /// a plug-in is being loaded, its registrations are collected and checked
  /// when its entry point returns: loadPlugin reports a clash.
  llvm::Error registerBackend(std::unique_ptr<Backend> backend);

  /// Returns the backend named `name`, or null.
  const Backend *lookup(llvm::StringRef name) const;

  /// Returns the backend that `--target=<name>` selects: the backend of
  /// that name, or the one that has `name` among its aliases; or null.
  const Backend *lookupTarget(llvm::StringRef name) const;

  /// Names of all registered backends, sorted.
  std::vector<std::string> getNames() const;

  /// The target aliases of all registered backends, in registration order.
  std::vector<std::string> getTargetAliases() const;

  /// Sets the backend option `name` (of whichever backend declared it) from
  /// its textual value, as `--name=value` does on a tool's command line.
  llvm::Error setOption(llvm::StringRef name, llvm::StringRef value);

  /// Whether `option` is one of the registered backends' options.
  bool isBackendOption(llvm::StringRef option) const;

  /// The option names of backend `name`, in declaration order.
  std::vector<std::string> getOptionNames(llvm::StringRef name) const;

  /// The command-line category of backend `name`'s options; null for a
  /// Local registry or an unknown backend.
  const llvm::cl::OptionCategory *getOptionCategory(llvm::StringRef name) const;

  /// Loads the plug-in at `path`, checks its API version and lets it
  /// register its backends (and passes, options). Fails, with one line
  /// naming the plug-in, for a missing file or symbol, a version mismatch, a
  /// plug-in loaded twice or a backend name that is already taken.
  llvm::Error loadPlugin(llvm::StringRef path);

private:
  BackendOptionsSource optionsSource;
  llvm::StringMap<std::unique_ptr<Backend>> backends;
  /// Backend names in registration order.
  std::vector<std::string> order;
  /// Each backend's options; destroyed before the backends they point into.
  llvm::StringMap<std::unique_ptr<OptionsBinder>> binders;
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

/// The value of the last `--target=NAME` (or `-target NAME`) in `argv`, or
/// `defaultTarget`: tools read it before parsing, to show the options of
/// that backend in --help.
std::string getTargetFlag(int argc, char **argv, llvm::StringRef defaultTarget);

} // namespace mlc

extern "C" {
/// What a plug-in exports: the API version it was compiled against
/// (MLC_BACKEND_PLUGIN_API_VERSION), and its registration function.
unsigned mlcBackendPluginAPIVersion();
void mlcRegisterBackendPlugin(mlc::BackendRegistry &registry);
}

#endif // MLC_BACKEND_REGISTRY_H
