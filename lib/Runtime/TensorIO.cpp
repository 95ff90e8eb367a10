//===- TensorIO.cpp - Host tensors and their file formats -----------------===//
//
// Reads and writes HostTensor as ONNX TensorProto and numpy `.npy` files.
// Every size read from a file is checked before it is trusted, so malformed
// files give an llvm::Error rather than a crash or a huge allocation.
//
//===----------------------------------------------------------------------===//

#include "mlc/Runtime/TensorIO.h"

// onnx_pb.h defines ONNX_API before including onnx-ml.pb.h.
#include "onnx/onnx_pb.h"
// SequenceProto and OptionalProto.
#include "onnx/onnx-data_pb.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <climits>
#include <cstring>
#include <optional>

using namespace llvm;

namespace mlc {

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

bool isSupportedDType(int32_t code) {
  switch (code) {
  case MLC_DTYPE_F32:
  case MLC_DTYPE_U8:
  case MLC_DTYPE_I8:
  case MLC_DTYPE_U16:
  case MLC_DTYPE_I16:
  case MLC_DTYPE_I32:
  case MLC_DTYPE_I64:
  case MLC_DTYPE_BOOL:
  case MLC_DTYPE_F16:
  case MLC_DTYPE_F64:
  case MLC_DTYPE_U32:
  case MLC_DTYPE_U64:
  case MLC_DTYPE_BF16:
  case MLC_DTYPE_F8E4M3FN:
  case MLC_DTYPE_F8E4M3FNUZ:
  case MLC_DTYPE_F8E5M2:
  case MLC_DTYPE_F8E5M2FNUZ:
  case MLC_DTYPE_U4:
  case MLC_DTYPE_I4:
  case MLC_DTYPE_F4E2M1:
    return true;
  }
  return false;
}

size_t getDTypeSize(mlc_dtype dtype) {
  switch (dtype) {
  case MLC_DTYPE_U8:
  case MLC_DTYPE_I8:
  case MLC_DTYPE_BOOL:
  case MLC_DTYPE_F8E4M3FN:
  case MLC_DTYPE_F8E4M3FNUZ:
  case MLC_DTYPE_F8E5M2:
  case MLC_DTYPE_F8E5M2FNUZ:
  case MLC_DTYPE_U4: // 4-bit types: one byte each in memory (mlc_runtime.h)
  case MLC_DTYPE_I4:
  case MLC_DTYPE_F4E2M1:
    return 1;
  case MLC_DTYPE_U16:
  case MLC_DTYPE_I16:
  case MLC_DTYPE_F16:
  case MLC_DTYPE_BF16:
    return 2;
  case MLC_DTYPE_F32:
  case MLC_DTYPE_I32:
  case MLC_DTYPE_U32:
    return 4;
  case MLC_DTYPE_I64:
  case MLC_DTYPE_F64:
  case MLC_DTYPE_U64:
    return 8;
  }
  return 0;
}

StringRef getDTypeName(mlc_dtype dtype) {
  switch (dtype) {
  case MLC_DTYPE_F32:
    return "f32";
  case MLC_DTYPE_U8:
    return "u8";
  case MLC_DTYPE_I8:
    return "i8";
  case MLC_DTYPE_U16:
    return "u16";
  case MLC_DTYPE_I16:
    return "i16";
  case MLC_DTYPE_I32:
    return "i32";
  case MLC_DTYPE_I64:
    return "i64";
  case MLC_DTYPE_BOOL:
    return "bool";
  case MLC_DTYPE_F16:
    return "f16";
  case MLC_DTYPE_F64:
    return "f64";
  case MLC_DTYPE_U32:
    return "u32";
  case MLC_DTYPE_U64:
    return "u64";
  case MLC_DTYPE_BF16:
    return "bf16";
  case MLC_DTYPE_F8E4M3FN:
    return "f8e4m3fn";
  case MLC_DTYPE_F8E4M3FNUZ:
    return "f8e4m3fnuz";
  case MLC_DTYPE_F8E5M2:
    return "f8e5m2";
  case MLC_DTYPE_F8E5M2FNUZ:
    return "f8e5m2fnuz";
  case MLC_DTYPE_U4:
    return "u4";
  case MLC_DTYPE_I4:
    return "i4";
  case MLC_DTYPE_F4E2M1:
    return "f4e2m1";
  }
  return "unknown";
}

/// What zero-size tensors point at; never read or written through.
static char emptyTensorData[8];

const void *HostTensor::getDataPointer() const {
  return data.empty() ? emptyTensorData : data.data();
}

void *HostTensor::getDataPointer() {
  return data.empty() ? emptyTensorData : data.data();
}

size_t HostTensor::numElements() const {
  size_t n = 1;
  for (int64_t dim : shape)
    n *= static_cast<size_t>(dim);
  return n;
}

std::optional<size_t> getCheckedByteSize(ArrayRef<int64_t> shape,
                                         mlc_dtype dtype) {
  uint64_t bytes = getDTypeSize(dtype);
  for (int64_t dim : shape) {
    if (dim < 0)
      return std::nullopt;
    std::optional<uint64_t> product =
        checkedMulUnsigned<uint64_t>(bytes, static_cast<uint64_t>(dim));
    if (!product)
      return std::nullopt;
    bytes = *product;
  }
  if (bytes > SIZE_MAX)
    return std::nullopt;
  return static_cast<size_t>(bytes);
}

static Error makeFileError(StringRef path, const Twine &message) {
  return createStringError("'" + path + "': " + message);
}

/// Checks that the tensor's buffer matches its shape before it is written.
static Error checkConsistent(StringRef path, const HostTensor &tensor) {
  if (!isSupportedDType(tensor.dtype))
    return makeFileError(path, "cannot write a tensor of unsupported dtype " +
                                   Twine(static_cast<int>(tensor.dtype)));
  std::optional<size_t> bytes = getCheckedByteSize(tensor.shape, tensor.dtype);
  if (!bytes || *bytes != tensor.data.size())
    return makeFileError(
        path, "cannot write tensor: shape " + formatShape(tensor.shape) +
                  " of " + getDTypeName(tensor.dtype) + " needs " +
                  (bytes ? Twine(*bytes) : Twine("too many")) +
                  " bytes, buffer has " + Twine(tensor.data.size()));
  return Error::success();
}

static Error writeBytes(StringRef path, StringRef header, StringRef payload) {
  Error err = writeToOutput(path, [&](raw_ostream &os) {
    os << header << payload;
    return Error::success();
  });
  if (err)
    return makeFileError(path, "cannot write: " + toString(std::move(err)));
  return Error::success();
}

//===----------------------------------------------------------------------===//
// numpy .npy
//===----------------------------------------------------------------------===//

static constexpr StringLiteral kNpyMagic("\x93NUMPY");

namespace {
/// The fields of a `.npy` header, which is a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
struct NpyHeader {
  std::string descr;
  bool fortranOrder = false;
  SmallVector<int64_t> shape;
};

/// Parses the small subset of Python literal syntax that numpy writes.
class NpyHeaderParser {
public:
  explicit NpyHeaderParser(StringRef text) : rest(text) {}

  Expected<NpyHeader> parse() {
    NpyHeader header;
    bool seenDescr = false, seenOrder = false, seenShape = false;
    if (!consume('{'))
      return fail("expected '{'");
    while (!consume('}')) {
      std::string key;
      if (!parseString(key))
        return fail("expected a quoted key");
      if (!consume(':'))
        return fail("expected ':' after '" + key + "'");
      if (key == "descr") {
        if (peek() == '[')
          return fail("structured dtypes are not supported");
        if (!parseString(header.descr))
          return fail("expected a string for 'descr'");
        seenDescr = true;
      } else if (key == "fortran_order") {
        if (consume("True"))
          header.fortranOrder = true;
        else if (consume("False"))
          header.fortranOrder = false;
        else
          return fail("expected True or False for 'fortran_order'");
        seenOrder = true;
      } else if (key == "shape") {
        if (!parseShape(header.shape))
          return fail("expected a tuple of integers for 'shape'");
        seenShape = true;
      } else {
        return fail("unexpected key '" + key + "'");
      }
      if (!consume(',') && peek() != '}')
        return fail("expected ',' or '}'");
    }
    if (!seenDescr || !seenOrder || !seenShape)
      return fail("missing 'descr', 'fortran_order' or 'shape'");
    return header;
  }

private:
  StringRef rest;

  Error fail(const Twine &message) {
    return createStringError("malformed .npy header: " + message);
  }
  void skipSpace() { rest = rest.ltrim(" \t\r\n"); }
  char peek() {
    skipSpace();
    return rest.empty() ? '\0' : rest.front();
  }
  bool consume(StringRef token) {
    skipSpace();
    return rest.consume_front(token);
  }
  bool consume(char c) { return consume(StringRef(&c, 1)); }
  bool parseString(std::string &out) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return false;
    size_t end = rest.find(quote, 1);
    if (end == StringRef::npos)
      return false;
    out = rest.slice(1, end).str();
    rest = rest.drop_front(end + 1);
    return true;
  }
  bool parseShape(SmallVectorImpl<int64_t> &shape) {
    if (!consume('('))
      return false;
    while (!consume(')')) {
      skipSpace();
      size_t digits = rest.find_first_not_of("0123456789");
      if (digits == 0)
        return false;
      int64_t dim;
      if (rest.take_front(digits).getAsInteger(10, dim))
        return false;
      shape.push_back(dim);
      rest = rest.drop_front(digits);
      // Python 2 wrote long integers with an `L` suffix.
      rest.consume_front("L");
      if (!consume(',') && peek() != ')')
        return false;
    }
    return true;
  }
};
} // namespace

/// Maps a numpy dtype string to an mlc_dtype. Only little-endian (or
/// byte-order-free single-byte) encodings are accepted.
static std::optional<mlc_dtype> getDTypeFromNpyDescr(StringRef descr) {
  if (descr.size() < 3)
    return std::nullopt;
  char order = descr.front();
  StringRef kind = descr.drop_front();
  bool oneByte = kind == "i1" || kind == "u1" || kind == "b1";
  // '=' is native order, little-endian on every host MLC targets.
  if (order != '<' && order != '=' &&
      !(oneByte && (order == '|' || order == '>')))
    return std::nullopt;
  return StringSwitch<std::optional<mlc_dtype>>(kind)
      .Case("f4", MLC_DTYPE_F32)
      .Case("f8", MLC_DTYPE_F64)
      .Case("f2", MLC_DTYPE_F16)
      .Case("i1", MLC_DTYPE_I8)
      .Case("u1", MLC_DTYPE_U8)
      .Case("i2", MLC_DTYPE_I16)
      .Case("u2", MLC_DTYPE_U16)
      .Case("i4", MLC_DTYPE_I32)
      .Case("u4", MLC_DTYPE_U32)
      .Case("i8", MLC_DTYPE_I64)
      .Case("u8", MLC_DTYPE_U64)
      .Case("b1", MLC_DTYPE_BOOL)
      .Default(std::nullopt);
}

static StringRef getNpyDescr(mlc_dtype dtype) {
  switch (dtype) {
  case MLC_DTYPE_F32:
    return "<f4";
  case MLC_DTYPE_F64:
    return "<f8";
  case MLC_DTYPE_F16:
    return "<f2";
  case MLC_DTYPE_I8:
    return "|i1";
  case MLC_DTYPE_U8:
    return "|u1";
  case MLC_DTYPE_I16:
    return "<i2";
  case MLC_DTYPE_U16:
    return "<u2";
  case MLC_DTYPE_I32:
    return "<i4";
  case MLC_DTYPE_U32:
    return "<u4";
  case MLC_DTYPE_I64:
    return "<i8";
  case MLC_DTYPE_U64:
    return "<u8";
  case MLC_DTYPE_BOOL:
    return "|b1";
  case MLC_DTYPE_BF16:
  case MLC_DTYPE_F8E4M3FN:
  case MLC_DTYPE_F8E4M3FNUZ:
  case MLC_DTYPE_F8E5M2:
  case MLC_DTYPE_F8E5M2FNUZ:
  case MLC_DTYPE_U4:
  case MLC_DTYPE_I4:
  case MLC_DTYPE_F4E2M1:
    return "";
  }
  return "";
}

static Expected<HostTensor> readNpy(StringRef path, StringRef bytes) {
  // Magic (6 bytes), version (2), then a 2-byte (v1) or 4-byte (v2, v3)
  // little-endian header length.
  if (bytes.size() < 10)
    return makeFileError(path, "truncated .npy file");
  uint8_t major = bytes[6];
  size_t lengthBytes;
  if (major == 1)
    lengthBytes = 2;
  else if (major == 2 || major == 3)
    lengthBytes = 4;
  else
    return makeFileError(path, "unsupported .npy version " +
                                   Twine(unsigned(major)) + "." +
                                   Twine(unsigned(uint8_t(bytes[7]))));
  size_t prefix = 8 + lengthBytes;
  if (bytes.size() < prefix)
    return makeFileError(path, "truncated .npy file");
  const char *lengthPtr = bytes.data() + 8;
  uint64_t headerLength = lengthBytes == 2
                              ? support::endian::read16le(lengthPtr)
                              : support::endian::read32le(lengthPtr);
  if (headerLength > bytes.size() - prefix)
    return makeFileError(path, "truncated .npy header");

  Expected<NpyHeader> header =
      NpyHeaderParser(bytes.substr(prefix, headerLength)).parse();
  if (!header)
    return makeFileError(path, toString(header.takeError()));
  if (header->fortranOrder)
    return makeFileError(path, "fortran_order arrays are not supported; save "
                               "a C-order array (numpy.ascontiguousarray)");
  std::optional<mlc_dtype> dtype = getDTypeFromNpyDescr(header->descr);
  if (!dtype)
    return makeFileError(path, "unsupported .npy dtype '" + header->descr +
                                   "' (expected a little-endian numeric or "
                                   "bool dtype)");

  HostTensor tensor;
  tensor.dtype = *dtype;
  tensor.shape = std::move(header->shape);
  std::optional<size_t> expected = getCheckedByteSize(tensor.shape, *dtype);
  StringRef payload = bytes.drop_front(prefix + headerLength);
  if (!expected || *expected != payload.size())
    return makeFileError(path, "shape " + formatShape(tensor.shape) + " of " +
                                   getDTypeName(*dtype) + " does not match " +
                                   Twine(payload.size()) + " data bytes");
  tensor.data.assign(payload.begin(), payload.end());
  return tensor;
}

Expected<HostTensor> readNpyBytes(StringRef path, StringRef bytes) {
  if (!bytes.starts_with(kNpyMagic))
    return makeFileError(path, "not a .npy array");
  return readNpy(path, bytes);
}

Error writeNpyFile(StringRef path, const HostTensor &tensor) {
  if (Error err = checkConsistent(path, tensor))
    return err;
  StringRef descr = getNpyDescr(tensor.dtype);
  if (descr.empty())
    return makeFileError(path, Twine(getDTypeName(tensor.dtype)) +
                                   " has no .npy dtype");

  std::string dict;
  raw_string_ostream dictOS(dict);
  dictOS << "{'descr': '" << descr << "', 'fortran_order': False, 'shape': (";
  for (int64_t dim : tensor.shape)
    dictOS << dim << (tensor.shape.size() == 1 ? "," : ", ");
  // A tuple of two or more drops the trailing ", " as numpy's repr does.
  if (tensor.shape.size() > 1)
    dict.resize(dict.size() - 2);
  dictOS << "), }";

  // numpy pads the header with spaces and a final newline so that the data
  // starts at a multiple of 64 bytes.
  auto paddedLength = [&](size_t prefix) {
    size_t unpadded = prefix + dict.size() + 1;
    return alignTo(unpadded, 64) - prefix;
  };
  uint8_t major = 1;
  size_t headerLength = paddedLength(10);
  if (headerLength > UINT16_MAX) {
    major = 2;
    headerLength = paddedLength(12);
  }
  std::string header(kNpyMagic);
  header.push_back(static_cast<char>(major));
  header.push_back(0);
  char lengthBytes[4];
  support::endian::write32le(lengthBytes, headerLength);
  header.append(lengthBytes, major == 1 ? 2 : 4);
  header += dict;
  header.append(headerLength - dict.size() - 1, ' ');
  header.push_back('\n');
  return writeBytes(path, header,
                    StringRef(tensor.data.data(), tensor.data.size()));
}

//===----------------------------------------------------------------------===//
// ONNX TensorProto
//===----------------------------------------------------------------------===//

/// Copies a typed repeated field into the tensor buffer, narrowing each value
/// to the element type: ONNX stores every small integer type, bool, f16 and
/// bf16 (as bit patterns) in int32_data.
template <typename ElemT, typename FieldT>
static void copyNarrowed(const FieldT &field, std::vector<char> &out) {
  out.resize(field.size() * sizeof(ElemT));
  char *dst = out.data();
  for (auto value : field) {
    ElemT elem = static_cast<ElemT>(value);
    std::memcpy(dst, &elem, sizeof(ElemT));
    dst += sizeof(ElemT);
  }
}

/// Reads the typed field that ONNX uses for `dtype`; returns the number of
/// values found and the field's name for messages.
static std::pair<size_t, StringRef>
copyTypedField(const onnx::TensorProto &proto, mlc_dtype dtype,
               std::vector<char> &out) {
  switch (dtype) {
  case MLC_DTYPE_F32:
    copyNarrowed<float>(proto.float_data(), out);
    return {proto.float_data_size(), "float_data"};
  case MLC_DTYPE_F64:
    copyNarrowed<double>(proto.double_data(), out);
    return {proto.double_data_size(), "double_data"};
  case MLC_DTYPE_I64:
    copyNarrowed<int64_t>(proto.int64_data(), out);
    return {proto.int64_data_size(), "int64_data"};
  case MLC_DTYPE_U32:
    copyNarrowed<uint32_t>(proto.uint64_data(), out);
    return {proto.uint64_data_size(), "uint64_data"};
  case MLC_DTYPE_U64:
    copyNarrowed<uint64_t>(proto.uint64_data(), out);
    return {proto.uint64_data_size(), "uint64_data"};
  case MLC_DTYPE_I32:
    copyNarrowed<int32_t>(proto.int32_data(), out);
    break;
  case MLC_DTYPE_I16:
    copyNarrowed<int16_t>(proto.int32_data(), out);
    break;
  case MLC_DTYPE_I8:
    copyNarrowed<int8_t>(proto.int32_data(), out);
    break;
  case MLC_DTYPE_U8:
  case MLC_DTYPE_F8E4M3FN: // float8: bit patterns
  case MLC_DTYPE_F8E4M3FNUZ:
  case MLC_DTYPE_F8E5M2:
  case MLC_DTYPE_F8E5M2FNUZ:
  case MLC_DTYPE_U4: // 4-bit types: packed bytes, unpacked by the caller
  case MLC_DTYPE_I4:
  case MLC_DTYPE_F4E2M1:
    copyNarrowed<uint8_t>(proto.int32_data(), out);
    break;
  case MLC_DTYPE_U16:
  case MLC_DTYPE_F16:
  case MLC_DTYPE_BF16:
    copyNarrowed<uint16_t>(proto.int32_data(), out);
    break;
  case MLC_DTYPE_BOOL:
    out.resize(proto.int32_data_size());
    for (int i = 0, e = proto.int32_data_size(); i < e; ++i)
      out[i] = proto.int32_data(i) != 0;
    break;
  }
  return {proto.int32_data_size(), "int32_data"};
}

static bool isFourBit(mlc_dtype dtype) {
  return dtype == MLC_DTYPE_U4 || dtype == MLC_DTYPE_I4 ||
         dtype == MLC_DTYPE_F4E2M1;
}

/// Unpacks `numElements` 4-bit codes, two per byte with the low nibble
/// first (ONNX), into one byte each with a zero high nibble (the ABI).
static std::vector<char> unpackNibbles(ArrayRef<char> packed,
                                       size_t numElements) {
  std::vector<char> out(numElements);
  for (size_t i = 0; i < numElements; ++i)
    out[i] = static_cast<char>(
        (static_cast<uint8_t>(packed[i / 2]) >> (i % 2 ? 4 : 0)) & 0xF);
  return out;
}

/// The inverse of unpackNibbles; only the low nibble of each element counts.
static std::string packNibbles(ArrayRef<char> unpacked) {
  std::string out((unpacked.size() + 1) / 2, '\0');
  for (size_t i = 0; i < unpacked.size(); ++i)
    out[i / 2] = static_cast<char>(
        static_cast<uint8_t>(out[i / 2]) |
        ((static_cast<uint8_t>(unpacked[i]) & 0xF) << (i % 2 ? 4 : 0)));
  return out;
}

static Expected<HostTensor> readTensorProto(StringRef path, StringRef bytes) {
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    return makeFileError(path, "TensorProto files over 2 GiB are not "
                               "supported");
  onnx::TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return makeFileError(path, "not a .npy file nor a valid ONNX TensorProto");
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    return makeFileError(path, "TensorProto with external data is not "
                               "supported");
  if (proto.has_segment())
    return makeFileError(path, "segmented TensorProto is not supported");
  if (!isSupportedDType(proto.data_type()))
    return makeFileError(path, "unsupported TensorProto data_type " +
                                   Twine(proto.data_type()));

  HostTensor tensor;
  tensor.name = proto.name();
  tensor.dtype = static_cast<mlc_dtype>(proto.data_type());
  tensor.shape.assign(proto.dims().begin(), proto.dims().end());
  std::optional<size_t> expected =
      getCheckedByteSize(tensor.shape, tensor.dtype);
  if (!expected)
    return makeFileError(path, "invalid TensorProto dims " +
                                   formatShape(tensor.shape));

  // 4-bit types are packed two per byte in raw_data and in int32_data.
  size_t numElements = *expected / getDTypeSize(tensor.dtype);
  if (isFourBit(tensor.dtype)) {
    std::vector<char> packed;
    size_t count;
    StringRef field = "raw_data";
    if (proto.has_raw_data()) {
      packed.assign(proto.raw_data().begin(), proto.raw_data().end());
      count = packed.size();
    } else {
      count = copyTypedField(proto, tensor.dtype, packed).first;
      field = "int32_data";
    }
    if (count != (numElements + 1) / 2)
      return makeFileError(path, Twine(field) + " has " + Twine(count) +
                                     " packed bytes, shape " +
                                     formatShape(tensor.shape) + " of " +
                                     getDTypeName(tensor.dtype) + " needs " +
                                     Twine((numElements + 1) / 2));
    tensor.data = unpackNibbles(packed, numElements);
    return tensor;
  }

  if (proto.has_raw_data()) {
    const std::string &raw = proto.raw_data();
    if (raw.size() != *expected)
      return makeFileError(
          path, "raw_data has " + Twine(raw.size()) + " bytes, shape " +
                    formatShape(tensor.shape) + " of " +
                    getDTypeName(tensor.dtype) + " needs " + Twine(*expected));
    tensor.data.assign(raw.begin(), raw.end());
    return tensor;
  }

  auto [count, field] = copyTypedField(proto, tensor.dtype, tensor.data);
  if (count != numElements)
    return makeFileError(
        path, Twine(field) + " has " + Twine(count) + " values, shape " +
                  formatShape(tensor.shape) + " needs " + Twine(numElements));
  return tensor;
}

/// `tensor` as a TensorProto with raw_data.
static void fillTensorProto(onnx::TensorProto &proto,
                            const HostTensor &tensor) {
  proto.set_name(tensor.name);
  proto.set_data_type(tensor.dtype);
  for (int64_t dim : tensor.shape)
    proto.add_dims(dim);
  if (isFourBit(tensor.dtype))
    proto.set_raw_data(packNibbles(tensor.data));
  else
    proto.set_raw_data(tensor.data.data(), tensor.data.size());
}

Error writeTensorProtoFile(StringRef path, const HostTensor &tensor) {
  if (Error err = checkConsistent(path, tensor))
    return err;
  onnx::TensorProto proto;
  fillTensorProto(proto, tensor);
  std::string bytes;
  if (!proto.SerializeToString(&bytes))
    return makeFileError(path, "cannot serialize TensorProto");
  return writeBytes(path, bytes, "");
}

//===----------------------------------------------------------------------===//
// Dispatch and printing
//===----------------------------------------------------------------------===//

Expected<HostTensor> readTensorFile(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer = MemoryBuffer::getFile(
      path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeFileError(path, buffer.getError().message());
  return readTensorBuffer((*buffer)->getBuffer(), path);
}

Expected<HostTensor> readTensorBuffer(StringRef bytes, StringRef path) {
  if (bytes.starts_with(kNpyMagic))
    return readNpy(path, bytes);
  return readTensorProto(path, bytes);
}

//===----------------------------------------------------------------------===//
// Sequences and optionals
//===----------------------------------------------------------------------===//

/// The tensors of a SequenceProto, which must hold tensors.
static Expected<std::vector<HostTensor>>
readSequenceProto(StringRef path, const onnx::SequenceProto &sequence) {
  if (sequence.elem_type() != onnx::SequenceProto::TENSOR &&
      !(sequence.elem_type() == onnx::SequenceProto::UNDEFINED &&
        sequence.tensor_values_size() == 0))
    return makeFileError(path, "a SequenceProto of elem_type " +
                                   Twine(sequence.elem_type()) +
                                   " (only sequences of tensors are "
                                   "supported)");
  std::vector<HostTensor> tensors;
  for (auto [i, element] : llvm::enumerate(sequence.tensor_values())) {
    std::string bytes;
    if (!element.SerializeToString(&bytes))
      return makeFileError(path, "cannot read sequence element " + Twine(i));
    Expected<HostTensor> tensor =
        readTensorProto((path + " element " + Twine(i)).str(), bytes);
    if (!tensor)
      return tensor.takeError();
    tensors.push_back(std::move(*tensor));
  }
  return tensors;
}

Expected<HostValue> readValueBuffer(StringRef bytes, StringRef path,
                                    mlc_value_kind kind) {
  HostValue value;
  value.kind = kind;
  if (kind == MLC_VALUE_TENSOR) {
    Expected<HostTensor> tensor = readTensorBuffer(bytes, path);
    if (!tensor)
      return tensor.takeError();
    value.tensors.push_back(std::move(*tensor));
    return value;
  }
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    return makeFileError(path, "files over 2 GiB are not supported");
  if (bytes.starts_with(kNpyMagic))
    return makeFileError(path, "a .npy file holds a tensor; this input is a " +
                                   Twine(kind == MLC_VALUE_SEQUENCE
                                             ? "sequence (SequenceProto)"
                                             : "optional (OptionalProto)"));
  if (kind == MLC_VALUE_SEQUENCE) {
    onnx::SequenceProto sequence;
    if (!sequence.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
      return makeFileError(path, "not a valid ONNX SequenceProto");
    Expected<std::vector<HostTensor>> tensors =
        readSequenceProto(path, sequence);
    if (!tensors)
      return tensors.takeError();
    value.tensors = std::move(*tensors);
    return value;
  }
  onnx::OptionalProto optional;
  if (!optional.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return makeFileError(path, "not a valid ONNX OptionalProto");
  bool ofSequence = kind == MLC_VALUE_OPTIONAL_SEQUENCE;
  if ((ofSequence && optional.has_tensor_value()) ||
      (!ofSequence && optional.has_sequence_value()) ||
      optional.has_map_value() || optional.has_optional_value())
    return makeFileError(path, Twine("an OptionalProto that does not hold ") +
                                   (ofSequence ? "a sequence" : "a tensor") +
                                   ", as this input does");
  value.present = optional.has_tensor_value() || optional.has_sequence_value();
  if (optional.has_tensor_value()) {
    std::string tensorBytes;
    if (!optional.tensor_value().SerializeToString(&tensorBytes))
      return makeFileError(path, "cannot read the optional's tensor");
    Expected<HostTensor> tensor = readTensorProto(path, tensorBytes);
    if (!tensor)
      return tensor.takeError();
    value.tensors.push_back(std::move(*tensor));
  } else if (optional.has_sequence_value()) {
    Expected<std::vector<HostTensor>> tensors =
        readSequenceProto(path, optional.sequence_value());
    if (!tensors)
      return tensors.takeError();
    value.tensors = std::move(*tensors);
  }
  return value;
}

Expected<HostValue> readValueFile(StringRef path, mlc_value_kind kind) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer = MemoryBuffer::getFile(
      path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeFileError(path, buffer.getError().message());
  return readValueBuffer((*buffer)->getBuffer(), path, kind);
}

Error writeValueProtoFile(StringRef path, StringRef name,
                          const HostValue &value) {
  if (value.kind == MLC_VALUE_TENSOR) {
    if (value.tensors.size() != 1)
      return makeFileError(path, "a tensor value holds one tensor");
    return writeTensorProtoFile(path, value.tensors.front());
  }
  for (const HostTensor &tensor : value.tensors)
    if (Error err = checkConsistent(path, tensor))
      return err;
  auto fillSequence = [&](onnx::SequenceProto &sequence) {
    sequence.set_name(name.str());
    sequence.set_elem_type(onnx::SequenceProto::TENSOR);
    for (const HostTensor &tensor : value.tensors) {
      onnx::TensorProto *element = sequence.add_tensor_values();
      fillTensorProto(*element, tensor);
      element->clear_name();
    }
  };
  std::string bytes;
  bool serialized;
  if (value.kind == MLC_VALUE_SEQUENCE) {
    onnx::SequenceProto sequence;
    fillSequence(sequence);
    serialized = sequence.SerializeToString(&bytes);
  } else {
    onnx::OptionalProto optional;
    optional.set_name(name.str());
    bool ofSequence = value.kind == MLC_VALUE_OPTIONAL_SEQUENCE;
    optional.set_elem_type(ofSequence ? onnx::OptionalProto::SEQUENCE
                                      : onnx::OptionalProto::TENSOR);
    if (value.present && ofSequence) {
      fillSequence(*optional.mutable_sequence_value());
      optional.mutable_sequence_value()->clear_name();
    } else if (value.present) {
      if (value.tensors.size() != 1)
        return makeFileError(path, "an optional tensor holds one tensor");
      fillTensorProto(*optional.mutable_tensor_value(), value.tensors.front());
      optional.mutable_tensor_value()->clear_name();
    }
    serialized = optional.SerializeToString(&bytes);
  }
  if (!serialized)
    return makeFileError(path, "cannot serialize the value");
  return writeBytes(path, bytes, "");
}

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, ",");
  os << "]";
  return text;
}

} // namespace mlc
