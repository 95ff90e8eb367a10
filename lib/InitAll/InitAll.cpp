//===- InitAll.cpp - Registration of everything MLC provides --------------===//

#include "mlc/InitAll.h"

#include "CPUBackend.h"
#include "CUDABackend.h"
#include "mlc/Backend/Passes.h"
#include "mlc/Conversion/Passes.h"
#include "mlc/Dialect/MLC/IR/MLCDialect.h"
#include "mlc/Dialect/MLC/Transforms/Passes.h"
#include "mlc/Import/ONNX/ONNXImporter.h"

#include "mlir/IR/DialectRegistry.h"

void mlc::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<mlc::MLCDialect>();
  cuda::registerCUDADialectExtensions(registry);
}

void mlc::registerAllPasses() {
  registerGraphPasses();
  registerMLCConversionPasses();
  registerMLCBackendPasses();
  cpu::registerCPUPipeline();
  cuda::registerCUDAPipeline();
}

void mlc::registerAllBackends(BackendRegistry &registry) {
  cpu::registerCPUBackend(registry);
  cuda::registerCUDABackend(registry);
}

void mlc::registerAllTranslations() {
  registerONNXImportTranslation();
  cpu::registerCPUTranslations();
  cuda::registerCUDATranslations();
}
