//===- Registry.cpp - Backends known to a tool ----------------------------===//

#include "mlc/Backend/Registry.h"

#include "llvm/Support/DynamicLibrary.h"

using namespace mlc;

Backend::~Backend() = default;

llvm::Error BackendRegistry::registerBackend(std::unique_ptr<Backend> backend) {
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
  std::string error;
  auto library =
      llvm::sys::DynamicLibrary::getPermanentLibrary(path.str().c_str(), &error);
  if (!library.isValid())
    return llvm::createStringError("cannot load backend plug-in '" + path +
                                   "': " + error);
  void *symbol = library.getAddressOfSymbol("mlcRegisterBackendPlugin");
  if (!symbol)
    return llvm::createStringError(
        "backend plug-in '" + path +
        "' does not export mlcRegisterBackendPlugin");
  reinterpret_cast<void (*)(BackendRegistry &)>(symbol)(*this);
  return llvm::Error::success();
}
