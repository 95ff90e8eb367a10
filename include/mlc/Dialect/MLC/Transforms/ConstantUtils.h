//===- ConstantUtils.h - Reading and writing constant tensors ---*- C++ -*-===//
//
// A host-side copy of a constant tensor (dense or dense_resource) that graph
// passes compute on, and the way back to an attribute: big results become
// dense_resource blobs so that weights are never uniqued element by element.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DIALECT_MLC_TRANSFORMS_CONSTANTUTILS_H
#define MLC_DIALECT_MLC_TRANSFORMS_CONSTANTUTILS_H

#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/IR/BuiltinAttributeInterfaces.h"

#include <vector>

namespace mlc {

/// Constant tensors up to this many elements are inline dense attributes;
/// bigger ones become dense_resource blobs (not uniqued, not printed inline).
/// The importer and the graph passes both follow it.
inline constexpr int64_t kInlineElementLimit = 64;

/// Row-major elements of a constant: `floats` for float element types,
/// `ints` (sign-extended; i1 as 0/1) for integer ones.
struct ConstTensor {
  mlir::RankedTensorType type;
  std::vector<double> floats;
  std::vector<int64_t> ints;

  bool isFloat() const {
    return mlir::isa<mlir::FloatType>(type.getElementType());
  }
  int64_t size() const { return type.getNumElements(); }

  /// An uninitialized (zero) tensor of `type`.
  static ConstTensor zeros(mlir::RankedTensorType type);
  /// Reads a dense or dense_resource attribute; failure for other kinds.
  static mlir::FailureOr<ConstTensor> read(mlir::ElementsAttr attr);
  /// The attribute holding these elements (converted to `type`'s element
  /// type); above 64 elements a dense_resource blob called `blobName`.
  mlir::ElementsAttr toAttr(llvm::StringRef blobName) const;
};

/// The ConstTensor behind `value` when it is produced by mlc.constant.
mlir::FailureOr<ConstTensor> readConstant(mlir::Value value);

/// Row-major strides of `shape`.
llvm::SmallVector<int64_t> getStrides(llvm::ArrayRef<int64_t> shape);

/// For every element of `resultShape`, the linear index of the element of
/// `shape` it reads after numpy broadcasting.
std::vector<int64_t> getBroadcastIndices(llvm::ArrayRef<int64_t> shape,
                                         llvm::ArrayRef<int64_t> resultShape);

/// Elements of `input` permuted: result dim i is input dim perm[i].
ConstTensor transpose(const ConstTensor &input, llvm::ArrayRef<int64_t> perm);

} // namespace mlc

#endif // MLC_DIALECT_MLC_TRANSFORMS_CONSTANTUTILS_H
