//===- TensorPrint.cpp - Host tensors as text -----------------------------===//
//
// What mlc-run prints of an output: its first values.
//
//===----------------------------------------------------------------------===//

#include "mlc/Runtime/TensorPrint.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace llvm;

namespace mlc {

template <typename T>
static T loadElement(const HostTensor &tensor, size_t index) {
  T value;
  std::memcpy(&value, tensor.data.data() + index * sizeof(T), sizeof(T));
  return value;
}

static void printElement(raw_ostream &os, const HostTensor &tensor,
                         size_t index) {
  auto printSmallFloat = [&](const fltSemantics &semantics, unsigned bits) {
    uint64_t code = bits == 16 ? loadElement<uint16_t>(tensor, index)
                               : loadElement<uint8_t>(tensor, index);
    APFloat value(semantics,
                  APInt(bits, code & maskTrailingOnes<uint64_t>(bits)));
    bool losesInfo;
    value.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
    os << format("%g", value.convertToDouble());
  };
  switch (tensor.dtype) {
  case MLC_DTYPE_F32:
    os << format("%g", loadElement<float>(tensor, index));
    return;
  case MLC_DTYPE_F64:
    os << format("%g", loadElement<double>(tensor, index));
    return;
  case MLC_DTYPE_F16:
    printSmallFloat(APFloat::IEEEhalf(), 16);
    return;
  case MLC_DTYPE_BF16:
    printSmallFloat(APFloat::BFloat(), 16);
    return;
  case MLC_DTYPE_F8E4M3FN:
    printSmallFloat(APFloat::Float8E4M3FN(), 8);
    return;
  case MLC_DTYPE_F8E4M3FNUZ:
    printSmallFloat(APFloat::Float8E4M3FNUZ(), 8);
    return;
  case MLC_DTYPE_F8E5M2:
    printSmallFloat(APFloat::Float8E5M2(), 8);
    return;
  case MLC_DTYPE_F8E5M2FNUZ:
    printSmallFloat(APFloat::Float8E5M2FNUZ(), 8);
    return;
  case MLC_DTYPE_F4E2M1:
    printSmallFloat(APFloat::Float4E2M1FN(), 4);
    return;
  case MLC_DTYPE_U4:
    os << unsigned(loadElement<uint8_t>(tensor, index) & 0xF);
    return;
  case MLC_DTYPE_I4:
    os << SignExtend32<4>(loadElement<uint8_t>(tensor, index));
    return;
  case MLC_DTYPE_I8:
    os << int(loadElement<int8_t>(tensor, index));
    return;
  case MLC_DTYPE_U8:
    os << unsigned(loadElement<uint8_t>(tensor, index));
    return;
  case MLC_DTYPE_BOOL:
    os << (loadElement<uint8_t>(tensor, index) != 0 ? 1 : 0);
    return;
  case MLC_DTYPE_I16:
    os << loadElement<int16_t>(tensor, index);
    return;
  case MLC_DTYPE_U16:
    os << loadElement<uint16_t>(tensor, index);
    return;
  case MLC_DTYPE_I32:
    os << loadElement<int32_t>(tensor, index);
    return;
  case MLC_DTYPE_U32:
    os << loadElement<uint32_t>(tensor, index);
    return;
  case MLC_DTYPE_I64:
    os << loadElement<int64_t>(tensor, index);
    return;
  case MLC_DTYPE_U64:
    os << loadElement<uint64_t>(tensor, index);
    return;
  }
  os << "?";
}

void printTensorValues(raw_ostream &os, const HostTensor &tensor,
                       size_t maxValues) {
  size_t elemSize = getDTypeSize(tensor.dtype);
  if (elemSize == 0)
    return;
  // Never read past the buffer, even for a tensor whose shape and data
  // disagree.
  size_t available =
      std::min(tensor.numElements(), tensor.data.size() / elemSize);
  size_t count = std::min(available, maxValues);
  for (size_t i = 0; i < count; ++i) {
    if (i != 0)
      os << ' ';
    printElement(os, tensor, i);
  }
  if (count < available)
    os << (count == 0 ? "..." : " ...");
}

} // namespace mlc
