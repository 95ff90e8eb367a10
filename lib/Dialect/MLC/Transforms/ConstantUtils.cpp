//===- ConstantUtils.cpp - Reading and writing constant tensors -----------===//

#include "mlc/Dialect/MLC/Transforms/ConstantUtils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

using namespace mlir;
using namespace mlc;

ConstTensor ConstTensor::zeros(RankedTensorType type) {
  ConstTensor t;
  t.type = type;
  if (t.isFloat())
    t.floats.assign(type.getNumElements(), 0.0);
  else
    t.ints.assign(type.getNumElements(), 0);
  return t;
}

/// Decodes `count` raw little-endian elements of `elementType` into `t`.
static LogicalResult decodeRaw(ArrayRef<char> data, Type elementType,
                               int64_t count, ConstTensor &t) {
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    unsigned bytes = floatType.getWidth() / 8;
    if (data.size() != static_cast<size_t>(count) * bytes)
      return failure();
    t.floats.resize(count);
    for (int64_t i = 0; i < count; ++i) {
      const char *p = data.data() + i * bytes;
      if (floatType.isF32()) {
        float v;
        std::memcpy(&v, p, 4);
        t.floats[i] = v;
      } else if (floatType.isF64()) {
        std::memcpy(&t.floats[i], p, 8);
      } else {
        uint64_t bits = 0;
        std::memcpy(&bits, p, bytes);
        APFloat v(floatType.getFloatSemantics(),
                  APInt(floatType.getWidth(), bits));
        t.floats[i] = v.convertToDouble();
      }
    }
    return success();
  }
  auto intType = dyn_cast<IntegerType>(elementType);
  if (!intType)
    return failure();
  unsigned bytes = intType.getWidth() == 1 ? 1 : intType.getWidth() / 8;
  if (data.size() != static_cast<size_t>(count) * bytes)
    return failure();
  t.ints.resize(count);
  for (int64_t i = 0; i < count; ++i) {
    uint64_t bits = 0;
    std::memcpy(&bits, data.data() + i * bytes, bytes);
    t.ints[i] = intType.getWidth() == 1
                    ? (bits != 0)
                    : APInt(intType.getWidth(), bits).getSExtValue();
  }
  return success();
}

FailureOr<ConstTensor> ConstTensor::read(ElementsAttr attr) {
  ConstTensor t;
  t.type = dyn_cast<RankedTensorType>(attr.getShapedType());
  if (!t.type || !t.type.hasStaticShape())
    return failure();
  int64_t count = t.type.getNumElements();
  Type elementType = t.type.getElementType();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || failed(decodeRaw(blob->getData(), elementType, count, t)))
      return failure();
    return t;
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return failure();
  if (isa<FloatType>(elementType)) {
    if (elementType.isF32()) {
      auto values = dense.getValues<float>();
      t.floats.assign(values.begin(), values.end());
    } else {
      for (const APFloat &v : dense.getValues<APFloat>())
        t.floats.push_back(v.convertToDouble());
    }
    return t;
  }
  if (!isa<IntegerType>(elementType))
    return failure();
  bool isBool = elementType.isInteger(1);
  for (const APInt &v : dense.getValues<APInt>())
    t.ints.push_back(isBool ? v.getZExtValue() : v.getSExtValue());
  return t;
}

/// Raw little-endian bytes of the elements in `t`'s element type.
static std::vector<char> encodeRaw(const ConstTensor &t) {
  Type elementType = t.type.getElementType();
  std::vector<char> bytes;
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    unsigned width = floatType.getWidth() / 8;
    bytes.resize(t.floats.size() * width);
    for (size_t i = 0; i < t.floats.size(); ++i) {
      char *p = bytes.data() + i * width;
      if (floatType.isF32()) {
        float v = static_cast<float>(t.floats[i]);
        std::memcpy(p, &v, 4);
      } else if (floatType.isF64()) {
        std::memcpy(p, &t.floats[i], 8);
      } else {
        bool losesInfo;
        APFloat v(t.floats[i]);
        v.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
        uint64_t bits = v.bitcastToAPInt().getZExtValue();
        std::memcpy(p, &bits, width);
      }
    }
    return bytes;
  }
  unsigned width = elementType.getIntOrFloatBitWidth();
  unsigned bytesPerElement = width == 1 ? 1 : width / 8;
  bytes.resize(t.ints.size() * bytesPerElement);
  for (size_t i = 0; i < t.ints.size(); ++i) {
    uint64_t bits = static_cast<uint64_t>(t.ints[i]);
    std::memcpy(bytes.data() + i * bytesPerElement, &bits, bytesPerElement);
  }
  return bytes;
}

ElementsAttr ConstTensor::toAttr(StringRef blobName) const {
  Type elementType = type.getElementType();
  // i1 and the 4-bit types (i4, f4E2M1FN) stay inline: a resource blob
  // holds whole bytes per element, which only wider types have.
  if (size() > kInlineElementLimit &&
      elementType.getIntOrFloatBitWidth() >= 8) {
    std::vector<char> bytes = encodeRaw(*this);
    auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(bytes.data(), bytes.size()), alignof(uint64_t));
    return DenseResourceElementsAttr::get(type, blobName, std::move(blob));
  }
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> values;
    values.reserve(floats.size());
    for (double f : floats) {
      bool losesInfo;
      APFloat v(f);
      v.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &losesInfo);
      values.push_back(v);
    }
    return DenseElementsAttr::get(type, values);
  }
  unsigned width = elementType.getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  values.reserve(ints.size());
  for (int64_t v : ints)
    values.push_back(APInt(width, static_cast<uint64_t>(v),
                           /*isSigned=*/width > 1,
                           /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, values);
}

FailureOr<ConstTensor> mlc::readConstant(Value value) {
  auto constant = value ? value.getDefiningOp<ConstantOp>() : ConstantOp();
  if (!constant)
    return failure();
  return ConstTensor::read(cast<ElementsAttr>(constant.getValue()));
}

SmallVector<int64_t> mlc::getStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

std::vector<int64_t> mlc::getBroadcastIndices(ArrayRef<int64_t> shape,
                                              ArrayRef<int64_t> resultShape) {
  size_t rank = resultShape.size(), offset = rank - shape.size();
  SmallVector<int64_t> strides = getStrides(shape);
  SmallVector<int64_t> resultStrides = getStrides(resultShape);
  int64_t count = 1;
  for (int64_t d : resultShape)
    count *= d;
  std::vector<int64_t> indices(count);
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t source = 0;
    for (size_t d = offset; d < rank; ++d) {
      int64_t coord = (linear / resultStrides[d]) % resultShape[d];
      if (shape[d - offset] != 1)
        source += coord * strides[d - offset];
    }
    indices[linear] = source;
  }
  return indices;
}

ConstTensor mlc::transpose(const ConstTensor &input, ArrayRef<int64_t> perm) {
  ArrayRef<int64_t> shape = input.type.getShape();
  SmallVector<int64_t> resultShape;
  for (int64_t p : perm)
    resultShape.push_back(shape[p]);
  ConstTensor result = ConstTensor::zeros(
      RankedTensorType::get(resultShape, input.type.getElementType()));
  SmallVector<int64_t> inStrides = getStrides(shape);
  SmallVector<int64_t> outStrides = getStrides(resultShape);
  for (int64_t linear = 0, e = result.size(); linear < e; ++linear) {
    int64_t source = 0;
    for (size_t d = 0; d < perm.size(); ++d)
      source +=
          ((linear / outStrides[d]) % resultShape[d]) * inStrides[perm[d]];
    if (input.isFloat())
      result.floats[linear] = input.floats[source];
    else
      result.ints[linear] = input.ints[source];
  }
  return result;
}
