//===- CPUPipeline.cpp - Lowering pipeline of the CPU backend -------------===//
//
// linalg on tensors -> (elementwise fusion, register tiles, vectors) ->
// blocked accumulation -> one-shot bufferization -> loops (parallel tile
// loops -> OpenMP) -> LLVM dialect with bare-pointer entry -> runtime ABI.
//
//===----------------------------------------------------------------------===//

#include "CPUPipeline.h"
#include "CPUPasses.h"
#include "Target/CPUTarget.h"

#include "mlc/Backend/Emit.h"
#include "mlc/Backend/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;

/// The passes on linalg, still on tensors: fusion, register tiles, and the
/// loop order of what keeps the loop lowering.
static void addTensorPasses(OpPassManager &pm,
                            const mlc::cpu::CPUPipelineOptions &options) {
  using namespace mlc::cpu;
  // First, while the packed int8 GEMMs are still whole generics.
  if (options.optLevel >= 2 && options.int8Isa != "none")
    pm.addPass(
        createInt8Gemm(Int8GemmOptions{options.int8Isa, options.threads}));
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  if (options.optLevel >= 2) {
    Int8DepthwiseOptions depthwise;
    depthwise.isa = options.vectorIsa;
    depthwise.parallel = options.threads;
    fpm.addPass(createInt8Depthwise(depthwise));
  }
  // Blocked accumulation is numerics, not speed: every level sums so.
  if (options.optLevel < 2) {
    fpm.addPass(createBlockedAccumulation());
    return;
  }
  fpm.addPass(createFuseElementwise());
  // The bf16 contractions with constant weights, once their elementwise
  // consumers are fused into one generic (their epilogue), and before the
  // weights are permuted for the f32 tiles.
  OpPassManager *tiles = &fpm;
  if (options.bf16Isa != "none") {
    pm.addPass(
        createBf16Gemm(Bf16GemmOptions{options.bf16Isa, options.threads}));
    tiles = &pm.nest<func::FuncOp>();
  }
  OpPassManager &tpm = *tiles;
  // Register tiles for the contractions the tile strategy knows; the rest
  // keeps the loop lowering below.
  if (options.vectorIsa != "scalar") {
    tpm.addPass(createWidenBf16Contractions());
    tpm.addPass(createPackWeights());
    TileContractionsOptions tiling;
    tiling.isa = options.vectorIsa;
    tiling.parallel = options.threads;
    tpm.addPass(createTileContractions(tiling));
    tpm.addPass(createPackPanels());
    tpm.addPass(createVectorizeTiles());
  }
  // Before the epilogues are fused and the reductions cut into blocks and
  // lanes (scf.for loops it leaves alone): a row-wise reduction (layer
  // norm, softmax) is split over its rows, each chunk summing its rows in
  // the same order as one thread would.
  if (options.threads)
    tpm.addPass(createParallelizeOps());
  tpm.addPass(createFuseEpilogues());
  tpm.addPass(createApproximateMath());
  tpm.addPass(createRelaxClamps());
  tpm.addPass(createBlockedAccumulation());
  {
    SplitReductionsOptions split;
    split.isa = options.vectorIsa;
    tpm.addPass(createSplitReductions(split));
  }
  tpm.addPass(createInnermostParallelLoop());
}

void mlc::cpu::buildCPULoweringPipeline(OpPassManager &pm,
                                        const CPUPipelineOptions &options) {
  addTensorPasses(pm, options);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // No eliminate-empty-tensors: it rewrites the tensor.empty under a model
  // output to start from the output buffer, but CSE has merged identical
  // accumulator initializations (convolutions sharing a bias), and
  // One-Shot Bufferize does not analyze the final
  // materialize_in_destination into that memref: another convolution
  // computed in place there was overwritten by the output copy-out (issue
  // 15: resnet50's observed conv3 outputs during calibration). Outputs are
  // computed in their own buffers and copied out.
  // A padded buffer is filled at its borders only.
  pm.addNestedPass<func::FuncOp>(createFillPadBorders());
  pm.addPass(bufferization::createEmptyTensorToAllocTensorPass());
  // Control flow (scf.while of mlc.loop) yields a fresh buffer per
  // iteration; buffer deallocation frees the previous one.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.allowReturnAllocsFromLoops = true;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // A tile written in place into its slice of the result is then "copied"
  // onto that same slice (the insert_slice): CSE merges the two subviews
  // and the canonicalizer drops the self-copy, which would otherwise
  // become a scalar loop nest per tile.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createStridedCopyToLinalg());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // The deallocation of buffers that scf.if / scf.while may or may not own
  // calls a private dealloc_helper on dynamic memrefs, which the
  // bare-pointer calling convention cannot lower: it is inlined.
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createInlinerPass());
  // One arena per context for the buffers of a static entry.
  if (options.planMemory) {
    PlanMemoryOptions plan;
    plan.report = options.memoryReport;
    plan.threads = options.threads;
    pm.addPass(createPlanMemory(plan));
  }
  pm.addPass(createLowerInt8Dots());
  // n-D vector transfers of the register tiles -> 1-D loads and stores.
  pm.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  // The parallel tile loops -> a function each, run by every thread of an
  // OpenMP region of the number of threads mlc_run sets
  // (mlc-emit-runtime-abi), or called directly at one thread.
  if (options.threads) {
    pm.addNestedPass<func::FuncOp>(createForallToParallelLoopPass());
    pm.addPass(createLowerParallelLoops());
    // Each loop body is put in a memref.alloca_scope, which must keep one
    // block: the canonicalizer inlines the scopes that hold no alloca (all
    // of the tile loops') before the inner loops become blocks.
    pm.addPass(createCanonicalizerPass());
  }
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToFuncs());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  // The libm calls of vector math ops (erf of a register tile) extract and
  // insert lanes with vector ops of their own.
  pm.addPass(createConvertVectorToLLVMPass());
  // bf16 arithmetic runs in f32 (x86 and AArch64 without BF16 would
  // otherwise call __truncsfbf2 after every op); the conversions are then
  // expanded to integer code.
  arith::ArithEmulateUnsupportedFloatsOptions emulate;
  emulate.sourceTypeStrs = {"bf16"};
  emulate.targetTypeStr = "f32";
  pm.addNestedPass<func::FuncOp>(
      arith::createArithEmulateUnsupportedFloats(emulate));
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addNestedPass<func::FuncOp>(arith::createArithExpandOpsPass(expand));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  ConvertFuncToLLVMPassOptions funcToLLVM;
  funcToLLVM.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcToLLVM));
  if (options.threads)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(mlc::createEmitRuntimeABI());
}

void mlc::cpu::registerCPUPipeline() {
  registerMLCCPUPasses();
  struct Options : PassPipelineOptions<Options> {
    Option<unsigned> optLevel{*this, "opt-level",
                              llvm::cl::desc("Optimization level 0-3"),
                              llvm::cl::init(2)};
    Option<std::string> int8Isa{
        *this, "int8-isa",
        llvm::cl::desc("Kernel of the packed int8 GEMMs (mlc-cpu-int8-gemm): "
                       "none, x86-avx2, x86-vnni, x86-vnni512, arm-dot or "
                       "arm-i8mm"),
        llvm::cl::init("none")};
    Option<std::string> bf16Isa{
        *this, "bf16-isa",
        llvm::cl::desc("Kernel of the bf16 contractions with constant weights "
                       "(mlc-cpu-bf16-gemm): none, x86-avx512bf16 or "
                       "arm-bf16"),
        llvm::cl::init("none")};
    Option<std::string> vectorIsa{
        *this, "vector-isa",
        llvm::cl::desc("Vector ISA of the register tiles "
                       "(mlc-cpu-tile-contractions): host (the compiling "
                       "machine's), scalar, avx2, avx512 or neon"),
        llvm::cl::init("host")};
    Option<bool> threads{
        *this, "threads",
        llvm::cl::desc("Run the outer tiles of large contractions on the "
                       "context's threads (OpenMP; the artifact links "
                       "libomp). Ignored when this build has no libomp"),
        llvm::cl::init(true)};
    Option<bool> planMemory{
        *this, "plan-memory",
        llvm::cl::desc("Place the entry's static buffers in one arena per "
                       "context (mlc-cpu-plan-memory)"),
        llvm::cl::init(true)};
  };
  PassPipelineRegistration<Options>(
      "mlc-cpu-pipeline",
      "Lower linalg on tensors to the LLVM dialect with the MLC runtime ABI "
      "(CPU backend)",
      [](OpPassManager &pm, const Options &options) {
        pm.addPass(mlc::createExposeEntry());
        CPUPipelineOptions pipeline;
        pipeline.optLevel = options.optLevel;
        pipeline.int8Isa = options.int8Isa;
        pipeline.bf16Isa = options.bf16Isa;
        pipeline.vectorIsa = options.vectorIsa;
        if (pipeline.vectorIsa == "host")
          pipeline.vectorIsa =
              CPUTarget::fromTargetOptions(TargetOptions{}).getIsaName().str();
        pipeline.threads = options.threads && mlc::canUseThreads("");
        pipeline.planMemory = options.planMemory;
        buildCPULoweringPipeline(pm, pipeline);
      });
}
