/*===- npu_runtime.c - The example NPU, emulated on the host --------------===*
 *
 * Linked into every model compiled for npu-example (see npu_runtime.h).
 *===----------------------------------------------------------------------===*/

#include "npu_runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tracing(void) {
  const char *value = getenv("NPU_EXAMPLE_TRACE");
  return value && strcmp(value, "0") != 0;
}

void npu_conv2d_f32(const float *x, const float *w, const float *bias, float *y,
                    int64_t n, int64_t c, int64_t h, int64_t wd, int64_t f,
                    int64_t kh, int64_t kw, int64_t oh, int64_t ow,
                    int64_t stride_h, int64_t stride_w, int64_t pad_top,
                    int64_t pad_left, int64_t dilation_h, int64_t dilation_w,
                    int64_t has_bias) {
  if (tracing())
    fprintf(stderr,
            "npu-example: conv2d %ldx%ldx%ldx%ld * %ldx%ldx%ldx%ld -> "
            "%ldx%ldx%ldx%ld\n",
            (long)n, (long)c, (long)h, (long)wd, (long)f, (long)c, (long)kh,
            (long)kw, (long)n, (long)f, (long)oh, (long)ow);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t o = 0; o < f; ++o)
      for (int64_t y0 = 0; y0 < oh; ++y0)
        for (int64_t x0 = 0; x0 < ow; ++x0) {
          float acc = has_bias ? bias[o] : 0.0f;
          for (int64_t i = 0; i < c; ++i)
            for (int64_t ky = 0; ky < kh; ++ky) {
              int64_t iy = y0 * stride_h - pad_top + ky * dilation_h;
              if (iy < 0 || iy >= h)
                continue;
              for (int64_t kx = 0; kx < kw; ++kx) {
                int64_t ix = x0 * stride_w - pad_left + kx * dilation_w;
                if (ix < 0 || ix >= wd)
                  continue;
                acc += x[((b * c + i) * h + iy) * wd + ix] *
                       w[((o * c + i) * kh + ky) * kw + kx];
              }
            }
          y[((b * f + o) * oh + y0) * ow + x0] = acc;
        }
}

void npu_matmul_f32(const float *a, const float *b, const float *bias, float *c,
                    int64_t m, int64_t k, int64_t n, int64_t trans_b,
                    int64_t has_bias) {
  if (tracing())
    fprintf(stderr, "npu-example: matmul %ldx%ld * %ldx%ld%s\n", (long)m,
            (long)k, (long)k, (long)n, has_bias ? " + bias" : "");
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      float acc = has_bias ? bias[j] : 0.0f;
      for (int64_t p = 0; p < k; ++p)
        acc += a[i * k + p] * (trans_b ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = acc;
    }
}

void npu_relu_f32(const float *x, float *y, int64_t count) {
  if (tracing())
    fprintf(stderr, "npu-example: relu %ld\n", (long)count);
  for (int64_t i = 0; i < count; ++i)
    y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
