//===- CompiledModel.h - A loaded model.so and its C ABI --------*- C++ -*-===//
//
// Loads a shared library produced by MLC, checks that it exports the C ABI of
// mlc_runtime.h at the expected version, and runs it on host tensors.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_RUNTIME_COMPILEDMODEL_H
#define MLC_RUNTIME_COMPILEDMODEL_H

#include "mlc/Runtime/TensorIO.h"
#include "mlc/Runtime/mlc_runtime.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlc {

/// One model input or output, copied out of the artifact's mlc_tensor_info so
/// that it stays valid and checked independently of the library.
struct TensorInfo {
  std::string name;
  mlc_dtype dtype = MLC_DTYPE_F32;
  /// A dimension of -1 is dynamic.
  llvm::SmallVector<int64_t> shape;

  bool hasDynamicShape() const;
};

/// One ONNX graph input or output (mlc_value_info): the tensors
/// [first, first + count) of the model's inputs or outputs.
struct GraphValueInfo {
  std::string name;
  mlc_value_kind kind = MLC_VALUE_TENSOR;
  bool present = true;
  /// An output optional whose first tensor, a bool scalar, says whether it
  /// is present, or an output sequence whose first tensor, an i64 scalar,
  /// is its length (mlc_value_info.present == -1).
  bool presentAtRunTime = false;
  size_t first = 0;
  size_t count = 1;
};

/// An execution context created by the artifact. It is destroyed through the
/// artifact's mlc_context_destroy, so it must not outlive its CompiledModel.
class ModelContext {
public:
  ModelContext(ModelContext &&other);
  ModelContext &operator=(ModelContext &&other);
  ModelContext(const ModelContext &) = delete;
  ModelContext &operator=(const ModelContext &) = delete;
  ~ModelContext();

  mlc_context *get() const { return context; }

private:
  friend class CompiledModel;
  using DestroyFn = void (*)(mlc_context *);
  ModelContext(mlc_context *context, DestroyFn destroy)
      : context(context), destroy(destroy) {}

  mlc_context *context;
  DestroyFn destroy;
};

/// A model.so loaded with dlopen; dlclose'd when destroyed.
class CompiledModel {
public:
  /// Loads `path`, resolves every function of the ABI and checks that
  /// mlc_abi_version() == MLC_ABI_VERSION and that the tensor infos are sane.
  static llvm::Expected<std::unique_ptr<CompiledModel>>
  load(llvm::StringRef path);

  CompiledModel(const CompiledModel &) = delete;
  CompiledModel &operator=(const CompiledModel &) = delete;
  ~CompiledModel();

  llvm::StringRef getPath() const { return path; }
  llvm::ArrayRef<TensorInfo> getInputInfos() const { return inputInfos; }
  llvm::ArrayRef<TensorInfo> getOutputInfos() const { return outputInfos; }
  /// The graph values the tensors flatten (one per tensor for an artifact
  /// without mlc_graph_input_info).
  llvm::ArrayRef<GraphValueInfo> getGraphInputs() const { return graphInputs; }
  llvm::ArrayRef<GraphValueInfo> getGraphOutputs() const {
    return graphOutputs;
  }

  /// Calls mlc_context_create(numThreads).
  llvm::Expected<ModelContext> createContext(int32_t numThreads) const;

  /// Checks that `tensor` fits input `index`: same dtype, same rank, equal
  /// static dimensions, and a buffer of the right size. The message names the
  /// input by index and name.
  llvm::Error checkInput(size_t index, const HostTensor &tensor) const;

  /// Checks the input count, then every input with checkInput.
  llvm::Error checkInputs(llvm::ArrayRef<HostTensor> inputs) const;

  /// Returns zero-filled, named output tensors of the shapes the artifact
  /// declares; an output with a dynamic shape starts empty (its -1
  /// dimensions 0) and is sized by runDynamic.
  llvm::Expected<std::vector<HostTensor>> allocateOutputs() const;

  /// The bytes of output `index` at `shape`; an error when they exceed this
  /// machine's physical memory (or size_t), which names the output.
  llvm::Expected<size_t> getOutputByteSize(size_t index,
                                           llvm::ArrayRef<int64_t> shape) const;

  /// True when an input or output has a dynamic dimension: such a model
  /// runs through runDynamic (mlc_run_dynamic) only.
  bool hasDynamicShapes() const;

  /// Calls mlc_run on raw buffers. Only the counts are checked: this is the
  /// call to time.
  llvm::Error run(ModelContext &context, llvm::ArrayRef<const void *> inputs,
                  llvm::ArrayRef<void *> outputs) const;

  /// Checks `inputs` and `outputs` against the infos, then calls mlc_run.
  llvm::Error run(ModelContext &context, llvm::ArrayRef<HostTensor> inputs,
                  llvm::MutableArrayRef<HostTensor> outputs) const;

  /// Calls mlc_run_dynamic with the inputs' shapes (checked against the
  /// infos first) and gives each output its run-time shape. Output buffers
  /// are reused when large enough; when one is too small (the first run of
  /// a dynamic model, or a larger batch) it is grown and the model run
  /// again.
  llvm::Error runDynamic(ModelContext &context,
                         llvm::ArrayRef<HostTensor> inputs,
                         llvm::MutableArrayRef<HostTensor> outputs) const;

  /// Calls mlc_run_dynamic once on raw buffers and returns its status
  /// (MLC_OK, MLC_ERROR_OUTPUT_TOO_SMALL with every output shape written,
  /// ...). Only the counts are checked (a mismatch is
  /// MLC_ERROR_INVALID_ARGUMENT, without calling the model): the caller
  /// gives each input's rank and dtype as the infos say. For callers that
  /// own their buffers (the Python bindings write into numpy arrays).
  int32_t runDynamic(ModelContext &context, llvm::ArrayRef<const void *> inputs,
                     llvm::ArrayRef<const int64_t *> inputShapes,
                     llvm::ArrayRef<void *> outputs,
                     llvm::ArrayRef<int64_t> outputCapacities,
                     llvm::ArrayRef<int64_t *> outputShapes) const;

  /// The artifact's mlc_last_error(), or "" when it exports none.
  llvm::StringRef getLastError() const;

  /// The error for a status of `function` (mlc_run, mlc_run_dynamic), with
  /// the artifact's mlc_last_error() where it says why; success for MLC_OK.
  llvm::Error statusToError(llvm::StringRef function, int32_t status) const;

private:
  /// The functions of mlc_runtime.h, resolved with dlsym.
  struct AbiFunctions {
    int32_t (*abiVersion)(void);
    int32_t (*numInputs)(void);
    int32_t (*numOutputs)(void);
    const mlc_tensor_info *(*inputInfo)(int32_t);
    const mlc_tensor_info *(*outputInfo)(int32_t);
    mlc_context *(*contextCreate)(int32_t);
    int32_t (*run)(mlc_context *, const void *const *, void *const *);
    int32_t (*runDynamic)(mlc_context *, const void *const *,
                          const int64_t *const *, void *const *,
                          const int64_t *, int64_t *const *);
    void (*contextDestroy)(mlc_context *);
    /// Optional (accelerator artifacts): why the last mlc_run failed.
    const char *(*lastError)(void);
  };

  CompiledModel() = default;
  llvm::Error resolveFunctions();
  llvm::Error readTensorInfos();
  llvm::Error readGraphValues();

  void *handle = nullptr;
  std::string path;
  AbiFunctions abi = {};
  llvm::SmallVector<TensorInfo> inputInfos;
  llvm::SmallVector<TensorInfo> outputInfos;
  llvm::SmallVector<GraphValueInfo> graphInputs;
  llvm::SmallVector<GraphValueInfo> graphOutputs;
};

} // namespace mlc

#endif // MLC_RUNTIME_COMPILEDMODEL_H
