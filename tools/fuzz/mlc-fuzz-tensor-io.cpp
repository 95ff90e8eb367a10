//===- mlc-fuzz-tensor-io.cpp - libFuzzer target: mlc-run's tensor readers ===//
//
// Bytes -> readTensorBuffer (.npy by its magic, else an ONNX TensorProto),
// as mlc-run reads its inputs and expected outputs, then printing the
// tensor as mlc-run does; and the same bytes as a sequence or optional input
// (readValueBuffer: SequenceProto, OptionalProto). Any input gives a value
// or an error.
//
//===----------------------------------------------------------------------===//

#include "mlc/Runtime/TensorIO.h"
#include "mlc/Runtime/TensorPrint.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  for (mlc_value_kind kind : {MLC_VALUE_SEQUENCE, MLC_VALUE_OPTIONAL_TENSOR,
                              MLC_VALUE_OPTIONAL_SEQUENCE}) {
    llvm::Expected<mlc::HostValue> value =
        mlc::readValueBuffer(bytes, "fuzz.pb", kind);
    if (!value) {
      llvm::consumeError(value.takeError());
      continue;
    }
    for (const mlc::HostTensor &element : value->tensors)
      if (element.numBytes() != element.data.size())
        __builtin_trap();
  }
  llvm::Expected<mlc::HostTensor> tensor =
      mlc::readTensorBuffer(bytes, "fuzz.pb");
  if (!tensor) {
    llvm::consumeError(tensor.takeError());
    return 0;
  }
  // What mlc-run does with a tensor it read: its size, and its values.
  if (tensor->numBytes() != tensor->data.size())
    __builtin_trap();
  llvm::raw_null_ostream os;
  os << tensor->name << mlc::formatShape(tensor->shape)
     << mlc::getDTypeName(tensor->dtype);
  mlc::printTensorValues(os, *tensor, 16);
  return 0;
}
