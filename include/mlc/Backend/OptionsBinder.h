//===- OptionsBinder.h - A backend's options, bound to flags ----*- C++ -*-===//
//
// Each backend keeps its options in a typed struct of its own and declares
// them in a `bindOptions(OptionsBinder &)` method, as IREE's target plug-ins
// do (CUDAOptions::bindOptions):
//
//   struct CUDAOptions {
//     unsigned sm = 80;
//     void bindOptions(mlc::OptionsBinder &binder) {
//       binder.opt("cuda-sm", sm, "SM version: 80 (default), 86, 89 or 90");
//     }
//   };
//
// The binder writes the parsed values straight into the struct. A binder
// made for a tool's command line also makes each option an llvm::cl flag in
// the backend's own category (`mlc-compile --target=cuda --help` lists it);
// a local binder (mlc.compile, unit tests) takes values through set() only,
// so that several registries can live in one process.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKEND_OPTIONSBINDER_H
#define MLC_BACKEND_OPTIONSBINDER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mlc {

/// One value of an enumerated option: its spelling, the value and a help
/// line.
template <typename E> struct OptionValue {
  llvm::StringRef name;
  E value;
  llvm::StringRef help;
};

class OptionsBinder {
public:
  /// A local binder: options are set with set() only.
  OptionsBinder() = default;
  /// A binder that also registers each option as a command-line flag in a
  /// category named `categoryName` (the flags are unregistered when the
  /// binder is destroyed).
  explicit OptionsBinder(llvm::StringRef categoryName);
  ~OptionsBinder();
  OptionsBinder(const OptionsBinder &) = delete;
  OptionsBinder &operator=(const OptionsBinder &) = delete;

  /// Binds `--name=<value>` to `value` (std::string, bool, int, unsigned,
  /// double). `valueName` is the placeholder --help shows.
  void opt(llvm::StringRef name, std::string &value,
           llvm::StringRef description, llvm::StringRef valueName = "");
  void opt(llvm::StringRef name, bool &value, llvm::StringRef description);
  void opt(llvm::StringRef name, int &value, llvm::StringRef description,
           llvm::StringRef valueName = "");
  void opt(llvm::StringRef name, unsigned &value, llvm::StringRef description,
           llvm::StringRef valueName = "");
  void opt(llvm::StringRef name, double &value, llvm::StringRef description,
           llvm::StringRef valueName = "");

  /// Binds an enumerated option: `--name=<one of values' names>`.
  template <typename E>
  void opt(llvm::StringRef name, E &value, llvm::StringRef description,
           llvm::ArrayRef<OptionValue<E>> values) {
    std::vector<std::string> names, helps;
    std::vector<std::pair<std::string, E>> table;
    for (const OptionValue<E> &entry : values) {
      names.push_back(entry.name.str());
      helps.push_back(entry.help.str());
      table.emplace_back(entry.name.str(), entry.value);
    }
    bindChoice(name, description, names, helps,
               [&value, table](llvm::StringRef text) {
                 for (const auto &[spelling, choice] : table)
                   if (spelling == text) {
                     value = choice;
                     return true;
                   }
                 return false;
               });
  }

  /// Sets the option `name` from its textual value, as `--name=value` on a
  /// command line would; an error names the option and what it expects.
  llvm::Error set(llvm::StringRef name, llvm::StringRef value);

  /// Whether an option `name` is bound.
  bool contains(llvm::StringRef name) const;

  /// The names of the bound options, in binding order.
  std::vector<std::string> getNames() const;

  /// The category of the command-line flags; null for a local binder.
  const llvm::cl::OptionCategory *getCategory() const { return category.get(); }

  /// The first option name that could not be bound (taken by another
  /// option of the process or of this binder) as an error; success if none.
  llvm::Error takeError();

private:
  struct Binding {
    std::string name;
    /// What the option accepts, for set()'s error ("an unsigned integer").
    std::string expected;
    /// Whether the value is one of a list (the error says "unknown").
    bool choice = false;
    /// Parses and stores a textual value; false if it does not parse.
    std::function<bool(llvm::StringRef)> parse;
    /// The command-line flag, for a command-line binder. It reads the text
    /// and hands it to `parse`, so that a bad value gives the same message
    /// on a command line as through set().
    std::unique_ptr<llvm::cl::Option> flag;
    std::string text;
    /// --help's texts, which the flag points to.
    std::string description;
    std::string valueName;
  };

  /// Binds `name`; `valueName` is --help's placeholder, `valueOptional`
  /// lets a bool flag stand alone (`--flag`).
  void bind(llvm::StringRef name, llvm::StringRef description,
            llvm::StringRef valueName, std::string expected, bool choice,
            bool valueOptional, std::function<bool(llvm::StringRef)> parse);
  void bindChoice(llvm::StringRef name, llvm::StringRef description,
                  llvm::ArrayRef<std::string> names,
                  llvm::ArrayRef<std::string> helps,
                  std::function<bool(llvm::StringRef)> parse);
  /// The message of a value `text` that `binding` does not take.
  static std::string getParseError(const Binding &binding,
                                   llvm::StringRef text);

  std::string categoryName;
  std::unique_ptr<llvm::cl::OptionCategory> category;
  /// Stable addresses: the flags' callbacks point at their binding.
  std::vector<std::unique_ptr<Binding>> bindings;
  std::string clash;
};

} // namespace mlc

#endif // MLC_BACKEND_OPTIONSBINDER_H
