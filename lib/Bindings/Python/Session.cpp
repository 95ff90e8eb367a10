//===- Session.cpp - mlc._Session: a loaded artifact and its context ------===//
//
// Runs a compiled model on numpy arrays, in the shape of onnxruntime's
// InferenceSession.run: inputs by name, outputs chosen by name, returned as
// new numpy arrays that the model wrote directly (no copy). Inputs that are
// C-contiguous and of the model's dtype are passed without a copy; every
// dtype, rank and static dimension is checked first, so a bad input raises
// mlc.InvalidArgument instead of reaching the compiled code.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

#include "mlc/Runtime/CompiledModel.h"
#include "mlc/Runtime/LatencyStats.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <optional>

namespace nb = nanobind;
using namespace mlc::python;
using mlc::CompiledModel;
using mlc::TensorInfo;

namespace {

using Array = nb::ndarray<nb::ro, nb::device::cpu>;

/// The numpy form of an element type. Element types numpy lacks (bf16, the
/// float8 and 4-bit types) travel as their bit patterns in unsigned integers
/// of their size, as the C ABI stores them.
nb::dlpack::dtype getArrayDType(mlc_dtype dtype) {
  using Code = nb::dlpack::dtype_code;
  auto make = [](Code code, uint8_t bits) {
    return nb::dlpack::dtype{static_cast<uint8_t>(code), bits, 1};
  };
  switch (dtype) {
  case MLC_DTYPE_F32:
    return make(Code::Float, 32);
  case MLC_DTYPE_F16:
    return make(Code::Float, 16);
  case MLC_DTYPE_F64:
    return make(Code::Float, 64);
  case MLC_DTYPE_I8:
    return make(Code::Int, 8);
  case MLC_DTYPE_I16:
    return make(Code::Int, 16);
  case MLC_DTYPE_I32:
    return make(Code::Int, 32);
  case MLC_DTYPE_I64:
    return make(Code::Int, 64);
  case MLC_DTYPE_U8:
    return make(Code::UInt, 8);
  case MLC_DTYPE_U16:
    return make(Code::UInt, 16);
  case MLC_DTYPE_U32:
    return make(Code::UInt, 32);
  case MLC_DTYPE_U64:
    return make(Code::UInt, 64);
  case MLC_DTYPE_BOOL:
    return make(Code::Bool, 8);
  case MLC_DTYPE_BF16:
    return make(Code::UInt, 16);
  case MLC_DTYPE_F8E4M3FN:
  case MLC_DTYPE_F8E4M3FNUZ:
  case MLC_DTYPE_F8E5M2:
  case MLC_DTYPE_F8E5M2FNUZ:
  case MLC_DTYPE_U4:
  case MLC_DTYPE_I4:
  case MLC_DTYPE_F4E2M1:
    return make(Code::UInt, 8);
  }
  return make(Code::UInt, 8);
}

/// numpy's name of a DLPack dtype, for messages.
std::string getArrayDTypeName(nb::dlpack::dtype dtype) {
  using Code = nb::dlpack::dtype_code;
  std::string bits = std::to_string(dtype.bits);
  switch (static_cast<Code>(dtype.code)) {
  case Code::Int:
    return "int" + bits;
  case Code::UInt:
    return "uint" + bits;
  case Code::Float:
    return "float" + bits;
  case Code::Bool:
    return "bool";
  case Code::Bfloat:
    return "bfloat" + bits;
  case Code::Complex:
    return "complex" + bits;
  default:
    return "dtype code " + std::to_string(dtype.code) + " of " + bits + " bits";
  }
}

/// A buffer from aligned_alloc, freed by the numpy array that takes it.
struct Buffer {
  struct Free {
    void operator()(void *data) const { std::free(data); }
  };
  std::unique_ptr<void, Free> data;
  size_t capacity = 0;
};

/// Allocates at least `bytes` (never null: the ABI rejects null buffers,
/// even for empty tensors); nullopt when the memory is not there.
std::optional<Buffer> allocate(size_t bytes) {
  constexpr size_t alignment = 64;
  if (bytes > SIZE_MAX - alignment)
    return std::nullopt;
  size_t rounded =
      (std::max<size_t>(bytes, 1) + alignment - 1) / alignment * alignment;
  void *data = std::aligned_alloc(alignment, rounded);
  if (!data)
    return std::nullopt;
  Buffer buffer;
  buffer.data.reset(data);
  buffer.capacity = rounded;
  return buffer;
}

/// The inputs of one run, checked, in model order.
struct Inputs {
  /// Arrays made here (contiguous copies), kept alive for the run.
  llvm::SmallVector<nb::object, 4> owned;
  llvm::SmallVector<Array, 4> arrays;
  llvm::SmallVector<const void *, 4> data;
  llvm::SmallVector<llvm::SmallVector<int64_t, 4>, 4> shapes;
  llvm::SmallVector<const int64_t *, 4> shapePointers;
};

/// The outputs of one run, in model order: buffers of at least the size of
/// their shape.
struct Outputs {
  llvm::SmallVector<Buffer, 4> buffers;
  llvm::SmallVector<llvm::SmallVector<int64_t, 4>, 4> shapes;
};

class Session {
public:
  Session(const std::string &path, int32_t threads) {
    if (threads < 1)
      throw InvalidArgument("threads must be at least 1, got " +
                            std::to_string(threads));
    llvm::Expected<std::unique_ptr<CompiledModel>> loaded =
        CompiledModel::load(path);
    if (!loaded)
      throw Error(llvm::toString(loaded.takeError()));
    model = std::move(*loaded);
    llvm::Expected<mlc::ModelContext> created = model->createContext(threads);
    if (!created)
      throw Error(llvm::toString(created.takeError()));
    context.emplace(std::move(*created));
    dynamic = model->hasDynamicShapes();
    for (const TensorInfo &info : model->getInputInfos())
      inputNames.push_back(nb::str(info.name.c_str()));
    for (auto [index, info] : llvm::enumerate(model->getOutputInfos())) {
      // Dynamic outputs start at 0 bytes: the first run sizes them. A static
      // output too large for this machine fails every run, as in mlc-run.
      lastOutputBytes.push_back(0);
      outputSizeErrors.emplace_back();
      if (info.hasDynamicShape())
        continue;
      llvm::Expected<size_t> bytes =
          model->getOutputByteSize(index, info.shape);
      if (bytes)
        lastOutputBytes.back() = *bytes;
      else
        outputSizeErrors.back() = llvm::toString(bytes.takeError());
    }
  }

  std::string getPath() const { return model->getPath().str(); }

  /// How many inputs the last run copied (the others went to the model as
  /// they were); for tests.
  size_t getLastInputCopies() const { return lastInputCopies; }

  /// (name, dtype code, shape with -1 for dynamic dims) per input/output.
  nb::list getInfos(bool outputs) const {
    nb::list result;
    for (const TensorInfo &info :
         outputs ? model->getOutputInfos() : model->getInputInfos()) {
      nb::list shape;
      for (int64_t dim : info.shape)
        shape.append(dim);
      result.append(nb::make_tuple(info.name, static_cast<int>(info.dtype),
                                   nb::tuple(shape)));
    }
    return result;
  }

  nb::list run(nb::handle outputSelection, nb::handle feed,
               nb::handle runOptions) {
    if (!runOptions.is_none())
      throw InvalidArgument("run_options are not supported; pass None");
    llvm::SmallVector<size_t, 4> selected = selectOutputs(outputSelection);
    Inputs inputs = prepareInputs(feed);
    lastInputCopies = inputs.owned.size();
    Outputs outputs;
    {
      nb::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mutex);
      execute(inputs, outputs);
    }
    nb::list result;
    for (size_t index : selected) {
      // Several names may select the same output: the first takes the
      // buffer, the others get a copy.
      Buffer &buffer = outputs.buffers[index];
      if (!buffer.data) {
        result.append(result[selectedPosition(selected, index)].attr("copy")());
        continue;
      }
      result.append(wrap(std::move(buffer), outputs.shapes[index],
                         model->getOutputInfos()[index].dtype));
    }
    return result;
  }

  nb::dict benchmark(nb::handle feed, int runs, int warmup) {
    if (runs < 1 || warmup < 0)
      throw InvalidArgument("benchmark needs runs >= 1 and warmup >= 0");
    Inputs inputs = prepareInputs(feed);
    Outputs outputs;
    std::vector<double> samples;
    {
      nb::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mutex);
      // The first call sizes the outputs; later ones reuse them.
      execute(inputs, outputs);
      for (int i = 0; i < warmup; ++i)
        execute(inputs, outputs);
      samples.reserve(runs);
      for (int i = 0; i < runs; ++i) {
        auto start = std::chrono::steady_clock::now();
        execute(inputs, outputs);
        auto end = std::chrono::steady_clock::now();
        samples.push_back(
            std::chrono::duration<double, std::milli>(end - start).count());
      }
    }
    mlc::LatencyStats stats = mlc::LatencyStats::compute(samples);
    nb::dict result;
    result["runs"] = stats.runs;
    result["median_ms"] = stats.median;
    result["p95_ms"] = stats.p95;
    result["p99_ms"] = stats.p99;
    result["max_ms"] = stats.max;
    return result;
  }

private:
  static size_t selectedPosition(llvm::ArrayRef<size_t> selected,
                                 size_t index) {
    return llvm::find(selected, index) - selected.begin();
  }

  std::string describeInput(size_t index) const {
    return "input '" + model->getInputInfos()[index].name + "'";
  }

  std::string listNames(llvm::ArrayRef<TensorInfo> infos) const {
    llvm::SmallVector<std::string> names;
    for (const TensorInfo &info : infos)
      names.push_back("'" + info.name + "'");
    return llvm::join(names, ", ");
  }

  llvm::SmallVector<size_t, 4> selectOutputs(nb::handle selection) const {
    llvm::SmallVector<size_t, 4> selected;
    llvm::ArrayRef<TensorInfo> infos = model->getOutputInfos();
    auto selectAll = [&] {
      for (size_t i = 0; i < infos.size(); ++i)
        selected.push_back(i);
      return selected;
    };
    if (selection.is_none())
      return selectAll();
    if (nb::isinstance<nb::str>(selection))
      throw InvalidArgument(
          "output_names must be a list of names or None, not a string");
    nb::iterator items;
    try {
      items = nb::iter(selection);
    } catch (nb::python_error &) {
      throw InvalidArgument("output_names must be a list of names or None");
    }
    for (nb::handle item : items) {
      if (!nb::isinstance<nb::str>(item))
        throw InvalidArgument("output_names must hold strings, got " +
                              std::string(nb::type_name(item.type()).c_str()));
      std::string name = nb::str(item).c_str();
      auto found = llvm::find_if(
          infos, [&](const TensorInfo &info) { return info.name == name; });
      if (found == infos.end())
        throw InvalidArgument("unknown output '" + name +
                              "' (the model's outputs: " + listNames(infos) +
                              ")");
      selected.push_back(found - infos.begin());
    }
    // As onnxruntime: an empty list asks for every output.
    if (selected.empty())
      return selectAll();
    return selected;
  }

  /// Takes input `index` from `value`: a C-contiguous array of the model's
  /// dtype as it is, anything else through numpy.ascontiguousarray (a
  /// copy), then checks the dtype, rank and static dimensions.
  void addInput(Inputs &inputs, size_t index, nb::handle value) const {
    const TensorInfo &info = model->getInputInfos()[index];
    nb::dlpack::dtype expected = getArrayDType(info.dtype);
    Array array;
    bool isArray = nb::try_cast(value, array, /*convert=*/false);
    if (!isArray || !isContiguous(array)) {
      nb::object numpy = nb::module_::import_("numpy");
      nb::object converted;
      try {
        converted = numpy.attr("ascontiguousarray")(value);
      } catch (nb::python_error &error) {
        throw InvalidArgument(describeInput(index) +
                              ": not convertible to an array: " + error.what());
      }
      if (!nb::try_cast(converted, array, /*convert=*/false)) {
        nb::object dtype = converted.attr("dtype");
        throw InvalidArgument(describeInput(index) + ": expected " +
                              getArrayDTypeName(expected) + ", got " +
                              nb::str(dtype).c_str());
      }
      inputs.owned.push_back(converted);
    }
    if (array.dtype() != expected)
      throw InvalidArgument(describeInput(index) + ": expected " +
                            getArrayDTypeName(expected) + ", got " +
                            getArrayDTypeName(array.dtype()));
    llvm::SmallVector<int64_t, 4> shape(array.shape_ptr(),
                                        array.shape_ptr() + array.ndim());
    bool matches = shape.size() == info.shape.size();
    for (size_t d = 0; matches && d < shape.size(); ++d)
      matches = info.shape[d] == -1 || info.shape[d] == shape[d];
    if (!matches)
      throw InvalidArgument(describeInput(index) + ": expected shape " +
                            mlc::formatShape(info.shape) + ", got " +
                            mlc::formatShape(shape));
    static const char empty = 0;
    inputs.data.push_back(array.data() ? array.data() : &empty);
    inputs.shapes.push_back(std::move(shape));
    inputs.arrays.push_back(std::move(array));
  }

  static bool isContiguous(const Array &array) {
    int64_t expected = 1;
    for (size_t d = array.ndim(); d-- > 0;) {
      if (array.shape(d) != 1 && array.stride(d) != expected)
        return false;
      expected *= array.shape(d);
    }
    return true;
  }

  Inputs prepareInputs(nb::handle feed) const {
    if (!nb::isinstance<nb::dict>(feed))
      throw InvalidArgument("input_feed must be a dict of input name to "
                            "array, got " +
                            std::string(nb::type_name(feed.type()).c_str()));
    nb::dict dict = nb::borrow<nb::dict>(feed);
    llvm::ArrayRef<TensorInfo> infos = model->getInputInfos();
    Inputs inputs;
    size_t found = 0;
    for (size_t i = 0; i < infos.size(); ++i) {
      PyObject *value = PyDict_GetItem(dict.ptr(), inputNames[i].ptr());
      if (!value)
        throw InvalidArgument("missing " + describeInput(i) +
                              " (the model's inputs: " + listNames(infos) +
                              ")");
      addInput(inputs, i, value);
      ++found;
    }
    if (nb::len(dict) != found)
      for (auto [key, value] : dict) {
        std::string name = nb::str(key).c_str();
        if (llvm::none_of(infos, [&](const TensorInfo &info) {
              return info.name == name;
            }))
          throw InvalidArgument("unknown input '" + name +
                                "' (the model's inputs: " + listNames(infos) +
                                ")");
      }
    for (const auto &shape : inputs.shapes)
      inputs.shapePointers.push_back(shape.data());
    return inputs;
  }

  /// Gives every output a buffer of at least `bytes`, keeping a large
  /// enough one.
  void reserve(Outputs &outputs, size_t index, size_t bytes) const {
    Buffer &buffer = outputs.buffers[index];
    if (buffer.data && buffer.capacity >= bytes)
      return;
    std::optional<Buffer> fresh = allocate(bytes);
    if (!fresh)
      throw Error("cannot allocate " + std::to_string(bytes) +
                  " bytes for output '" + model->getOutputInfos()[index].name +
                  "'");
    buffer = std::move(*fresh);
  }

  /// Runs the model; called without the GIL, under `mutex`.
  void execute(const Inputs &inputs, Outputs &outputs) {
    llvm::ArrayRef<TensorInfo> infos = model->getOutputInfos();
    size_t numOutputs = infos.size();
    outputs.buffers.resize(numOutputs);
    outputs.shapes.resize(numOutputs);
    for (size_t i = 0; i < numOutputs; ++i) {
      if (!outputSizeErrors[i].empty())
        throw Error(outputSizeErrors[i]);
      reserve(outputs, i, lastOutputBytes[i]);
    }
    llvm::SmallVector<void *, 4> data;
    for (Buffer &buffer : outputs.buffers)
      data.push_back(buffer.data.get());
    if (!dynamic) {
      if (llvm::Error err = model->run(*context, inputs.data, data))
        throw Error(llvm::toString(std::move(err)));
      for (size_t i = 0; i < numOutputs; ++i)
        outputs.shapes[i].assign(infos[i].shape.begin(), infos[i].shape.end());
      return;
    }
    // Dynamic: run with the buffers at hand; when one is too small, grow it
    // to the size the run reported and run again.
    for (size_t i = 0; i < numOutputs; ++i)
      outputs.shapes[i].assign(std::max<size_t>(infos[i].shape.size(), 1), 0);
    for (int attempt = 0; attempt < 2; ++attempt) {
      llvm::SmallVector<int64_t, 4> capacities;
      llvm::SmallVector<int64_t *, 4> shapes;
      for (size_t i = 0; i < numOutputs; ++i) {
        data[i] = outputs.buffers[i].data.get();
        capacities.push_back(static_cast<int64_t>(outputs.buffers[i].capacity));
        shapes.push_back(outputs.shapes[i].data());
      }
      int32_t status =
          model->runDynamic(*context, inputs.data, inputs.shapePointers, data,
                            capacities, shapes);
      if (status == MLC_ERROR_INVALID_ARGUMENT)
        throw InvalidArgument(model->getLastError().empty()
                                  ? "mlc_run_dynamic: invalid argument"
                                  : model->getLastError().str());
      if (status != MLC_OK && status != MLC_ERROR_OUTPUT_TOO_SMALL)
        throw Error(
            llvm::toString(model->statusToError("mlc_run_dynamic", status)));
      bool grown = false;
      for (size_t i = 0; i < numOutputs; ++i) {
        outputs.shapes[i].resize(infos[i].shape.size());
        llvm::Expected<size_t> bytes =
            model->getOutputByteSize(i, outputs.shapes[i]);
        if (!bytes)
          throw Error(llvm::toString(bytes.takeError()));
        lastOutputBytes[i] = *bytes;
        if (*bytes > outputs.buffers[i].capacity) {
          reserve(outputs, i, *bytes);
          grown = true;
        }
      }
      if (status == MLC_OK)
        return;
      if (!grown)
        throw Error("mlc_run_dynamic reports a buffer too small, but no "
                    "output grew");
    }
    throw Error("mlc_run_dynamic: outputs still too small after resizing "
                "them");
  }

  /// A numpy array that owns `buffer`.
  static nb::object wrap(Buffer buffer, llvm::ArrayRef<int64_t> shape,
                         mlc_dtype dtype) {
    llvm::SmallVector<size_t, 4> dims(shape.begin(), shape.end());
    void *data = buffer.data.release();
    nb::capsule owner(data, [](void *p) noexcept { std::free(p); });
    return nb::ndarray<nb::numpy>(data, dims.size(), dims.data(), owner,
                                  nullptr, getArrayDType(dtype))
        .cast();
  }

  std::unique_ptr<CompiledModel> model;
  std::optional<mlc::ModelContext> context;
  bool dynamic = false;
  llvm::SmallVector<nb::str, 4> inputNames;
  /// Output sizes of the last run (static sizes before the first), the
  /// capacity the next run starts with.
  llvm::SmallVector<size_t, 4> lastOutputBytes;
  /// Per static output, why it cannot be allocated here ("" when it can).
  llvm::SmallVector<std::string, 4> outputSizeErrors;
  size_t lastInputCopies = 0;
  /// A context runs one call at a time.
  std::mutex mutex;
};

} // namespace

void mlc::python::populateSession(nb::module_ &m) {
  nb::class_<Session>(m, "_Session")
      .def(nb::init<const std::string &, int32_t>(), nb::arg("path"),
           nb::arg("threads") = 1)
      .def_prop_ro("_path", &Session::getPath)
      .def_prop_ro("_last_input_copies", &Session::getLastInputCopies)
      .def("_infos", &Session::getInfos, nb::arg("outputs"))
      .def("run", &Session::run, nb::arg("output_names").none(),
           nb::arg("input_feed").none(),
           nb::arg("run_options").none() = nb::none(),
           "Runs the model on {input name: array}; returns the outputs named "
           "by output_names (all of them for None) as new numpy arrays.")
      .def("_benchmark", &Session::benchmark, nb::arg("inputs").none(),
           nb::arg("runs"), nb::arg("warmup"));
}
