/* Calls an artifact's C ABI with what a careless or hostile caller passes
 * and prints, per case, the status and mlc_last_error(); checks that no
 * call writes past an output's capacity (guard bytes after every output
 * buffer) nor into an output that did not fit.
 * Usage: validate_abi STATIC.so DYNAMIC.so
 *   STATIC.so: x float[4] -> y float[4];  DYNAMIC.so: x float[N, 3] -> y
 *   float[N, 3] (test/e2e/Inputs/dyn-relu.onnxtxt). */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlc/Runtime/mlc_runtime.h"

typedef struct {
  mlc_context *(*create)(int32_t);
  void (*destroy)(mlc_context *);
  int32_t (*run)(mlc_context *, const void *const *, void *const *);
  int32_t (*run_dynamic)(mlc_context *, const void *const *,
                         const int64_t *const *, void *const *, const int64_t *,
                         int64_t *const *);
  const char *(*last_error)(void);
} abi;

static int failures = 0;

static abi load(const char *path) {
  abi a;
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "cannot load %s: %s\n", path, dlerror());
    exit(2);
  }
  a.create = (mlc_context * (*)(int32_t)) dlsym(lib, "mlc_context_create");
  a.destroy = (void (*)(mlc_context *))dlsym(lib, "mlc_context_destroy");
  a.run = (int32_t (*)(mlc_context *, const void *const *, void *const *))dlsym(
      lib, "mlc_run");
  a.run_dynamic = (int32_t (*)(
      mlc_context *, const void *const *, const int64_t *const *, void *const *,
      const int64_t *, int64_t *const *))dlsym(lib, "mlc_run_dynamic");
  a.last_error = (const char *(*)(void))dlsym(lib, "mlc_last_error");
  return a;
}

static void report(const abi *a, const char *name, int32_t status) {
  printf("%s: %d %s\n", name, status, status ? a->last_error() : "");
}

/* An output buffer of `bytes` followed by 64 guard bytes, all 0xAB. */
static unsigned char *guarded(size_t bytes) {
  unsigned char *p = malloc(bytes + 64);
  memset(p, 0xAB, bytes + 64);
  return p;
}

/* Whether bytes [from, to) of `p` still hold 0xAB. */
static int untouched(const unsigned char *p, size_t from, size_t to) {
  for (size_t i = from; i < to; ++i)
    if (p[i] != 0xAB)
      return 0;
  return 1;
}

static void expect(int ok, const char *what) {
  if (!ok) {
    printf("FAILED: %s\n", what);
    ++failures;
  }
}

int main(int argc, char **argv) {
  if (argc != 3)
    return 2;
  abi s = load(argv[1]), d = load(argv[2]);
  mlc_context *sctx = s.create(1), *dctx = d.create(1);
  float x[12] = {-1, 2, -3, 4, -5, 6, -7, 8, -9, 10, -11, 12};
  /* Storage with room for a misaligned float array. */
  static float storage[8];
  const void *misaligned = (const char *)storage + 1;

  /* mlc_run: null context, arrays and data; misaligned data. */
  unsigned char *y = guarded(16);
  const void *ins[] = {x};
  void *outs[] = {y};
  report(&s, "run null context", s.run(NULL, ins, outs));
  report(&s, "run null inputs", s.run(sctx, NULL, outs));
  const void *null_in[] = {NULL};
  report(&s, "run null data", s.run(sctx, null_in, outs));
  const void *bad_in[] = {misaligned};
  report(&s, "run misaligned input", s.run(sctx, bad_in, outs));
  void *bad_out[] = {(char *)y + 2};
  report(&s, "run misaligned output", s.run(sctx, ins, bad_out));
  expect(untouched(y, 0, 80), "a rejected run wrote its output");
  report(&s, "run ok", s.run(sctx, ins, outs));
  expect(untouched(y, 16, 80), "mlc_run wrote past its output");

  /* mlc_run_dynamic of the static model: shapes and capacities. */
  int64_t shape4[] = {4}, shape5[] = {5}, out_shape[1] = {-1};
  const int64_t *in_shapes[] = {shape4};
  int64_t *out_shapes[] = {out_shape};
  int64_t caps[] = {16};
  memset(y, 0xAB, 80);
  const int64_t *bad_shapes[] = {shape5};
  report(&s, "static wrong shape",
         s.run_dynamic(sctx, ins, bad_shapes, outs, caps, out_shapes));
  caps[0] = 15;
  report(&s, "static short capacity",
         s.run_dynamic(sctx, ins, in_shapes, outs, caps, out_shapes));
  printf("static short capacity shape: %lld\n", (long long)out_shape[0]);
  expect(untouched(y, 0, 80), "a run with a short capacity wrote");
  caps[0] = 16;
  report(&s, "static ok",
         s.run_dynamic(sctx, ins, in_shapes, outs, caps, out_shapes));
  expect(untouched(y, 16, 80), "mlc_run_dynamic wrote past its capacity");

  /* The dynamic model. */
  unsigned char *dy = guarded(48);
  void *douts[] = {dy};
  int64_t dshape[] = {4, 3}, dout_shape[2] = {-1, -1};
  const int64_t *din_shapes[] = {dshape};
  int64_t *dout_shapes[] = {dout_shape};
  int64_t dcaps[] = {48};
  report(&d, "dynamic via mlc_run", d.run(dctx, ins, douts));
  int64_t negative[] = {-1, 3}, wrong[] = {4, 2},
          huge[] = {INT64_C(1) << 62, 3};
  const int64_t *neg_shapes[] = {negative}, *wrong_shapes[] = {wrong},
                *huge_shapes[] = {huge};
  report(&d, "dynamic negative dim",
         d.run_dynamic(dctx, ins, neg_shapes, douts, dcaps, dout_shapes));
  report(&d, "dynamic wrong static dim",
         d.run_dynamic(dctx, ins, wrong_shapes, douts, dcaps, dout_shapes));
  report(&d, "dynamic huge input",
         d.run_dynamic(dctx, ins, huge_shapes, douts, dcaps, dout_shapes));
  report(&d, "dynamic null shapes",
         d.run_dynamic(dctx, ins, NULL, douts, dcaps, dout_shapes));
  const void *dbad_in[] = {misaligned};
  report(&d, "dynamic misaligned input",
         d.run_dynamic(dctx, dbad_in, din_shapes, douts, dcaps, dout_shapes));
  void *null_out[] = {NULL};
  report(&d, "dynamic null output with capacity",
         d.run_dynamic(dctx, ins, din_shapes, null_out, dcaps, dout_shapes));
  int64_t zero_caps[] = {0};
  report(
      &d, "dynamic null output, capacity 0",
      d.run_dynamic(dctx, ins, din_shapes, null_out, zero_caps, dout_shapes));
  printf("dynamic shape: %lld %lld\n", (long long)dout_shape[0],
         (long long)dout_shape[1]);
  expect(untouched(dy, 0, 112), "a rejected dynamic run wrote its output");
  int64_t short_caps[] = {47};
  report(&d, "dynamic short capacity",
         d.run_dynamic(dctx, ins, din_shapes, douts, short_caps, dout_shapes));
  expect(untouched(dy, 0, 112), "a dynamic run with a short capacity wrote");
  report(&d, "dynamic ok",
         d.run_dynamic(dctx, ins, din_shapes, douts, dcaps, dout_shapes));
  expect(untouched(dy, 48, 112), "mlc_run_dynamic wrote past its capacity");
  float *dyf = (float *)dy;
  expect(dyf[0] == 0.0f && dyf[1] == 4.0f && dyf[11] == 15.0f, "wrong values");

  s.destroy(sctx);
  d.destroy(dctx);
  free(y);
  free(dy);
  printf("failures: %d\n", failures);
  return failures != 0;
}
