/* FakeModel.c - a hand-written artifact implementing the mlc_runtime.h ABI.
 *
 * One f32 input 'x' of shape [2,3] and one output 'y' = x * 2. The unit tests
 * load it as CompiledModel would load a real model.so. Preprocessor switches
 * build broken variants: FAKE_ABI_VERSION overrides the reported version and
 * FAKE_OMIT_RUN leaves out mlc_run, to test the loader's checks.
 */
#include "mlc/Runtime/mlc_runtime.h"

#include <stdlib.h>

#ifndef FAKE_ABI_VERSION
#define FAKE_ABI_VERSION MLC_ABI_VERSION
#endif

struct mlc_context {
  int32_t num_threads;
};

static const int64_t kShape[2] = {2, 3};
static const mlc_tensor_info kInput = {"x", MLC_DTYPE_F32, 2, kShape};
static const mlc_tensor_info kOutput = {"y", MLC_DTYPE_F32, 2, kShape};

int32_t mlc_abi_version(void) { return FAKE_ABI_VERSION; }
int32_t mlc_num_inputs(void) { return 1; }
int32_t mlc_num_outputs(void) { return 1; }

const mlc_tensor_info *mlc_input_info(int32_t index) {
  return index == 0 ? &kInput : NULL;
}

const mlc_tensor_info *mlc_output_info(int32_t index) {
  return index == 0 ? &kOutput : NULL;
}

mlc_context *mlc_context_create(int32_t num_threads) {
  mlc_context *ctx = (mlc_context *)malloc(sizeof(mlc_context));
  if (ctx)
    ctx->num_threads = num_threads <= 0 ? 1 : num_threads;
  return ctx;
}

#ifndef FAKE_OMIT_RUN
int32_t mlc_run(mlc_context *ctx, const void *const *inputs,
                void *const *outputs) {
  if (!ctx || !inputs || !outputs || !inputs[0] || !outputs[0])
    return MLC_ERROR_INVALID_ARGUMENT;
  const float *x = (const float *)inputs[0];
  float *y = (float *)outputs[0];
  for (int i = 0; i < 6; ++i)
    y[i] = x[i] * 2.0f;
  return MLC_OK;
}
#endif

void mlc_context_destroy(mlc_context *ctx) { free(ctx); }
