/* mlc_runtime.h - the C ABI of a model compiled by MLC.
 *
 * A compiled model is one shared library (e.g. model.so) that exports exactly
 * the functions declared here. Weights are embedded in the library. Tensors
 * are dense, row-major (C order), and passed as raw data pointers whose
 * element type and shape are given by the mlc_tensor_info of that input or
 * output. Inputs and outputs are in the order of the ONNX graph.
 *
 * Typical use:
 *   mlc_context *ctx = mlc_context_create(1);
 *   const void *ins[] = {x};  void *outs[] = {y};
 *   if (mlc_run(ctx, ins, outs) != MLC_OK) ...
 *   mlc_context_destroy(ctx);
 *
 * This header is the contract between the compiler and its users: it is
 * versioned by MLC_ABI_VERSION, which the artifact also reports at run time.
 */
#ifndef MLC_RUNTIME_MLC_RUNTIME_H
#define MLC_RUNTIME_MLC_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MLC_ABI_VERSION 1

/* Element types use the codes of onnx.TensorProto.DataType. */
typedef enum mlc_dtype {
  MLC_DTYPE_F32 = 1,
  MLC_DTYPE_U8 = 2,
  MLC_DTYPE_I8 = 3,
  MLC_DTYPE_U16 = 4,
  MLC_DTYPE_I16 = 5,
  MLC_DTYPE_I32 = 6,
  MLC_DTYPE_I64 = 7,
  MLC_DTYPE_BOOL = 9,
  MLC_DTYPE_F16 = 10,
  MLC_DTYPE_F64 = 11,
  MLC_DTYPE_U32 = 12,
  MLC_DTYPE_U64 = 13,
  MLC_DTYPE_BF16 = 16
} mlc_dtype;

/* Status codes returned by mlc_run. */
typedef enum mlc_status {
  MLC_OK = 0,
  MLC_ERROR_INVALID_ARGUMENT = 1,
  MLC_ERROR_OUT_OF_MEMORY = 2,
  /* An accelerator artifact (CUDA) found no usable device (no driver, no
   * GPU) or the device failed; such artifacts also export
   * `const char *mlc_last_error(void)`, which says why. */
  MLC_ERROR_NO_DEVICE = 3
} mlc_status;

/* Static description of one model input or output. `shape` has `rank`
 * entries; a dimension of -1 is dynamic. Owned by the artifact. */
typedef struct mlc_tensor_info {
  const char *name;
  int32_t dtype; /* an mlc_dtype */
  int32_t rank;
  const int64_t *shape;
} mlc_tensor_info;

typedef struct mlc_context mlc_context;

/* Returns MLC_ABI_VERSION of the compiler that produced the artifact. */
int32_t mlc_abi_version(void);

int32_t mlc_num_inputs(void);
int32_t mlc_num_outputs(void);
/* Returns NULL when `index` is out of range. */
const mlc_tensor_info *mlc_input_info(int32_t index);
const mlc_tensor_info *mlc_output_info(int32_t index);

/* Creates an execution context. `num_threads` <= 0 means "one thread".
 * Returns NULL when out of memory. */
mlc_context *mlc_context_create(int32_t num_threads);

/* Runs the model: `inputs[i]` points to the data of input i, `outputs[i]` to
 * caller-allocated storage for output i (sizes from mlc_output_info).
 * Returns an mlc_status: MLC_ERROR_INVALID_ARGUMENT for a null pointer,
 * MLC_ERROR_OUT_OF_MEMORY when a buffer the model needs cannot be allocated
 * (the buffers of that run allocated before it are then not freed). */
int32_t mlc_run(mlc_context *ctx, const void *const *inputs,
                void *const *outputs);

void mlc_context_destroy(mlc_context *ctx);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MLC_RUNTIME_MLC_RUNTIME_H */
