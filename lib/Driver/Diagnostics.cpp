//===- Diagnostics.cpp - How MLC's tools print diagnostics ----------------===//

#include "mlc/Driver/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"

using namespace mlir;

std::string mlc::formatLocation(Location loc) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto fileLoc = dyn_cast<FileLineColLoc>(loc)) {
    os << fileLoc.getFilename().getValue();
    // The importer has no line numbers to give: 0:0 means "the file".
    if (fileLoc.getLine() != 0)
      os << ":" << fileLoc.getLine() << ":" << fileLoc.getColumn();
  } else if (auto nameLoc = dyn_cast<NameLoc>(loc)) {
    std::string child = formatLocation(nameLoc.getChildLoc());
    if (!child.empty())
      os << child << ": ";
    os << "node '" << nameLoc.getName().getValue() << "'";
  } else if (auto fused = dyn_cast<FusedLoc>(loc)) {
    if (!fused.getLocations().empty())
      return formatLocation(fused.getLocations().front());
  } else if (auto callSite = dyn_cast<CallSiteLoc>(loc)) {
    return formatLocation(callSite.getCallee());
  }
  return text;
}

static StringRef getSeverityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  llvm_unreachable("unknown diagnostic severity");
}

mlc::DiagnosticPrinter::DiagnosticPrinter(MLIRContext &context,
                                          llvm::raw_ostream &os)
    : handler(&context, [&os](Diagnostic &diag) {
        std::string where = formatLocation(diag.getLocation());
        if (!where.empty())
          os << where << ": ";
        os << getSeverityName(diag.getSeverity()) << ": " << diag.str() << "\n";
        for (const Diagnostic &note : diag.getNotes()) {
          std::string noteWhere = formatLocation(note.getLocation());
          if (!noteWhere.empty())
            os << noteWhere << ": ";
          os << "note: " << note.str() << "\n";
        }
        os.flush();
        return success();
      }) {}
