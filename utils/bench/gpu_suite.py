#!/usr/bin/env python3
"""Check and time CUDA artifacts on a GPU machine that has no MLC build.

Two steps, so that the GPU machine needs only Python, numpy and the driver
(torch too for the cuBLAS reference):

  prepare (where MLC is built):
      gpu_suite.py prepare DIR --sm 90 [--mlc-compile PATH]
          [--model NAME=MODEL.onnx ...] [--gemm N ...] [--gemm-type f16|f32]
          [--cuda-gemm wmma|hopper|mma] [--rtol 1e-2] [--atol 1e-3] [--seed 0]
    compiles every model with `mlc-compile --target=cuda --cuda-sm=SM
    --cuda-gemm=KERNEL` (hopper: sm_90a PTX, matmuls in multiples of
    256x128x64 on the TMA + wgmma kernel; needs --sm 90; mma: f16 GEMMs on
    the warp-level mma.sync kernel) into
    DIR/NAME.so, computes onnxruntime's CPU outputs on seeded random inputs
    (numpy's legacy RandomState, the same stream on every machine) into
    DIR/NAME.out<i>.npy, compiles an N x N x N MatMul per --gemm, and writes
    DIR/manifest.json. Inputs are not stored: `run` regenerates them.

  run (on the GPU machine):
      gpu_suite.py run DIR [--runs 50] [--warmup 5] [--only NAME,...]
    loads each artifact through the mlc_runtime.h ABI (ctypes) with
    MLC_CUDA_PROFILE set, checks its outputs against the stored reference
    (|mlc - ref| <= atol + rtol |ref|; also reported: the max relative
    error, the cosine similarity, and whether |mlc - ref| <= rtol (|ref| +
    0.1 max|ref|) holds, a tolerance scaled to the output's size for
    logits in the tens), and times it: `wall` is mlc_run on
    host buffers (host-device copies included), `kernels` the device time of
    its kernels from CUDA events (mlc_cuda_last_run_kernel_ms). GEMMs are
    also run with cuBLAS through torch.matmul on the same data in the same
    process (f16 inputs, f32 accumulation), timed with CUDA events, and
    checked against it. Prints one line per artifact and the median / p99
    of each timing; exits 1 when any check fails.
"""
import argparse
import ctypes
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

DTYPES = {1: np.float32, 2: np.uint8, 3: np.int8, 6: np.int32, 7: np.int64,
          9: np.bool_, 10: np.float16, 11: np.float64}


def seeded_input(seed, shape, dtype):
    rng = np.random.RandomState(seed)
    if np.issubdtype(dtype, np.floating):
        return rng.randn(*shape).astype(dtype)
    return rng.randint(0, 5, size=shape).astype(dtype)


def prepare(args):
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper

    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest = {"sm": args.sm, "cuda_gemm": args.cuda_gemm, "entries": []}

    def compile_model(model, name):
        artifact = out / f"{name}.so"
        subprocess.run([args.mlc_compile, str(model), "--target=cuda",
                        f"--cuda-sm={args.sm}",
                        f"--cuda-gemm={args.cuda_gemm}", "-o", str(artifact)],
                       check=True)
        return artifact

    for spec in args.model:
        name, path = spec.split("=", 1)
        model = onnx.load(path, load_external_data=False)
        inits = {i.name for i in model.graph.initializer}
        inputs = []
        feeds = {}
        for i, info in enumerate(x for x in model.graph.input
                                 if x.name not in inits):
            ttype = info.type.tensor_type
            shape = [d.dim_value for d in ttype.shape.dim]
            dtype = DTYPES[ttype.elem_type]
            seed = args.seed + i
            feeds[info.name] = seeded_input(seed, shape, dtype)
            inputs.append({"shape": shape, "dtype": np.dtype(dtype).name,
                           "seed": seed})
        options = ort.SessionOptions()
        options.graph_optimization_level = \
            ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        session = ort.InferenceSession(path, options,
                                       providers=["CPUExecutionProvider"])
        refs = session.run(None, feeds)
        outputs = []
        for i, ref in enumerate(refs):
            np.save(out / f"{name}.out{i}.npy", ref)
            outputs.append(f"{name}.out{i}.npy")
        artifact = compile_model(path, name)
        manifest["entries"].append({
            "kind": "model", "name": name, "artifact": artifact.name,
            "inputs": inputs, "outputs": outputs, "rtol": args.rtol,
            "atol": args.atol})
        print(f"prepared {name}: {artifact.stat().st_size} bytes")

    elem = TensorProto.FLOAT16 if args.gemm_type == "f16" else TensorProto.FLOAT
    for n in args.gemm:
        name = f"gemm{n}_{args.gemm_type}"
        if args.cuda_gemm != "wmma":
            name += f"_{args.cuda_gemm}"
        graph = helper.make_graph(
            [helper.make_node("MatMul", ["a", "b"], ["c"])], name,
            [helper.make_tensor_value_info("a", elem, [n, n]),
             helper.make_tensor_value_info("b", elem, [n, n])],
            [helper.make_tensor_value_info("c", elem, [n, n])])
        model = out / f"{name}.onnx"
        onnx.save(helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 17)]), str(model))
        artifact = compile_model(model, name)
        model.unlink()
        dtype = "float16" if args.gemm_type == "f16" else "float32"
        manifest["entries"].append({
            "kind": "gemm", "name": name, "artifact": artifact.name, "n": n,
            "inputs": [{"shape": [n, n], "dtype": dtype, "seed": args.seed},
                       {"shape": [n, n], "dtype": dtype,
                        "seed": args.seed + 1}]})
        print(f"prepared {name}")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return 0


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def summary(label, values, flops=None):
    median = statistics.median(values)
    text = (f"  {label:8s} median {median:9.3f} ms  p99 "
            f"{percentile(values, 0.99):9.3f} ms")
    if flops:
        text += f"  {flops / (median * 1e-3) / 1e12:7.1f} TFLOP/s"
    print(text)
    return median


class Artifact:
    def __init__(self, path):
        self.lib = ctypes.CDLL(str(path))
        self.lib.mlc_context_create.restype = ctypes.c_void_p
        self.lib.mlc_context_destroy.argtypes = [ctypes.c_void_p]
        self.lib.mlc_run.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                     ctypes.c_void_p]
        self.lib.mlc_last_error.restype = ctypes.c_char_p
        self.lib.mlc_cuda_last_run_kernel_ms.restype = ctypes.c_double
        self.lib.mlc_cuda_last_run_kernel_ms.argtypes = [ctypes.c_void_p]
        self.lib.mlc_output_info.restype = ctypes.POINTER(TensorInfo)
        self.ctx = self.lib.mlc_context_create(1)

    def outputs(self):
        result = []
        for i in range(self.lib.mlc_num_outputs()):
            info = self.lib.mlc_output_info(i).contents
            shape = [info.shape[d] for d in range(info.rank)]
            result.append(np.zeros(shape, DTYPES[info.dtype]))
        return result

    def run(self, inputs, outputs):
        ins = (ctypes.c_void_p * len(inputs))(*[a.ctypes.data for a in inputs])
        outs = (ctypes.c_void_p * len(outputs))(
            *[a.ctypes.data for a in outputs])
        start = time.perf_counter()
        status = self.lib.mlc_run(ctypes.c_void_p(self.ctx), ins, outs)
        wall = (time.perf_counter() - start) * 1e3
        if status != 0:
            raise RuntimeError(
                f"mlc_run returned {status}: {self.lib.mlc_last_error().decode()}")
        return wall, self.lib.mlc_cuda_last_run_kernel_ms(
            ctypes.c_void_p(self.ctx))

    def close(self):
        self.lib.mlc_context_destroy(ctypes.c_void_p(self.ctx))


class TensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32),
                ("rank", ctypes.c_int32), ("shape", ctypes.POINTER(ctypes.c_int64))]


def time_artifact(art, inputs, outputs, runs, warmup, flops=None):
    walls, kernels = [], []
    for i in range(warmup + runs):
        wall, kernel = art.run(inputs, outputs)
        if i >= warmup:
            walls.append(wall)
            kernels.append(kernel)
    summary("wall", walls, flops)
    return summary("kernels", kernels, flops)


def run_gemm(entry, art, inputs, args):
    import torch
    n = entry["n"]
    flops = 2.0 * n ** 3
    outputs = art.outputs()
    art.run(inputs, outputs)
    a = torch.from_numpy(inputs[0]).cuda().half()
    b = torch.from_numpy(inputs[1]).cuda().half()
    ref = (a.float() @ b.float()).cpu().numpy()
    got = outputs[0].astype(np.float32)
    err = np.abs(got - ref).max()
    ok = np.allclose(got, ref, rtol=1e-2, atol=1e-2 * np.abs(ref).max())
    print(f"{'PASS' if ok else 'FAIL'} {entry['name']} (max abs diff {err:.4g}"
          f" against an f32 product of the f16-rounded inputs)")
    mlc = time_artifact(art, inputs, outputs, args.runs, args.warmup, flops)
    # cuBLAS (torch.matmul: cublasLt f16 x f16 with f32 accumulation).
    times = []
    for i in range(args.warmup + args.runs):
        start, stop = (torch.cuda.Event(enable_timing=True) for _ in range(2))
        start.record()
        torch.matmul(a, b)
        stop.record()
        stop.synchronize()
        if i >= args.warmup:
            times.append(start.elapsed_time(stop))
    cublas = summary("cublas", times, flops)
    print(f"  mlc kernels / cublas throughput: {cublas / mlc:.3f}")
    return ok


def run(args):
    root = Path(args.dir)
    manifest = json.loads((root / "manifest.json").read_text())
    os.environ["MLC_CUDA_PROFILE"] = "1"
    only = set(args.only.split(",")) if args.only else None
    failures = 0
    for entry in manifest["entries"]:
        if only and entry["name"] not in only:
            continue
        inputs = [seeded_input(i["seed"], i["shape"], np.dtype(i["dtype"]))
                  for i in entry["inputs"]]
        art = Artifact(root / entry["artifact"])
        try:
            if entry["kind"] == "gemm":
                failures += not run_gemm(entry, art, inputs, args)
                continue
            outputs = art.outputs()
            art.run(inputs, outputs)
            ok, worst, worst_rel, cosine, scaled = True, 0.0, 0.0, 1.0, True
            for got, ref_file in zip(outputs, entry["outputs"]):
                ref = np.load(root / ref_file).astype(np.float64)
                got = got.astype(np.float64)
                diff = np.abs(got - ref)
                bound = entry["atol"] + entry["rtol"] * np.abs(ref)
                ok &= got.shape == ref.shape and bool(np.all(diff <= bound))
                scale = float(np.abs(ref).max()) if ref.size else 0.0
                scaled &= bool(np.all(diff <= entry["rtol"] * (np.abs(ref) + 1e-1 * scale)))
                if diff.size:
                    worst = max(worst, float(diff.max()))
                    worst_rel = max(worst_rel, float(
                        (diff / np.maximum(np.abs(ref), entry["atol"])).max()))
                    norm = np.linalg.norm(got) * np.linalg.norm(ref)
                    if norm > 0:
                        cosine = min(cosine, float(got.ravel() @ ref.ravel() / norm))
            print(f"{'PASS' if ok else 'FAIL'} {entry['name']} (max abs diff "
                  f"{worst:.4g}, max rel diff {worst_rel:.4g}, cosine "
                  f"{cosine:.6f}; rtol {entry['rtol']}, atol {entry['atol']}); "
                  f"with atol = rtol * 0.1 * max|ref| instead: "
                  f"{'pass' if scaled else 'fail'}")
            failures += not ok
            time_artifact(art, inputs, outputs, args.runs, args.warmup)
        except RuntimeError as error:
            print(f"FAIL {entry['name']}: {error}")
            failures += 1
        finally:
            sys.stdout.flush()
            art.close()
            sys.stderr.flush()
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("dir")
    p.add_argument("--sm", type=int, default=80, choices=[80, 86, 89, 90])
    p.add_argument("--mlc-compile", default=str(
        Path(__file__).resolve().parents[2] / "build" / "bin" / "mlc-compile"))
    p.add_argument("--model", action="append", default=[])
    p.add_argument("--gemm", type=int, action="append", default=[])
    p.add_argument("--gemm-type", choices=["f16", "f32"], default="f32")
    p.add_argument("--cuda-gemm", choices=["wmma", "hopper", "mma"], default="wmma",
                   help="GEMM kernel (mlc-compile --cuda-gemm); hopper needs "
                   "--sm 90")
    p.add_argument("--rtol", type=float, default=1e-2)
    p.add_argument("--atol", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    r = sub.add_parser("run")
    r.add_argument("dir")
    r.add_argument("--runs", type=int, default=50)
    r.add_argument("--warmup", type=int, default=5)
    r.add_argument("--only")
    args = parser.parse_args()
    if args.command == "prepare" and args.cuda_gemm == "hopper" and \
            args.sm != 90:
        parser.error("--cuda-gemm hopper needs --sm 90")
    return prepare(args) if args.command == "prepare" else run(args)


if __name__ == "__main__":
    sys.exit(main())
