/* FakeModel.c - a hand-written artifact implementing the mlc_runtime.h ABI.
 *
 * One f32 input 'x' of shape [2,3] and one output 'y' = x * 2. The unit tests
 * load it as CompiledModel would load a real model.so. Preprocessor switches
 * build variants: FAKE_ABI_VERSION overrides the reported version and
 * FAKE_OMIT_RUN leaves out mlc_run, to test the loader's checks;
 * FAKE_DYNAMIC makes the batch dimension dynamic ([-1,3]) and adds a second
 * output 'pos', the int64 indices of the positive elements of x (a
 * data-dependent shape [n]), served only by mlc_run_dynamic.
 */
#include "mlc/Runtime/mlc_runtime.h"

#include <stdlib.h>

#ifndef FAKE_ABI_VERSION
#define FAKE_ABI_VERSION MLC_ABI_VERSION
#endif

struct mlc_context {
  int32_t num_threads;
};

#ifdef FAKE_DYNAMIC
static const int64_t kShape[2] = {-1, 3};
static const int64_t kPosShape[1] = {-1};
static const mlc_tensor_info kPos = {"pos", MLC_DTYPE_I64, 1, kPosShape};
#define NUM_OUTPUTS 2
#else
static const int64_t kShape[2] = {2, 3};
#define NUM_OUTPUTS 1
#endif
static const mlc_tensor_info kInput = {"x", MLC_DTYPE_F32, 2, kShape};
static const mlc_tensor_info kOutput = {"y", MLC_DTYPE_F32, 2, kShape};

int32_t mlc_abi_version(void) { return FAKE_ABI_VERSION; }
int32_t mlc_num_inputs(void) { return 1; }
int32_t mlc_num_outputs(void) { return NUM_OUTPUTS; }

const mlc_tensor_info *mlc_input_info(int32_t index) {
  return index == 0 ? &kInput : NULL;
}

const mlc_tensor_info *mlc_output_info(int32_t index) {
#ifdef FAKE_DYNAMIC
  if (index == 1)
    return &kPos;
#endif
  return index == 0 ? &kOutput : NULL;
}

mlc_context *mlc_context_create(int32_t num_threads) {
  mlc_context *ctx = (mlc_context *)malloc(sizeof(mlc_context));
  if (ctx)
    ctx->num_threads = num_threads <= 0 ? 1 : num_threads;
  return ctx;
}

#ifdef FAKE_DYNAMIC
/* What mlc_last_error reports: CompiledModel shows it for failed runs. */
static const char *lastError = "";
const char *mlc_last_error(void) { return lastError; }
#endif

#ifndef FAKE_OMIT_RUN
int32_t mlc_run(mlc_context *ctx, const void *const *inputs,
                void *const *outputs) {
  if (!ctx || !inputs || !outputs || !inputs[0] || !outputs[0])
    return MLC_ERROR_INVALID_ARGUMENT;
#ifdef FAKE_DYNAMIC
  lastError = "fake: mlc_run has no shapes for a dynamic model";
  return MLC_ERROR_INVALID_ARGUMENT;
#endif
  const float *x = (const float *)inputs[0];
  float *y = (float *)outputs[0];
  for (int i = 0; i < 6; ++i)
    y[i] = x[i] * 2.0f;
  return MLC_OK;
}
#endif

int32_t mlc_run_dynamic(mlc_context *ctx, const void *const *inputs,
                        const int64_t *const *input_shapes,
                        void *const *outputs, const int64_t *output_capacities,
                        int64_t *const *output_shapes) {
  if (!ctx || !inputs || !input_shapes || !outputs || !output_capacities ||
      !output_shapes || !inputs[0] || !input_shapes[0] || !output_shapes[0])
    return MLC_ERROR_INVALID_ARGUMENT;
  const int64_t *shape = input_shapes[0];
  if (shape[0] < 0 || (kShape[0] != -1 && shape[0] != kShape[0]) ||
      shape[1] != 3)
    return MLC_ERROR_INVALID_ARGUMENT;
  int64_t n = shape[0] * 3;
  const float *x = (const float *)inputs[0];
  output_shapes[0][0] = shape[0];
  output_shapes[0][1] = 3;
  int32_t status = MLC_OK;
  if (output_capacities[0] < n * (int64_t)sizeof(float))
    status = MLC_ERROR_OUTPUT_TOO_SMALL;
  else
    for (int64_t i = 0; i < n; ++i)
      ((float *)outputs[0])[i] = x[i] * 2.0f;
#ifdef FAKE_DYNAMIC
  if (!output_shapes[1])
    return MLC_ERROR_INVALID_ARGUMENT;
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i)
    count += x[i] > 0;
  output_shapes[1][0] = count;
  if (output_capacities[1] < count * (int64_t)sizeof(int64_t))
    return MLC_ERROR_OUTPUT_TOO_SMALL;
  for (int64_t i = 0, j = 0; i < n; ++i)
    if (x[i] > 0)
      ((int64_t *)outputs[1])[j++] = i;
#endif
  return status;
}

void mlc_context_destroy(mlc_context *ctx) { free(ctx); }
