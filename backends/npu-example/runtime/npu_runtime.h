/*===- npu_runtime.h - Driver API of the example NPU ----------------------===*
 *
 * What a hardware team's runtime library exports to compiled models: one
 * call per operation the NPU runs. There is no NPU: the "device" is emulated
 * on the host (plain C loops), which is enough to check, number by number,
 * that the compiler hands the right ops and buffers to the driver.
 * With NPU_EXAMPLE_TRACE=1 in the environment every call is logged to stderr
 * as `npu-example: <op> ...`.
 *
 * Buffers are dense, row-major float32 arrays; shapes are passed as int64.
 *===----------------------------------------------------------------------===*/

#ifndef NPU_EXAMPLE_RUNTIME_H
#define NPU_EXAMPLE_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* y[n, f, oh, ow] = bias[f] + sum x[n, c, ih, iw] * w[f, c, kh, kw], NCHW,
 * group 1; `bias` is read only when has_bias is non-zero. */
void npu_conv2d_f32(const float *x, const float *w, const float *bias, float *y,
                    int64_t n, int64_t c, int64_t h, int64_t wd, int64_t f,
                    int64_t kh, int64_t kw, int64_t oh, int64_t ow,
                    int64_t stride_h, int64_t stride_w, int64_t pad_top,
                    int64_t pad_left, int64_t dilation_h, int64_t dilation_w,
                    int64_t has_bias);

/* c[m, n] = bias[n] + sum_k a[m, k] * b[k, n] (b[n, k] when trans_b);
 * `bias` is read only when has_bias is non-zero. */
void npu_matmul_f32(const float *a, const float *b, const float *bias, float *c,
                    int64_t m, int64_t k, int64_t n, int64_t trans_b,
                    int64_t has_bias);

/* y[i] = max(x[i], 0) for i < count. */
void npu_relu_f32(const float *x, float *y, int64_t count);

#ifdef __cplusplus
}
#endif

#endif /* NPU_EXAMPLE_RUNTIME_H */
