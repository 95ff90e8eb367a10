//===- ConstantPermutation.cpp - Constants permuted at compile time -------===//

#include "Transforms/ConstantPermutation.h"
#include "ConstantBytes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

using namespace mlir;
using mlc::cpu::getRawBytes;

ElementsAttr mlc::cpu::permuteConstant(ElementsAttr attr,
                                       ArrayRef<int64_t> sourceShape,
                                       ArrayRef<int64_t> perm,
                                       ArrayRef<int64_t> resultShape) {
  auto type = RankedTensorType::get(
      sourceShape, cast<ShapedType>(attr.getType()).getElementType());
  auto resultType = RankedTensorType::get(resultShape, type.getElementType());
  if (auto dense = dyn_cast<DenseElementsAttr>(attr); dense && dense.isSplat())
    return dense.resizeSplat(resultType);
  std::optional<ArrayRef<char>> data = getRawBytes(attr);
  if (!data)
    return {};
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size();
  size_t bytes = type.getElementTypeBitWidth() / 8;
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  SmallVector<int64_t> permutedShape, permutedStrides;
  for (int64_t p : perm) {
    permutedShape.push_back(shape[p]);
    permutedStrides.push_back(strides[p]);
  }
  std::vector<char> out(data->size());
  int64_t count = type.getNumElements();
  // Runs of elements contiguous in both (the innermost dim kept innermost:
  // panels, HWCF filters) are copied whole; a run of one element otherwise.
  int64_t run = perm.back() == rank - 1 ? shape.back() : 1;
  int64_t outerRank = run > 1 ? rank - 1 : rank;
  SmallVector<int64_t> index(outerRank, 0);
  for (int64_t linear = 0; linear < count; linear += run) {
    int64_t source = 0;
    for (int64_t d = 0; d < outerRank; ++d)
      source += index[d] * permutedStrides[d];
    std::memcpy(out.data() + linear * bytes, data->data() + source * bytes,
                run * bytes);
    for (int64_t d = outerRank - 1; d >= 0; --d) {
      if (++index[d] < permutedShape[d])
        break;
      index[d] = 0;
    }
  }
  // Small filters stay inline (and readable), as the importer keeps them.
  if (count <= 64)
    return DenseElementsAttr::getFromRawBuffer(resultType, ArrayRef<char>(out));
  auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      ArrayRef<char>(out), alignof(std::max_align_t));
  return DenseResourceElementsAttr::get(resultType, "mlc_packed_filter",
                                        std::move(blob));
}
