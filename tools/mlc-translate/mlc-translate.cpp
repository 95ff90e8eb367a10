//===- mlc-translate.cpp - MLC's translation driver -----------------------===//
//
// mlir-translate with MLC's translations: --import-onnx, and the backends'
// emitters (--cpu-emit-object / --cpu-emit-assembly, --cuda-emit-ptx), next
// to upstream's (--mlir-to-llvmir, ...). Names no backend: InitAll does.
//
//===----------------------------------------------------------------------===//

#include "mlc/InitAll.h"

#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::registerAllTranslations();
  mlc::registerAllTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "MLC translation driver\n"));
}
