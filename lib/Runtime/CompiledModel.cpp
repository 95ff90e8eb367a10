//===- CompiledModel.cpp - A loaded model.so and its C ABI ----------------===//
//
// dlopen/dlsym loading of an MLC artifact and checked calls into its ABI.
// Everything the artifact reports is validated once at load time, so callers
// can trust the TensorInfos.
//
//===----------------------------------------------------------------------===//

#include "mlc/Runtime/CompiledModel.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"

#include <dlfcn.h>
#include <unistd.h>

using namespace llvm;

namespace mlc {

bool TensorInfo::hasDynamicShape() const {
  return llvm::is_contained(shape, -1);
}

//===----------------------------------------------------------------------===//
// ModelContext
//===----------------------------------------------------------------------===//

ModelContext::ModelContext(ModelContext &&other)
    : context(other.context), destroy(other.destroy) {
  other.context = nullptr;
}

ModelContext &ModelContext::operator=(ModelContext &&other) {
  if (this == &other)
    return *this;
  if (context)
    destroy(context);
  context = other.context;
  destroy = other.destroy;
  other.context = nullptr;
  return *this;
}

ModelContext::~ModelContext() {
  if (context)
    destroy(context);
}

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

CompiledModel::~CompiledModel() {
  if (handle)
    dlclose(handle);
}

Expected<std::unique_ptr<CompiledModel>> CompiledModel::load(StringRef path) {
  // dlopen searches the library path for a name without a slash; a model
  // path always means a file, so make it absolute first.
  SmallString<256> absolute(path);
  if (std::error_code ec = sys::fs::make_absolute(absolute))
    return createStringError("cannot load '" + path + "': " + ec.message());
  if (!sys::fs::exists(absolute))
    return createStringError("cannot load '" + path + "': no such file");
  if (sys::fs::is_directory(absolute))
    return createStringError("cannot load '" + path + "': is a directory");

  std::unique_ptr<CompiledModel> model(new CompiledModel());
  model->path = path.str();
  model->handle = dlopen(absolute.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!model->handle) {
    const char *reason = dlerror();
    return createStringError(
        "cannot load '" + path +
        "' as a shared library: " + (reason ? reason : "unknown dlopen error"));
  }
  if (Error err = model->resolveFunctions())
    return std::move(err);
  int32_t version = model->abi.abiVersion();
  if (version != MLC_ABI_VERSION)
    return createStringError(
        "'" + path + "' has MLC ABI version " + Twine(version) + ", expected " +
        Twine(MLC_ABI_VERSION) + "; recompile it with this MLC");
  if (Error err = model->readTensorInfos())
    return std::move(err);
  if (Error err = model->readGraphValues())
    return std::move(err);
  return std::move(model);
}

Error CompiledModel::resolveFunctions() {
  auto resolve = [&](auto &fn, const char *symbol) -> Error {
    dlerror();
    void *address = dlsym(handle, symbol);
    if (!address)
      return createStringError("'" + path +
                               "' is not an MLC model: missing ABI symbol '" +
                               symbol + "'");
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(address);
    return Error::success();
  };
  if (Error err = resolve(abi.abiVersion, "mlc_abi_version"))
    return err;
  if (Error err = resolve(abi.numInputs, "mlc_num_inputs"))
    return err;
  if (Error err = resolve(abi.numOutputs, "mlc_num_outputs"))
    return err;
  if (Error err = resolve(abi.inputInfo, "mlc_input_info"))
    return err;
  if (Error err = resolve(abi.outputInfo, "mlc_output_info"))
    return err;
  if (Error err = resolve(abi.contextCreate, "mlc_context_create"))
    return err;
  if (Error err = resolve(abi.run, "mlc_run"))
    return err;
  abi.lastError =
      reinterpret_cast<const char *(*)(void)>(dlsym(handle, "mlc_last_error"));
  if (Error err = resolve(abi.runDynamic, "mlc_run_dynamic"))
    return err;
  return resolve(abi.contextDestroy, "mlc_context_destroy");
}

/// Copies and validates one mlc_tensor_info; `kind` is "input" or "output".
static Expected<TensorInfo> convertTensorInfo(StringRef path, StringRef kind,
                                              int32_t index,
                                              const mlc_tensor_info *info) {
  auto fail = [&](const Twine &message) {
    return createStringError("'" + path + "': " + kind + " " + Twine(index) +
                             " " + message);
  };
  if (!info)
    return fail("has no mlc_tensor_info");
  if (!isSupportedDType(info->dtype))
    return fail("has unsupported dtype " + Twine(info->dtype));
  if (info->rank < 0 || (info->rank > 0 && !info->shape))
    return fail("has an invalid shape");
  TensorInfo result;
  result.name = info->name ? info->name : "";
  result.dtype = static_cast<mlc_dtype>(info->dtype);
  result.shape.assign(info->shape, info->shape + info->rank);
  if (llvm::any_of(result.shape, [](int64_t dim) { return dim < -1; }))
    return fail("has a negative dimension other than -1");
  return result;
}

Error CompiledModel::readTensorInfos() {
  int32_t numInputs = abi.numInputs();
  int32_t numOutputs = abi.numOutputs();
  if (numInputs < 0 || numOutputs < 0)
    return createStringError("'" + path +
                             "' reports a negative number of inputs or "
                             "outputs");
  for (int32_t i = 0; i < numInputs; ++i) {
    Expected<TensorInfo> info =
        convertTensorInfo(path, "input", i, abi.inputInfo(i));
    if (!info)
      return info.takeError();
    inputInfos.push_back(std::move(*info));
  }
  for (int32_t i = 0; i < numOutputs; ++i) {
    Expected<TensorInfo> info =
        convertTensorInfo(path, "output", i, abi.outputInfo(i));
    if (!info)
      return info.takeError();
    outputInfos.push_back(std::move(*info));
  }
  return Error::success();
}

/// Reads the mlc_value_info tables (added within ABI version 2: an artifact
/// without them has one tensor per graph value) and checks that they cover
/// the tensors in order.
Error CompiledModel::readGraphValues() {
  using CountFn = int32_t (*)(void);
  using InfoFn = const mlc_value_info *(*)(int32_t);
  auto read = [&](StringRef kind, const char *countSymbol,
                  const char *infoSymbol, size_t numTensors,
                  SmallVectorImpl<GraphValueInfo> &values) -> Error {
    auto count = reinterpret_cast<CountFn>(dlsym(handle, countSymbol));
    auto info = reinterpret_cast<InfoFn>(dlsym(handle, infoSymbol));
    if (!count || !info) {
      for (size_t i = 0; i < numTensors; ++i) {
        const TensorInfo &tensor =
            kind == "input" ? inputInfos[i] : outputInfos[i];
        values.push_back({tensor.name, MLC_VALUE_TENSOR, true, false, i, 1});
      }
      return Error::success();
    }
    size_t next = 0;
    for (int32_t i = 0, e = count(); i < e; ++i) {
      const mlc_value_info *value = info(i);
      if (!value || value->kind < MLC_VALUE_TENSOR ||
          value->kind > MLC_VALUE_OPTIONAL_SEQUENCE || value->count < 0 ||
          value->first != static_cast<int32_t>(next) ||
          (value->kind == MLC_VALUE_TENSOR && value->count != 1) ||
          (value->present == -1 && (kind == "input" || value->count < 1 ||
                                    value->kind == MLC_VALUE_TENSOR)))
        return createStringError("'" + path + "': graph " + kind + " " +
                                 Twine(i) + " has an invalid mlc_value_info");
      GraphValueInfo result;
      result.name = value->name ? value->name : "";
      result.kind = static_cast<mlc_value_kind>(value->kind);
      result.present = value->present != 0;
      result.presentAtRunTime = value->present == -1;
      result.first = value->first;
      result.count = value->count;
      next += result.count;
      values.push_back(std::move(result));
    }
    if (next != numTensors)
      return createStringError("'" + path + "': the graph " + kind + "s hold " +
                               Twine(next) + " tensors, not " +
                               Twine(numTensors));
    return Error::success();
  };
  if (Error err = read("input", "mlc_num_graph_inputs", "mlc_graph_input_info",
                       inputInfos.size(), graphInputs))
    return err;
  return read("output", "mlc_num_graph_outputs", "mlc_graph_output_info",
              outputInfos.size(), graphOutputs);
}

//===----------------------------------------------------------------------===//
// Running
//===----------------------------------------------------------------------===//

Expected<ModelContext> CompiledModel::createContext(int32_t numThreads) const {
  mlc_context *context = abi.contextCreate(numThreads);
  if (!context)
    return createStringError("mlc_context_create(" + Twine(numThreads) +
                             ") failed (out of memory?)");
  return ModelContext(context, abi.contextDestroy);
}

static std::string describe(StringRef kind, size_t index,
                            const TensorInfo &info) {
  return (kind + " " + Twine(index) + " '" + info.name + "'").str();
}

Error CompiledModel::checkInput(size_t index, const HostTensor &tensor) const {
  if (index >= inputInfos.size())
    return createStringError("the model has no input " + Twine(index) +
                             " (it has " + Twine(inputInfos.size()) + ")");
  const TensorInfo &info = inputInfos[index];
  if (tensor.dtype != info.dtype)
    return createStringError(describe("input", index, info) + ": expected " +
                             getDTypeName(info.dtype) + ", got " +
                             getDTypeName(tensor.dtype));
  bool shapeMatches = tensor.shape.size() == info.shape.size();
  for (size_t d = 0; shapeMatches && d < info.shape.size(); ++d)
    shapeMatches = info.shape[d] == -1 || info.shape[d] == tensor.shape[d];
  if (!shapeMatches)
    return createStringError(describe("input", index, info) +
                             ": expected shape " + formatShape(info.shape) +
                             ", got " + formatShape(tensor.shape));
  if (tensor.data.size() != tensor.numBytes())
    return createStringError(describe("input", index, info) + ": holds " +
                             Twine(tensor.data.size()) + " bytes, shape " +
                             formatShape(tensor.shape) + " needs " +
                             Twine(tensor.numBytes()));
  return Error::success();
}

Error CompiledModel::checkInputs(ArrayRef<HostTensor> inputs) const {
  if (inputs.size() != inputInfos.size())
    return createStringError("the model has " + Twine(inputInfos.size()) +
                             " input(s), got " + Twine(inputs.size()));
  for (auto [index, tensor] : llvm::enumerate(inputs))
    if (Error err = checkInput(index, tensor))
      return err;
  return Error::success();
}

/// Bytes of physical memory, or SIZE_MAX where the system does not say.
static size_t getPhysicalMemorySize() {
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
  long pages = sysconf(_SC_PHYS_PAGES);
  long pageSize = sysconf(_SC_PAGESIZE);
  if (pages > 0 && pageSize > 0 &&
      static_cast<uint64_t>(pages) <=
          SIZE_MAX / static_cast<uint64_t>(pageSize))
    return static_cast<size_t>(pages) * static_cast<size_t>(pageSize);
#endif
  return SIZE_MAX;
}

bool CompiledModel::hasDynamicShapes() const {
  auto isDynamic = [](const TensorInfo &info) {
    return info.hasDynamicShape();
  };
  return llvm::any_of(inputInfos, isDynamic) ||
         llvm::any_of(outputInfos, isDynamic);
}

Expected<std::vector<HostTensor>> CompiledModel::allocateOutputs() const {
  std::vector<HostTensor> outputs;
  for (auto [index, info] : llvm::enumerate(outputInfos)) {
    if (info.hasDynamicShape()) {
      HostTensor tensor;
      tensor.name = info.name;
      tensor.dtype = info.dtype;
      for (int64_t dim : info.shape)
        tensor.shape.push_back(dim < 0 ? 0 : dim);
      outputs.push_back(std::move(tensor));
      continue;
    }
    // std::vector would end the process through LLVM's out-of-memory
    // handler: an output that cannot fit is an error instead.
    if (Expected<size_t> bytes = getOutputByteSize(index, info.shape); !bytes)
      return bytes.takeError();
    HostTensor tensor;
    tensor.name = info.name;
    tensor.dtype = info.dtype;
    tensor.shape = info.shape;
    tensor.data.assign(tensor.numBytes(), 0);
    outputs.push_back(std::move(tensor));
  }
  return outputs;
}

Expected<size_t>
CompiledModel::getOutputByteSize(size_t index, ArrayRef<int64_t> shape) const {
  const TensorInfo &info = outputInfos[index];
  std::optional<size_t> bytes = getCheckedByteSize(shape, info.dtype);
  if (!bytes || *bytes > getPhysicalMemorySize())
    return createStringError(describe("output", index, info) + " of shape " +
                             formatShape(shape) + " needs " +
                             (bytes ? std::to_string(*bytes) + " bytes"
                                    : std::string("more than SIZE_MAX bytes")) +
                             ", more than this machine's memory");
  return *bytes;
}

Error CompiledModel::run(ModelContext &context, ArrayRef<const void *> inputs,
                         ArrayRef<void *> outputs) const {
  if (inputs.size() != inputInfos.size() ||
      outputs.size() != outputInfos.size())
    return createStringError("mlc_run needs " + Twine(inputInfos.size()) +
                             " input and " + Twine(outputInfos.size()) +
                             " output buffers, got " + Twine(inputs.size()) +
                             " and " + Twine(outputs.size()));
  int32_t status = abi.run(context.get(), inputs.data(), outputs.data());
  return statusToError("mlc_run", status);
}

Error CompiledModel::statusToError(StringRef function, int32_t status) const {
  // Artifacts say why through mlc_last_error (CPU ones for every status,
  // CUDA ones for device failures).
  const char *reason = abi.lastError ? abi.lastError() : nullptr;
  bool hasReason = reason && *reason;
  switch (status) {
  case MLC_OK:
    return Error::success();
  case MLC_ERROR_INVALID_ARGUMENT:
    return createStringError(
        hasReason ? Twine(reason) : function + " failed: invalid argument");
  case MLC_ERROR_OUT_OF_MEMORY:
    return createStringError(function + " failed: out of memory");
  case MLC_ERROR_NO_DEVICE:
    return createStringError(
        function + " failed: " + (hasReason ? reason : "no usable device"));
  case MLC_ERROR_OUTPUT_TOO_SMALL:
    return createStringError(function + " failed: output buffer too small");
  case MLC_ERROR_MODEL:
    return createStringError(
        function + " failed: " + (hasReason ? reason : "the model failed"));
  }
  return createStringError(function + " failed with status " + Twine(status));
}

Error CompiledModel::runDynamic(ModelContext &context,
                                ArrayRef<HostTensor> inputs,
                                MutableArrayRef<HostTensor> outputs) const {
  if (Error err = checkInputs(inputs))
    return err;
  if (outputs.size() != outputInfos.size())
    return createStringError("the model has " + Twine(outputInfos.size()) +
                             " output(s), got " + Twine(outputs.size()));
  SmallVector<const void *> inputPtrs;
  SmallVector<const int64_t *> inputShapes;
  for (const HostTensor &tensor : inputs) {
    inputPtrs.push_back(tensor.getDataPointer());
    inputShapes.push_back(tensor.shape.data());
  }
  // Output shapes land here, then move into the tensors.
  std::vector<SmallVector<int64_t>> shapes;
  for (const TensorInfo &info : outputInfos)
    shapes.emplace_back(std::max<size_t>(1, info.shape.size()), 0);
  for (int attempt = 0; attempt < 2; ++attempt) {
    SmallVector<void *> outputPtrs;
    SmallVector<int64_t> capacities;
    SmallVector<int64_t *> shapePtrs;
    for (auto [index, tensor] : llvm::enumerate(outputs)) {
      if (tensor.dtype != outputInfos[index].dtype)
        return createStringError(describe("output", index, outputInfos[index]) +
                                 ": buffer has the wrong element type");
      outputPtrs.push_back(tensor.data.empty() ? nullptr
                                               : tensor.getDataPointer());
      capacities.push_back(static_cast<int64_t>(tensor.data.size()));
      shapePtrs.push_back(shapes[index].data());
    }
    int32_t status =
        abi.runDynamic(context.get(), inputPtrs.data(), inputShapes.data(),
                       outputPtrs.data(), capacities.data(), shapePtrs.data());
    if (status != MLC_OK && status != MLC_ERROR_OUTPUT_TOO_SMALL)
      return statusToError("mlc_run_dynamic", status);
    bool grown = false;
    for (auto [index, tensor] : llvm::enumerate(outputs)) {
      tensor.shape.assign(shapes[index].begin(),
                          shapes[index].begin() +
                              outputInfos[index].shape.size());
      std::optional<size_t> bytes =
          getCheckedByteSize(tensor.shape, tensor.dtype);
      if (!bytes || *bytes > getPhysicalMemorySize())
        return createStringError(describe("output", index, outputInfos[index]) +
                                 " of shape " + formatShape(tensor.shape) +
                                 " does not fit in this machine's memory");
      if (*bytes > tensor.data.size())
        grown = true;
      tensor.data.resize(*bytes);
    }
    if (status == MLC_OK)
      return Error::success();
    if (!grown)
      return createStringError("mlc_run_dynamic reports a buffer too small, "
                               "but no output grew");
  }
  return createStringError("mlc_run_dynamic: outputs still too small after "
                           "resizing them");
}

int32_t CompiledModel::runDynamic(ModelContext &context,
                                  ArrayRef<const void *> inputs,
                                  ArrayRef<const int64_t *> inputShapes,
                                  ArrayRef<void *> outputs,
                                  ArrayRef<int64_t> outputCapacities,
                                  ArrayRef<int64_t *> outputShapes) const {
  if (inputs.size() != inputInfos.size() ||
      inputShapes.size() != inputInfos.size() ||
      outputs.size() != outputInfos.size() ||
      outputCapacities.size() != outputInfos.size() ||
      outputShapes.size() != outputInfos.size())
    return MLC_ERROR_INVALID_ARGUMENT;
  return abi.runDynamic(context.get(), inputs.data(), inputShapes.data(),
                        outputs.data(), outputCapacities.data(),
                        outputShapes.data());
}

StringRef CompiledModel::getLastError() const {
  const char *reason = abi.lastError ? abi.lastError() : nullptr;
  return reason ? StringRef(reason) : StringRef();
}

Error CompiledModel::run(ModelContext &context, ArrayRef<HostTensor> inputs,
                         MutableArrayRef<HostTensor> outputs) const {
  if (Error err = checkInputs(inputs))
    return err;
  if (outputs.size() != outputInfos.size())
    return createStringError("the model has " + Twine(outputInfos.size()) +
                             " output(s), got " + Twine(outputs.size()));
  SmallVector<const void *> inputPtrs;
  for (const HostTensor &tensor : inputs)
    inputPtrs.push_back(tensor.getDataPointer());
  SmallVector<void *> outputPtrs;
  for (auto [index, tensor] : llvm::enumerate(outputs)) {
    const TensorInfo &info = outputInfos[index];
    if (info.hasDynamicShape())
      return createStringError(describe("output", index, info) +
                               " has a dynamic shape");
    if (tensor.dtype != info.dtype ||
        ArrayRef<int64_t>(tensor.shape) != ArrayRef<int64_t>(info.shape) ||
        tensor.data.size() != tensor.numBytes())
      return createStringError(
          describe("output", index, info) + ": buffer does not match " +
          getDTypeName(info.dtype) + " " + formatShape(info.shape));
    outputPtrs.push_back(tensor.getDataPointer());
  }
  return run(context, ArrayRef<const void *>(inputPtrs),
             ArrayRef<void *>(outputPtrs));
}

} // namespace mlc
