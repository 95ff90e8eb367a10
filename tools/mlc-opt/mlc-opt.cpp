//===- mlc-opt.cpp - The MLC optimizer driver -----------------------------===//
//
// mlir-opt with the mlc dialect, MLC's passes and pipelines, and every
// upstream dialect and pass registered; `--load-backend-plugin=PATH.so`
// (repeatable) adds a plug-in's backends, passes and options, and
// mlc-partition / mlc-print-partition can name any registered backend. The
// backends' own options (Backend::bindOptions) are flags here too: they
// decide what a backend claims (--npu-example-ops).
//
//===----------------------------------------------------------------------===//

#include "mlc/Backend/Partition.h"
#include "mlc/Backend/Registry.h"
#include "mlc/InitAll.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/WithColor.h"

// Loaded before parsing (see main); declared so that the parser accepts it.
static llvm::cl::list<std::string>
    pluginPaths("load-backend-plugin",
                llvm::cl::desc("Load a backend plug-in (repeatable)"),
                llvm::cl::value_desc("path.so"));

int main(int argc, char **argv) {
  // Plug-ins first: their options and passes must be known to the parser.
  // Destroyed at the end of main, before the plug-ins are unloaded.
  mlc::BackendRegistry backends(mlc::BackendOptionsSource::CommandLine);
  mlc::registerAllBackends(backends);
  for (const std::string &path : mlc::getBackendPluginPaths(argc, argv))
    if (llvm::Error err = backends.loadPlugin(path)) {
      llvm::WithColor::error(llvm::errs(), "mlc-opt")
          << llvm::toString(std::move(err)) << "\n";
      return 1;
    }
  mlc::registerPartitionPasses(backends);
  mlir::registerAllPasses();
  mlc::registerAllPasses();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlc::registerAllDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "MLC optimizer driver\n", registry));
}
