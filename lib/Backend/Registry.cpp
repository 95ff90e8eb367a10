//===- Registry.cpp - Backends known to a tool ----------------------------===//

#include "mlc/Backend/Registry.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"

using namespace mlc;

Backend::~Backend() = default;

llvm::Error BackendRegistry::registerBackend(std::unique_ptr<Backend> backend) {
  if (pending) {
    pending->push_back(std::move(backend));
    return llvm::Error::success();
  }
  std::string name = backend->getName().str();
  if (!backends.try_emplace(name, std::move(backend)).second)
    return llvm::createStringError("backend '" + name +
                                   "' is already registered");
  return llvm::Error::success();
}

const Backend *BackendRegistry::lookup(llvm::StringRef name) const {
  auto it = backends.find(name);
  return it == backends.end() ? nullptr : it->second.get();
}

std::vector<std::string> BackendRegistry::getNames() const {
  std::vector<std::string> names;
  for (const auto &entry : backends)
    names.push_back(entry.getKey().str());
  llvm::sort(names);
  return names;
}

llvm::Error BackendRegistry::loadPlugin(llvm::StringRef path) {
  auto fail = [&](const llvm::Twine &why) {
    return llvm::createStringError("backend plug-in '" + path + "' " + why);
  };
  llvm::SmallString<256> realPath;
  if (llvm::sys::fs::real_path(path, realPath))
    return fail("does not exist");
  // A second load would run the entry point again, registering its passes
  // and options twice.
  if (!loadedPlugins.insert(realPath).second)
    return fail("is already loaded");

  std::string error;
  auto library =
      llvm::sys::DynamicLibrary::getPermanentLibrary(realPath.c_str(), &error);
  if (!library.isValid())
    return fail("cannot be loaded: " + error);
  void *version = library.getAddressOfSymbol("mlcBackendPluginAPIVersion");
  if (!version)
    return fail("does not export mlcBackendPluginAPIVersion");
  unsigned pluginVersion = reinterpret_cast<unsigned (*)()>(version)();
  if (pluginVersion != MLC_BACKEND_PLUGIN_API_VERSION)
    return fail("was built for plug-in API version " +
                llvm::Twine(pluginVersion) + ", this tool has version " +
                llvm::Twine(MLC_BACKEND_PLUGIN_API_VERSION));
  void *entry = library.getAddressOfSymbol("mlcRegisterBackendPlugin");
  if (!entry)
    return fail("does not export mlcRegisterBackendPlugin");

  std::vector<std::unique_ptr<Backend>> registered;
  pending = &registered;
  reinterpret_cast<void (*)(BackendRegistry &)>(entry)(*this);
  pending = nullptr;
  for (const std::unique_ptr<Backend> &backend : registered)
    if (backends.count(backend->getName()))
      return fail("registers backend '" + backend->getName() +
                  "', which is already registered");
  for (std::unique_ptr<Backend> &backend : registered)
    if (llvm::Error err = registerBackend(std::move(backend)))
      return fail(llvm::toString(std::move(err)));
  return llvm::Error::success();
}

std::vector<std::string> mlc::getBackendPluginPaths(int argc, char **argv) {
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg == "--")
      break;
    if (!arg.consume_front("--") && !arg.consume_front("-"))
      continue;
    if (!arg.consume_front(kLoadBackendPluginFlag))
      continue;
    if (arg.consume_front("="))
      paths.push_back(arg.str());
    else if (arg.empty() && i + 1 < argc)
      paths.push_back(argv[++i]);
  }
  return paths;
}
