/* fma_peak.c - the 1-core f32 FMA throughput of this machine, the peak that
 * kernel_bench.py reports kernels against.
 *
 *   clang-22 -O2 -mavx2 -mfma fma_peak.c -o fma_peak_avx2       (ymm, 8 lanes)
 *   clang-22 -O2 -mavx512f -DMLC_ZMM fma_peak.c -o fma_peak_avx512  (zmm, 16)
 *   clang-22 -O2 -mavx512f -mavx512vnni -DMLC_VNNI512 fma_peak.c -o vnni_peak
 *       (the int8 peak: vpdpbusd zmm, 16 lanes x 4 u8*s8 products each;
 *       "gflops" then counts 2 int8 ops per product, GOP/s)
 *   ./fma_peak_avx2 [SECONDS_PER_TRIAL=0.2] [TRIALS=5]
 *
 * CHAINS independent accumulators each do acc = acc * a + b, so that the FMA
 * latency (4-5 cycles) is hidden behind the 2 FMA pipes of current x86 cores:
 * with 12 chains, up to 3 FMAs per cycle could be in flight per cycle of
 * latency, more than any core issues. Prints the best trial as one line:
 *   fma_peak isa=avx2 lanes=8 chains=12 gflops=<GFLOP/s> (2 flops per lane)
 * A single thread: run it on an otherwise idle core for a clean number.
 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef CHAINS
#define CHAINS 12
#endif

#if defined(MLC_VNNI512)
typedef __m512i vec;
/* 4 products per 32-bit lane: LANES counts products per instruction. */
#define LANES 64
#define ISA "avx512-vnni"
#define SET1(x) _mm512_set1_epi32((int)(x))
#define FMA(acc, a, b) _mm512_dpbusd_epi32(acc, a, b)
#define ADD _mm512_add_epi32
#define REDUCE(v) ((float)_mm512_reduce_add_epi32(v))
#elif defined(MLC_ZMM)
typedef __m512 vec;
#define LANES 16
#define ISA "avx512"
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define REDUCE(v) _mm512_reduce_add_ps(v)
#else
typedef __m256 vec;
#define LANES 8
#define ISA "avx2"
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
static float REDUCE(__m256 v) {
  float lanes[8];
  _mm256_storeu_ps(lanes, v);
  float sum = 0;
  for (int i = 0; i < 8; ++i)
    sum += lanes[i];
  return sum;
}
#endif

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* `a` and `b` come from the caller so that nothing folds; acc converges to
 * b / (1 - a), which keeps the values normal (no denormal slow paths). */
__attribute__((noinline)) static float run(long iters, float a, float b) {
  vec acc[CHAINS];
  vec va = SET1(a), vb = SET1(b);
  for (int c = 0; c < CHAINS; ++c)
    acc[c] = SET1((float)c);
  for (long i = 0; i < iters; ++i) {
#pragma clang loop unroll(full)
    for (int c = 0; c < CHAINS; ++c)
      acc[c] = FMA(acc[c], va, vb);
  }
  vec sum = acc[0];
  for (int c = 1; c < CHAINS; ++c)
    sum = ADD(sum, acc[c]);
  return REDUCE(sum);
}

int main(int argc, char **argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 0.2;
  int trials = argc > 2 ? atoi(argv[2]) : 5;
  float a = 0.999f + (argc > 99), b = 0.001f;
  /* Calibrate the iteration count to about `seconds` per trial. Every result
   * goes to `sink`, which is printed: an unused call could be removed. */
  volatile float sink = 0;
  long iters = 1 << 16;
  double elapsed = 0;
  for (;;) {
    double start = now();
    sink += run(iters, a, b);
    elapsed = now() - start;
    if (elapsed > seconds / 4 || iters > (1L << 40))
      break;
    iters *= 2;
  }
  iters = (long)(iters * (seconds / elapsed)) + 1;
  double best = 0;
  for (int t = 0; t < trials; ++t) {
    double start = now();
    sink += run(iters, a, b);
    elapsed = now() - start;
    double gflops = 2.0 * LANES * CHAINS * (double)iters / elapsed * 1e-9;
    if (gflops > best)
      best = gflops;
  }
  printf("fma_peak isa=%s lanes=%d chains=%d gflops=%.2f (sink %g)\n", ISA,
         LANES, CHAINS, best, (double)sink);
  return 0;
}
