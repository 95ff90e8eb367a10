/* Makes each heap allocation of one mlc_run_dynamic call fail in turn and
 * checks that the call returns MLC_ERROR_OUT_OF_MEMORY and frees every
 * block it allocated before (fail_allocs.so, LD_PRELOAD), then that a
 * normal run still gives the first run's outputs. Dynamic dimensions are
 * BATCH; inputs are small distinct values.
 * Usage: run_failing_allocs MODEL.so BATCH */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlc/Runtime/mlc_runtime.h"

enum { kCapacity = 1 << 20 };

int main(int argc, char **argv) {
  if (argc != 3)
    return 2;
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  volatile int64_t *counting = dlsym(RTLD_DEFAULT, "mlc_test_counting");
  volatile int64_t *fail_at = dlsym(RTLD_DEFAULT, "mlc_test_fail_at");
  volatile int64_t *allocations = dlsym(RTLD_DEFAULT, "mlc_test_allocations");
  volatile int64_t *live = dlsym(RTLD_DEFAULT, "mlc_test_live");
  void (*reset)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "mlc_test_reset");
  if (!lib || !counting || !reset) {
    fprintf(stderr, "cannot load %s or the allocator (LD_PRELOAD?)\n", argv[1]);
    return 2;
  }
  int32_t (*num_inputs)(void) = dlsym(lib, "mlc_num_inputs");
  int32_t (*num_outputs)(void) = dlsym(lib, "mlc_num_outputs");
  const mlc_tensor_info *(*input_info)(int32_t) = dlsym(lib, "mlc_input_info");
  const mlc_tensor_info *(*output_info)(int32_t) =
      dlsym(lib, "mlc_output_info");
  mlc_context *(*create)(int32_t) = dlsym(lib, "mlc_context_create");
  const char *(*last_error)(void) = dlsym(lib, "mlc_last_error");
  int32_t (*run)(mlc_context *, const void *const *, const int64_t *const *,
                 void *const *, const int64_t *, int64_t *const *) =
      dlsym(lib, "mlc_run_dynamic");
  int64_t batch = atoll(argv[2]);

  int32_t ni = num_inputs(), no = num_outputs();
  const void **ins = calloc(ni + 1, sizeof(void *));
  const int64_t **in_shapes = calloc(ni + 1, sizeof(int64_t *));
  void **outs = calloc(no + 1, sizeof(void *));
  void **expected = calloc(no + 1, sizeof(void *));
  int64_t **out_shapes = calloc(no + 1, sizeof(int64_t *));
  int64_t *caps = calloc(no + 1, sizeof(int64_t));
  for (int32_t i = 0; i < ni; ++i) {
    const mlc_tensor_info *info = input_info(i);
    int64_t *shape = calloc(info->rank + 1, sizeof(int64_t));
    size_t n = 1;
    for (int32_t d = 0; d < info->rank; ++d) {
      shape[d] = info->shape[d] < 0 ? batch : info->shape[d];
      n *= (size_t)shape[d];
    }
    float *data = calloc(n + 1, 8); /* room for any element type */
    if (info->dtype == MLC_DTYPE_F32)
      for (size_t k = 0; k < n; ++k)
        data[k] = (float)((k * 37) % 11) * 0.25f - 1.0f;
    ins[i] = data;
    in_shapes[i] = shape;
  }
  for (int32_t i = 0; i < no; ++i) {
    outs[i] = calloc(1, kCapacity);
    expected[i] = calloc(1, kCapacity);
    out_shapes[i] = calloc(output_info(i)->rank + 1, sizeof(int64_t));
    caps[i] = kCapacity;
  }
  mlc_context *ctx = create(1);
  /* Warm-up: the context's arena, if the model has one, comes to be. */
  if (!ctx || run(ctx, ins, in_shapes, outs, caps, out_shapes) != MLC_OK) {
    fprintf(stderr, "warm-up run failed: %s\n", last_error());
    return 1;
  }
  reset();
  *counting = 1;
  int32_t status = run(ctx, ins, in_shapes, outs, caps, out_shapes);
  *counting = 0;
  int64_t count = *allocations;
  printf("allocations in one run: %lld, live after it: %lld\n",
         (long long)count, (long long)*live);
  if (status != MLC_OK)
    return 1;
  for (int32_t i = 0; i < no; ++i)
    memcpy(expected[i], outs[i], kCapacity);

  int failures = 0;
  for (int64_t n = 1; n <= count; ++n) {
    reset();
    *fail_at = n;
    *counting = 1;
    status = run(ctx, ins, in_shapes, outs, caps, out_shapes);
    *counting = 0;
    *fail_at = 0;
    if (status != MLC_ERROR_OUT_OF_MEMORY ||
        strcmp(last_error(), "mlc_run_dynamic: out of memory") != 0) {
      printf("allocation %lld failing: status %d (%s)\n", (long long)n, status,
             last_error());
      ++failures;
    }
    if (*live != 0) {
      printf("allocation %lld failing: %lld blocks leaked\n", (long long)n,
             (long long)*live);
      ++failures;
    }
  }
  reset();
  for (int32_t i = 0; i < no; ++i)
    memset(outs[i], 0, kCapacity);
  if (run(ctx, ins, in_shapes, outs, caps, out_shapes) != MLC_OK) {
    printf("run after the failures: %s\n", last_error());
    ++failures;
  }
  for (int32_t i = 0; i < no; ++i)
    if (memcmp(outs[i], expected[i], kCapacity) != 0) {
      printf("output %d differs after the failed runs\n", i);
      ++failures;
    }
  printf("failed each of %lld allocations: %d problems\n", (long long)count,
         failures);
  return failures != 0;
}
