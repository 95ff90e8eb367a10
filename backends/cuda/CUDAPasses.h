//===- CUDAPasses.h - Passes of the CUDA backend ----------------*- C++ -*-===//
#ifndef MLC_BACKENDS_CUDA_CUDAPASSES_H
#define MLC_BACKENDS_CUDA_CUDAPASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlc::cuda {

#define GEN_PASS_DECL
#include "CUDAPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "CUDAPasses.h.inc"

/// Tensor Core tile edge: operands of MMA matmuls are padded to multiples.
inline constexpr int64_t kMMATile = 16;

/// Symbol of the device entry point after mlc-cuda-host-entry.
inline constexpr llvm::StringLiteral kDeviceEntryFuncName = "mlc_entry_device";

/// Creates a `gpu.launch` of `grid` blocks of `block` threads at `b`'s
/// insertion point and fills its body with `body(builder, blockIds,
/// threadIds)`; the terminator is added.
mlir::gpu::LaunchOp createLaunch(
    mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<int64_t> grid,
    llvm::ArrayRef<int64_t> block,
    llvm::function_ref<void(mlir::OpBuilder &, mlir::gpu::KernelDim3,
                            mlir::gpu::KernelDim3)>
        body);

void populateContractionToMMAPatterns(mlir::RewritePatternSet &patterns,
                                      mlir::Type mmaElementType);
/// `sm`: the SM version (80, 86, 89, 90); on 90, large 2-D matmuls use
/// the TMA + warpgroup-MMA kernel of HopperGEMM.cpp.
void populateMMAToGPUPatterns(mlir::RewritePatternSet &patterns,
                              unsigned sm = 80);

/// Whether an M x N x K matmul fits the tiles of the Hopper GEMM kernel.
bool isHopperGEMMShape(int64_t m, int64_t n, int64_t k);

/// Builds, at `b`'s insertion point in host code, the TMA descriptors of
/// the row-major f16/bf16 memrefs `a` (M x K) and `b` (K x N) and a
/// `gpu.launch` of the sm_90a kernel computing `c` (M x N, f32) += a * b
/// with TMA loads, mbarriers and warpgroup MMA (wgmma).
void buildHopperGEMM(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                     mlir::Value bm, mlir::Value c, int64_t m, int64_t n,
                     int64_t k);
/// Whether `kernel` holds nvgpu warpgroup MMA ops (the Hopper GEMM).
bool usesWarpgroupMMA(mlir::gpu::GPUFuncOp kernel);

void populateCopyToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Interchanges generics so that their parallel loops come first.
void populateParallelDimsFirstPatterns(mlir::RewritePatternSet &patterns);

} // namespace mlc::cuda

#endif // MLC_BACKENDS_CUDA_CUDAPASSES_H
