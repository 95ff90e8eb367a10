#!/usr/bin/env python3
"""Single-op kernels compiled by MLC, in GFLOP/s and % of this machine's FMA peak.

Usage (the venv's python: numpy, onnx, onnxruntime; clang for the peak):
    python kernel_bench.py [--kernels NAME|SPEC,...] [--runs 20] [--min-runs 3]
        [--max-seconds 5] [--threads 1] [--cpu NAME] [-O 2]
        [--mlc-compile-arg ARG ...] [--peak-isa auto|avx2|avx512]
        [--peak GFLOPS] [--peak-seconds 0.2] [--peak-trials 5] [--cc clang-22]
        [--layout nhwc|nchw] [--no-ort] [--no-numpy] [--tolerance 1e-4] [--json OUT] [--markdown]
        [--work-dir DIR] [--mlc-compile PATH] [--list]

1. The peak: fma_peak.c (beside this script) is built with `CC -O2 -mavx2 -mfma`
   and, where the CPU has avx512f, `CC -O2 -mavx512f -DMLC_ZMM`, and run on one
   core: 12 independent chains of vfmadd (ymm, resp. zmm), best of
   --peak-trials trials of --peak-seconds each, in GFLOP/s (2 flops per lane).
   Kernels are compared to the peak of --peak-isa; auto takes avx512 when
   the host has avx512f and the --cpu target has it too (asked of the
   compiler: `CC -march=CPU -dM -E`), else avx2. --peak skips the measurement.
2. Kernels: one ONNX model per kernel (opset 17, batch 1, weights and bias as
   initializers so that MLC sees constants, as in a real model), compiled
   with `mlc-compile MODEL -o K.so [--cpu=NAME] [-O<n>] ARGS` and run in this
   process through the artifact's C ABI (mlc_runtime.h, ctypes, with
   --threads threads). Each kernel is timed for --runs runs (fewer when one
   run is slow: at least --min-runs and about --max-seconds in all), after
   one untimed run, interleaved in two rounds with onnxruntime (CPU EP,
   ORT_ENABLE_ALL, --threads intra-op threads) and, for the matrix products,
   numpy's matmul (its BLAS, OPENBLAS_NUM_THREADS=--threads) on the same data.
   GFLOP/s = 2 * MACs / median time (bias and epilogues not counted).
3. Correctness: MLC's first output is compared with a float64 numpy reference:
   err = max |mlc - ref| / max |ref|; above --tolerance (default 1e-4, room
   for any f32 summation order over these reduction sizes) the row says WRONG
   and the exit code is 1, so that a fast but wrong kernel cannot pass.

Kernel specs (--kernels takes names from --list, or specs):
  matmul:[Bx]MxKxN          Y[(B,)M,N] = X[(B,)M,K] @ W[K,N], W constant
  bmm:BxMxKxN               Y[B,M,N] = X[B,M,K] @ W[B,K,N], both inputs
  gemm:MxKxN                Gemm transB=1: Y = X[M,K] @ W[N,K]^T + b[N]
  conv:CxHxW:F:K[:sS][:gG]  Conv 1xCxHxW, F filters KxK, stride S, group G,
                            pads K//2 (same size at stride 1), bias; the graph's
                            input and output NHWC (--layout nhwc, the default:
                            a Transpose each side, as inside a network that MLC
                            moved to NHWC) or NCHW (--layout nchw)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


def _threads_arg() -> str:
    # numpy's BLAS reads its thread count when numpy is imported: set it first.
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return "1"


for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = _threads_arg()

import numpy as np  # noqa: E402

import benchlib  # noqa: E402

# Representative kernels: the GEMMs of issue 14 and resnet50's convolutions
# (conv2 of each stage, a 1x1 expansion, the strided 1x1 downsample of stage 4,
# the stem), and mobilenet_v2's depthwise 3x3, which is memory-bound.
KERNELS = {
    "matmul_1024": "matmul:1024x1024x1024",
    "matmul_512": "matmul:512x512x512",
    "gemm_512x1024x1024": "gemm:512x1024x1024",
    "conv3x3_64_56": "conv:64x56x56:64:3",
    "conv1x1_64to256_56": "conv:64x56x56:256:1",
    "conv3x3_128_28": "conv:128x28x28:128:3",
    "conv3x3_256_14": "conv:256x14x14:256:3",
    "conv3x3_512_7": "conv:512x7x7:512:3",
    "conv1x1_1024to2048_s2": "conv:1024x14x14:2048:1:s2",
    "conv7x7_stem_s2": "conv:3x224x224:64:7:s2",
    "dwconv3x3_144_56": "conv:144x56x56:144:3:g144",
    # The transformer encoder of bench_models.py: a feed-forward MatMul on
    # its 3-D activations, and attention's Q @ K^T (4 heads, no constant).
    "linear_128x256to1024": "matmul:1x128x256x1024",
    "attention_qk_4x128x64": "bmm:4x128x64x128",
}


@dataclass
class Kernel:
    name: str
    spec: str
    op: str          # matmul, gemm, bmm or conv
    dims: dict

    @property
    def macs(self) -> int:
        d = self.dims
        if self.op in ("matmul", "gemm", "bmm"):
            return max(d["b"], 1) * d["m"] * d["k"] * d["n"]
        return d["f"] * d["ho"] * d["wo"] * (d["c"] // d["g"]) * d["kh"] * d["kw"]

    @property
    def shape(self) -> str:
        d = self.dims
        if self.op in ("matmul", "gemm", "bmm"):
            batch = f"{d['b']}x" if d["b"] != 0 else ""
            return f"{batch}{d['m']}x{d['k']}x{d['n']}"
        extra = (f" s{d['s']}" if d["s"] != 1 else "") + \
            (f" g{d['g']}" if d["g"] != 1 else "")
        return f"{d['c']}x{d['h']}x{d['w']}->{d['f']} {d['kh']}x{d['kw']}{extra}"


def parse_kernel(item: str) -> Kernel:
    name, spec = (item, KERNELS[item]) if item in KERNELS else (None, item)
    m = re.fullmatch(r"(matmul|gemm|bmm):(?:(\d+)x)?(\d+)x(\d+)x(\d+)", spec)
    if m and not (m.group(1) == "gemm" and m.group(2)) and \
            not (m.group(1) == "bmm" and not m.group(2)):
        op, b = m.group(1), int(m.group(2) or 0)  # b = 0: no batch dimension
        mm, k, n = map(int, m.groups()[2:])
        dims = f"{b}x" if m.group(2) else ""
        return Kernel(name or f"{op}_{dims}{mm}x{k}x{n}", spec, op,
                      {"b": b, "m": mm, "k": k, "n": n})
    m = re.fullmatch(r"conv:(\d+)x(\d+)x(\d+):(\d+):(\d+)((?::[sg]\d+)*)", spec)
    if not m:
        raise SystemExit(f"kernel_bench.py: bad kernel '{item}': a name of --list, "
                         "matmul:[Bx]MxKxN, gemm:MxKxN, bmm:BxMxKxN or "
                         "conv:CxHxW:F:K[:sS][:gG]")
    c, h, w, f, k = map(int, m.groups()[:5])
    opts = dict(re.findall(r":([sg])(\d+)", m.group(6)))
    s, g = int(opts.get("s", 1)), int(opts.get("g", 1))
    if c % g or f % g:
        raise SystemExit(f"kernel_bench.py: '{item}': group {g} must divide C and F")
    p = k // 2
    ho, wo = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    return Kernel(name or spec.replace(":", "_"), spec, "conv",
                  {"c": c, "h": h, "w": w, "f": f, "kh": k, "kw": k, "s": s, "g": g,
                   "p": p, "ho": ho, "wo": wo})


def build_model(kernel: Kernel, seed: int, layout: str = "nhwc"):
    """The ONNX model of a kernel, its inputs ({name: array}) and its float64
    reference output. Convolutions are NCHW Conv nodes; with layout "nhwc"
    the graph's input and output are NHWC, through a Transpose on each side,
    as a convolution inside a network sees its neighbours once MLC has moved
    the network to NHWC (the transposes cancel against the ones
    --mlc-convert-layout puts around the convolution). With "nchw" the
    artifact transposes at its boundary, which a single 1x1 convolution pays
    as much for as for its arithmetic."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.RandomState(seed)
    d = kernel.dims

    def randn(*shape, scale=1.0):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    inputs = {}
    if kernel.op in ("matmul", "gemm", "bmm"):
        batch = [d["b"]] if d["b"] else []
        x = randn(*batch, d["m"], d["k"])
        scale = 1 / np.sqrt(d["k"])
        out_shape = batch + [d["m"], d["n"]]
        if kernel.op == "bmm":
            w = randn(*batch, d["k"], d["n"], scale=scale)
            node = helper.make_node("MatMul", ["x", "w"], ["y"])
            inits, inputs["w"] = [], w
            ref = x.astype(np.float64) @ w.astype(np.float64)
        elif kernel.op == "matmul":
            w = randn(d["k"], d["n"], scale=scale)
            node = helper.make_node("MatMul", ["x", "w"], ["y"])
            inits = [numpy_helper.from_array(w, "w")]
            ref = x.astype(np.float64) @ w.astype(np.float64)
        else:
            w, b = randn(d["n"], d["k"], scale=scale), randn(d["n"])
            node = helper.make_node("Gemm", ["x", "w", "b"], ["y"], transB=1)
            inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")]
            ref = x.astype(np.float64) @ w.astype(np.float64).T + b
    else:
        c, g, k = d["c"], d["g"], d["kh"]
        x = randn(1, c, d["h"], d["w"])
        w = randn(d["f"], c // g, k, k, scale=1 / np.sqrt(c // g * k * k))
        b = randn(d["f"])
        node = helper.make_node("Conv", ["x", "w", "b"], ["y"], kernel_shape=[k, k],
                                strides=[d["s"]] * 2, pads=[d["p"]] * 4, group=g)
        inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")]
        ref = conv_reference(x, w, b, d)
        out_shape = [1, d["f"], d["ho"], d["wo"]]
    nodes = [node]
    if kernel.op == "conv" and layout == "nhwc":
        node.input[0], node.output[0] = "x_nchw", "y_nchw"
        nodes = [helper.make_node("Transpose", ["x"], ["x_nchw"], perm=[0, 3, 1, 2]),
                 node,
                 helper.make_node("Transpose", ["y_nchw"], ["y"], perm=[0, 2, 3, 1])]
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
        ref = np.ascontiguousarray(ref.transpose(0, 2, 3, 1))
        out_shape = [out_shape[i] for i in (0, 2, 3, 1)]
    inputs = {"x": x, **inputs}
    graph = helper.make_graph(
        nodes, kernel.name,
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, list(value.shape))
         for name, value in inputs.items()],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="kernel_bench.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model, inputs, ref


def conv_reference(x, w, b, d) -> np.ndarray:
    """NCHW convolution in float64 through sliding windows and a product per
    group (no onnxruntime: the reference must not share MLAS's roundings)."""
    from numpy.lib.stride_tricks import sliding_window_view
    p, s, g, k = d["p"], d["s"], d["g"], d["kh"]
    xp = np.pad(x[0].astype(np.float64), ((0, 0), (p, p), (p, p)))
    win = sliding_window_view(xp, (k, k), axis=(1, 2))[:, ::s, ::s]  # C,Ho,Wo,K,K
    cg, fg = d["c"] // g, d["f"] // g
    win = win.reshape(g, cg, d["ho"], d["wo"], k, k)
    wg = w.astype(np.float64).reshape(g, fg, cg, k, k)
    if g == 1:
        cols = win[0].transpose(1, 2, 0, 3, 4).reshape(d["ho"] * d["wo"], -1)
        y = (cols @ wg[0].reshape(fg, -1).T).T.reshape(d["f"], d["ho"], d["wo"])
    else:
        y = np.einsum("gchwij,gocij->gohw", win, wg, optimize=True)
        y = y.reshape(d["f"], d["ho"], d["wo"])
    return (y + b.astype(np.float64)[:, None, None])[None]


# --------------------------------------------------------------------------
# The FMA peak
# --------------------------------------------------------------------------

def find_cc(requested: str | None) -> str:
    for cc in ([requested] if requested else ["clang-22", "clang"]):
        path = shutil.which(cc)
        if path:
            return path
    raise SystemExit("kernel_bench.py: no C compiler for fma_peak.c "
                     "(--cc, or --peak GFLOPS to skip the measurement)")


def measure_peak(cc: str, isa: str, work_dir: Path, seconds: float,
                 trials: int) -> float:
    source = Path(__file__).resolve().parent / "fma_peak.c"
    binary = work_dir / f"fma_peak_{isa}"
    flags = ["-mavx2", "-mfma"] if isa == "avx2" else ["-mavx512f", "-DMLC_ZMM"]
    subprocess.run([cc, "-O2", *flags, str(source), "-o", str(binary)], check=True)
    out = subprocess.run([str(binary), str(seconds), str(trials)], check=True,
                         capture_output=True, text=True).stdout
    m = re.search(r"gflops=([0-9.]+)", out)
    if not m:
        raise RuntimeError(f"unexpected fma_peak output: {out}")
    return float(m.group(1))


def target_has_avx512(cc: str, cpu: str | None) -> bool:
    """Whether code for --cpu may use zmm: the host's flags for host/None,
    else what the compiler defines for -march=CPU (every CPU of a list)."""
    if not cpu or cpu == "host":
        return benchlib.cpu_description()["avx512f"]
    for name in cpu.split(","):
        out = subprocess.run([cc, f"-march={name}", "-dM", "-E", "-x", "c", "-"],
                             input="", capture_output=True, text=True)
        if out.returncode != 0 or "__AVX512F__" not in out.stdout:
            return False
    return True


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

class NumpyMatmul:
    def __init__(self, x, w, op):
        self.x, self.w = x, (w.T.copy() if op == "gemm" else w)  # Gemm's transB

    def run(self) -> float:
        import time
        start = time.perf_counter()
        np.matmul(self.x, self.w)
        return (time.perf_counter() - start) * 1e3


def bench_kernel(kernel: Kernel, args, peak: float) -> dict:
    import onnx
    model, inputs, ref = build_model(kernel, args.seed, args.layout)
    model_path = args.work_dir / f"{kernel.name}.onnx"
    onnx.save(model, str(model_path))
    compiled = benchlib.compile_model(args.mlc_compile, model_path,
                                      args.work_dir / f"{kernel.name}.so", args.cpu,
                                      args.opt, args.mlc_compile_arg)
    artifact = benchlib.Artifact(compiled.artifact, args.threads)
    (out,) = artifact.bind(inputs)
    first = artifact.run()
    err = benchlib.max_scaled_error(out, ref)
    runs = max(args.min_runs,
               min(args.runs, int(args.max_seconds * 1e3 / max(first, 1e-3))))
    runners = {"mlc": artifact}
    if not args.no_ort:
        session = benchlib.OrtModel(model_path, args.threads)
        session.bind(inputs)
        runners["ort"] = session
    if not args.no_numpy and kernel.op in ("matmul", "gemm", "bmm"):
        w = inputs["w"] if kernel.op == "bmm" else \
            onnx.numpy_helper.to_array(model.graph.initializer[0])
        runners["numpy"] = NumpyMatmul(inputs["x"], w, kernel.op)
    samples = benchlib.interleave(runners, 2, (runs + 1) // 2, warmup=1)
    artifact.close()
    gflop = 2 * kernel.macs / 1e9
    row = {"kernel": kernel.name, "spec": kernel.spec, "shape": kernel.shape,
           "gflop": gflop, "compile_s": compiled.seconds,
           "max_scaled_error": err, "correct": err <= args.tolerance,
           "runs": len(samples["mlc"])}
    for key, values in samples.items():
        stats = benchlib.Stats.of(values)
        row[key] = {**stats.as_dict(), "gflops": gflop / (stats.median / 1e3),
                    "percent_of_peak": 100 * gflop / (stats.median / 1e3) / peak}
    return row


HEADER = ["kernel", "shape", "GFLOP", "MLC ms", "MLC GFLOP/s", "MLC %peak",
          "ORT ms", "ORT %peak", "numpy ms", "numpy %peak", "err"]


def table_rows(results) -> list[list[str]]:
    def cell(row, key, field, fmt):
        return format(row[key][field], fmt) if key in row else "-"

    rows = []
    for r in results:
        if "error" in r:
            rows.append([r["kernel"], r["shape"], "FAILED: " +
                         r["error"].splitlines()[0][:60]] + [""] * (len(HEADER) - 3))
            continue
        rows.append([r["kernel"], r["shape"], f"{r['gflop']:.3f}",
                     cell(r, "mlc", "median_ms", ".3f"), cell(r, "mlc", "gflops", ".1f"),
                     cell(r, "mlc", "percent_of_peak", ".1f") + "%",
                     cell(r, "ort", "median_ms", ".3f"),
                     cell(r, "ort", "percent_of_peak", ".1f") +
                     ("%" if "ort" in r else ""),
                     cell(r, "numpy", "median_ms", ".3f"),
                     cell(r, "numpy", "percent_of_peak", ".1f") +
                     ("%" if "numpy" in r else ""),
                     f"{r['max_scaled_error']:.0e}" + ("" if r["correct"] else " WRONG")])
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--kernels", default=",".join(KERNELS))
    parser.add_argument("--list", action="store_true", help="list the named kernels")
    parser.add_argument("--layout", choices=["nhwc", "nchw"], default="nhwc",
                        help="the convolutions' graph input and output layout "
                             "(nhwc: as inside a network, see build_model)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--min-runs", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=5.0,
                        help="about how long to time one kernel of MLC")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cpu", help="passed to mlc-compile as --cpu=NAME")
    parser.add_argument("-O", dest="opt", help="passed to mlc-compile as -O<n>")
    parser.add_argument("--mlc-compile-arg", action="append", default=[])
    parser.add_argument("--mlc-compile", default=str(benchlib.DEFAULT_MLC_COMPILE))
    parser.add_argument("--peak-isa", choices=["auto", "avx2", "avx512"],
                        default="auto")
    parser.add_argument("--peak", type=float, help="the peak in GFLOP/s (no measuring)")
    parser.add_argument("--peak-seconds", type=float, default=0.2)
    parser.add_argument("--peak-trials", type=int, default=5)
    parser.add_argument("--cc", help="C compiler for fma_peak.c (default clang-22)")
    parser.add_argument("--no-ort", action="store_true")
    parser.add_argument("--no-numpy", action="store_true")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work-dir", type=Path,
                        default=benchlib.REPO_ROOT / "build" / "bench" / "kernels")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    if args.list:
        for name, spec in KERNELS.items():
            print(f"{name:24} {spec:28} {parse_kernel(name).shape}")
        return 0
    kernels = [parse_kernel(k) for k in filter(None, args.kernels.split(","))]
    args.work_dir.mkdir(parents=True, exist_ok=True)

    peaks = {}
    if args.peak:
        peak_isa, peak = "given", args.peak
    else:
        cc = find_cc(args.cc)
        host = benchlib.cpu_description()
        for isa, present in (("avx2", host["avx2"]), ("avx512", host["avx512f"])):
            if present:
                peaks[isa] = measure_peak(cc, isa, args.work_dir, args.peak_seconds,
                                          args.peak_trials)
        if not peaks:
            raise SystemExit("kernel_bench.py: no AVX2 on this CPU; give --peak")
        peak_isa = args.peak_isa
        if peak_isa == "auto":
            peak_isa = ("avx512" if "avx512" in peaks and
                        target_has_avx512(cc, args.cpu) else "avx2")
        if peak_isa not in peaks:
            raise SystemExit(f"kernel_bench.py: this CPU has no {peak_isa}")
        peak = peaks[peak_isa]

    results = []
    for kernel in kernels:
        try:
            row = bench_kernel(kernel, args, peak)
            mlc = row["mlc"]
            print(f"{kernel.name}: {mlc['median_ms']:.3f} ms, {mlc['gflops']:.1f} "
                  f"GFLOP/s, {mlc['percent_of_peak']:.1f}% of peak, err "
                  f"{row['max_scaled_error']:.1e}", file=sys.stderr, flush=True)
        except Exception as e:  # one failing kernel must not hide the others
            print(f"{kernel.name}: FAILED: {e}", file=sys.stderr, flush=True)
            row = {"kernel": kernel.name, "spec": kernel.spec, "shape": kernel.shape,
                   "error": str(e)}
        results.append(row)

    print(benchlib.cpu_line())
    print(benchlib.build_line(args.mlc_compile))
    print("FMA peak, 1 core: " + (", ".join(
        f"{isa} {value:.1f} GFLOP/s" for isa, value in peaks.items()) or "given") +
        f"; % of peak below is of {peak_isa} ({peak:.1f} GFLOP/s)")
    flags = benchlib.compile_flags(args.cpu, args.opt, args.mlc_compile_arg)
    print(f"mlc-compile {flags}; "
          f"{args.threads} thread(s); onnxruntime {benchlib.ort_version()}; "
          f"err tolerance {args.tolerance:g}; conv layout {args.layout}")
    table = (benchlib.markdown_table if args.markdown else benchlib.text_table)(
        HEADER, table_rows(results))
    print(table)
    if args.json:
        args.json.write_text(json.dumps(
            {"cpu": benchlib.cpu_description(),
             "build": benchlib.build_description(args.mlc_compile),
             "peaks_gflops": peaks,
             "peak_isa": peak_isa, "peak_gflops": peak, "threads": args.threads,
             "mlc_compile_args": {"cpu": args.cpu, "opt": args.opt,
                                  "extra": args.mlc_compile_arg},
             "tolerance": args.tolerance, "results": results}, indent=2) + "\n")
    failed = any("error" in r or not r["correct"] for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
