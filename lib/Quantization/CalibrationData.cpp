//===- CalibrationData.cpp - Reading calibration inputs from a directory --===//

#include "mlc/Quantization/Calibration.h"
#include "mlc/Runtime/NpzFile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace mlir;
using namespace mlc;
using namespace mlc::quant;

namespace {
/// What an input of the model expects.
struct ExpectedInput {
  std::string name;
  SmallVector<int64_t> shape;
  Type elementType;
};
} // namespace

/// Whether a file's dtype can feed an input of `type` (signless integers
/// take either signedness).
static bool matchesDType(Type type, mlc_dtype dtype) {
  if (type.isF32())
    return dtype == MLC_DTYPE_F32;
  if (type.isF64())
    return dtype == MLC_DTYPE_F64;
  if (type.isF16())
    return dtype == MLC_DTYPE_F16;
  if (type.isBF16())
    return dtype == MLC_DTYPE_BF16;
  if (type.isInteger(1))
    return dtype == MLC_DTYPE_BOOL;
  if (auto integer = dyn_cast<IntegerType>(type))
    return getDTypeSize(dtype) * 8 == integer.getWidth() &&
           dtype != MLC_DTYPE_F16 && dtype != MLC_DTYPE_BF16 &&
           dtype != MLC_DTYPE_F32 && dtype != MLC_DTYPE_F64 &&
           dtype != MLC_DTYPE_BOOL;
  return false;
}

static SmallVector<ExpectedInput> getExpectedInputs(func::FuncOp func) {
  SmallVector<ExpectedInput> inputs;
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    ExpectedInput input;
    if (auto name = func.getArgAttrOfType<StringAttr>(i, "mlc.name"))
      input.name = name.str();
    else
      input.name = "input_" + std::to_string(i);
    auto tensor = cast<RankedTensorType>(type);
    input.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
    input.elementType = tensor.getElementType();
    inputs.push_back(std::move(input));
  }
  return inputs;
}

/// Splits `tensor` (the input's shape, or [S] + that shape) into samples.
static FailureOr<std::vector<HostTensor>>
splitSamples(HostTensor tensor, const ExpectedInput &input, Location loc,
             StringRef path) {
  if (!matchesDType(input.elementType, tensor.dtype))
    return emitError(loc) << "calibration file '" << path << "' holds "
                          << getDTypeName(tensor.dtype) << " values, input '"
                          << input.name << "' is " << input.elementType;
  ArrayRef<int64_t> shape = tensor.shape;
  if (shape == ArrayRef<int64_t>(input.shape)) {
    tensor.name = input.name;
    return std::vector<HostTensor>{std::move(tensor)};
  }
  if (shape.size() != input.shape.size() + 1 ||
      shape.drop_front() != ArrayRef<int64_t>(input.shape) || shape[0] < 1)
    return emitError(loc) << "calibration file '" << path << "' has shape "
                          << formatShape(shape) << ", input '" << input.name
                          << "' needs " << formatShape(input.shape)
                          << " (one sample) or [S,"
                          << formatShape(input.shape).substr(1)
                          << " (S samples)";
  std::vector<HostTensor> samples(shape[0]);
  size_t bytes = tensor.numBytes() / shape[0];
  for (int64_t s = 0; s < shape[0]; ++s) {
    samples[s].name = input.name;
    samples[s].dtype = tensor.dtype;
    samples[s].shape = input.shape;
    samples[s].data.assign(tensor.data.begin() + s * bytes,
                           tensor.data.begin() + (s + 1) * bytes);
  }
  return samples;
}

static FailureOr<std::vector<HostTensor>>
readInput(StringRef path, const ExpectedInput &input, Location loc) {
  llvm::Expected<HostTensor> tensor = readTensorFile(path);
  if (!tensor)
    return emitError(loc) << "cannot read calibration input '" << path
                          << "': " << llvm::toString(tensor.takeError());
  return splitSamples(std::move(*tensor), input, loc, path);
}

/// The samples of one .npz file: an array per input, keyed by the input's
/// name, input_<i> or arr_<i> (numpy.savez's positional keys), each one
/// sample or [S, ...] with the same S.
static LogicalResult appendNpzSamples(StringRef path,
                                      ArrayRef<ExpectedInput> inputs,
                                      Location loc,
                                      std::vector<Sample> &samples) {
  auto arrays = readNpzFile(path);
  if (!arrays)
    return emitError(loc) << "cannot read calibration input: "
                          << llvm::toString(arrays.takeError());
  std::vector<std::vector<HostTensor>> perInput;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ExpectedInput &input = inputs[i];
    std::string index = std::to_string(i);
    auto it = llvm::find_if(*arrays, [&](const auto &array) {
      return array.first == input.name || array.first == "input_" + index ||
             array.first == "arr_" + index;
    });
    if (it == arrays->end())
      return emitError(loc)
             << "calibration file '" << path << "' has no array '" << input.name
             << "' (or input_" << i << ", arr_" << i << ") for input '"
             << input.name << "'";
    std::string member = (path + "[" + it->first + "]").str();
    FailureOr<std::vector<HostTensor>> tensors =
        splitSamples(std::move(it->second), input, loc, member);
    if (failed(tensors))
      return failure();
    if (!perInput.empty() && tensors->size() != perInput.front().size())
      return emitError(loc) << "calibration file '" << path
                            << "' disagrees on the number of samples: "
                            << perInput.front().size() << " and "
                            << tensors->size() << " ('" << member << "')";
    perInput.push_back(std::move(*tensors));
  }
  size_t first = samples.size();
  samples.resize(first + perInput.front().size());
  for (auto &tensors : perInput)
    for (auto [s, tensor] : llvm::enumerate(tensors))
      samples[first + s].push_back(std::move(tensor));
  return success();
}

FailureOr<std::vector<Sample>>
quant::loadCalibrationSamples(MLIRContext *context, StringRef dir,
                              func::FuncOp func) {
  Location loc = FileLineColLoc::get(context, dir, 0, 0);
  if (!llvm::sys::fs::is_directory(dir))
    return emitError(loc) << "calibration data '" << dir
                          << "' is not a directory";
  SmallVector<ExpectedInput> inputs = getExpectedInputs(func);
  if (inputs.empty())
    return emitError(loc) << "the model has no inputs to calibrate with";

  SmallVector<std::string> setDirs, npyFiles, npzFiles;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef name = llvm::sys::path::filename(it->path());
    if (name.starts_with("test_data_set_") &&
        llvm::sys::fs::is_directory(it->path()))
      setDirs.push_back(it->path());
    else if (name.ends_with(".npy"))
      npyFiles.push_back(it->path());
    else if (name.ends_with(".npz"))
      npzFiles.push_back(it->path());
  }
  if (ec)
    return emitError(loc) << "cannot list calibration data '" << dir
                          << "': " << ec.message();
  llvm::sort(setDirs);
  llvm::sort(npyFiles);
  llvm::sort(npzFiles);

  std::vector<Sample> samples;
  if (!setDirs.empty()) {
    for (const std::string &setDir : setDirs) {
      Sample sample;
      for (auto [i, input] : llvm::enumerate(inputs)) {
        SmallString<256> path(setDir);
        llvm::sys::path::append(path, "input_" + std::to_string(i) + ".pb");
        if (!llvm::sys::fs::exists(path))
          return emitError(loc) << "calibration set '" << setDir
                                << "' has no input_" << i << ".pb";
        FailureOr<std::vector<HostTensor>> tensors =
            readInput(path, input, loc);
        if (failed(tensors))
          return failure();
        if (tensors->size() != 1)
          return emitError(loc)
                 << "'" << path << "' must hold one sample of input '"
                 << input.name << "'";
        sample.push_back(std::move(tensors->front()));
      }
      samples.push_back(std::move(sample));
    }
    return samples;
  }

  if (!npzFiles.empty() && !npyFiles.empty())
    return emitError(loc) << "calibration data '" << dir
                          << "' mixes .npy and .npz files; use one .npz per "
                             "sample, or .npy files";
  if (!npzFiles.empty()) {
    for (const std::string &file : npzFiles)
      if (failed(appendNpzSamples(file, inputs, loc, samples)))
        return failure();
    return samples;
  }
  if (npyFiles.empty())
    return emitError(loc) << "calibration data '" << dir
                          << "' holds neither test_data_set_* directories "
                             "nor .npy or .npz files";
  // A single-input model with several .npy files: each holds samples of
  // that input (one sample, or [S, ...]), in file name order.
  if (inputs.size() == 1 && npyFiles.size() > 1) {
    for (const std::string &file : npyFiles) {
      FailureOr<std::vector<HostTensor>> tensors =
          readInput(file, inputs.front(), loc);
      if (failed(tensors))
        return failure();
      for (HostTensor &tensor : *tensors)
        samples.push_back(Sample{std::move(tensor)});
    }
    return samples;
  }
  std::vector<std::vector<HostTensor>> perInput;
  for (auto [i, input] : llvm::enumerate(inputs)) {
    std::string path;
    for (const std::string &file : npyFiles) {
      StringRef stem = llvm::sys::path::stem(file);
      if (stem == input.name || stem == "input_" + std::to_string(i))
        path = file;
    }
    if (path.empty() && inputs.size() == 1 && npyFiles.size() == 1)
      path = npyFiles.front();
    if (path.empty())
      return emitError(loc) << "calibration data '" << dir << "' has no "
                            << input.name << ".npy or input_" << i
                            << ".npy for input '" << input.name << "'";
    FailureOr<std::vector<HostTensor>> tensors = readInput(path, input, loc);
    if (failed(tensors))
      return failure();
    if (!perInput.empty() && tensors->size() != perInput.front().size())
      return emitError(loc) << "calibration inputs disagree on the number of "
                               "samples: "
                            << perInput.front().size() << " and "
                            << tensors->size() << " ('" << path << "')";
    perInput.push_back(std::move(*tensors));
  }
  samples.resize(perInput.front().size());
  for (auto &tensors : perInput)
    for (auto [s, tensor] : llvm::enumerate(tensors))
      samples[s].push_back(std::move(tensor));
  return samples;
}
