/* mlc_runtime.h - the C ABI of a model compiled by MLC.
 *
 * A compiled model is one shared library (e.g. model.so) that exports exactly
 * the functions declared here. Weights are embedded in the library. Tensors
 * are dense, row-major (C order), and passed as raw data pointers whose
 * element type and shape are given by the mlc_tensor_info of that input or
 * output. Inputs and outputs are in the order of the ONNX graph; sequence
 * and optional graph values are passed as their element tensors
 * (mlc_value_info below).
 *
 * Typical use:
 *   mlc_context *ctx = mlc_context_create(1);
 *   const void *ins[] = {x};  void *outs[] = {y};
 *   if (mlc_run(ctx, ins, outs) != MLC_OK) ...
 *   mlc_context_destroy(ctx);
 *
 * Dynamic shapes (ABI version 2). A dimension of -1 in mlc_tensor_info is
 * only known at run time. Such models run through mlc_run_dynamic, which
 * takes the actual shape of every input and reports the actual shape of
 * every output; outputs are written into caller buffers of a stated
 * capacity. When an output does not fit (its shape may depend on the input
 * data, as NonZero's), the call returns MLC_ERROR_OUTPUT_TOO_SMALL with
 * every output shape filled in: allocate that much and call again. Reusing
 * the buffers of the previous run makes the common case one call:
 *
 *   const int64_t *in_shapes[] = {x_shape};   int64_t y_shape[2];
 *   int64_t *out_shapes[] = {y_shape};       int64_t caps[] = {y_bytes};
 *   int32_t s = mlc_run_dynamic(ctx, ins, in_shapes, outs, caps, out_shapes);
 *   if (s == MLC_ERROR_OUTPUT_TOO_SMALL) { grow y to y_shape; call again; }
 *
 * Output shapes may depend on the input data (NonZero, TopK with an input
 * k, Compress, Range of runtime bounds, ...): the compiled code computes
 * them, so a first call with capacity 0 (null buffers) returns
 * MLC_ERROR_OUTPUT_TOO_SMALL with the exact sizes (MLC_OK when every
 * output is empty).
 *
 * Statically shaped models export both functions; mlc_run is their fast
 * path (no shape checks). A model with a -1 anywhere answers mlc_run with
 * MLC_ERROR_INVALID_ARGUMENT.
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

#define MLC_ABI_VERSION 2

/* Element types use the codes of onnx.TensorProto.DataType. Every element
 * type takes whole bytes in a tensor buffer: the float8 types one byte each
 * (their bit pattern), and the 4-bit types (u4, i4, float4e2m1) one byte each
 * too, unpacked, the value's 4-bit code in the low nibble and the high nibble
 * zero (ONNX files pack them two per byte; mlc-run unpacks and packs). */
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
  MLC_DTYPE_BF16 = 16,
  MLC_DTYPE_F8E4M3FN = 17,
  MLC_DTYPE_F8E4M3FNUZ = 18,
  MLC_DTYPE_F8E5M2 = 19,
  MLC_DTYPE_F8E5M2FNUZ = 20,
  MLC_DTYPE_U4 = 21,
  MLC_DTYPE_I4 = 22,
  MLC_DTYPE_F4E2M1 = 23
} mlc_dtype;

/* Status codes returned by mlc_run. */
typedef enum mlc_status {
  MLC_OK = 0,
  MLC_ERROR_INVALID_ARGUMENT = 1,
  MLC_ERROR_OUT_OF_MEMORY = 2,
  /* An accelerator artifact (CUDA) found no usable device (no driver, no
   * GPU) or the device failed; mlc_last_error() says why. */
  MLC_ERROR_NO_DEVICE = 3,
  /* mlc_run_dynamic: an output buffer is smaller than its result. */
  MLC_ERROR_OUTPUT_TOO_SMALL = 4,
  /* The model cannot run on these inputs: the run reached a part that was
   * not compiled for them (an If branch that is invalid for the input
   * shapes, which the compiler kept as a run-time error since the other
   * branch may be the one taken); mlc_last_error() names it and why. The
   * outputs are unspecified. Added within ABI version 2: older artifacts
   * never return it. */
  MLC_ERROR_MODEL = 5
} mlc_status;

/* Static description of one model input or output. `shape` has `rank`
 * entries; a dimension of -1 is dynamic. Owned by the artifact. */
typedef struct mlc_tensor_info {
  const char *name;
  int32_t dtype; /* an mlc_dtype */
  int32_t rank;
  const int64_t *shape;
} mlc_tensor_info;

/* ONNX graph values (added within ABI version 2). A graph input or output
 * may be a tensor, a sequence of tensors or an optional (of a tensor or of a
 * sequence). The tensors above (mlc_input_info, mlc_output_info) are these
 * values flattened, in graph order: each graph value owns `count` tensors
 * starting at tensor index `first`:
 *   a tensor               one tensor, named like the value;
 *   a sequence             one tensor per element, named NAME[0], NAME[1],
 *                          ... (`count` is its length, 0 for an empty one);
 *   an optional            its value's tensors when `present` is 1 (named as
 *                          above: NAME, or NAME[i] for an optional sequence),
 *                          none when it is 0; when it is -1 (an output only,
 *                          whose presence the run decides, e.g. an If whose
 *                          branches differ in it) a bool scalar NAME.present
 *                          first, then the value's tensors (unspecified when
 *                          the flag is false);
 *   a sequence with        (present -1, an output only: a Loop of run-time
 *   present -1             trip count compiled with mlc-compile
 *                          --max-loop-iterations) an int64 scalar
 *                          NAME.length first, then `count - 1` element slots
 *                          NAME[0], NAME[1], ...: the first NAME.length of
 *                          them are its elements, the rest unspecified.
 * The length of a sequence and the presence of an optional are fixed when
 * the model is compiled: an input's by `mlc-compile --input-structure`
 * (an optional tensor input is present by default), an output's by what the
 * model makes of them (docs/Tools.md, "Sequences and optionals"). Element
 * shapes may still be dynamic (-1). A caller holding an ONNX SequenceProto
 * passes its elements as the tensors first .. first+count-1; mlc-run does
 * so for .pb files. Artifacts compiled before these functions existed lack
 * them: there, every tensor is a graph value of kind MLC_VALUE_TENSOR. */
typedef enum mlc_value_kind {
  MLC_VALUE_TENSOR = 0,
  MLC_VALUE_SEQUENCE = 1,
  MLC_VALUE_OPTIONAL_TENSOR = 2,
  MLC_VALUE_OPTIONAL_SEQUENCE = 3
} mlc_value_kind;

/* Static description of one ONNX graph input or output. Owned by the
 * artifact. */
typedef struct mlc_value_info {
  const char *name;
  int32_t kind;    /* an mlc_value_kind */
  int32_t present; /* 1; 0 for an absent optional; -1: see above */
  int32_t first;   /* index of its first tensor (mlc_input/output_info) */
  int32_t count;   /* number of its tensors */
} mlc_value_info;

typedef struct mlc_context mlc_context;

/* Returns MLC_ABI_VERSION of the compiler that produced the artifact. */
int32_t mlc_abi_version(void);

int32_t mlc_num_inputs(void);
int32_t mlc_num_outputs(void);
/* Returns NULL when `index` is out of range. */
const mlc_tensor_info *mlc_input_info(int32_t index);
const mlc_tensor_info *mlc_output_info(int32_t index);

int32_t mlc_num_graph_inputs(void);
int32_t mlc_num_graph_outputs(void);
/* Returns NULL when `index` is out of range. */
const mlc_value_info *mlc_graph_input_info(int32_t index);
const mlc_value_info *mlc_graph_output_info(int32_t index);

/* Creates an execution context. `num_threads` <= 0 means "one thread";
 * CPU artifacts run the outer tiles of their large convolutions and matmuls
 * on that many threads (LLVM's OpenMP runtime, whose workers persist between
 * runs). A context holds the arena of the model's static memory plan,
 * allocated by its first run and reused by every later one: a context runs
 * one call at a time; several contexts of one artifact may run at once on
 * different threads (the weights are shared, read-only). A context also
 * holds the state of the model's random ops (RandomNormal, Bernoulli,
 * training-mode Dropout, ...): a counter-based generator whose counter
 * starts at 0 and advances with every draw, so that each run draws new
 * numbers; ops with a `seed` repeat their stream in every fresh context,
 * the others are keyed by a seed taken from the creation time and the
 * context's address. Returns NULL when out of memory. */
mlc_context *mlc_context_create(int32_t num_threads);

/* Runs the model: `inputs[i]` points to the data of input i, `outputs[i]` to
 * caller-allocated storage for output i (sizes from mlc_output_info). Data
 * pointers must be aligned to their element size (4 bytes for float).
 * Returns an mlc_status: MLC_ERROR_INVALID_ARGUMENT for a null or
 * misaligned pointer, or a model with dynamic shapes (nothing is read or
 * written then); MLC_ERROR_OUT_OF_MEMORY when a buffer the model needs
 * cannot be allocated: the context's arena on its first run (nothing is
 * allocated then), or a buffer of run-time size outside the plan (the
 * buffers of that run allocated before it are freed: nothing leaks, and the
 * context stays usable); MLC_ERROR_MODEL when the run reached a part of the
 * model not compiled for these inputs (what the run allocated is freed too).
 * mlc_last_error() says which. */
int32_t mlc_run(mlc_context *ctx, const void *const *inputs,
                void *const *outputs);

/* Runs the model on inputs of the given shapes (ABI version 2; every model
 * exports it). `input_shapes[i]` holds mlc_input_info(i)->rank dimensions;
 * each must be >= 0 and equal the static dimension where that is not -1,
 * and the dynamic dimensions that share an ONNX dim_param (e.g. a batch `N`
 * of several inputs) must be equal; else the call returns
 * MLC_ERROR_INVALID_ARGUMENT before reading any input, and
 * mlc_last_error() names the input and dimension. (Dynamic dimensions
 * without a dim_param cannot be related: the caller must keep them
 * consistent with the model.) `outputs[i]` is a caller buffer of
 * `output_capacities[i]` bytes; the run writes output i's shape to
 * `output_shapes[i]` (mlc_output_info(i)->rank entries) and its data to
 * `outputs[i]`. Returns MLC_OK, MLC_ERROR_OUTPUT_TOO_SMALL (shapes written,
 * data of the outputs that fit may have been written: grow the buffers and
 * run again; nothing is ever written past a capacity),
 * MLC_ERROR_INVALID_ARGUMENT (null or misaligned pointers, bad shapes, an input
 * whose byte size overflows 64 bits), MLC_ERROR_OUT_OF_MEMORY (as for
 * mlc_run: what the run allocated is freed) or MLC_ERROR_MODEL. Output buffers
 * may be null when their capacity is 0; a null buffer with a non-zero capacity
 * is an invalid argument. */
int32_t mlc_run_dynamic(mlc_context *ctx, const void *const *inputs,
                        const int64_t *const *input_shapes,
                        void *const *outputs, const int64_t *output_capacities,
                        int64_t *const *output_shapes);

void mlc_context_destroy(mlc_context *ctx);

/* A message saying why the last failed call of mlc_run or mlc_run_dynamic
 * on this thread failed (e.g. "mlc_run_dynamic: input 'mask' dimension 0
 * ('N') differs from input 'x' dimension 0, which shares its name"), or ""
 * before any failure. Owned by the artifact; valid until the next call.
 * CUDA artifacts report device failures here. */
const char *mlc_last_error(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MLC_RUNTIME_MLC_RUNTIME_H */
