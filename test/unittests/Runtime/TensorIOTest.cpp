//===- TensorIOTest.cpp - Tests for .npy and TensorProto file I/O ---------===//

#include "mlc/Runtime/TensorIO.h"
#include "mlc/Runtime/TensorPrint.h"

// onnx_pb.h defines ONNX_API before including onnx-ml.pb.h.
#include "onnx/onnx-data_pb.h"
#include "onnx/onnx_pb.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace llvm;
using namespace mlc;

namespace {

/// Gives each test a fresh directory, removed afterwards.
class TensorIOTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(sys::fs::createUniqueDirectory("mlc-tensorio-test", dir));
  }
  void TearDown() override { sys::fs::remove_directories(dir); }

  std::string pathFor(StringRef name) {
    SmallString<128> path(dir);
    sys::path::append(path, name);
    return path.str().str();
  }

  std::string writeBytes(StringRef name, StringRef bytes) {
    std::string path = pathFor(name);
    std::error_code ec;
    raw_fd_ostream os(path, ec);
    EXPECT_FALSE(ec);
    os << bytes;
    return path;
  }

  std::string writeProto(StringRef name, const onnx::TensorProto &proto) {
    std::string bytes;
    EXPECT_TRUE(proto.SerializeToString(&bytes));
    return writeBytes(name, bytes);
  }

  /// Reads `path`, which must fail, and returns the message.
  std::string readError(StringRef path) {
    Expected<HostTensor> tensor = readTensorFile(path);
    if (tensor) {
      ADD_FAILURE() << "reading '" << path.str() << "' succeeded";
      return "";
    }
    return toString(tensor.takeError());
  }

  SmallString<128> dir;
};

template <typename T>
HostTensor makeTensor(mlc_dtype dtype, ArrayRef<int64_t> shape,
                      ArrayRef<T> values, StringRef name = "t") {
  HostTensor tensor;
  tensor.name = name.str();
  tensor.dtype = dtype;
  tensor.shape.assign(shape.begin(), shape.end());
  tensor.data.resize(values.size() * sizeof(T));
  if (!values.empty())
    std::memcpy(tensor.data.data(), values.data(), tensor.data.size());
  return tensor;
}

/// One tensor of every dtype, with values that exercise sign and width.
std::vector<HostTensor> makeSamples() {
  std::vector<HostTensor> samples;
  samples.push_back(makeTensor<float>(MLC_DTYPE_F32, {2, 3},
                                      {1.5f, -2, 0, 3.25f, 1e-8f, -1e8f}));
  samples.push_back(makeTensor<double>(MLC_DTYPE_F64, {3}, {0.1, -0.2, 1e300}));
  samples.push_back(
      makeTensor<uint16_t>(MLC_DTYPE_F16, {2}, {0x3c00, 0xc000})); // 1, -2
  samples.push_back(makeTensor<int8_t>(MLC_DTYPE_I8, {4}, {-128, -1, 0, 127}));
  samples.push_back(
      makeTensor<uint8_t>(MLC_DTYPE_U8, {2, 2}, {0, 1, 200, 255}));
  samples.push_back(makeTensor<int16_t>(MLC_DTYPE_I16, {2}, {-32768, 32767}));
  samples.push_back(makeTensor<uint16_t>(MLC_DTYPE_U16, {2}, {0, 65535}));
  samples.push_back(
      makeTensor<int32_t>(MLC_DTYPE_I32, {1, 1, 3}, {-7, 0, 2147483647}));
  samples.push_back(makeTensor<uint32_t>(MLC_DTYPE_U32, {1}, {4294967295u}));
  samples.push_back(makeTensor<int64_t>(
      MLC_DTYPE_I64, {2}, {-9223372036854775807LL, 9000000000LL}));
  samples.push_back(
      makeTensor<uint64_t>(MLC_DTYPE_U64, {1}, {18446744073709551615ULL}));
  samples.push_back(makeTensor<uint8_t>(MLC_DTYPE_BOOL, {3}, {1, 0, 1}));
  samples.push_back(makeTensor<float>(MLC_DTYPE_F32, {}, {42.0f})); // scalar
  samples.push_back(makeTensor<float>(MLC_DTYPE_F32, {0, 4}, {}));  // empty
  return samples;
}

void expectSameTensor(const HostTensor &actual, const HostTensor &expected) {
  EXPECT_EQ(actual.dtype, expected.dtype);
  EXPECT_EQ(ArrayRef<int64_t>(actual.shape), ArrayRef<int64_t>(expected.shape));
  EXPECT_EQ(actual.data, expected.data);
}

TEST_F(TensorIOTest, DTypeNamesAndSizes) {
  EXPECT_EQ(getDTypeName(MLC_DTYPE_F32), "f32");
  EXPECT_EQ(getDTypeName(MLC_DTYPE_BF16), "bf16");
  EXPECT_EQ(getDTypeName(MLC_DTYPE_BOOL), "bool");
  EXPECT_EQ(getDTypeName(MLC_DTYPE_U64), "u64");
  EXPECT_EQ(getDTypeSize(MLC_DTYPE_F16), 2u);
  EXPECT_EQ(getDTypeSize(MLC_DTYPE_I64), 8u);
  EXPECT_EQ(getDTypeSize(MLC_DTYPE_BOOL), 1u);
  EXPECT_TRUE(isSupportedDType(16));
  EXPECT_FALSE(isSupportedDType(8)); // string
  EXPECT_FALSE(isSupportedDType(0));
  EXPECT_FALSE(isSupportedDType(1000));
}

TEST_F(TensorIOTest, NpyRoundTrip) {
  for (const HostTensor &sample : makeSamples()) {
    SCOPED_TRACE(std::string(getDTypeName(sample.dtype)) +
                 formatShape(sample.shape));
    std::string path = pathFor("t.npy");
    ASSERT_FALSE(static_cast<bool>(writeNpyFile(path, sample)));
    Expected<HostTensor> read = readTensorFile(path);
    ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
    expectSameTensor(*read, sample);
    EXPECT_EQ(read->name, "");
  }
}

TEST_F(TensorIOTest, TensorProtoRoundTrip) {
  std::vector<HostTensor> samples = makeSamples();
  samples.push_back(makeTensor<uint16_t>(MLC_DTYPE_BF16, {2}, {0x3f80, 0}));
  for (const HostTensor &sample : samples) {
    SCOPED_TRACE(std::string(getDTypeName(sample.dtype)) +
                 formatShape(sample.shape));
    std::string path = pathFor("t.pb");
    ASSERT_FALSE(static_cast<bool>(writeTensorProtoFile(path, sample)));
    Expected<HostTensor> read = readTensorFile(path);
    ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
    expectSameTensor(*read, sample);
    EXPECT_EQ(read->name, "t");
  }
}

TEST_F(TensorIOTest, WritesRawDataAndName) {
  std::string path = pathFor("named.pb");
  ASSERT_FALSE(static_cast<bool>(writeTensorProtoFile(
      path, makeTensor<float>(MLC_DTYPE_F32, {2}, {1, 2}, "logits"))));
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer = MemoryBuffer::getFile(path);
  ASSERT_TRUE(static_cast<bool>(buffer));
  onnx::TensorProto proto;
  ASSERT_TRUE(proto.ParseFromString((*buffer)->getBuffer().str()));
  EXPECT_EQ(proto.name(), "logits");
  EXPECT_EQ(proto.data_type(), onnx::TensorProto::FLOAT);
  EXPECT_EQ(proto.dims_size(), 1);
  EXPECT_TRUE(proto.has_raw_data());
  EXPECT_EQ(proto.raw_data().size(), 8u);
  EXPECT_EQ(proto.float_data_size(), 0);
}

TEST_F(TensorIOTest, NpyHeaderMatchesNumpyLayout) {
  std::string path = pathFor("layout.npy");
  ASSERT_FALSE(static_cast<bool>(writeNpyFile(
      path, makeTensor<float>(MLC_DTYPE_F32, {2, 3}, {0, 1, 2, 3, 4, 5}))));
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer = MemoryBuffer::getFile(path);
  ASSERT_TRUE(static_cast<bool>(buffer));
  StringRef bytes = (*buffer)->getBuffer();
  // numpy aligns the data to 64 bytes: a 128-byte header, then 24 bytes.
  ASSERT_EQ(bytes.size(), 128u + 24u);
  EXPECT_TRUE(bytes.starts_with(StringRef("\x93NUMPY\x01\x00", 8)));
  StringRef header = bytes.slice(10, 128);
  EXPECT_TRUE(header.starts_with(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"));
  EXPECT_TRUE(header.ends_with(" \n"));

  ASSERT_FALSE(static_cast<bool>(writeNpyFile(
      path, makeTensor<int64_t>(MLC_DTYPE_I64, {5}, {1, 2, 3, 4, 5}))));
  buffer = MemoryBuffer::getFile(path);
  ASSERT_TRUE(static_cast<bool>(buffer));
  EXPECT_NE((*buffer)->getBuffer().find("'shape': (5,), }"), StringRef::npos);
}

TEST_F(TensorIOTest, ReadsNpyVersionsAndSpellings) {
  // Hand-written headers: version 2.0 with a 4-byte length, '=' byte order,
  // double quotes, keys in another order, and no trailing comma.
  std::string dict =
      "{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"=i4\"}\n";
  std::string v2("\x93NUMPY\x02\x00", 8);
  uint32_t length = dict.size();
  v2.append(reinterpret_cast<const char *>(&length), 4);
  v2 += dict;
  int32_t values[] = {7, -9};
  v2.append(reinterpret_cast<const char *>(values), sizeof(values));
  Expected<HostTensor> read = readTensorFile(writeBytes("v2.npy", v2));
  ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
  expectSameTensor(*read, makeTensor<int32_t>(MLC_DTYPE_I32, {2}, {7, -9}));

  std::string v3 = v2;
  v3[6] = 3;
  read = readTensorFile(writeBytes("v3.npy", v3));
  ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
  EXPECT_EQ(read->dtype, MLC_DTYPE_I32);
}

TEST_F(TensorIOTest, ReadsTypedFields) {
  onnx::TensorProto floats;
  floats.set_name("f");
  floats.set_data_type(onnx::TensorProto::FLOAT);
  floats.add_dims(2);
  floats.add_float_data(1.5f);
  floats.add_float_data(-3.0f);
  Expected<HostTensor> read = readTensorFile(writeProto("f.pb", floats));
  ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
  EXPECT_EQ(read->name, "f");
  expectSameTensor(*read, makeTensor<float>(MLC_DTYPE_F32, {2}, {1.5f, -3.0f}));

  onnx::TensorProto longs;
  longs.set_data_type(onnx::TensorProto::INT64);
  longs.add_dims(1);
  longs.add_dims(2);
  longs.add_int64_data(-5);
  longs.add_int64_data(1LL << 40);
  read = readTensorFile(writeProto("i64.pb", longs));
  ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
  expectSameTensor(*read,
                   makeTensor<int64_t>(MLC_DTYPE_I64, {1, 2}, {-5, 1LL << 40}));

  // int8 values travel in int32_data.
  onnx::TensorProto bytes;
  bytes.set_data_type(onnx::TensorProto::INT8);
  bytes.add_dims(3);
  bytes.add_int32_data(-128);
  bytes.add_int32_data(-1);
  bytes.add_int32_data(127);
  read = readTensorFile(writeProto("i8.pb", bytes));
  ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
  expectSameTensor(*read,
                   makeTensor<int8_t>(MLC_DTYPE_I8, {3}, {-128, -1, 127}));

  // So do f16 bit patterns and bools.
  onnx::TensorProto halves;
  halves.set_data_type(onnx::TensorProto::FLOAT16);
  halves.add_dims(2);
  halves.add_int32_data(0x3c00);
  halves.add_int32_data(0xc000);
  read = readTensorFile(writeProto("f16.pb", halves));
  ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
  expectSameTensor(*read,
                   makeTensor<uint16_t>(MLC_DTYPE_F16, {2}, {0x3c00, 0xc000}));

  onnx::TensorProto bools;
  bools.set_data_type(onnx::TensorProto::BOOL);
  bools.add_dims(2);
  bools.add_int32_data(1);
  bools.add_int32_data(0);
  read = readTensorFile(writeProto("bool.pb", bools));
  ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
  expectSameTensor(*read, makeTensor<uint8_t>(MLC_DTYPE_BOOL, {2}, {1, 0}));

  onnx::TensorProto doubles;
  doubles.set_data_type(onnx::TensorProto::DOUBLE);
  doubles.add_double_data(2.5); // A scalar: no dims.
  read = readTensorFile(writeProto("f64.pb", doubles));
  ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
  expectSameTensor(*read, makeTensor<double>(MLC_DTYPE_F64, {}, {2.5}));

  onnx::TensorProto unsigneds;
  unsigneds.set_data_type(onnx::TensorProto::UINT32);
  unsigneds.add_dims(1);
  unsigneds.add_uint64_data(4000000000u);
  read = readTensorFile(writeProto("u32.pb", unsigneds));
  ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
  expectSameTensor(*read,
                   makeTensor<uint32_t>(MLC_DTYPE_U32, {1}, {4000000000u}));
}

TEST_F(TensorIOTest, MalformedTensorProtos) {
  EXPECT_NE(readError(pathFor("missing.pb")).find("missing.pb"),
            std::string::npos);
  // An empty file is a valid empty message, whose data_type is UNDEFINED.
  EXPECT_NE(readError(writeBytes("empty.pb", "")).find("data_type 0"),
            std::string::npos);
  EXPECT_NE(readError(writeBytes("garbage.pb", "\xff\xff\xff\xff garbage"))
                .find("not a .npy file nor a valid ONNX TensorProto"),
            std::string::npos);

  onnx::TensorProto proto;
  proto.set_data_type(onnx::TensorProto::FLOAT);
  proto.add_dims(4);
  proto.set_raw_data(std::string(12, '\0'));
  EXPECT_NE(readError(writeProto("short.pb", proto)).find("raw_data has 12"),
            std::string::npos);

  proto.clear_raw_data();
  proto.add_float_data(1);
  EXPECT_NE(readError(writeProto("few.pb", proto)).find("float_data has 1"),
            std::string::npos);

  proto.clear_dims();
  proto.add_dims(-1);
  EXPECT_NE(readError(writeProto("negative.pb", proto)).find("invalid"),
            std::string::npos);

  proto.clear_dims();
  proto.add_dims(1LL << 40);
  proto.add_dims(1LL << 40);
  EXPECT_NE(readError(writeProto("huge.pb", proto)).find("invalid"),
            std::string::npos);

  onnx::TensorProto strings;
  strings.set_data_type(onnx::TensorProto::STRING);
  strings.add_string_data("a");
  EXPECT_NE(readError(writeProto("string.pb", strings)).find("data_type 8"),
            std::string::npos);

  onnx::TensorProto external;
  external.set_data_type(onnx::TensorProto::FLOAT);
  external.set_data_location(onnx::TensorProto::EXTERNAL);
  EXPECT_NE(readError(writeProto("external.pb", external)).find("external"),
            std::string::npos);
}

TEST_F(TensorIOTest, MalformedNpyFiles) {
  auto npy = [](StringRef dict, StringRef data) {
    std::string bytes("\x93NUMPY\x01\x00", 8);
    uint16_t length = dict.size();
    bytes.append(reinterpret_cast<const char *>(&length), 2);
    return bytes + dict.str() + data.str();
  };
  EXPECT_NE(
      readError(writeBytes("trunc.npy", "\x93NUMPY\x01")).find("truncated"),
      std::string::npos);
  EXPECT_NE(
      readError(writeBytes("v9.npy", std::string("\x93NUMPY\x09\x00\0\0", 10)))
          .find("version 9"),
      std::string::npos);
  std::string longHeader("\x93NUMPY\x01\x00\xff\x00{}", 12);
  EXPECT_NE(readError(writeBytes("long.npy", longHeader)).find("truncated"),
            std::string::npos);
  EXPECT_NE(
      readError(
          writeBytes(
              "fortran.npy",
              npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }",
                  StringRef("\0\0\0\0", 4))))
          .find("fortran_order"),
      std::string::npos);
  EXPECT_NE(
      readError(
          writeBytes(
              "big.npy",
              npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
                  StringRef("\0\0\0\0", 4))))
          .find("unsupported .npy dtype '>f4'"),
      std::string::npos);
  EXPECT_NE(
      readError(
          writeBytes(
              "object.npy",
              npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }",
                  "12345678")))
          .find("unsupported .npy dtype"),
      std::string::npos);
  EXPECT_NE(
      readError(
          writeBytes(
              "size.npy",
              npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                  StringRef("\0\0\0\0", 4))))
          .find("does not match 4 data bytes"),
      std::string::npos);
  EXPECT_NE(readError(writeBytes("huge.npy",
                                 npy("{'descr': '<f8', 'fortran_order': False, "
                                     "'shape': (4294967296, 4294967296), }",
                                     "")))
                .find("does not match"),
            std::string::npos);
  EXPECT_NE(readError(writeBytes("struct.npy",
                                 npy("{'descr': [('a', '<f4')], "
                                     "'fortran_order': False, 'shape': (1,), }",
                                     "")))
                .find("structured"),
            std::string::npos);
  for (StringRef dict :
       {"", "{", "{'descr': '<f4'", "{'descr' '<f4'}",
        "{'descr': '<f4', 'fortran_order': False}",
        "{'descr': '<f4', 'fortran_order': Maybe, 'shape': ()}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (a,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1 2)}",
        "{'extra': 1}"}) {
    SCOPED_TRACE(dict.str());
    EXPECT_NE(readError(writeBytes("bad.npy", npy(dict, "")))
                  .find("malformed .npy header"),
              std::string::npos);
  }
}

TEST_F(TensorIOTest, RejectsInconsistentWrites) {
  HostTensor bf16 = makeTensor<uint16_t>(MLC_DTYPE_BF16, {1}, {0});
  Error err = writeNpyFile(pathFor("bf16.npy"), bf16);
  ASSERT_TRUE(static_cast<bool>(err));
  EXPECT_NE(toString(std::move(err)).find("bf16 has no .npy dtype"),
            std::string::npos);

  HostTensor bad = makeTensor<float>(MLC_DTYPE_F32, {3}, {1, 2});
  err = writeTensorProtoFile(pathFor("bad.pb"), bad);
  ASSERT_TRUE(static_cast<bool>(err));
  EXPECT_NE(toString(std::move(err)).find("needs 12 bytes"), std::string::npos);

  err = writeNpyFile(pathFor("no/such/dir/x.npy"),
                     makeTensor<float>(MLC_DTYPE_F32, {1}, {1}));
  ASSERT_TRUE(static_cast<bool>(err));
  consumeError(std::move(err));
}

TEST_F(TensorIOTest, PrintsShapesAndValues) {
  EXPECT_EQ(formatShape({}), "[]");
  EXPECT_EQ(formatShape({1, 10}), "[1,10]");

  auto print = [](const HostTensor &tensor, size_t maxValues) {
    std::string text;
    raw_string_ostream os(text);
    printTensorValues(os, tensor, maxValues);
    return text;
  };
  HostTensor floats =
      makeTensor<float>(MLC_DTYPE_F32, {4}, {0.1234f, -0.5f, 3, 1e-7f});
  EXPECT_EQ(print(floats, 10), "0.1234 -0.5 3 1e-07");
  EXPECT_EQ(print(floats, 2), "0.1234 -0.5 ...");
  EXPECT_EQ(print(floats, 0), "...");
  EXPECT_EQ(
      print(makeTensor<uint16_t>(MLC_DTYPE_F16, {2}, {0x3c00, 0xc000}), 8),
      "1 -2");
  EXPECT_EQ(print(makeTensor<uint16_t>(MLC_DTYPE_BF16, {1}, {0x3fc0}), 8),
            "1.5");
  EXPECT_EQ(print(makeTensor<int8_t>(MLC_DTYPE_I8, {2}, {-3, 4}), 8), "-3 4");
  EXPECT_EQ(print(makeTensor<uint8_t>(MLC_DTYPE_BOOL, {2}, {1, 0}), 8), "1 0");
  EXPECT_EQ(
      print(makeTensor<uint64_t>(MLC_DTYPE_U64, {1}, {18446744073709551615ULL}),
            8),
      "18446744073709551615");
  EXPECT_EQ(print(makeTensor<float>(MLC_DTYPE_F32, {0}, {}), 8), "");
}

} // namespace

namespace {

// 4-bit types are one byte per element in memory (low nibble) and packed two
// per byte, low nibble first, in files; float8 is one bit pattern per byte.
TEST_F(TensorIOTest, SubByteAndFloat8Types) {
  EXPECT_EQ(getDTypeSize(MLC_DTYPE_I4), 1u);
  EXPECT_EQ(getDTypeSize(MLC_DTYPE_F8E5M2FNUZ), 1u);
  EXPECT_EQ(getDTypeName(MLC_DTYPE_F4E2M1), "f4e2m1");

  // int4 {1, -2, 7}: in memory 0x01 0x0E 0x07; on disk 0xE1 0x07.
  HostTensor i4 = makeTensor<uint8_t>(MLC_DTYPE_I4, {3}, {0x01, 0x0E, 0x07});
  std::string path = pathFor("i4.pb");
  ASSERT_FALSE(static_cast<bool>(writeTensorProtoFile(path, i4)));
  auto buffer = MemoryBuffer::getFile(path);
  ASSERT_TRUE(static_cast<bool>(buffer));
  onnx::TensorProto proto;
  ASSERT_TRUE(proto.ParseFromString((*buffer)->getBuffer().str()));
  EXPECT_EQ(proto.data_type(), 22);
  EXPECT_EQ(proto.raw_data(), std::string("\xE1\x07", 2));
  Expected<HostTensor> read = readTensorFile(path);
  ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
  expectSameTensor(*read, i4);

  // Packed bytes in int32_data (uint4 {15, 0, 3, 8}) and float8 bit patterns.
  onnx::TensorProto u4;
  u4.set_data_type(21);
  u4.add_dims(2);
  u4.add_dims(2);
  u4.add_int32_data(0x0F);
  u4.add_int32_data(0x83);
  read = readTensorFile(writeProto("u4.pb", u4));
  ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
  expectSameTensor(*read, makeTensor<uint8_t>(MLC_DTYPE_U4, {2, 2},
                                              {0x0F, 0x00, 0x03, 0x08}));
  onnx::TensorProto f8;
  f8.set_data_type(17);
  f8.add_dims(2);
  f8.add_int32_data(0x38);
  f8.add_int32_data(0x7F);
  read = readTensorFile(writeProto("f8.pb", f8));
  ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
  expectSameTensor(*read,
                   makeTensor<uint8_t>(MLC_DTYPE_F8E4M3FN, {2}, {0x38, 0x7F}));
  std::string text;
  raw_string_ostream os(text);
  printTensorValues(os, *read, 4);
  EXPECT_EQ(text, "1 nan");

  // A packed size that does not match the shape is an error.
  u4.add_int32_data(0);
  EXPECT_NE(readError(writeProto("bad.pb", u4)).find("packed bytes"),
            std::string::npos);
  // No .npy dtype.
  EXPECT_TRUE(static_cast<bool>(writeNpyFile(pathFor("i4.npy"), i4)));
}

} // namespace

TEST_F(TensorIOTest, SequenceAndOptionalRoundTrip) {
  std::vector<HostTensor> samples = makeSamples();
  std::vector<HostTensor> elements = {samples[0], samples[12], samples[13]};
  struct Case {
    mlc_value_kind kind;
    bool present;
    std::vector<HostTensor> tensors;
  };
  std::vector<Case> cases = {
      {MLC_VALUE_SEQUENCE, true, elements},
      {MLC_VALUE_SEQUENCE, true, {}},
      {MLC_VALUE_OPTIONAL_TENSOR, true, {samples[3]}},
      {MLC_VALUE_OPTIONAL_TENSOR, false, {}},
      {MLC_VALUE_OPTIONAL_SEQUENCE, true, elements},
      {MLC_VALUE_OPTIONAL_SEQUENCE, false, {}},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(std::to_string(c.kind) + (c.present ? " present" : " absent"));
    HostValue value;
    value.kind = c.kind;
    value.present = c.present;
    value.tensors = c.tensors;
    std::string path = pathFor("v.pb");
    ASSERT_FALSE(static_cast<bool>(writeValueProtoFile(path, "v", value)));
    Expected<HostValue> read = readValueFile(path, c.kind);
    ASSERT_TRUE(static_cast<bool>(read)) << toString(read.takeError());
    EXPECT_EQ(read->kind, c.kind);
    EXPECT_EQ(read->present, c.present);
    ASSERT_EQ(read->tensors.size(), c.tensors.size());
    for (auto [got, want] : llvm::zip(read->tensors, c.tensors))
      expectSameTensor(got, want);
  }
}

TEST_F(TensorIOTest, MalformedSequencesAndOptionals) {
  auto readValueError = [&](StringRef path, mlc_value_kind kind) {
    Expected<HostValue> value = readValueFile(path, kind);
    if (value) {
      ADD_FAILURE() << "reading '" << path.str() << "' succeeded";
      return std::string();
    }
    return toString(value.takeError());
  };
  // A .npy file holds a tensor only.
  std::string npy = pathFor("t.npy");
  ASSERT_FALSE(static_cast<bool>(writeNpyFile(npy, makeSamples()[0])));
  EXPECT_NE(readValueError(npy, MLC_VALUE_SEQUENCE)
                .find("this input is a "
                      "sequence"),
            std::string::npos);
  EXPECT_NE(readValueError(writeBytes("garbage.pb", "\xff\xff\xff garbage"),
                           MLC_VALUE_OPTIONAL_TENSOR)
                .find("not a valid ONNX OptionalProto"),
            std::string::npos);
  // An optional holding a sequence where a tensor is expected.
  HostValue sequence;
  sequence.kind = MLC_VALUE_OPTIONAL_SEQUENCE;
  sequence.tensors = {makeSamples()[0]};
  std::string path = pathFor("opt.pb");
  ASSERT_FALSE(static_cast<bool>(writeValueProtoFile(path, "o", sequence)));
  EXPECT_NE(readValueError(path, MLC_VALUE_OPTIONAL_TENSOR)
                .find("does not hold a tensor"),
            std::string::npos);
  // A malformed element names its index.
  onnx::TensorProto bad;
  bad.set_data_type(onnx::TensorProto::FLOAT);
  bad.add_dims(4);
  bad.set_raw_data(std::string(12, '\0'));
  onnx::SequenceProto proto;
  proto.set_elem_type(onnx::SequenceProto::TENSOR);
  *proto.add_tensor_values() = bad;
  std::string bytes;
  ASSERT_TRUE(proto.SerializeToString(&bytes));
  std::string message =
      readValueError(writeBytes("seq.pb", bytes), MLC_VALUE_SEQUENCE);
  EXPECT_NE(message.find("element 0"), std::string::npos) << message;
  EXPECT_NE(message.find("raw_data has 12"), std::string::npos) << message;
}
