//===- Registry.cpp - Backends known to a tool ----------------------------===//

#include "mlc/Backend/Registry.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"

using namespace mlc;

Backend::~Backend() = default;

BackendRegistry::~BackendRegistry() {
  // The flags point into the backends: unregister them first.
  binders.clear();
}

llvm::Error BackendRegistry::registerBackend(std::unique_ptr<Backend> backend) {
  if (pending) {
    pending->push_back(std::move(backend));
    return llvm::Error::success();
  }
  std::string name = backend->getName().str();
  if (backends.count(name))
    return llvm::createStringError("backend '" + name +
                                   "' is already registered");
  auto binder = optionsSource == BackendOptionsSource::CommandLine
                    ? std::make_unique<OptionsBinder>(name + " backend options")
                    : std::make_unique<OptionsBinder>();
  backend->bindOptions(*binder);
  llvm::Error clash = binder->takeError();
  // A command-line binder sees the other backends' flags; a local one
  // does not.
  for (const std::string &option : binder->getNames())
    for (const auto &other : binders)
      if (!clash && other.second->contains(option))
        clash =
            llvm::createStringError("option --" + option + " is already taken");
  if (clash)
    return llvm::createStringError("backend '" + name +
                                   "': " + llvm::toString(std::move(clash)));
  binders[name] = std::move(binder);
  backends[name] = std::move(backend);
  order.push_back(name);
  return llvm::Error::success();
}

const Backend *BackendRegistry::lookup(llvm::StringRef name) const {
  auto it = backends.find(name);
  return it == backends.end() ? nullptr : it->second.get();
}

const Backend *BackendRegistry::lookupTarget(llvm::StringRef name) const {
  if (const Backend *backend = lookup(name))
    return backend;
  for (const std::string &backendName : order) {
    const Backend *backend = lookup(backendName);
    if (llvm::is_contained(backend->getTargetAliases(), name))
      return backend;
  }
  return nullptr;
}

std::vector<std::string> BackendRegistry::getTargetAliases() const {
  std::vector<std::string> aliases;
  for (const std::string &name : order)
    for (std::string &alias : lookup(name)->getTargetAliases())
      aliases.push_back(std::move(alias));
  return aliases;
}

llvm::Error BackendRegistry::setOption(llvm::StringRef name,
                                       llvm::StringRef value) {
  for (const std::string &backend : order) {
    OptionsBinder &binder = *binders.find(backend)->second;
    if (binder.contains(name))
      return binder.set(name, value);
  }
  return llvm::createStringError("unknown backend option --" + name);
}

bool BackendRegistry::isBackendOption(llvm::StringRef option) const {
  for (const auto &entry : binders)
    if (entry.second->contains(option))
      return true;
  return false;
}

std::vector<std::string>
BackendRegistry::getOptionNames(llvm::StringRef name) const {
  auto it = binders.find(name);
  return it == binders.end() ? std::vector<std::string>()
                             : it->second->getNames();
}

const llvm::cl::OptionCategory *
BackendRegistry::getOptionCategory(llvm::StringRef name) const {
  auto it = binders.find(name);
  return it == binders.end() ? nullptr : it->second->getCategory();
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

/// The values of `--flag=VALUE` / `-flag VALUE` in `argv`, in order.
static std::vector<std::string> getFlagValues(int argc, char **argv,
                                              llvm::StringRef flag) {
  std::vector<std::string> values;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg == "--")
      break;
    if (!arg.consume_front("--") && !arg.consume_front("-"))
      continue;
    if (!arg.consume_front(flag))
      continue;
    if (arg.consume_front("="))
      values.push_back(arg.str());
    else if (arg.empty() && i + 1 < argc)
      values.push_back(argv[++i]);
  }
  return values;
}

std::vector<std::string> mlc::getBackendPluginPaths(int argc, char **argv) {
  return getFlagValues(argc, argv, kLoadBackendPluginFlag);
}

std::string mlc::getTargetFlag(int argc, char **argv,
                               llvm::StringRef defaultTarget) {
  std::vector<std::string> values = getFlagValues(argc, argv, "target");
  return values.empty() ? defaultTarget.str() : values.back();
}
