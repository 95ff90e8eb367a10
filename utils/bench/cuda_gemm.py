#!/usr/bin/env python3
"""FP16 Tensor Core GEMM of MLC's CUDA backend against cuBLAS, in one process.

Needs a GPU (docs/Backends/CUDA.md). Builds an ONNX MatMul C = A x B with
A, B of shape N x N (default 4096), compiles it with
`mlc-compile --target=cuda --cuda-sm=SM` (operands rounded to f16, f32
accumulation: the backend's WMMA kernel), and times in the same process:

  mlc      mlc_run on host buffers: H2D copy of A and B, the conversion
           kernels, the WMMA GEMM, D2H copy of C (what the artifact's ABI
           offers; it has no device-pointer entry point);
  cublas   cublasGemmEx f16 x f16 -> f32 (CUBLAS_COMPUTE_32F) on device
           buffers, the GEMM alone;
  cublas+copies  the same plus the H2D/D2H copies of f32 data mlc_run does,
           the like-for-like comparison with `mlc`.

  mlc gemm kernel  every kernel of a run (CUDA events around each launch:
           the runtime's MLC_CUDA_PROFILE, in a second context; with f16
           inputs that is the GEMM and the output conversion), the number to
           compare with `cublas`; the per-kernel table goes to stderr;
  mlc all kernels  the same sum.

Prints median and p99 in ms and TFLOP/s for each, and checks MLC's result
against numpy at rtol 1e-2 (f16 inputs) on sampled rows.

    .venv/bin/python utils/bench/cuda_gemm.py --mlc-compile build/bin/mlc-compile \
        [--n 4096] [--sm 90] [--runs 50] [--warmup 5]
    .venv/bin/python utils/bench/cuda_gemm.py --artifact gemm4096-sm90.so --n 4096

`--artifact` benchmarks an artifact compiled elsewhere (no compiler needed:
`mlc-compile gemm.onnx --target=cuda --cuda-sm=90 -o gemm4096-sm90.so` of
the model `--write-model` writes), e.g. on a GPU machine without MLC.

`--cuda-gemm hopper` (with `--sm 90`) compiles with `mlc-compile
--cuda-gemm=hopper`: PTX for sm_90a, the GEMM on the TMA + wgmma kernel
instead of WMMA (N a multiple of 256).
`--cuda-gemm mma` (any SM) puts the f16 GEMM on the warp-level mma.sync
kernel instead of WMMA.
"""
import argparse
import ctypes
import ctypes.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper


def build_model(path: Path, n: int) -> None:
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "b"], ["c"])], "gemm",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [n, n]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [n, n])],
        [helper.make_tensor_value_info("c", TensorProto.FLOAT, [n, n])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
              str(path))


def load_cublas() -> ctypes.CDLL:
    candidates = ["/usr/local/cuda/lib64/libcublas.so", "libcublas.so.13",
                  "libcublas.so.12", "libcublas.so"]
    found = ctypes.util.find_library("cublas")
    if found:
        candidates.append(found)
    for name in candidates:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    sys.exit("cuda_gemm.py: libcublas not found (/usr/local/cuda/lib64 or the system)")


def check(rc: int, what: str) -> None:
    if rc != 0:
        sys.exit(f"cuda_gemm.py: {what} failed with status {rc}")


def stats(name: str, times_ms: list, flops: float) -> float:
    times_ms = sorted(times_ms)
    median = statistics.median(times_ms)
    p99 = times_ms[min(len(times_ms) - 1, int(round(0.99 * (len(times_ms) - 1))))]
    print(f"{name:16s} median={median:9.3f} ms p99={p99:9.3f} ms "
          f"{flops / (median * 1e-3) / 1e12:8.1f} TFLOP/s")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlc-compile", default="build/bin/mlc-compile")
    parser.add_argument("--n", type=int, default=4096)
    parser.add_argument("--sm", type=int, default=80, choices=[80, 86, 89, 90])
    parser.add_argument("--cuda-gemm", choices=["wmma", "hopper", "mma"],
                        default="wmma",
                        help="GEMM kernel (mlc-compile --cuda-gemm); hopper "
                        "needs --sm 90")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--artifact", type=Path,
                        help="a compiled MatMul artifact (N x N x N): skip compiling")
    parser.add_argument("--write-model", type=Path,
                        help="write the N x N MatMul ONNX model here and exit")
    parser.add_argument("--check-rows", type=int, default=256,
                        help="rows of C checked against numpy")
    args = parser.parse_args()
    n = args.n
    flops = 2.0 * n * n * n
    if args.cuda_gemm == "hopper" and args.sm != 90:
        parser.error("--cuda-gemm hopper needs --sm 90")

    if args.write_model:
        build_model(args.write_model, n)
        return 0
    work = Path(tempfile.mkdtemp(prefix="mlc-cuda-gemm-"))
    artifact = args.artifact
    if artifact is None:
        build_model(work / "gemm.onnx", n)
        artifact = work / "gemm.so"
        subprocess.run([args.mlc_compile, str(work / "gemm.onnx"), "--target=cuda",
                        f"--cuda-sm={args.sm}", f"--cuda-gemm={args.cuda_gemm}",
                        "-o", str(artifact)], check=True)

    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    c = np.zeros((n, n), np.float32)

    # --- MLC artifact -----------------------------------------------------
    model = ctypes.CDLL(str(artifact.resolve()))
    model.mlc_context_create.restype = ctypes.c_void_p
    model.mlc_run.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    model.mlc_last_error.restype = ctypes.c_char_p
    ctx = model.mlc_context_create(1)
    inputs = (ctypes.c_void_p * 2)(a.ctypes.data, b.ctypes.data)
    outputs = (ctypes.c_void_p * 1)(c.ctypes.data)
    mlc_times = []
    for i in range(args.warmup + args.runs):
        start = time.perf_counter()
        status = model.mlc_run(ctx, inputs, outputs)
        elapsed = (time.perf_counter() - start) * 1e3
        if status != 0:
            sys.exit(f"cuda_gemm.py: mlc_run: {model.mlc_last_error().decode()}")
        if i >= args.warmup:
            mlc_times.append(elapsed)
    # Rows spread over every block row of the kernels' tiles.
    rows = np.unique(np.linspace(0, n - 1, min(args.check_rows, n)).astype(int))
    ref = a[rows].astype(np.float16).astype(np.float32) @ b.astype(np.float16).astype(np.float32)
    if not np.allclose(c[rows], ref, rtol=1e-2, atol=1e-2 * np.abs(ref).max()):
        print("cuda_gemm.py: MLC result differs from numpy "
              f"(max abs diff {np.abs(c[rows] - ref).max()})")
        return 1
    print(f"mlc result matches numpy on {len(rows)} rows (rtol 1e-2)")

    # The kernels alone: a second context that times every launch with
    # CUDA events (MLC_CUDA_PROFILE); mlc_cuda_last_run_kernel_ms is the
    # device time of one run's kernels (conversions included).
    os.environ["MLC_CUDA_PROFILE"] = "1"
    pctx = model.mlc_context_create(1)
    del os.environ["MLC_CUDA_PROFILE"]
    model.mlc_cuda_last_run_kernel_ms.restype = ctypes.c_double
    model.mlc_cuda_last_run_kernel_ms.argtypes = [ctypes.c_void_p]
    all_times = []
    for i in range(args.warmup + args.runs):
        if model.mlc_run(pctx, inputs, outputs) != 0:
            sys.exit(f"cuda_gemm.py: mlc_run: {model.mlc_last_error().decode()}")
        if i >= args.warmup:
            all_times.append(model.mlc_cuda_last_run_kernel_ms(ctypes.c_void_p(pctx)))
    model.mlc_context_destroy(ctypes.c_void_p(pctx))  # prints the per-kernel table
    gemm_times = all_times

    # --- cuBLAS on the same (primary) context -------------------------------
    cuda = ctypes.CDLL("libcuda.so.1")
    cublas = load_cublas()
    check(cuda.cuInit(0), "cuInit")
    dev = ctypes.c_int()
    check(cuda.cuDeviceGet(ctypes.byref(dev), 0), "cuDeviceGet")
    cu_ctx = ctypes.c_void_p()
    check(cuda.cuDevicePrimaryCtxRetain(ctypes.byref(cu_ctx), dev), "cuDevicePrimaryCtxRetain")
    check(cuda.cuCtxSetCurrent(cu_ctx), "cuCtxSetCurrent")

    def alloc(nbytes):
        ptr = ctypes.c_uint64()
        check(cuda.cuMemAlloc_v2(ctypes.byref(ptr), ctypes.c_size_t(nbytes)), "cuMemAlloc")
        return ptr

    a16, b16 = a.astype(np.float16), b.astype(np.float16)
    d_a, d_b, d_c = alloc(a16.nbytes), alloc(b16.nbytes), alloc(c.nbytes)
    d_a32, d_b32 = alloc(a.nbytes), alloc(b.nbytes)
    check(cuda.cuMemcpyHtoD_v2(d_a, a16.ctypes.data_as(ctypes.c_void_p), ctypes.c_size_t(a16.nbytes)), "H2D")
    check(cuda.cuMemcpyHtoD_v2(d_b, b16.ctypes.data_as(ctypes.c_void_p), ctypes.c_size_t(b16.nbytes)), "H2D")
    handle = ctypes.c_void_p()
    check(cublas.cublasCreate_v2(ctypes.byref(handle)), "cublasCreate")
    alpha, beta = ctypes.c_float(1.0), ctypes.c_float(0.0)
    CUDA_R_16F, CUDA_R_32F, COMPUTE_32F, OP_N, GEMM_DEFAULT = 2, 0, 68, 0, -1

    def gemm():
        # Row-major C = A B is column-major C^T = B^T A^T.
        check(cublas.cublasGemmEx(handle, OP_N, OP_N, n, n, n, ctypes.byref(alpha),
                                  d_b, CUDA_R_16F, n, d_a, CUDA_R_16F, n,
                                  ctypes.byref(beta), d_c, CUDA_R_32F, n,
                                  COMPUTE_32F, GEMM_DEFAULT), "cublasGemmEx")

    def timed(fn, runs, warmup):
        times = []
        for i in range(warmup + runs):
            check(cuda.cuCtxSynchronize(), "cuCtxSynchronize")
            start = time.perf_counter()
            fn()
            check(cuda.cuCtxSynchronize(), "cuCtxSynchronize")
            if i >= warmup:
                times.append((time.perf_counter() - start) * 1e3)
        return times

    def gemm_with_copies():
        check(cuda.cuMemcpyHtoD_v2(d_a32, a.ctypes.data_as(ctypes.c_void_p), ctypes.c_size_t(a.nbytes)), "H2D")
        check(cuda.cuMemcpyHtoD_v2(d_b32, b.ctypes.data_as(ctypes.c_void_p), ctypes.c_size_t(b.nbytes)), "H2D")
        gemm()
        check(cuda.cuMemcpyDtoH_v2(c.ctypes.data_as(ctypes.c_void_p), d_c, ctypes.c_size_t(c.nbytes)), "D2H")

    cublas_times = timed(gemm, args.runs, args.warmup)
    copies_times = timed(gemm_with_copies, args.runs, args.warmup)
    kernel = args.cuda_gemm if args.artifact is None else "prebuilt artifact"
    print(f"FP16 GEMM {n}x{n}x{n}, f32 accumulation, sm_{args.sm}, {kernel}, "
          f"{args.runs} runs")
    stats("mlc", mlc_times, flops)
    gemm_ms = stats("mlc gemm kernel", gemm_times, flops)
    stats("mlc all kernels", all_times, flops)
    cublas_ms = stats("cublas", cublas_times, flops)
    stats("cublas+copies", copies_times, flops)
    print(f"mlc gemm kernel reaches {100.0 * cublas_ms / gemm_ms:.1f}% of cuBLAS's throughput")
    cublas.cublasDestroy_v2(handle)
    model.mlc_context_destroy(ctypes.c_void_p(ctx))
    return 0


if __name__ == "__main__":
    sys.exit(main())
