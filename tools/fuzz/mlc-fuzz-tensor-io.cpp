//===- mlc-fuzz-tensor-io.cpp - libFuzzer target: mlc-run's tensor readers ===//
//
// Bytes -> readTensorBuffer (.npy by its magic, else an ONNX TensorProto),
// as mlc-run reads its inputs and expected outputs, then printing the
// tensor as mlc-run does. Any input gives a tensor or an error.
//
//===----------------------------------------------------------------------===//

#include "mlc/Runtime/TensorIO.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::Expected<mlc::HostTensor> tensor = mlc::readTensorBuffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.pb");
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
