//===- ConstantBytes.h - The bytes of constant weights ----------*- C++ -*-===//
//
// Weights are repacked at compile time (PackWeights.cpp, Bf16Gemm.cpp) from
// the raw bytes of their constants.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKENDS_CPU_CONSTANTBYTES_H
#define MLC_BACKENDS_CPU_CONSTANTBYTES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <optional>

namespace mlc::cpu {

/// The raw row-major bytes of a constant, when it has them (dense
/// resources and non-splat dense attributes of byte-sized elements).
inline std::optional<llvm::ArrayRef<char>>
getRawBytes(mlir::ElementsAttr attr) {
  using namespace mlir;
  auto type = cast<ShapedType>(attr.getType());
  unsigned bits = type.getElementTypeBitWidth();
  if (bits % 8 != 0)
    return std::nullopt;
  size_t expected = type.getNumElements() * (bits / 8);
  ArrayRef<char> data;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    data = blob->getData();
  } else if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (dense.isSplat())
      return std::nullopt;
    data = dense.getRawData();
  } else {
    return std::nullopt;
  }
  if (data.size() != expected)
    return std::nullopt;
  return data;
}

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_CONSTANTBYTES_H
