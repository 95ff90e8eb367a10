//===- LowerWarpgroupKernels.cpp - Early nvgpu lowering, per kernel -------===//
//
// Runs convert-nvgpu-to-nvvm on the kernels that use warpgroup MMA (the
// Hopper GEMM), before convert-scf-to-cf, and on no other kernel: the
// conversion's loop type legality rejects the WMMA kernels' loops.
//
//===----------------------------------------------------------------------===//

#include "CUDAPasses.h"

#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Pass/PassManager.h"

namespace mlc::cuda {
#define GEN_PASS_DEF_LOWERWARPGROUPKERNELS
#include "CUDAPasses.h.inc"
} // namespace mlc::cuda

using namespace mlir;
using namespace mlc;

bool cuda::usesWarpgroupMMA(gpu::GPUFuncOp kernel) {
  return kernel
      .walk([](Operation *op) {
        return isa<nvgpu::WarpgroupMmaOp, nvgpu::WarpgroupMmaInitAccumulatorOp,
                   nvgpu::WarpgroupMmaStoreOp,
                   nvgpu::WarpgroupGenerateDescriptorOp>(op)
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
      .wasInterrupted();
}

namespace {
struct LowerWarpgroupKernelsPass
    : cuda::impl::LowerWarpgroupKernelsBase<LowerWarpgroupKernelsPass> {
  LogicalResult initialize(MLIRContext *) override {
    pipeline = OpPassManager(gpu::GPUFuncOp::getOperationName());
    pipeline.addPass(createConvertNVGPUToNVVMPass());
    return success();
  }

  void runOnOperation() override {
    SmallVector<gpu::GPUFuncOp> kernels;
    for (auto kernel : getOperation().getOps<gpu::GPUFuncOp>())
      if (cuda::usesWarpgroupMMA(kernel))
        kernels.push_back(kernel);
    for (gpu::GPUFuncOp kernel : kernels)
      if (failed(runPipeline(pipeline, kernel)))
        return signalPassFailure();
  }

  OpPassManager pipeline;
};
} // namespace
