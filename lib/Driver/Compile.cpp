//===- Compile.cpp - The whole compilation chain in one process -----------===//

#include "mlc/Driver/Compile.h"

#include "mlc/Backend/Partition.h"
#include "mlc/Backend/Passes.h"
#include "mlc/Conversion/Passes.h"
#include "mlc/Dialect/MLC/Transforms/Passes.h"
#include "mlc/Import/ONNX/ONNXImporter.h"
#include "mlc/Quantization/Quantize.h"

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
  if (options.halfPrecision == "fp16")
    return "f16";
  if (options.halfPrecision == "bf16")
    return "bf16";
  return "";
}

int64_t mlc::getFoldElementLimit(uint64_t maxMemoryBytes) {
  return static_cast<int64_t>(maxMemoryBytes / 32);
}

/// mlc-fold-constants under the memory limit `maxMemory`.
static std::unique_ptr<Pass> createBoundedFoldConstants(uint64_t maxMemory) {
  FoldConstantsOptions foldOptions;
  foldOptions.maxElements =
      std::min(foldOptions.maxElements, getFoldElementLimit(maxMemory));
  return createFoldConstants(foldOptions);
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
  graphOptions.fuse = backend.getLoweringInput() == LoweringInput::WholeModule;
  graphOptions.maxFoldElements = getFoldElementLimit(options.maxMemoryBytes);
  buildGraphOptPipeline(pm, graphOptions);
}

void mlc::buildMLCToBackendInputPipeline(OpPassManager &pm) {
  pm.addPass(createConvertMLCToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createExposeEntry());
}

/// Imports an .onnx file, or parses an .mlir file holding an mlc module.
static FailureOr<OwningOpRef<ModuleOp>>
loadModel(MLIRContext &context, StringRef path, const CompileOptions &options) {
  if (path.ends_with(".mlir")) {
    OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(path, &context);
    if (!module)
      return failure();
    return module;
  }
  ONNXImportOptions importOptions;
  importOptions.maxMemoryBytes = options.maxMemoryBytes;
  importOptions.inputStructures = options.inputStructures;
  importOptions.maxLoopIterations = options.maxLoopIterations;
  return importONNXFile(&context, path, importOptions);
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

/// Serializes a lowered module to a temporary object file and links it into
/// the shared library at `outputPath`.
static LogicalResult emitSharedLibrary(ModuleOp module, const Backend &backend,
                                       const TargetOptions &target,
                                       StringRef outputPath, Location loc) {
  SmallString<128> objectPath;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("mlc-model", "o", fd, objectPath))
    return emitError(loc) << "cannot create a temporary object file";
  llvm::FileRemover removeObject(objectPath);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    if (failed(backend.serialize(module, target, ArtifactKind::Object, os)))
      return failure();
  }
  return backend.linkSharedLibrary(objectPath, outputPath, target, loc);
}

/// Post-training quantization, or mlc-lower-quant for a module that comes
/// quantized (QDQ models), before the graph passes.
static LogicalResult quantize(ModuleOp module, const BackendRegistry &registry,
                              const CompileOptions &options, Location loc) {
  MLIRContext &context = *module.getContext();
  if (options.quantize.mode == QuantizeMode::None) {
    if (!options.lowerQuant || !hasQuantizedOps(module))
      return success();
    PassManager pm(&context);
    pm.addPass(createLowerQuant());
    return pm.run(module);
  }
  const Backend *cpu = registry.lookup("cpu");
  if (!cpu)
    return emitError(loc) << "--quantize needs the 'cpu' backend to run the "
                             "float model on the calibration data";
  // Constants and batch norms folded first: the layers carry their final
  // weights when they are quantized.
  PassManager prepare(&context);
  prepare.addPass(createBoundedFoldConstants(options.maxMemoryBytes));
  prepare.addPass(createFoldBatchNorm());
  prepare.addPass(createBoundedFoldConstants(options.maxMemoryBytes));
  prepare.addPass(createCanonicalizerPass());
  prepare.addPass(createCSEPass());
  if (failed(prepare.run(module)))
    return failure();
  // The calibration and report runs: the whole chain for the host CPU.
  CompileOptions hostOptions;
  hostOptions.target.optLevel = options.target.optLevel;
  hostOptions.maxMemoryBytes = options.maxMemoryBytes;
  auto compileForHost = [&](ModuleOp observed, StringRef path) {
    PassManager graphPM(&context);
    buildGraphPipeline(graphPM, *cpu, hostOptions);
    buildMLCToBackendInputPipeline(graphPM);
    cpu->buildLoweringPipeline(graphPM, hostOptions.target);
    if (failed(graphPM.run(observed)))
      return failure();
    return emitSharedLibrary(observed, *cpu, hostOptions.target, path, loc);
  };
  QuantizeOptions quantizeOptions = options.quantize;
  quantizeOptions.lowerQuant = options.lowerQuant;
  return quantizeModule(module, quantizeOptions, compileForHost);
}

LogicalResult mlc::compileModel(MLIRContext &context,
                                const BackendRegistry &registry,
                                const CompileOptions &options) {
  Location loc = FileLineColLoc::get(&context, options.inputPath, 0, 0);
  const Backend *backend = registry.lookup(options.backend);
  if (!backend)
    return emitError(loc) << "unknown backend '" << options.backend << "'";
  if (!getFloatPrecision(options).empty() && options.backend != "cpu")
    return emitError(loc) << "--quantize=" << options.halfPrecision
                          << " is supported by the CPU backend only, not '"
                          << options.backend << "'";

  FailureOr<OwningOpRef<ModuleOp>> module =
      loadModel(context, options.inputPath, options);
  if (failed(module))
    return failure();

  // A partitioned backend gets the ops it claims; the CPU backend compiles
  // the rest and the module around them.
  bool partitioned = backend->getLoweringInput() == LoweringInput::Partitions;
  const Backend *host = partitioned ? registry.lookup("cpu") : backend;
  if (!host)
    return emitError(loc) << "backend '" << options.backend
                          << "' needs the 'cpu' backend for the ops it leaves";

  if (failed(quantize(**module, registry, options, loc)))
    return failure();

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

  return emitSharedLibrary(**module, *backend, options.target,
                           options.outputPath, loc);
}
