/* mlc-run-lite.c - a dependency-free runner for MLC artifacts.
 *
 * For targets where the full mlc-run (C++, LLVM, protobuf) is not built, such
 * as an AArch64 board or qemu-aarch64: plain C, libc and libdl only.
 *
 *   mlc-run-lite MODEL.so --input a.npy [--input b.npy ...] [--output-dir DIR]
 *
 * Inputs are .npy files (C order, little endian, the model's dtype and
 * shape); outputs are written as DIR/output_<i>.npy. Exit code 0 on
 * success, 1 on any error, with one line on stderr.
 */
#include "mlc/Runtime/mlc_runtime.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TENSORS 64

static int fail(const char *message, const char *detail) {
  fprintf(stderr, "mlc-run-lite: error: %s%s%s\n", message, detail ? ": " : "",
          detail ? detail : "");
  return 1;
}

static const char *npyDescr(int32_t dtype) {
  switch (dtype) {
  case MLC_DTYPE_F32:
    return "<f4";
  case MLC_DTYPE_F64:
    return "<f8";
  case MLC_DTYPE_F16:
    return "<f2";
  case MLC_DTYPE_I8:
    return "|i1";
  case MLC_DTYPE_U8:
    return "|u1";
  case MLC_DTYPE_I16:
    return "<i2";
  case MLC_DTYPE_U16:
    return "<u2";
  case MLC_DTYPE_I32:
    return "<i4";
  case MLC_DTYPE_U32:
    return "<u4";
  case MLC_DTYPE_I64:
    return "<i8";
  case MLC_DTYPE_U64:
    return "<u8";
  case MLC_DTYPE_BOOL:
    return "|b1";
  default:
    return NULL;
  }
}

static size_t dtypeSize(int32_t dtype) {
  const char *descr = npyDescr(dtype);
  return descr ? (size_t)(descr[2] - '0') : 0;
}

static size_t byteSize(const mlc_tensor_info *info) {
  size_t n = dtypeSize(info->dtype);
  for (int32_t i = 0; i < info->rank; ++i)
    n *= (size_t)info->shape[i];
  return n;
}

/* Reads the payload of an .npy file after checking its header against
 * `info`'s dtype and byte size. */
static void *readNpy(const char *path, const mlc_tensor_info *info,
                     const char **error) {
  FILE *f = fopen(path, "rb");
  unsigned char magic[10];
  if (!f) {
    *error = "cannot open input";
    return NULL;
  }
  if (fread(magic, 1, 10, f) != 10 || memcmp(magic, "\x93NUMPY", 6) != 0) {
    fclose(f);
    *error = "not an .npy file";
    return NULL;
  }
  size_t headerLen = magic[8] | (magic[9] << 8);
  if (magic[6] >= 2) { /* versions 2 and 3 have a 4-byte header length */
    unsigned char more[2];
    if (fread(more, 1, 2, f) != 2) {
      fclose(f);
      *error = "truncated .npy header";
      return NULL;
    }
    headerLen |= ((size_t)more[0] << 16) | ((size_t)more[1] << 24);
  }
  char *header = calloc(1, headerLen + 1);
  if (!header || fread(header, 1, headerLen, f) != headerLen) {
    free(header);
    fclose(f);
    *error = "truncated .npy header";
    return NULL;
  }
  const char *descr = npyDescr(info->dtype);
  int ok = descr && strstr(header, descr) &&
           strstr(header, "'fortran_order': False");
  free(header);
  if (!ok) {
    fclose(f);
    *error = "dtype or memory order does not match the model input";
    return NULL;
  }
  size_t size = byteSize(info);
  void *data = malloc(size ? size : 1);
  if (!data || fread(data, 1, size, f) != size || fgetc(f) != EOF) {
    free(data);
    fclose(f);
    *error = "element count does not match the model input";
    return NULL;
  }
  fclose(f);
  return data;
}

static int writeNpy(const char *path, const mlc_tensor_info *info,
                    const void *data) {
  char shape[512] = "";
  size_t used = 0;
  for (int32_t i = 0; i < info->rank; ++i)
    used += (size_t)snprintf(shape + used, sizeof(shape) - used, "%lld,%s",
                             (long long)info->shape[i],
                             i + 1 < info->rank ? " " : "");
  if (info->rank > 1) /* numpy writes "(2, 3)", but "(3,)" for rank 1 */
    shape[used - 1] = '\0';
  char header[640];
  int len = snprintf(header, sizeof(header),
                     "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                     npyDescr(info->dtype), shape);
  int total = 10 + len + 1;
  int pad = (64 - total % 64) % 64;
  FILE *f = fopen(path, "wb");
  if (!f)
    return 0;
  unsigned short headerLen = (unsigned short)(len + pad + 1);
  fwrite("\x93NUMPY\x01\x00", 1, 8, f);
  fputc(headerLen & 0xff, f);
  fputc(headerLen >> 8, f);
  fwrite(header, 1, (size_t)len, f);
  for (int i = 0; i < pad; ++i)
    fputc(' ', f);
  fputc('\n', f);
  size_t size = byteSize(info);
  int ok = fwrite(data, 1, size, f) == size;
  return fclose(f) == 0 && ok;
}

int main(int argc, char **argv) {
  const char *modelPath = NULL, *outputDir = NULL;
  const char *inputPaths[MAX_TENSORS];
  int numInputPaths = 0;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--input") && i + 1 < argc) {
      if (numInputPaths == MAX_TENSORS)
        return fail("too many inputs", NULL);
      inputPaths[numInputPaths++] = argv[++i];
    } else if (!strcmp(argv[i], "--output-dir") && i + 1 < argc) {
      outputDir = argv[++i];
    } else if (argv[i][0] != '-' && !modelPath) {
      modelPath = argv[i];
    } else {
      return fail("unknown argument", argv[i]);
    }
  }
  if (!modelPath)
    return fail("usage: mlc-run-lite MODEL.so --input FILE... "
                "[--output-dir DIR]",
                NULL);

  void *lib = dlopen(modelPath, RTLD_NOW | RTLD_LOCAL);
  if (!lib)
    return fail("cannot load model", dlerror());
  /* Each ABI function, typed after its declaration in mlc_runtime.h. */
#define LOOKUP(name)                                                           \
  __typeof__(&name) p_##name = (__typeof__(&name))dlsym(lib, #name);           \
  if (!p_##name)                                                               \
    return fail("model does not export", #name);
  LOOKUP(mlc_abi_version)
  LOOKUP(mlc_num_inputs)
  LOOKUP(mlc_num_outputs)
  LOOKUP(mlc_input_info)
  LOOKUP(mlc_output_info)
  LOOKUP(mlc_context_create)
  LOOKUP(mlc_run)
  LOOKUP(mlc_context_destroy)
#undef LOOKUP
  if (p_mlc_abi_version() != MLC_ABI_VERSION)
    return fail("model ABI version differs from this runner's", NULL);
  int32_t numInputs = p_mlc_num_inputs(), numOutputs = p_mlc_num_outputs();
  if (numInputs != numInputPaths)
    return fail("wrong number of --input files for this model", NULL);
  if (numOutputs > MAX_TENSORS)
    return fail("too many outputs", NULL);

  const void *inputs[MAX_TENSORS];
  void *outputs[MAX_TENSORS];
  for (int32_t i = 0; i < numInputs; ++i) {
    const char *error = NULL;
    inputs[i] = readNpy(inputPaths[i], p_mlc_input_info(i), &error);
    if (!inputs[i])
      return fail(error, inputPaths[i]);
  }
  for (int32_t i = 0; i < numOutputs; ++i) {
    size_t size = byteSize(p_mlc_output_info(i));
    outputs[i] = malloc(size ? size : 1);
    if (!outputs[i])
      return fail("out of memory", NULL);
  }
  mlc_context *ctx = p_mlc_context_create(1);
  if (!ctx)
    return fail("cannot create a context", NULL);
  if (p_mlc_run(ctx, inputs, outputs) != MLC_OK)
    return fail("mlc_run failed", NULL);
  p_mlc_context_destroy(ctx);

  for (int32_t i = 0; i < numOutputs; ++i) {
    const mlc_tensor_info *info = p_mlc_output_info(i);
    printf("output %d '%s' rank %d\n", i, info->name, info->rank);
    if (outputDir) {
      char path[4096];
      snprintf(path, sizeof(path), "%s/output_%d.npy", outputDir, i);
      if (!writeNpy(path, info, outputs[i]))
        return fail("cannot write", path);
    }
  }
  return 0;
}
