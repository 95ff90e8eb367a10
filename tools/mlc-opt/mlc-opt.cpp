//===- mlc-opt.cpp - The MLC optimizer driver -----------------------------===//
//
// mlir-opt with the mlc dialect, MLC's passes and pipelines, and every
// upstream dialect and pass registered.
//
//===----------------------------------------------------------------------===//

#include "mlc/InitAll.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlc::registerAllPasses();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlc::registerAllDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "MLC optimizer driver\n", registry));
}
