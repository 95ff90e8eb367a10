//===- ConstantPermutation.h - Constants permuted at compile time -*- C++
//-*-===//
//
// Weights rearranged once, by the compiler, into the order a kernel reads
// them (HWCF filters, transposed Gemm weights, panels of output channels),
// so that no transpose runs at inference time.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKENDS_CPU_TRANSFORMS_CONSTANTPERMUTATION_H
#define MLC_BACKENDS_CPU_TRANSFORMS_CONSTANTPERMUTATION_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"

namespace mlc::cpu {

/// `attr` read as `sourceShape` (its own shape or a reshape of it),
/// transposed (result dim i is source dim perm[i]) and given `resultShape`
/// (the permuted shape, or a reshape of it), or null when its bytes are not
/// at hand (an elided or sub-byte constant).
mlir::ElementsAttr permuteConstant(mlir::ElementsAttr attr,
                                   llvm::ArrayRef<int64_t> sourceShape,
                                   llvm::ArrayRef<int64_t> perm,
                                   llvm::ArrayRef<int64_t> resultShape);

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_TRANSFORMS_CONSTANTPERMUTATION_H
