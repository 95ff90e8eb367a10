//===- OptionsBinder.cpp - A backend's options, bound to flags ------------===//

#include "mlc/Backend/OptionsBinder.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

#include <cstdlib>

using namespace mlc;

OptionsBinder::OptionsBinder(llvm::StringRef name)
    : categoryName(name.str()),
      category(std::make_unique<llvm::cl::OptionCategory>(categoryName)) {}

OptionsBinder::~OptionsBinder() {
  // The parser keeps pointers to its flags; they go with the binder.
  for (std::unique_ptr<Binding> &binding : llvm::reverse(bindings))
    if (binding->flag)
      binding->flag->removeArgument();
}

std::string OptionsBinder::getParseError(const Binding &binding,
                                         llvm::StringRef text) {
  return (binding.choice ? "unknown --" : "invalid --") + binding.name + " '" +
         text.str() + "' (expected " + binding.expected + ")";
}

void OptionsBinder::bind(llvm::StringRef name, llvm::StringRef description,
                         llvm::StringRef valueName, std::string expected,
                         bool choice, bool valueOptional,
                         std::function<bool(llvm::StringRef)> parse) {
  bool taken = contains(name) ||
               (category && llvm::cl::getRegisteredOptions().count(name));
  if (taken) {
    if (clash.empty())
      clash = name.str();
    return;
  }
  auto binding = std::make_unique<Binding>();
  binding->name = name.str();
  binding->expected = std::move(expected);
  binding->choice = choice;
  binding->parse = std::move(parse);
  // The flag keeps StringRefs to its help texts.
  binding->description = description.str();
  binding->valueName = valueName.empty() ? "value" : valueName.str();
  if (category) {
    // A bad value ends the tool as a bad value of its own flags does (the
    // parser exits), with the message set() returns.
    Binding *bound = binding.get();
    auto flag = std::make_unique<llvm::cl::opt<std::string, true>>(
        llvm::StringRef(binding->name), llvm::cl::location(binding->text),
        llvm::cl::desc(binding->description), llvm::cl::cat(*category),
        llvm::cl::callback([bound](const std::string &text) {
          if (bound->parse(text))
            return;
          std::string tool =
              llvm::sys::path::stem(
                  llvm::sys::fs::getMainExecutable(nullptr, nullptr))
                  .str();
          llvm::WithColor::error(llvm::errs(), tool)
              << getParseError(*bound, text) << "\n";
          std::exit(1);
        }));
    flag->setValueStr(binding->valueName);
    if (valueOptional)
      flag->setValueExpectedFlag(llvm::cl::ValueOptional);
    binding->flag = std::move(flag);
  }
  bindings.push_back(std::move(binding));
}

void OptionsBinder::bindChoice(llvm::StringRef name,
                               llvm::StringRef description,
                               llvm::ArrayRef<std::string> names,
                               llvm::ArrayRef<std::string> helps,
                               std::function<bool(llvm::StringRef)> parse) {
  std::string expected;
  if (names.size() < 2)
    expected = llvm::join(names, "");
  else
    expected = llvm::join(names.drop_back(), ", ") + " or " + names.back();
  // --help lists each value with its help line.
  std::string text = description.str();
  for (auto [valueName, help] : llvm::zip(names, helps))
    text += "\n  " + valueName + ": " + help;
  bind(name, text, llvm::join(names, "|"), expected, /*choice=*/true,
       /*valueOptional=*/false, std::move(parse));
}

void OptionsBinder::opt(llvm::StringRef name, std::string &value,
                        llvm::StringRef description,
                        llvm::StringRef valueName) {
  bind(name, description, valueName, "a string", false, false,
       [&value](llvm::StringRef text) {
         value = text.str();
         return true;
       });
}

void OptionsBinder::opt(llvm::StringRef name, bool &value,
                        llvm::StringRef description) {
  bind(name, description, "true|false", "true or false", false,
       /*valueOptional=*/true, [&value](llvm::StringRef text) {
         // `--flag` alone is true, as for LLVM's own bool flags.
         if (text == "true" || text == "1" || text.empty())
           value = true;
         else if (text == "false" || text == "0")
           value = false;
         else
           return false;
         return true;
       });
}

void OptionsBinder::opt(llvm::StringRef name, int &value,
                        llvm::StringRef description,
                        llvm::StringRef valueName) {
  bind(
      name, description, valueName, "an integer", false, false,
      [&value](llvm::StringRef text) { return !text.getAsInteger(10, value); });
}

void OptionsBinder::opt(llvm::StringRef name, unsigned &value,
                        llvm::StringRef description,
                        llvm::StringRef valueName) {
  bind(
      name, description, valueName, "an unsigned integer", false, false,
      [&value](llvm::StringRef text) { return !text.getAsInteger(10, value); });
}

void OptionsBinder::opt(llvm::StringRef name, double &value,
                        llvm::StringRef description,
                        llvm::StringRef valueName) {
  bind(name, description, valueName, "a number", false, false,
       [&value](llvm::StringRef text) { return !text.getAsDouble(value); });
}

llvm::Error OptionsBinder::set(llvm::StringRef name, llvm::StringRef value) {
  auto it = llvm::find_if(bindings, [&](const std::unique_ptr<Binding> &b) {
    return b->name == name;
  });
  if (it == bindings.end())
    return llvm::createStringError("unknown option --" + name);
  if (!(*it)->parse(value))
    return llvm::createStringError(getParseError(**it, value));
  return llvm::Error::success();
}

bool OptionsBinder::contains(llvm::StringRef name) const {
  return llvm::any_of(bindings, [&](const std::unique_ptr<Binding> &b) {
    return b->name == name;
  });
}

std::vector<std::string> OptionsBinder::getNames() const {
  std::vector<std::string> names;
  for (const std::unique_ptr<Binding> &binding : bindings)
    names.push_back(binding->name);
  return names;
}

llvm::Error OptionsBinder::takeError() {
  if (clash.empty())
    return llvm::Error::success();
  std::string name = std::move(clash);
  clash.clear();
  return llvm::createStringError("option --" + name + " is already taken");
}
