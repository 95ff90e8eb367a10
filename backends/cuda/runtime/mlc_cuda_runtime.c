/* mlc_cuda_runtime.c - host runtime linked into every CUDA artifact.
 *
 * Implements the mgpu* functions that MLIR's gpu-to-llvm lowering calls
 * (module loading, kernel launch, device memory, copies) and the public
 * context/run functions of mlc_runtime.h around the generated ones. The
 * CUDA driver is loaded at run time with dlopen("libcuda.so.1"), so an
 * artifact builds and loads on a machine without a GPU; there, mlc_run
 * returns MLC_ERROR_NO_DEVICE and mlc_last_error() says why.
 *
 * Device memory: the buffers of a run are allocated through a per-context
 * pool that keeps freed blocks, so the first run sizes the pool and later
 * runs allocate nothing from the driver; weights are uploaded once per
 * context (mlc_cuda_device_constant).
 *
 * Profiling: with MLC_CUDA_PROFILE set in the environment when a context is
 * created, every launch is bracketed by CUDA events; the device time of the
 * kernels of the last run is mlc_cuda_last_run_kernel_ms(), and destroying
 * the context prints each kernel's launches and time to stderr.
 */
#include "mlc_cuda_runtime.h"
#include "mlc/Runtime/mlc_runtime.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The few driver API types used, declared here so that building needs no
 * CUDA toolkit (they match cuda.h). */
typedef int CUresult;
typedef int CUdevice;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef unsigned long long CUdeviceptr;
typedef struct CUevent_st *CUevent;
/* cuFuncSetAttribute's CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES. */
enum { kMaxDynamicSharedSizeAttribute = 8 };
/* A CUtensorMap: 128 opaque bytes, 64-byte aligned. */
typedef struct {
  _Alignas(64) unsigned long long opaque[16];
} CUtensorMap;

typedef struct {
  CUresult (*init)(unsigned);
  CUresult (*deviceGetCount)(int *);
  CUresult (*deviceGet)(CUdevice *, int);
  CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*primaryCtxRelease)(CUdevice);
  CUresult (*ctxSetCurrent)(CUcontext);
  CUresult (*streamCreate)(CUstream *, unsigned);
  CUresult (*streamDestroy)(CUstream);
  CUresult (*streamSynchronize)(CUstream);
  CUresult (*moduleLoadData)(CUmodule *, const void *);
  CUresult (*moduleUnload)(CUmodule);
  CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*launchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                           unsigned, unsigned, unsigned, CUstream, void **,
                           void **);
  CUresult (*memAlloc)(CUdeviceptr *, size_t);
  CUresult (*memFree)(CUdeviceptr);
  CUresult (*memcpyAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream);
  CUresult (*memcpyHtoD)(CUdeviceptr, const void *, size_t);
  CUresult (*getErrorName)(CUresult, const char **);
  /* Profiling only; a driver without them runs without profiles. */
  CUresult (*eventCreate)(CUevent *, unsigned);
  CUresult (*eventRecord)(CUevent, CUstream);
  CUresult (*eventElapsedTime)(float *, CUevent, CUevent);
  CUresult (*eventDestroy)(CUevent);
  CUresult (*getErrorString)(CUresult, const char **);
  CUresult (*funcSetAttribute)(CUfunction, int, int);
  CUresult (*tensorMapEncodeTiled)(void *, int, uint32_t, void *,
                                   const uint64_t *, const uint64_t *,
                                   const uint32_t *, const uint32_t *, int, int,
                                   int, int);
} Driver;

static Driver driver;
static char driverError[256];
static pthread_once_t driverOnce = PTHREAD_ONCE_INIT;

static void loadDriver(void) {
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    snprintf(driverError, sizeof driverError,
             "no CUDA GPU present (libcuda.so.1 not found: %s)", dlerror());
    return;
  }
  struct {
    const char *name;
    void **slot;
  } symbols[] = {
      {"cuInit", (void **)&driver.init},
      {"cuDeviceGetCount", (void **)&driver.deviceGetCount},
      {"cuDeviceGet", (void **)&driver.deviceGet},
      {"cuDevicePrimaryCtxRetain", (void **)&driver.primaryCtxRetain},
      {"cuDevicePrimaryCtxRelease_v2", (void **)&driver.primaryCtxRelease},
      {"cuCtxSetCurrent", (void **)&driver.ctxSetCurrent},
      {"cuStreamCreate", (void **)&driver.streamCreate},
      {"cuStreamDestroy_v2", (void **)&driver.streamDestroy},
      {"cuStreamSynchronize", (void **)&driver.streamSynchronize},
      {"cuModuleLoadData", (void **)&driver.moduleLoadData},
      {"cuModuleUnload", (void **)&driver.moduleUnload},
      {"cuModuleGetFunction", (void **)&driver.moduleGetFunction},
      {"cuLaunchKernel", (void **)&driver.launchKernel},
      {"cuMemAlloc_v2", (void **)&driver.memAlloc},
      {"cuMemFree_v2", (void **)&driver.memFree},
      {"cuMemcpyAsync", (void **)&driver.memcpyAsync},
      {"cuMemcpyHtoD_v2", (void **)&driver.memcpyHtoD},
      {"cuGetErrorName", (void **)&driver.getErrorName},
  };
  for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; ++i) {
    *symbols[i].slot = dlsym(lib, symbols[i].name);
    if (!*symbols[i].slot) {
      snprintf(driverError, sizeof driverError,
               "the CUDA driver libcuda.so.1 lacks %s", symbols[i].name);
      driver.init = NULL;
      return;
    }
  }
  driver.eventCreate = dlsym(lib, "cuEventCreate");
  driver.eventRecord = dlsym(lib, "cuEventRecord");
  driver.eventElapsedTime = dlsym(lib, "cuEventElapsedTime");
  driver.eventDestroy = dlsym(lib, "cuEventDestroy_v2");
  driver.getErrorString = dlsym(lib, "cuGetErrorString");
  driver.funcSetAttribute = dlsym(lib, "cuFuncSetAttribute");
  driver.tensorMapEncodeTiled = dlsym(lib, "cuTensorMapEncodeTiled");
  CUresult rc = driver.init(0);
  int count = 0;
  if (rc == 0)
    rc = driver.deviceGetCount(&count);
  if (rc != 0 || count == 0) {
    const char *name = "no device";
    if (rc != 0 && driver.getErrorName(rc, &name) != 0)
      name = "unknown error";
    snprintf(driverError, sizeof driverError,
             "no CUDA GPU present (cuInit/cuDeviceGetCount: %s)", name);
    driver.init = NULL;
  }
}

/* A block of device memory kept by a context's pool. */
typedef struct {
  CUdeviceptr ptr;
  size_t size;
  int inUse;
} Block;

/* A weight uploaded to the device. */
typedef struct {
  const void *host;
  CUdeviceptr device;
} Constant;

/* One profiled launch of the current run. */
typedef struct {
  CUfunction function;
  CUevent start, stop;
} Launch;

/* A kernel's totals over the context's runs. */
typedef struct {
  CUfunction function;
  long launches;
  double ms;
} KernelTime;

/* A TMA descriptor in device memory (kernels read it from there). */
typedef struct {
  CUtensorMap map;
  CUdeviceptr device;
} TensorMap;

struct mlc_context {
  mlc_context *model; /* the generated context */
  CUdevice device;
  CUcontext cuContext;
  CUstream stream;
  Block *blocks;
  size_t numBlocks, capBlocks;
  Constant *constants;
  size_t numConstants, capConstants;
  TensorMap *tensorMaps;
  size_t numTensorMaps, capTensorMaps;
  int lastWasLaunch;
  int profiling;
  Launch *launches; /* events are kept and reused across runs */
  size_t numLaunches, capLaunches;
  KernelTime *kernelTimes;
  size_t numKernelTimes;
  double lastRunKernelMs;
  CUresult error;
  char message[512];
};

static __thread mlc_context *current;
static __thread char lastError[512];

const char *mlc_last_error(void) { return lastError; }

/* Records the first failure of the current run; later work is skipped. */
static int check(CUresult rc, const char *what) {
  if (rc == 0)
    return 1;
  if (current && current->error == 0) {
    const char *name = "unknown error";
    const char *description = "";
    driver.getErrorName(rc, &name);
    if (driver.getErrorString)
      driver.getErrorString(rc, &description);
    current->error = rc;
    snprintf(current->message, sizeof current->message, "%s failed: %s%s%s%s",
             what, name, *description ? " (" : "", description,
             *description ? ")" : "");
  }
  return 0;
}

static int failed(void) { return !current || current->error != 0; }

/* --- Modules and kernels ------------------------------------------------ */

typedef struct {
  const char *name;
  CUfunction function;
} Kernel;

/* What mgpuModuleLoad* return: the image, loaded lazily in the context of
 * the first launch (the calls happen in a global constructor, before any
 * context exists). */
typedef struct {
  const void *image;
  CUmodule module;
  CUcontext loadedIn;
  Kernel *kernels;
  size_t numKernels;
} ModuleHandle;

/* Kernel names by function, for the profile. */
static struct {
  CUfunction function;
  const char *name;
} *kernelNames;
static size_t numKernelNames;
static pthread_mutex_t kernelNamesLock = PTHREAD_MUTEX_INITIALIZER;

static void rememberKernelName(CUfunction function, const char *name) {
  pthread_mutex_lock(&kernelNamesLock);
  void *grown =
      realloc(kernelNames, (numKernelNames + 1) * sizeof *kernelNames);
  if (grown) {
    kernelNames = grown;
    kernelNames[numKernelNames].function = function;
    kernelNames[numKernelNames++].name = name;
  }
  pthread_mutex_unlock(&kernelNamesLock);
}

static const char *kernelName(CUfunction function) {
  const char *name = "?";
  pthread_mutex_lock(&kernelNamesLock);
  for (size_t i = 0; i < numKernelNames; ++i)
    if (kernelNames[i].function == function)
      name = kernelNames[i].name;
  pthread_mutex_unlock(&kernelNamesLock);
  return name;
}

void *mgpuModuleLoadJIT(void *data, int optLevel) {
  (void)optLevel;
  ModuleHandle *handle = calloc(1, sizeof *handle);
  if (handle)
    handle->image = data;
  return handle;
}

void *mgpuModuleLoad(void *data, size_t size) {
  (void)size;
  return mgpuModuleLoadJIT(data, 0);
}

void mgpuModuleUnload(void *module) {
  ModuleHandle *handle = module;
  if (!handle)
    return;
  /* At exit the driver may already be gone; contexts are destroyed by the
   * user before, which unloads nothing: the primary context owns it. */
  free(handle->kernels);
  free(handle);
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  ModuleHandle *handle = module;
  if (failed() || !handle)
    return NULL;
  if (handle->loadedIn != current->cuContext) {
    free(handle->kernels);
    handle->kernels = NULL;
    handle->numKernels = 0;
    if (!check(driver.moduleLoadData(&handle->module, handle->image),
               "cuModuleLoadData"))
      return NULL;
    handle->loadedIn = current->cuContext;
  }
  for (size_t i = 0; i < handle->numKernels; ++i)
    if (handle->kernels[i].name == name)
      return handle->kernels[i].function;
  CUfunction function;
  if (!check(driver.moduleGetFunction(&function, handle->module, name),
             "cuModuleGetFunction"))
    return NULL;
  Kernel *grown =
      realloc(handle->kernels, (handle->numKernels + 1) * sizeof *grown);
  if (grown) {
    handle->kernels = grown;
    handle->kernels[handle->numKernels++] = (Kernel){name, function};
  }
  rememberKernelName(function, name);
  return function;
}

void *mgpuStreamCreate(void) { return current ? current->stream : NULL; }
void mgpuStreamDestroy(void *stream) { (void)stream; }

/* Launches are ordered on the one stream; only copies to the host need to
 * wait, so a synchronization right after a launch is skipped. */
void mgpuStreamSynchronize(void *stream) {
  if (failed() || current->lastWasLaunch)
    return;
  check(driver.streamSynchronize(stream), "cuStreamSynchronize");
}

/* --- Profiling ----------------------------------------------------------- */

/* The event pair for the next launch of this run (NULL on failure). */
static Launch *nextLaunch(void) {
  if (current->numLaunches == current->capLaunches) {
    size_t cap = current->capLaunches ? 2 * current->capLaunches : 64;
    Launch *grown = realloc(current->launches, cap * sizeof *grown);
    if (!grown)
      return NULL;
    current->launches = grown;
    for (size_t i = current->capLaunches; i < cap; ++i) {
      grown[i] = (Launch){NULL, NULL, NULL};
      if (!check(driver.eventCreate(&grown[i].start, 0), "cuEventCreate") ||
          !check(driver.eventCreate(&grown[i].stop, 0), "cuEventCreate")) {
        current->capLaunches = i;
        return NULL;
      }
    }
    current->capLaunches = cap;
  }
  return &current->launches[current->numLaunches++];
}

/* After a run's synchronization: adds its launches to the kernel totals. */
static void collectProfile(mlc_context *ctx) {
  ctx->lastRunKernelMs = 0;
  for (size_t i = 0; i < ctx->numLaunches; ++i) {
    Launch *launch = &ctx->launches[i];
    float ms = 0;
    if (!check(driver.eventElapsedTime(&ms, launch->start, launch->stop),
               "cuEventElapsedTime"))
      break;
    ctx->lastRunKernelMs += ms;
    KernelTime *entry = NULL;
    for (size_t k = 0; k < ctx->numKernelTimes && !entry; ++k)
      if (ctx->kernelTimes[k].function == launch->function)
        entry = &ctx->kernelTimes[k];
    if (!entry) {
      KernelTime *grown =
          realloc(ctx->kernelTimes, (ctx->numKernelTimes + 1) * sizeof *grown);
      if (!grown)
        continue;
      ctx->kernelTimes = grown;
      entry = &grown[ctx->numKernelTimes++];
      *entry = (KernelTime){launch->function, 0, 0};
    }
    entry->launches += 1;
    entry->ms += ms;
  }
  ctx->numLaunches = 0;
}

static int byTime(const void *a, const void *b) {
  double x = ((const KernelTime *)a)->ms, y = ((const KernelTime *)b)->ms;
  return (x < y) - (x > y);
}

static void printProfile(mlc_context *ctx) {
  qsort(ctx->kernelTimes, ctx->numKernelTimes, sizeof *ctx->kernelTimes,
        byTime);
  double total = 0;
  for (size_t k = 0; k < ctx->numKernelTimes; ++k)
    total += ctx->kernelTimes[k].ms;
  fprintf(stderr, "mlc cuda profile: %zu kernels, %.3f ms in all\n",
          ctx->numKernelTimes, total);
  for (size_t k = 0; k < ctx->numKernelTimes; ++k) {
    KernelTime *t = &ctx->kernelTimes[k];
    fprintf(stderr, "  %10.3f ms %5.1f%% %6ld launches  %s\n", t->ms,
            total > 0 ? 100 * t->ms / total : 0.0, t->launches,
            kernelName(t->function));
  }
}

double mlc_cuda_last_run_kernel_ms(const mlc_context *ctx) {
  return ctx && ctx->profiling ? ctx->lastRunKernelMs : -1.0;
}

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smem, void *stream,
                      void **params, void **extra, size_t paramsCount) {
  (void)paramsCount;
  if (failed() || !function)
    return;
  current->lastWasLaunch = 1;
  /* Beyond 48 KiB, dynamic shared memory must be asked for. */
  if (smem > 48 * 1024 &&
      (!driver.funcSetAttribute ||
       !check(driver.funcSetAttribute(function, kMaxDynamicSharedSizeAttribute,
                                      smem),
              "cuFuncSetAttribute")))
    return;
  Launch *launch = current->profiling ? nextLaunch() : NULL;
  if (launch)
    check(driver.eventRecord(launch->start, stream), "cuEventRecord");
  CUresult rc =
      driver.launchKernel(function, gridX, gridY, gridZ, blockX, blockY, blockZ,
                          smem, stream, params, extra);
  if (rc != 0) {
    char what[192];
    snprintf(what, sizeof what,
             "cuLaunchKernel(%s, grid %ld x %ld x %ld, block %ld x %ld x %ld, "
             "%d bytes of shared memory)",
             kernelName(function), (long)gridX, (long)gridY, (long)gridZ,
             (long)blockX, (long)blockY, (long)blockZ, smem);
    check(rc, what);
    return;
  }
  if (launch) {
    launch->function = function;
    check(driver.eventRecord(launch->stop, stream), "cuEventRecord");
  }
}

/* --- Memory ------------------------------------------------------------- */

void *mgpuMemAlloc(uint64_t size, void *stream, bool isHostShared) {
  (void)stream;
  (void)isHostShared;
  if (failed())
    return NULL;
  if (size == 0)
    size = 1;
  /* The smallest free block that fits; the first run fills the pool. */
  Block *best = NULL;
  for (size_t i = 0; i < current->numBlocks; ++i) {
    Block *b = &current->blocks[i];
    if (!b->inUse && b->size >= size && (!best || b->size < best->size))
      best = b;
  }
  if (best) {
    best->inUse = 1;
    return (void *)(uintptr_t)best->ptr;
  }
  if (current->numBlocks == current->capBlocks) {
    size_t cap = current->capBlocks ? 2 * current->capBlocks : 64;
    Block *grown = realloc(current->blocks, cap * sizeof *grown);
    if (!grown) {
      check(2 /* CUDA_ERROR_OUT_OF_MEMORY */, "host allocation");
      return NULL;
    }
    current->blocks = grown;
    current->capBlocks = cap;
  }
  CUdeviceptr ptr;
  if (!check(driver.memAlloc(&ptr, size), "cuMemAlloc"))
    return NULL;
  current->blocks[current->numBlocks++] = (Block){ptr, size, 1};
  return (void *)(uintptr_t)ptr;
}

void mgpuMemFree(void *ptr, void *stream) {
  (void)stream;
  if (!current)
    return;
  for (size_t i = 0; i < current->numBlocks; ++i)
    if (current->blocks[i].ptr == (CUdeviceptr)(uintptr_t)ptr)
      current->blocks[i].inUse = 0;
}

void mgpuMemcpy(void *dst, void *src, size_t size, void *stream) {
  if (failed())
    return;
  current->lastWasLaunch = 0;
  check(driver.memcpyAsync((CUdeviceptr)(uintptr_t)dst,
                           (CUdeviceptr)(uintptr_t)src, size, stream),
        "cuMemcpyAsync");
}

void *mlc_cuda_device_constant(const void *host, uint64_t size) {
  if (failed())
    return NULL;
  for (size_t i = 0; i < current->numConstants; ++i)
    if (current->constants[i].host == host)
      return (void *)(uintptr_t)current->constants[i].device;
  if (current->numConstants == current->capConstants) {
    size_t cap = current->capConstants ? 2 * current->capConstants : 64;
    Constant *grown = realloc(current->constants, cap * sizeof *grown);
    if (!grown) {
      check(2, "host allocation");
      return NULL;
    }
    current->constants = grown;
    current->capConstants = cap;
  }
  CUdeviceptr ptr;
  if (!check(driver.memAlloc(&ptr, size ? size : 1), "cuMemAlloc"))
    return NULL;
  if (!check(driver.memcpyHtoD(ptr, host, size), "cuMemcpyHtoD")) {
    driver.memFree(ptr);
    return NULL;
  }
  current->constants[current->numConstants++] = (Constant){host, ptr};
  return (void *)(uintptr_t)ptr;
}

/* --- TMA descriptors (sm_90) -------------------------------------------- */

/* The ranked memref descriptor of MLIR's LLVM lowering, for rank R:
 * allocated, aligned, offset, sizes[R], strides[R] (all 64-bit). */
typedef struct {
  void *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
} MemRefDescriptor;

/* What nvgpu.tma.create.descriptor lowers to (the signature of MLIR's
 * CUDA runtime wrappers): a CUtensorMap of the memref (outermost
 * dimension first in the memref, innermost first for the driver) with the
 * box `boxDims` (outermost first), in device memory. Descriptors are kept
 * per context and reused when a later run builds the same one, so runs
 * after the first copy nothing. */
void *mgpuTensorMapEncodeTiledMemref(int64_t rank, void *rankedDescriptor,
                                     int64_t dataType, int64_t interleave,
                                     int64_t swizzle, int64_t l2Promotion,
                                     int64_t oobFill, int64_t *boxDims) {
  /* Bytes per element by CUtensorMapDataType. */
  static const int64_t elementSize[] = {1, 2, 4, 4, 8, 8, 2, 4, 8, 2, 4, 4, 4};
  if (failed())
    return NULL;
  if (!driver.tensorMapEncodeTiled) {
    check(801 /* CUDA_ERROR_NOT_SUPPORTED */, "cuTensorMapEncodeTiled");
    return NULL;
  }
  if (rank < 1 || rank > 5 || dataType < 0 || dataType > 12) {
    check(1 /* CUDA_ERROR_INVALID_VALUE */, "mgpuTensorMapEncodeTiledMemref");
    return NULL;
  }
  MemRefDescriptor *memref = rankedDescriptor;
  const int64_t *sizes = memref->sizesAndStrides;
  const int64_t *strides = memref->sizesAndStrides + rank;
  uint64_t globalDim[5] = {1, 1, 1, 1, 1}, globalStrides[5] = {0};
  uint32_t box[5] = {1, 1, 1, 1, 1}, elementStrides[5] = {1, 1, 1, 1, 1};
  for (int64_t i = 0; i < rank; ++i) {
    globalDim[i] = (uint64_t)sizes[rank - 1 - i];
    box[i] = (uint32_t)boxDims[rank - 1 - i];
  }
  for (int64_t i = 0; i + 1 < rank; ++i)
    globalStrides[i] =
        (uint64_t)(strides[rank - 2 - i] * elementSize[dataType]);
  void *address = memref->aligned + memref->offset * elementSize[dataType];
  CUtensorMap map;
  memset(&map, 0, sizeof map);
  if (!check(driver.tensorMapEncodeTiled(
                 &map, (int)dataType, (uint32_t)rank, address, globalDim,
                 globalStrides, box, elementStrides, (int)interleave,
                 (int)swizzle, (int)l2Promotion, (int)oobFill),
             "cuTensorMapEncodeTiled"))
    return NULL;
  for (size_t i = 0; i < current->numTensorMaps; ++i)
    if (memcmp(&current->tensorMaps[i].map, &map, sizeof map) == 0)
      return (void *)(uintptr_t)current->tensorMaps[i].device;
  if (current->numTensorMaps == current->capTensorMaps) {
    size_t cap = current->capTensorMaps ? 2 * current->capTensorMaps : 16;
    TensorMap *grown = realloc(current->tensorMaps, cap * sizeof *grown);
    if (!grown) {
      check(2, "host allocation");
      return NULL;
    }
    current->tensorMaps = grown;
    current->capTensorMaps = cap;
  }
  CUdeviceptr ptr;
  if (!check(driver.memAlloc(&ptr, sizeof map), "cuMemAlloc"))
    return NULL;
  /* Synchronous: the descriptor is read by kernels of this stream. */
  if (!check(driver.memcpyHtoD(ptr, &map, sizeof map), "cuMemcpyHtoD")) {
    driver.memFree(ptr);
    return NULL;
  }
  TensorMap *entry = &current->tensorMaps[current->numTensorMaps++];
  entry->map = map;
  entry->device = ptr;
  return (void *)(uintptr_t)ptr;
}

/* --- The public ABI ------------------------------------------------------ */

mlc_context *mlc_cuda_model_context_create(int32_t numThreads);
void mlc_cuda_model_context_destroy(mlc_context *ctx);
int32_t mlc_cuda_model_run(mlc_context *ctx, const void *const *inputs,
                           void *const *outputs);
const char *mlc_cuda_model_last_error(void);

mlc_context *mlc_context_create(int32_t numThreads) {
  mlc_context *ctx = calloc(1, sizeof *ctx);
  if (!ctx)
    return NULL;
  ctx->model = mlc_cuda_model_context_create(numThreads);
  if (!ctx->model) {
    free(ctx);
    return NULL;
  }
  /* Without a usable GPU the context still exists: mlc_run then reports
   * MLC_ERROR_NO_DEVICE with the reason. */
  pthread_once(&driverOnce, loadDriver);
  if (!driver.init) {
    ctx->error = -1;
    snprintf(ctx->message, sizeof ctx->message, "%s", driverError);
    return ctx;
  }
  mlc_context *previous = current;
  current = ctx;
  ctx->profiling = getenv("MLC_CUDA_PROFILE") && driver.eventCreate &&
                   driver.eventRecord && driver.eventElapsedTime &&
                   driver.eventDestroy;
  if (check(driver.deviceGet(&ctx->device, 0), "cuDeviceGet") &&
      check(driver.primaryCtxRetain(&ctx->cuContext, ctx->device),
            "cuDevicePrimaryCtxRetain") &&
      check(driver.ctxSetCurrent(ctx->cuContext), "cuCtxSetCurrent"))
    check(driver.streamCreate(&ctx->stream, 0), "cuStreamCreate");
  current = previous;
  return ctx;
}

void mlc_context_destroy(mlc_context *ctx) {
  if (!ctx)
    return;
  if (ctx->cuContext) {
    driver.ctxSetCurrent(ctx->cuContext);
    if (ctx->stream)
      driver.streamSynchronize(ctx->stream);
    if (ctx->profiling)
      printProfile(ctx);
    for (size_t i = 0; i < ctx->capLaunches; ++i) {
      driver.eventDestroy(ctx->launches[i].start);
      driver.eventDestroy(ctx->launches[i].stop);
    }
    for (size_t i = 0; i < ctx->numBlocks; ++i)
      driver.memFree(ctx->blocks[i].ptr);
    for (size_t i = 0; i < ctx->numConstants; ++i)
      driver.memFree(ctx->constants[i].device);
    for (size_t i = 0; i < ctx->numTensorMaps; ++i)
      driver.memFree(ctx->tensorMaps[i].device);
    if (ctx->stream)
      driver.streamDestroy(ctx->stream);
    driver.primaryCtxRelease(ctx->device);
  }
  free(ctx->blocks);
  free(ctx->constants);
  free(ctx->launches);
  free(ctx->kernelTimes);
  free(ctx->tensorMaps);
  mlc_cuda_model_context_destroy(ctx->model);
  free(ctx);
}

int32_t mlc_run(mlc_context *ctx, const void *const *inputs,
                void *const *outputs) {
  if (!ctx)
    return MLC_ERROR_INVALID_ARGUMENT;
  if (ctx->error != 0) {
    snprintf(lastError, sizeof lastError, "%s", ctx->message);
    return MLC_ERROR_NO_DEVICE;
  }
  mlc_context *previous = current;
  current = ctx;
  int32_t status = MLC_ERROR_NO_DEVICE;
  if (check(driver.ctxSetCurrent(ctx->cuContext), "cuCtxSetCurrent")) {
    ctx->numLaunches = 0;
    status = mlc_cuda_model_run(ctx->model, inputs, outputs);
    /* The model's own failures (an If branch not compiled for these
     * shapes) carry the generated code's message. */
    if (status == MLC_ERROR_MODEL)
      snprintf(lastError, sizeof lastError, "%s", mlc_cuda_model_last_error());
    if (ctx->error == 0)
      check(driver.streamSynchronize(ctx->stream), "cuStreamSynchronize");
    if (ctx->error == 0 && ctx->profiling)
      collectProfile(ctx);
  }
  if (ctx->error != 0) {
    snprintf(lastError, sizeof lastError, "%s", ctx->message);
    /* A failed run leaves the context unusable: the device state after a
     * kernel fault is undefined. */
    status = ctx->error == 2 ? MLC_ERROR_OUT_OF_MEMORY : MLC_ERROR_NO_DEVICE;
  }
  current = previous;
  return status;
}

/* Bytes of one element of `dtype`; 0 for a code this runtime does not know. */
static int64_t elementBytes(int32_t dtype) {
  switch (dtype) {
  case MLC_DTYPE_U8:
  case MLC_DTYPE_I8:
  case MLC_DTYPE_BOOL:
  case MLC_DTYPE_F8E4M3FN:
  case MLC_DTYPE_F8E4M3FNUZ:
  case MLC_DTYPE_F8E5M2:
  case MLC_DTYPE_F8E5M2FNUZ:
  case MLC_DTYPE_U4:
  case MLC_DTYPE_I4:
  case MLC_DTYPE_F4E2M1: /* 4-bit types: one byte each, unpacked */
    return 1;
  case MLC_DTYPE_U16:
  case MLC_DTYPE_I16:
  case MLC_DTYPE_F16:
  case MLC_DTYPE_BF16:
    return 2;
  case MLC_DTYPE_F32:
  case MLC_DTYPE_I32:
  case MLC_DTYPE_U32:
    return 4;
  case MLC_DTYPE_I64:
  case MLC_DTYPE_F64:
  case MLC_DTYPE_U64:
    return 8;
  default:
    return 0;
  }
}

/* The CUDA backend compiles static shapes only: mlc_run_dynamic checks that
 * the given input shapes are the static ones and the output buffers fit,
 * reports the static output shapes, and runs mlc_run. */
int32_t mlc_run_dynamic(mlc_context *ctx, const void *const *inputs,
                        const int64_t *const *input_shapes,
                        void *const *outputs, const int64_t *output_capacities,
                        int64_t *const *output_shapes) {
  if (!ctx || !inputs || !input_shapes || !outputs || !output_capacities ||
      !output_shapes)
    return MLC_ERROR_INVALID_ARGUMENT;
  for (int32_t i = 0; i < mlc_num_inputs(); ++i) {
    const mlc_tensor_info *info = mlc_input_info(i);
    if (!input_shapes[i])
      return MLC_ERROR_INVALID_ARGUMENT;
    for (int32_t d = 0; d < info->rank; ++d)
      if (input_shapes[i][d] != info->shape[d])
        return MLC_ERROR_INVALID_ARGUMENT;
  }
  bool fits = true;
  for (int32_t i = 0; i < mlc_num_outputs(); ++i) {
    const mlc_tensor_info *info = mlc_output_info(i);
    if (!output_shapes[i])
      return MLC_ERROR_INVALID_ARGUMENT;
    int64_t bytes = elementBytes(info->dtype);
    for (int32_t d = 0; d < info->rank; ++d) {
      output_shapes[i][d] = info->shape[d];
      bytes *= info->shape[d];
    }
    if (output_capacities[i] < bytes)
      fits = false;
    else if (bytes > 0 && !outputs[i])
      return MLC_ERROR_INVALID_ARGUMENT;
  }
  if (!fits)
    return MLC_ERROR_OUTPUT_TOO_SMALL;
  return mlc_run(ctx, inputs, outputs);
}
