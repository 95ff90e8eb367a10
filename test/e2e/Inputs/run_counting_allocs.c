/* Loads an MLC artifact, runs it once (warm-up: the context's arena and the
 * thread pool come to be), then RUNS more times, and prints how many heap
 * allocations those runs made, as counted by count_allocs.so (LD_PRELOAD).
 * Inputs are zeros; outputs are buffers of the sizes the ABI gives.
 * Usage: run_counting_allocs MODEL.so THREADS RUNS */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mlc/Runtime/mlc_runtime.h"

static size_t bytes_of(const mlc_tensor_info *info) {
  size_t n = 1;
  for (int32_t d = 0; d < info->rank; ++d)
    n *= (size_t)info->shape[d];
  return n * 8; /* room for any element type */
}

int main(int argc, char **argv) {
  if (argc != 4)
    return 2;
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  volatile uint64_t *counter = dlsym(RTLD_DEFAULT, "mlc_test_allocations");
  if (!lib || !counter) {
    fprintf(stderr, "cannot load %s or the counter (LD_PRELOAD?)\n", argv[1]);
    return 2;
  }
  int32_t (*num_inputs)(void) = dlsym(lib, "mlc_num_inputs");
  int32_t (*num_outputs)(void) = dlsym(lib, "mlc_num_outputs");
  const mlc_tensor_info *(*input_info)(int32_t) = dlsym(lib, "mlc_input_info");
  const mlc_tensor_info *(*output_info)(int32_t) =
      dlsym(lib, "mlc_output_info");
  mlc_context *(*create)(int32_t) = dlsym(lib, "mlc_context_create");
  int32_t (*run)(mlc_context *, const void *const *, void *const *) =
      dlsym(lib, "mlc_run");
  void **ins = calloc(num_inputs() + 1, sizeof(void *));
  void **outs = calloc(num_outputs() + 1, sizeof(void *));
  for (int32_t i = 0; i < num_inputs(); ++i)
    ins[i] = calloc(1, bytes_of(input_info(i)));
  for (int32_t i = 0; i < num_outputs(); ++i)
    outs[i] = calloc(1, bytes_of(output_info(i)));
  mlc_context *ctx = create(atoi(argv[2]));
  if (!ctx || run(ctx, (const void *const *)ins, outs) != 0)
    return 1;
  int runs = atoi(argv[3]);
  uint64_t before = *counter;
  for (int r = 0; r < runs; ++r)
    if (run(ctx, (const void *const *)ins, outs) != 0)
      return 1;
  uint64_t after = *counter;
  printf("allocations in %d runs: %llu\n", runs,
         (unsigned long long)(after - before));
  return 0;
}
