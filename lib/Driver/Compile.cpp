//===- Compile.cpp - The whole compilation chain in one process -----------===//

#include "mlc/Driver/Compile.h"

#include "mlc/Backend/Partition.h"
#include "mlc/Backend/Passes.h"
#include "mlc/Conversion/Passes.h"
#include "mlc/Dialect/MLC/Transforms/Passes.h"
#include "mlc/Import/ONNX/ONNXImporter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace mlc;

/// The element type that --quantize=fp16/bf16 asks for, or "".
static std::string getFloatPrecision(const CompileOptions &options) {
  if (options.quantize == "fp16")
    return "f16";
  if (options.quantize == "bf16")
    return "bf16";
  return "";
}

void mlc::buildGraphPipeline(OpPassManager &pm, const Backend &backend,
                             const CompileOptions &options) {
  std::string floatPrecision = getFloatPrecision(options);
  if (options.target.optLevel == 0) {
    if (!floatPrecision.empty()) {
      ConvertFloatPrecisionOptions precisionOptions;
      precisionOptions.type = floatPrecision;
      pm.addPass(createConvertFloatPrecision(precisionOptions));
    }
    return;
  }
  GraphOptOptions graphOptions;
  graphOptions.floatPrecision = floatPrecision;
  if (options.layout != "auto")
    graphOptions.layout = options.layout;
  else if (backend.getPreferredLayout() == DataLayoutPreference::NHWC)
    graphOptions.layout = "nhwc";
  // A partitioned backend claims whole mlc ops: fusion runs after
  // partitioning, on what is left for the CPU backend.
  graphOptions.fuse =
      backend.getLoweringInput() == LoweringInput::WholeModule;
  buildGraphOptPipeline(pm, graphOptions);
}

void mlc::buildMLCToBackendInputPipeline(OpPassManager &pm) {
  pm.addPass(createConvertMLCToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createExposeEntry());
}

/// Imports an .onnx file, or parses an .mlir file holding an mlc module.
static FailureOr<OwningOpRef<ModuleOp>> loadModel(MLIRContext &context,
                                                  StringRef path) {
  if (path.ends_with(".mlir")) {
    OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(path, &context);
    if (!module)
      return failure();
    return module;
  }
  return importONNXFile(&context, path);
}

/// Opens `path` for writing, reporting errors at `loc`.
static std::unique_ptr<llvm::ToolOutputFile> openOutput(StringRef path,
                                                        Location loc) {
  std::string error;
  auto file = mlir::openOutputFile(path, &error);
  if (!file)
    emitError(loc) << error;
  return file;
}

LogicalResult mlc::compileModel(MLIRContext &context,
                                const BackendRegistry &registry,
                                const CompileOptions &options) {
  Location loc = FileLineColLoc::get(&context, options.inputPath, 0, 0);
  const Backend *backend = registry.lookup(options.backend);
  if (!backend)
    return emitError(loc) << "unknown backend '" << options.backend << "'";
  if (!getFloatPrecision(options).empty() && options.backend != "cpu")
    return emitError(loc) << "--quantize=" << options.quantize
                          << " is supported by the CPU backend only, not '"
                          << options.backend << "'";

  FailureOr<OwningOpRef<ModuleOp>> module =
      loadModel(context, options.inputPath);
  if (failed(module))
    return failure();

  // A partitioned backend gets the ops it claims; the CPU backend compiles
  // the rest and the module around them.
  bool partitioned = backend->getLoweringInput() == LoweringInput::Partitions;
  const Backend *host = partitioned ? registry.lookup("cpu") : backend;
  if (!host)
    return emitError(loc) << "backend '" << options.backend
                          << "' needs the 'cpu' backend for the ops it leaves";

  PassManager graphPM(&context);
  buildGraphPipeline(graphPM, *backend, options);
  if (options.printPartition) {
    PrintPartitionOptions printOptions;
    printOptions.backend = options.backend;
    printOptions.fallback = partitioned ? "cpu" : options.backend;
    graphPM.addPass(createPrintPartitionPass(registry, printOptions));
  }
  if (partitioned) {
    PartitionOptions partitionOptions;
    partitionOptions.backend = options.backend;
    graphPM.addPass(createPartitionPass(registry, partitionOptions));
  }
  if (failed(graphPM.run(**module)))
    return failure();

  if (options.emit == EmitKind::MLIR) {
    auto file = openOutput(options.outputPath, loc);
    if (!file)
      return failure();
    (*module)->print(file->os());
    file->keep();
    return success();
  }

  PassManager pm(&context);
  if (partitioned) {
    backend->buildLoweringPipeline(pm, options.target);
    if (options.target.optLevel > 0)
      pm.addPass(createFuse());
  }
  buildMLCToBackendInputPipeline(pm);
  host->buildLoweringPipeline(pm, options.target);
  if (failed(pm.run(**module)))
    return failure();

  ArtifactKind kind = ArtifactKind::Object;
  if (options.emit == EmitKind::LLVMIR)
    kind = ArtifactKind::LLVMIR;
  else if (options.emit == EmitKind::Asm)
    kind = ArtifactKind::Assembly;
  if (options.emit != EmitKind::SharedLib) {
    auto file = openOutput(options.outputPath, loc);
    if (!file ||
        failed(backend->serialize(**module, options.target, kind, file->os())))
      return failure();
    file->keep();
    return success();
  }

  // Object file in a temporary, then link it into the artifact.
  SmallString<128> objectPath;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("mlc-model", "o", fd, objectPath))
    return emitError(loc) << "cannot create a temporary object file";
  llvm::FileRemover removeObject(objectPath);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    if (failed(backend->serialize(**module, options.target, kind, os)))
      return failure();
  }
  return backend->linkSharedLibrary(objectPath, options.outputPath,
                                    options.target, loc);
}
