//===- ImportTranslation.cpp - mlc-translate --import-onnx
//-----------------===//

#include "mlc/Dialect/MLC/IR/MLCDialect.h"
#include "mlc/Import/ONNX/ONNXImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

void mlc::registerONNXImportTranslation() {
  TranslateToMLIRRegistration registration(
      "import-onnx", "Import an ONNX model into the mlc dialect",
      [](llvm::SourceMgr &sourceMgr, MLIRContext *context) {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        FailureOr<OwningOpRef<ModuleOp>> module = importONNXModel(
            context, buffer->getBuffer(), buffer->getBufferIdentifier());
        return failed(module) ? OwningOpRef<Operation *>()
                              : OwningOpRef<Operation *>(module->release());
      },
      [](DialectRegistry &registry) {
        registry.insert<MLCDialect, func::FuncDialect, quant::QuantDialect>();
      });
}
