//===- ImportTranslation.cpp - mlc-translate --import-onnx
//-----------------===//

#include "mlc/Dialect/MLC/IR/MLCDialect.h"
#include "mlc/Import/ONNX/ONNXImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

void mlc::registerONNXImportTranslation() {
  // mlc-compile's --input-structure; registered here, not at namespace
  // scope, so that only the tool with this translation has the flag.
  static llvm::cl::list<std::string> importInputStructures(
      "import-input-structure",
      llvm::cl::desc("--import-onnx: the structure of a sequence or optional "
                     "graph input, NAME=SPEC as mlc-compile "
                     "--input-structure takes it (repeatable)"),
      llvm::cl::value_desc("name=spec"));
  static llvm::cl::opt<int64_t> importMaxLoopIterations(
      "import-max-loop-iterations",
      llvm::cl::desc("--import-onnx: mlc-compile --max-loop-iterations"),
      llvm::cl::value_desc("N"), llvm::cl::init(0));
  TranslateToMLIRRegistration registration(
      "import-onnx", "Import an ONNX model into the mlc dialect",
      [](llvm::SourceMgr &sourceMgr, MLIRContext *context) {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        ONNXImportOptions options;
        options.maxLoopIterations = importMaxLoopIterations;
        for (const std::string &entry : importInputStructures) {
          auto [name, spec] = llvm::StringRef(entry).split('=');
          options.inputStructures.emplace_back(name.str(), spec.str());
        }
        FailureOr<OwningOpRef<ModuleOp>> module =
            importONNXModel(context, buffer->getBuffer(),
                            buffer->getBufferIdentifier(), options);
        return failed(module) ? OwningOpRef<Operation *>()
                              : OwningOpRef<Operation *>(module->release());
      },
      [](DialectRegistry &registry) {
        registry.insert<MLCDialect, func::FuncDialect, quant::QuantDialect>();
      });
}
