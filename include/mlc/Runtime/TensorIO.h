//===- TensorIO.h - Host tensors and their file formats ---------*- C++ -*-===//
//
// A dense host tensor as the runtime tools see it, and reading/writing it as
// an ONNX TensorProto (`.pb`) or a numpy array (`.npy`) file.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_RUNTIME_TENSORIO_H
#define MLC_RUNTIME_TENSORIO_H

#include "mlc/Runtime/mlc_runtime.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace mlc {

/// Returns true when `code` is one of the mlc_dtype values. Codes come from
/// files and artifacts, so they are checked before being cast to the enum.
bool isSupportedDType(int32_t code);

/// Returns the size in bytes of one element, or 0 for an unsupported dtype.
size_t getDTypeSize(mlc_dtype dtype);

/// Returns the short name used in messages: f32, f16, bf16, f64, i8, i16,
/// i32, i64, u8, u16, u32, u64, bool; "unknown" otherwise.
llvm::StringRef getDTypeName(mlc_dtype dtype);

/// Returns the byte size of a tensor of `shape` and `dtype`, or nullopt when a
/// dimension is negative or the size does not fit in size_t.
std::optional<size_t> getCheckedByteSize(llvm::ArrayRef<int64_t> shape,
                                         mlc_dtype dtype);

/// A dense, row-major tensor in host memory. `data` holds numBytes() bytes in
/// little-endian element order.
struct HostTensor {
  std::string name;
  mlc_dtype dtype = MLC_DTYPE_F32;
  llvm::SmallVector<int64_t> shape;
  std::vector<char> data;

  /// The buffer to hand to mlc_run, which rejects null pointers: never null,
  /// even for a zero-size tensor, whose empty vector may hold none.
  const void *getDataPointer() const;
  void *getDataPointer();

  /// Product of the dimensions (1 for a scalar).
  size_t numElements() const;
  size_t numBytes() const { return numElements() * getDTypeSize(dtype); }
};

/// Reads a `.npy` file (recognized by its magic bytes, whatever its name) or
/// else an ONNX TensorProto file. `.npy` files carry no name: it stays empty.
llvm::Expected<HostTensor> readTensorFile(llvm::StringRef path);

/// Reads the `.npy` array held in `bytes` (a member of an .npz archive, say);
/// `path` names it in errors.
llvm::Expected<HostTensor> readNpyBytes(llvm::StringRef path,
                                        llvm::StringRef bytes);
/// Reads a tensor from the bytes of such a file; `path` names it in errors.
/// (readTensorFile reads the file and calls it; the fuzzer feeds it bytes.)
llvm::Expected<HostTensor> readTensorBuffer(llvm::StringRef bytes,
                                            llvm::StringRef path);

/// Writes `tensor` as an ONNX TensorProto with its name and raw_data set.
llvm::Error writeTensorProtoFile(llvm::StringRef path,
                                 const HostTensor &tensor);

/// An ONNX graph value as a .pb file holds it: a TensorProto, a
/// SequenceProto of tensors, or an OptionalProto of either.
struct HostValue {
  mlc_value_kind kind = MLC_VALUE_TENSOR;
  /// False for an absent optional.
  bool present = true;
  /// The tensor, the sequence's elements, or the optional's value's.
  std::vector<HostTensor> tensors;
};

/// Reads `path` as a graph value of `kind`: a tensor as readTensorFile does;
/// a sequence from an ONNX SequenceProto; an optional from an OptionalProto
/// (of a tensor or of a sequence, as `kind` says).
llvm::Expected<HostValue> readValueFile(llvm::StringRef path,
                                        mlc_value_kind kind);
/// readValueFile from the bytes of such a file; `path` names it in errors.
llvm::Expected<HostValue> readValueBuffer(llvm::StringRef bytes,
                                          llvm::StringRef path,
                                          mlc_value_kind kind);

/// Writes `value`, named `name`, as the proto of its kind (TensorProto,
/// SequenceProto or OptionalProto), its tensors' data raw.
llvm::Error writeValueProtoFile(llvm::StringRef path, llvm::StringRef name,
                                const HostValue &value);

/// Writes `tensor` as a version 1.0 `.npy` file (2.0 if the header needs it).
/// bf16 has no numpy dtype and is rejected.
llvm::Error writeNpyFile(llvm::StringRef path, const HostTensor &tensor);

/// Formats a shape as `[1,10]` (`[]` for a scalar).
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace mlc

#endif // MLC_RUNTIME_TENSORIO_H
