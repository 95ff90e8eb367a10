//===- CompiledModelTest.cpp - Tests for loading and running artifacts ----===//
//
// Uses FakeModel.c, a hand-written implementation of the ABI, built as
// shared libraries whose paths come in as compile definitions.
//
//===----------------------------------------------------------------------===//

#include "mlc/Runtime/CompiledModel.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace llvm;
using namespace mlc;

namespace {

/// Consumes `err` and returns its message, or "" on success.
std::string getErrorMessage(Error err) {
  return err ? toString(std::move(err)) : "";
}

HostTensor makeF32(ArrayRef<int64_t> shape, ArrayRef<float> values) {
  HostTensor tensor;
  tensor.dtype = MLC_DTYPE_F32;
  tensor.shape.assign(shape.begin(), shape.end());
  tensor.data.resize(values.size() * sizeof(float));
  if (!values.empty())
    std::memcpy(tensor.data.data(), values.data(), tensor.data.size());
  return tensor;
}

std::unique_ptr<CompiledModel> loadFake() {
  Expected<std::unique_ptr<CompiledModel>> model =
      CompiledModel::load(MLC_FAKE_MODEL_PATH);
  if (!model) {
    ADD_FAILURE() << toString(model.takeError());
    return nullptr;
  }
  return std::move(*model);
}

TEST(CompiledModelTest, LoadsInfos) {
  std::unique_ptr<CompiledModel> model = loadFake();
  ASSERT_TRUE(model);
  ASSERT_EQ(model->getInputInfos().size(), 1u);
  ASSERT_EQ(model->getOutputInfos().size(), 1u);
  const TensorInfo &x = model->getInputInfos()[0];
  EXPECT_EQ(x.name, "x");
  EXPECT_EQ(x.dtype, MLC_DTYPE_F32);
  EXPECT_EQ(ArrayRef<int64_t>(x.shape), ArrayRef<int64_t>({2, 3}));
  EXPECT_FALSE(x.hasDynamicShape());
  EXPECT_EQ(model->getOutputInfos()[0].name, "y");
}

TEST(CompiledModelTest, RunsCheckedAndRaw) {
  std::unique_ptr<CompiledModel> model = loadFake();
  ASSERT_TRUE(model);
  Expected<ModelContext> context = model->createContext(4);
  ASSERT_TRUE(static_cast<bool>(context)) << toString(context.takeError());
  Expected<std::vector<HostTensor>> outputs = model->allocateOutputs();
  ASSERT_TRUE(static_cast<bool>(outputs)) << toString(outputs.takeError());
  ASSERT_EQ(outputs->size(), 1u);
  EXPECT_EQ((*outputs)[0].name, "y");
  EXPECT_EQ((*outputs)[0].data.size(), 6 * sizeof(float));

  std::vector<HostTensor> inputs = {makeF32({2, 3}, {1, 2, 3, -4, 0.5, 0})};
  ASSERT_EQ(getErrorMessage(model->run(*context, inputs, *outputs)), "");
  const float *y = reinterpret_cast<const float *>((*outputs)[0].data.data());
  const float expected[] = {2, 4, 6, -8, 1, 0};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(y[i], expected[i]) << "element " << i;

  // The raw entry point runs on the same buffers.
  const void *in[] = {inputs[0].data.data()};
  void *out[] = {(*outputs)[0].data.data()};
  EXPECT_EQ(getErrorMessage(model->run(*context, ArrayRef<const void *>(in),
                                       ArrayRef<void *>(out))),
            "");
  EXPECT_EQ(y[3], -8);
}

TEST(CompiledModelTest, RawRunChecksCountsAndStatus) {
  std::unique_ptr<CompiledModel> model = loadFake();
  ASSERT_TRUE(model);
  Expected<ModelContext> context = model->createContext(0);
  ASSERT_TRUE(static_cast<bool>(context));
  void *out[] = {nullptr};
  EXPECT_NE(getErrorMessage(model->run(*context, ArrayRef<const void *>(),
                                       ArrayRef<void *>(out)))
                .find("1 input"),
            std::string::npos);
  // The fake rejects null buffers with MLC_ERROR_INVALID_ARGUMENT.
  const void *in[] = {nullptr};
  EXPECT_NE(getErrorMessage(model->run(*context, ArrayRef<const void *>(in),
                                       ArrayRef<void *>(out)))
                .find("invalid argument"),
            std::string::npos);
}

TEST(CompiledModelTest, CheckInputsNamesTheInput) {
  std::unique_ptr<CompiledModel> model = loadFake();
  ASSERT_TRUE(model);
  EXPECT_EQ(getErrorMessage(
                model->checkInputs({makeF32({2, 3}, {0, 0, 0, 0, 0, 0})})),
            "");

  std::string count = getErrorMessage(model->checkInputs({}));
  EXPECT_NE(count.find("1 input(s), got 0"), std::string::npos) << count;

  std::string shape = getErrorMessage(
      model->checkInput(0, makeF32({3, 2}, {0, 0, 0, 0, 0, 0})));
  EXPECT_NE(shape.find("input 0 'x'"), std::string::npos) << shape;
  EXPECT_NE(shape.find("[2,3]"), std::string::npos) << shape;
  EXPECT_NE(shape.find("[3,2]"), std::string::npos) << shape;

  HostTensor ints;
  ints.dtype = MLC_DTYPE_I32;
  ints.shape = {2, 3};
  ints.data.resize(24);
  std::string dtype = getErrorMessage(model->checkInput(0, ints));
  EXPECT_NE(dtype.find("expected f32, got i32"), std::string::npos) << dtype;

  std::string size =
      getErrorMessage(model->checkInput(0, makeF32({2, 3}, {1, 2})));
  EXPECT_NE(size.find("holds 8 bytes"), std::string::npos) << size;
  std::string index =
      getErrorMessage(model->checkInput(1, makeF32({2, 3}, {})));
  EXPECT_NE(index.find("no input 1"), std::string::npos) << index;
}

TEST(CompiledModelTest, RejectsWrongAbiVersion) {
  Expected<std::unique_ptr<CompiledModel>> model =
      CompiledModel::load(MLC_FAKE_MODEL_BAD_VERSION_PATH);
  ASSERT_FALSE(static_cast<bool>(model));
  std::string message = toString(model.takeError());
  EXPECT_NE(message.find("ABI version 999"), std::string::npos) << message;
}

TEST(CompiledModelTest, RejectsMissingSymbol) {
  Expected<std::unique_ptr<CompiledModel>> model =
      CompiledModel::load(MLC_FAKE_MODEL_NO_RUN_PATH);
  ASSERT_FALSE(static_cast<bool>(model));
  std::string message = toString(model.takeError());
  EXPECT_NE(message.find("'mlc_run'"), std::string::npos) << message;
}

TEST(CompiledModelTest, RejectsNonLibraries) {
  SmallString<128> dir;
  ASSERT_FALSE(sys::fs::createUniqueDirectory("mlc-model-test", dir));
  SmallString<128> textFile(dir);
  sys::path::append(textFile, "model.so");
  {
    std::error_code ec;
    raw_fd_ostream os(textFile, ec);
    ASSERT_FALSE(ec);
    os << "this is not an ELF file\n";
  }
  Expected<std::unique_ptr<CompiledModel>> text = CompiledModel::load(textFile);
  EXPECT_FALSE(static_cast<bool>(text));
  std::string message = toString(text.takeError());
  EXPECT_NE(message.find("cannot load"), std::string::npos) << message;

  Expected<std::unique_ptr<CompiledModel>> directory = CompiledModel::load(dir);
  EXPECT_FALSE(static_cast<bool>(directory));
  consumeError(directory.takeError());

  SmallString<128> missing(dir);
  sys::path::append(missing, "missing.so");
  Expected<std::unique_ptr<CompiledModel>> none = CompiledModel::load(missing);
  ASSERT_FALSE(static_cast<bool>(none));
  message = toString(none.takeError());
  EXPECT_NE(message.find("no such file"), std::string::npos) << message;

  sys::fs::remove_directories(dir);
}

} // namespace

namespace {

TEST(CompiledModelTest, RunsDynamicBatchesAndDataDependentOutputs) {
  Expected<std::unique_ptr<CompiledModel>> model =
      CompiledModel::load(MLC_FAKE_MODEL_DYNAMIC_PATH);
  ASSERT_TRUE(static_cast<bool>(model)) << toString(model.takeError());
  EXPECT_TRUE((*model)->hasDynamicShapes());
  Expected<ModelContext> context = (*model)->createContext(1);
  ASSERT_TRUE(static_cast<bool>(context)) << toString(context.takeError());
  Expected<std::vector<HostTensor>> outputs = (*model)->allocateOutputs();
  ASSERT_TRUE(static_cast<bool>(outputs)) << toString(outputs.takeError());
  // Dynamic outputs start empty.
  EXPECT_EQ(ArrayRef<int64_t>((*outputs)[0].shape), ArrayRef<int64_t>({0, 3}));
  EXPECT_TRUE((*outputs)[1].data.empty());

  // Batch 1, then 4: the outputs grow and take the run-time shapes.
  std::vector<HostTensor> one = {makeF32({1, 3}, {1, -2, 3})};
  ASSERT_EQ(getErrorMessage((*model)->runDynamic(*context, one, *outputs)), "");
  EXPECT_EQ(ArrayRef<int64_t>((*outputs)[0].shape), ArrayRef<int64_t>({1, 3}));
  EXPECT_EQ(ArrayRef<int64_t>((*outputs)[1].shape), ArrayRef<int64_t>({2}));
  const int64_t *pos =
      reinterpret_cast<const int64_t *>((*outputs)[1].data.data());
  EXPECT_EQ(pos[0], 0);
  EXPECT_EQ(pos[1], 2);

  std::vector<float> values(12);
  for (int i = 0; i < 12; ++i)
    values[i] = i % 2 ? 1.0f : -1.0f;
  std::vector<HostTensor> four = {makeF32({4, 3}, values)};
  ASSERT_EQ(getErrorMessage((*model)->runDynamic(*context, four, *outputs)),
            "");
  EXPECT_EQ(ArrayRef<int64_t>((*outputs)[0].shape), ArrayRef<int64_t>({4, 3}));
  EXPECT_EQ((*outputs)[0].data.size(), 12 * sizeof(float));
  const float *y = reinterpret_cast<const float *>((*outputs)[0].data.data());
  EXPECT_EQ(y[11], 2.0f);
  EXPECT_EQ(ArrayRef<int64_t>((*outputs)[1].shape), ArrayRef<int64_t>({6}));

  // The static entry point refuses a dynamic model; a wrong static
  // dimension is rejected before the artifact is called.
  // The artifact's mlc_last_error says why.
  EXPECT_NE(getErrorMessage((*model)->run(*context, four, *outputs)), "");
  void *rawOut[] = {(*outputs)[0].getDataPointer(),
                    (*outputs)[1].getDataPointer()};
  const void *rawIn[] = {four[0].getDataPointer()};
  EXPECT_EQ(
      getErrorMessage((*model)->run(*context, ArrayRef<const void *>(rawIn),
                                    ArrayRef<void *>(rawOut))),
      "fake: mlc_run has no shapes for a dynamic model");
  std::vector<HostTensor> wrong = {makeF32({2, 2}, {1, 2, 3, 4})};
  EXPECT_NE(getErrorMessage((*model)->runDynamic(*context, wrong, *outputs)),
            "");
}

TEST(CompiledModelTest, RunDynamicOnStaticModel) {
  std::unique_ptr<CompiledModel> model = loadFake();
  ASSERT_TRUE(model);
  EXPECT_FALSE(model->hasDynamicShapes());
  Expected<ModelContext> context = model->createContext(1);
  ASSERT_TRUE(static_cast<bool>(context)) << toString(context.takeError());
  // An undersized buffer is grown by the retry.
  std::vector<HostTensor> outputs = {makeF32({2, 3}, {})};
  std::vector<HostTensor> inputs = {makeF32({2, 3}, {1, 2, 3, 4, 5, 6})};
  ASSERT_EQ(getErrorMessage(model->runDynamic(*context, inputs, outputs)), "");
  EXPECT_EQ(outputs[0].data.size(), 6 * sizeof(float));
  EXPECT_EQ(reinterpret_cast<const float *>(outputs[0].data.data())[5], 12.0f);
}

} // namespace
