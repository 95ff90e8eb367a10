//===- CPUPipeline.cpp - Lowering pipeline of the CPU backend -------------===//
//
// linalg on tensors -> (elementwise fusion) -> blocked accumulation ->
// one-shot bufferization ->
// loops -> LLVM dialect with bare-pointer entry -> runtime ABI.
//
//===----------------------------------------------------------------------===//

#include "CPUPipeline.h"
#include "CPUPasses.h"
#include "Target/CPUTarget.h"

#include "mlc/Backend/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

std::string mlc::cpu::getCPULoweringPipeline(unsigned optLevel,
                                            StringRef int8Isa,
                                            StringRef vectorIsa) {
  std::string pipeline;
  // First, while the packed int8 GEMMs are still whole generics.
  if (optLevel >= 2 && int8Isa != "none")
    pipeline += "mlc-cpu-int8-gemm{isa=" + int8Isa.str() + "},";
  // Blocked accumulation is numerics, not speed: every level sums so.
  if (optLevel >= 2)
    pipeline += "func.func(mlc-cpu-fuse-elementwise,";
  // Register tiles for the contractions the tile strategy knows; the rest
  // keeps the loop lowering below.
  if (optLevel >= 2 && vectorIsa != "scalar")
    pipeline += "mlc-cpu-pack-weights,mlc-cpu-tile-contractions{isa=" +
                vectorIsa.str() + "},mlc-cpu-vectorize-tiles,";
  if (optLevel >= 2)
    pipeline += "mlc-cpu-fuse-epilogues,"
                "mlc-cpu-blocked-accumulation,mlc-cpu-innermost-parallel-loop),";
  else
    pipeline += "func.func(mlc-cpu-blocked-accumulation),";
  pipeline +=
      "canonicalize,cse,"
      // No eliminate-empty-tensors: it rewrites the tensor.empty under a
      // model output to start from the output buffer, but CSE has merged
      // identical accumulator initializations (convolutions sharing a
      // bias), and One-Shot Bufferize does not analyze the final
      // materialize_in_destination into that memref: another convolution
      // computed in place there was overwritten by the output copy-out
      // (issue 15: resnet50's observed conv3 outputs during calibration).
      // Outputs are computed in their own buffers and copied out.
      "empty-tensor-to-alloc-tensor,"
      // Control flow (scf.while of mlc.loop) yields a fresh buffer per
      // iteration; buffer deallocation frees the previous one.
      "one-shot-bufferize{allow-return-allocs-from-loops},"
      "mlc-cpu-strided-copy-to-linalg,"
      "func.func(convert-linalg-to-loops),"
      // The deallocation of buffers that scf.if / scf.while may or may not
      // own calls a private dealloc_helper on dynamic memrefs, which the
      // bare-pointer calling convention cannot lower: it is inlined.
      "buffer-deallocation-pipeline,inline,mlc-cpu-lower-int8-dots,"
      // n-D vector transfers of the register tiles -> 1-D loads and stores.
      "convert-vector-to-scf{full-unroll=true},"
      "convert-scf-to-cf,expand-strided-metadata,lower-affine,"
      "convert-vector-to-llvm,finalize-memref-to-llvm,convert-math-to-funcs,convert-math-to-llvm,"
      "convert-math-to-libm,"
      // The libm calls of vector math ops (erf of a register tile) extract
      // and insert lanes with vector ops of their own.
      "convert-vector-to-llvm,"
      // bf16 arithmetic runs in f32 (x86 and AArch64 without BF16 would
      // otherwise call __truncsfbf2 after every op); the conversions are
      // then expanded to integer code.
      "func.func(arith-emulate-unsupported-floats{source-types=bf16 "
      "target-type=f32},arith-expand{include-bf16=true}),"
      "convert-arith-to-llvm,convert-cf-to-llvm,"
      "convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},"
      "convert-ub-to-llvm,reconcile-unrealized-casts,mlc-emit-runtime-abi";
  return pipeline;
}

LogicalResult mlc::cpu::buildCPULoweringPipeline(OpPassManager &pm,
                                                 unsigned optLevel,
                                                 StringRef int8Isa,
                                                 StringRef vectorIsa) {
  return parsePassPipeline(
      getCPULoweringPipeline(optLevel, int8Isa, vectorIsa), pm);
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
                       "none, x86-avx2, x86-vnni, arm-dot or arm-i8mm"),
        llvm::cl::init("none")};
    Option<std::string> vectorIsa{
        *this, "vector-isa",
        llvm::cl::desc("Vector ISA of the register tiles "
                       "(mlc-cpu-tile-contractions): host (the compiling "
                       "machine's), scalar, avx2, avx512 or neon"),
        llvm::cl::init("host")};
  };
  PassPipelineRegistration<Options>(
      "mlc-cpu-pipeline",
      "Lower linalg on tensors to the LLVM dialect with the MLC runtime ABI "
      "(CPU backend)",
      [](OpPassManager &pm, const Options &options) {
        pm.addPass(createExposeEntry());
        std::string vectorIsa = options.vectorIsa;
        if (vectorIsa == "host")
          vectorIsa = CPUTarget::fromTargetOptions(TargetOptions{})
                          .getIsaName()
                          .str();
        if (failed(buildCPULoweringPipeline(pm, options.optLevel,
                                            options.int8Isa, vectorIsa)))
          llvm::report_fatal_error("invalid built-in CPU pipeline");
      });
}
