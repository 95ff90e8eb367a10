//===- CUDAPasses.h - Passes of the CUDA backend ----------------*- C++ -*-===//
#ifndef MLC_BACKENDS_CUDA_CUDAPASSES_H
#define MLC_BACKENDS_CUDA_CUDAPASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
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
mlir::gpu::LaunchOp
createLaunch(mlir::OpBuilder &b, mlir::Location loc,
             llvm::ArrayRef<int64_t> grid, llvm::ArrayRef<int64_t> block,
             llvm::function_ref<void(mlir::OpBuilder &, mlir::gpu::KernelDim3,
                                     mlir::gpu::KernelDim3)>
                 body);

void populateContractionToMMAPatterns(mlir::RewritePatternSet &patterns,
                                      mlir::Type mmaElementType);
/// `sm`: the SM version (80, 86, 89, 90); on 90, large 2-D matmuls use
/// the TMA + warpgroup-MMA kernel of HopperGEMM.cpp. bf16 and i8 matmuls
/// use the mma.sync kernel of MMASyncGEMM.cpp, and so do f16 ones when
/// `mmaSync` (else WMMA).
void populateMMAToGPUPatterns(mlir::RewritePatternSet &patterns,
                              unsigned sm = 80, bool mmaSync = false);

/// Whether an M x N x K matmul fits the tiles of the Hopper GEMM kernel.
bool isHopperGEMMShape(int64_t m, int64_t n, int64_t k);

/// Builds, at `b`'s insertion point in host code, the TMA descriptors of
/// the row-major f16/bf16 memrefs `a` (M x K) and `b` (K x N) and a
/// `gpu.launch` of the sm_90a kernel computing `c` (M x N, f32) += a * b
/// with TMA loads, mbarriers and warpgroup MMA (wgmma).
void buildHopperGEMM(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                     mlir::Value bm, mlir::Value c, int64_t m, int64_t n,
                     int64_t k);
/// Whether the mma.sync kernel of MMASyncGEMM.cpp takes `input` x `input`
/// -> `accumulator`: f16/bf16 -> f32 (m16n8k16) or i8 -> i32 (m16n8k32).
bool isMMASyncType(mlir::Type input, mlir::Type accumulator);
/// The K of one mma.sync step for `input`: 16 (f16, bf16) or 32 (i8).
int64_t getMMASyncK(mlir::Type input);
/// Whether an M x N x K matmul fits the mma.sync kernel: M, N multiples of
/// 16, K of getMMASyncK(input).
bool isMMASyncShape(mlir::Type input, int64_t m, int64_t n, int64_t k);
/// Builds, at `b`'s insertion point, a `gpu.launch` computing `c` (M x N,
/// f32 or i32, with a leading batch dimension when `batched`) += a * bm
/// with warp-level mma.sync (64x64 block tiles, four warps, cp.async
/// staging in workgroup memory).
void buildMMASyncGEMM(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                      mlir::Value bm, mlir::Value c, int64_t batch, int64_t m,
                      int64_t n, int64_t k, bool batched);

/// Whether `kernel` holds nvgpu warpgroup MMA ops (the Hopper GEMM).
bool usesWarpgroupMMA(mlir::gpu::GPUFuncOp kernel);

void populateCopyToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Interchanges generics so that their parallel loops come first.
void populateParallelDimsFirstPatterns(mlir::RewritePatternSet &patterns);

} // namespace mlc::cuda

#endif // MLC_BACKENDS_CUDA_CUDAPASSES_H
