//===- mlc-translate.cpp - MLC's translation driver -----------------------===//
//
// mlir-translate with MLC's translations: --import-onnx, and the CPU
// backend's --cpu-emit-object / --cpu-emit-assembly, next to upstream's
// (--mlir-to-llvmir, ...).
//
//===----------------------------------------------------------------------===//

#include "CPUBackend.h"
#include "CUDABackend.h"
#include "mlc/Import/ONNX/ONNXImporter.h"

#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::registerAllTranslations();
  mlc::registerONNXImportTranslation();
  mlc::cpu::registerCPUTranslations();
  mlc::cuda::registerCUDATranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "MLC translation driver\n"));
}
