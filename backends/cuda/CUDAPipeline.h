//===- CUDAPipeline.h - Lowering pipeline of the CUDA backend ---*- C++ -*-===//
#ifndef MLC_BACKENDS_CUDA_CUDAPIPELINE_H
#define MLC_BACKENDS_CUDA_CUDAPIPELINE_H

#include "mlir/Pass/PassManager.h"

#include <string>

namespace mlc::cuda {

/// The textual pipeline from linalg on tensors (entry exposed) to the LLVM
/// dialect with the PTX embedded as a gpu.binary and the runtime ABI.
/// `chip` is an NVPTX CPU ("sm_80"), `mmaType` f16 or bf16; `mmaSync` maps
/// f16 matmuls onto the mma.sync kernel rather than WMMA (bf16 and i8 ones
/// always use it).
std::string getCUDALoweringPipeline(llvm::StringRef chip,
                                    llvm::StringRef mmaType, unsigned optLevel,
                                    bool mmaSync = false);

mlir::LogicalResult buildCUDALoweringPipeline(mlir::OpPassManager &pm,
                                              llvm::StringRef chip,
                                              llvm::StringRef mmaType,
                                              unsigned optLevel,
                                              bool mmaSync = false);

} // namespace mlc::cuda

#endif // MLC_BACKENDS_CUDA_CUDAPIPELINE_H
