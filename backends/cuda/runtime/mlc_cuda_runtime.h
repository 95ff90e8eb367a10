/* mlc_cuda_runtime.h - what CUDA artifacts export beyond mlc_runtime.h.
 *
 * Profiling: create the context with MLC_CUDA_PROFILE set in the
 * environment (any value). Each kernel launch is then timed with CUDA
 * events; destroying the context prints the kernels by total time to
 * stderr.
 */
#ifndef MLC_CUDA_RUNTIME_H
#define MLC_CUDA_RUNTIME_H

#include "mlc/Runtime/mlc_runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Device time, in milliseconds, of the kernels of the context's last
 * successful run (the sum of each launch's event-to-event time); -1 when
 * the context is not profiling. */
double mlc_cuda_last_run_kernel_ms(const mlc_context *ctx);

#ifdef __cplusplus
}
#endif

#endif /* MLC_CUDA_RUNTIME_H */
