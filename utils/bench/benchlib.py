"""Shared pieces of the CPU benchmarks in utils/bench/: inputs, statistics,
compiling with mlc-compile, running an artifact in-process through the
mlc_runtime.h C ABI, running onnxruntime, interleaving the two, and a
description of the machine.

Used by bench_model.py (one artifact beside onnxruntime), bench_models.py (a
model list) and kernel_bench.py (single-op kernels against the FMA peak).
Timings are wall-clock per inference in milliseconds (time.perf_counter around
one call), so that MLC and onnxruntime are measured the same way.
"""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MLC_COMPILE = REPO_ROOT / "build" / "bin" / "mlc-compile"
DEFAULT_MLC_RUN = REPO_ROOT / "build" / "bin" / "mlc-run"

# onnx.TensorProto.DataType codes (the mlc_dtype codes of mlc_runtime.h).
ONNX_TO_NUMPY = {1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16,
                 6: np.int32, 7: np.int64, 9: np.bool_, 10: np.float16,
                 11: np.float64, 12: np.uint32, 13: np.uint64}


# --------------------------------------------------------------------------
# Inputs and statistics
# --------------------------------------------------------------------------

def make_inputs(model, seed: int) -> dict[str, np.ndarray]:
    """One seeded random array per graph input of an onnx.ModelProto that is
    not an initializer; symbolic dimensions become 1."""
    rng = np.random.RandomState(seed)
    inits = {i.name for i in model.graph.initializer}
    feeds = {}
    for value in model.graph.input:
        if value.name in inits:
            continue
        t = value.type.tensor_type
        shape = [d.dim_value if d.HasField("dim_value") else 1 for d in t.shape.dim]
        dtype = ONNX_TO_NUMPY[t.elem_type]
        if np.issubdtype(dtype, np.floating):
            feeds[value.name] = rng.standard_normal(shape).astype(dtype)
        else:
            feeds[value.name] = rng.randint(0, 5, shape).astype(dtype)
    return feeds


def percentile(samples, q: float) -> float:
    """The q-th percentile, taken as an observed sample (never interpolated)."""
    return float(np.percentile(np.asarray(samples, dtype=np.float64), q,
                               method="higher"))


@dataclass
class Stats:
    median: float
    p99: float
    runs: int

    @classmethod
    def of(cls, samples) -> "Stats":
        return cls(percentile(samples, 50), percentile(samples, 99), len(samples))

    def as_dict(self) -> dict:
        return {"median_ms": self.median, "p99_ms": self.p99, "runs": self.runs}


def max_scaled_error(got: np.ndarray, ref: np.ndarray) -> float:
    """max |got - ref| / max |ref| (1 where the shapes differ, inf for NaN):
    one number per output that does not depend on the output's scale."""
    got = np.asarray(got, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    if got.shape != ref.shape:
        return 1.0
    if ref.size == 0:
        return 0.0
    diff = np.abs(got - ref)
    if not np.all(np.isfinite(diff)):
        return float("inf")
    scale = max(float(np.max(np.abs(ref))), 1e-30)
    return float(np.max(diff)) / scale


# --------------------------------------------------------------------------
# Compiling
# --------------------------------------------------------------------------

@dataclass
class CompileResult:
    artifact: Path
    seconds: float
    peak_rss_mb: float
    size_mb: float


# Runs argv[2:] and writes its peak RSS (KiB) to the file argv[1]. A process
# forked from this script would carry the script's resident pages (hundreds of
# MB once onnxruntime and a model are loaded) into its ru_maxrss up to its
# exec; this small interpreter forks mlc-compile instead.
_MAXRSS_HELPER = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[2:])\n"
    "open(sys.argv[1], 'w').write(\n"
    "    str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(rc)\n")


def compile_model(mlc_compile, model: Path, artifact: Path, cpu: str | None = None,
                  opt: str | None = None, extra: list[str] | None = None
                  ) -> CompileResult:
    """Runs `mlc-compile MODEL -o ARTIFACT [--cpu=CPU] [-O<opt>] EXTRA...` and
    measures its wall time and peak resident memory."""
    cmd = [str(mlc_compile), str(model), "-o", str(artifact)]
    if cpu:
        cmd.append(f"--cpu={cpu}")
    if opt is not None:
        cmd.append(f"-O{opt}")
    cmd += extra or []
    rss_file = artifact.with_name(artifact.name + ".maxrss")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-S", "-c", _MAXRSS_HELPER, str(rss_file),
                           *cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                           f"{proc.stdout.decode(errors='replace')}")
    peak_kib = int(rss_file.read_text())  # ru_maxrss is in KiB on Linux
    rss_file.unlink()
    return CompileResult(artifact, seconds, peak_kib / 1024.0,
                         artifact.stat().st_size / 2**20)


def compile_flags(cpu: str | None, opt: str | None, extra: list[str]) -> str:
    """The flags compile_model adds, as text ("(defaults)" for none)."""
    flags = ([f"--cpu={cpu}"] if cpu else []) + ([f"-O{opt}"] if opt else []) + extra
    return " ".join(flags) or "(defaults)"


# --------------------------------------------------------------------------
# MLC artifacts in-process (mlc_runtime.h through ctypes)
# --------------------------------------------------------------------------

class _TensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32),
                ("rank", ctypes.c_int32), ("shape", ctypes.POINTER(ctypes.c_int64))]


class Artifact:
    """A statically shaped MLC artifact loaded with dlopen (RTLD_LOCAL, so
    several artifacts, which export the same names, can live in one process).
    `run` calls mlc_run on pre-built pointer arrays: the timed region is
    the model plus one ctypes call (about a microsecond)."""

    def __init__(self, path: Path, threads: int = 1):
        self.path = Path(path)
        self.lib = ctypes.CDLL(str(self.path.resolve()), mode=os.RTLD_LOCAL)
        lib = self.lib
        lib.mlc_input_info.restype = ctypes.POINTER(_TensorInfo)
        lib.mlc_output_info.restype = ctypes.POINTER(_TensorInfo)
        lib.mlc_context_create.restype = ctypes.c_void_p
        lib.mlc_context_create.argtypes = [ctypes.c_int32]
        lib.mlc_context_destroy.argtypes = [ctypes.c_void_p]
        lib.mlc_run.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        lib.mlc_run.restype = ctypes.c_int32
        lib.mlc_last_error.restype = ctypes.c_char_p
        self.inputs = [self._info(lib.mlc_input_info(i))
                       for i in range(lib.mlc_num_inputs())]
        self.outputs = [self._info(lib.mlc_output_info(i))
                        for i in range(lib.mlc_num_outputs())]
        for name, _, shape in self.inputs + self.outputs:
            if any(d < 0 for d in shape):
                raise ValueError(f"{path}: '{name}' has a dynamic shape; the "
                                 "benchmarks time statically shaped models")
        ctx = lib.mlc_context_create(threads)
        if not ctx:
            raise MemoryError("mlc_context_create returned NULL")
        self.ctx = ctypes.c_void_p(ctx)
        self._bound = None

    @staticmethod
    def _info(ptr):
        info = ptr.contents
        return (info.name.decode(), ONNX_TO_NUMPY[info.dtype],
                tuple(info.shape[i] for i in range(info.rank)))

    def bind(self, feeds) -> list[np.ndarray]:
        """Fixes the inputs (a list in graph order, or a dict by name) for
        `run`, allocates the outputs and returns them."""
        if isinstance(feeds, dict):
            feeds = [feeds[name] for name, _, _ in self.inputs]
        if len(feeds) != len(self.inputs):
            raise ValueError(f"{self.path}: {len(self.inputs)} inputs expected")
        ins = []
        for (name, dtype, shape), value in zip(self.inputs, feeds):
            value = np.ascontiguousarray(value, dtype=dtype)
            if value.shape != shape:
                raise ValueError(f"input '{name}': shape {value.shape}, "
                                 f"artifact wants {shape}")
            ins.append(value)
        outs = [np.empty(shape, dtype) for _, dtype, shape in self.outputs]
        in_ptrs = (ctypes.c_void_p * max(len(ins), 1))(*[a.ctypes.data for a in ins])
        out_ptrs = (ctypes.c_void_p * max(len(outs), 1))(
            *[a.ctypes.data for a in outs])
        self._bound = (ins, outs, in_ptrs, out_ptrs)
        return outs

    def run(self) -> float:
        """One mlc_run on the bound buffers; returns its wall time in ms."""
        _, _, in_ptrs, out_ptrs = self._bound
        run, ctx = self.lib.mlc_run, self.ctx
        start = time.perf_counter()
        status = run(ctx, in_ptrs, out_ptrs)
        elapsed = (time.perf_counter() - start) * 1e3
        if status != 0:
            raise RuntimeError(f"{self.path}: mlc_run returned {status}: "
                               f"{self.lib.mlc_last_error().decode()}")
        return elapsed

    def close(self):
        if self.ctx:
            self.lib.mlc_context_destroy(self.ctx)
            self.ctx = None


def bench_mlc_run(mlc_run, artifact: Path, inputs: list[Path], runs: int,
                  warmup: int, threads: int) -> tuple[float, float]:
    """Median and p99 (ms) printed by `mlc-run ARTIFACT --bench RUNS`: the
    out-of-process alternative to Artifact, timed by mlc-run's own clock."""
    cmd = [str(mlc_run), str(artifact), "--bench", str(runs), "--warmup", str(warmup),
           "--threads", str(threads)]
    for path in inputs:
        cmd += ["--input", str(path)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    m = re.search(r"median=([0-9.]+) ms .*p99=([0-9.]+) ms", out)
    if not m:
        raise RuntimeError(f"unexpected mlc-run output:\n{out}")
    return float(m.group(1)), float(m.group(2))


# --------------------------------------------------------------------------
# onnxruntime
# --------------------------------------------------------------------------

class OrtModel:
    """An onnxruntime session: CPU execution provider, ORT_ENABLE_ALL, the
    given number of intra-op threads, one inter-op thread. `run` times one
    InferenceSession.run (outputs allocated by onnxruntime, as users get)."""

    def __init__(self, path: Path, threads: int = 1):
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), opts,
                                            providers=["CPUExecutionProvider"])
        self.feeds = None
        self.last = None

    def bind(self, feeds: dict[str, np.ndarray]):
        self.feeds = feeds

    def run(self) -> float:
        start = time.perf_counter()
        self.last = self.session.run(None, self.feeds)
        return (time.perf_counter() - start) * 1e3


def ort_version() -> str:
    import onnxruntime as ort
    return ort.__version__


def interleave(runners: dict, rounds: int, runs: int, warmup: int) -> dict:
    """Times several runners (objects with run() -> ms) in rounds: every
    runner gets `warmup` untimed runs first, then in round r each runner does
    `runs` timed runs, in the listed order for even r and reversed for odd r,
    so that slow drifts of the machine (other load, clocks) hit all of them
    alike. Returns {name: [samples]}."""
    names = list(runners)
    for name in names:
        for _ in range(warmup):
            runners[name].run()
    samples = {name: [] for name in names}
    for r in range(rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            runner = runners[name]
            samples[name].extend(runner.run() for _ in range(runs))
    return samples


# --------------------------------------------------------------------------
# The machine
# --------------------------------------------------------------------------

def cpu_description() -> dict:
    """Model name, logical CPUs and the vector ISA flags this benchmark cares
    about, from /proc/cpuinfo (what lscpu reads)."""
    model, flags = "unknown", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            key = key.strip()
            if key == "model name" and model == "unknown":
                model = value.strip()
            elif key == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    isa = [f for f in ("avx2", "fma", "avx512f", "avx512vnni", "avx512_bf16",
                       "amx_tile", "avx_vnni") if f in flags]
    return {"model": model, "logical_cpus": os.cpu_count(), "isa": isa,
            "avx512f": "avx512f" in flags, "avx2": "avx2" in flags}


def cpu_line() -> str:
    cpu = cpu_description()
    return (f"CPU: {cpu['model']}, {cpu['logical_cpus']} logical CPUs, "
            f"ISA: {' '.join(cpu['isa']) or 'no AVX2'}")


def build_description(mlc_compile) -> dict:
    """Which compiler was measured: the binary's path and time, and the commit
    of the source tree (with `+dirty` when tracked files differ from it)."""
    path = Path(mlc_compile)
    desc = {"mlc_compile": str(path), "built": None, "source": None}
    try:
        desc["built"] = time.strftime("%Y-%m-%d %H:%M",
                                      time.localtime(path.stat().st_mtime))
    except OSError:
        pass
    try:
        git = ["git", "-C", str(REPO_ROOT)]
        sha = subprocess.run(git + ["rev-parse", "--short", "HEAD"], check=True,
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(git + ["status", "--porcelain", "--untracked-files=no"],
                               check=True, capture_output=True, text=True).stdout
        desc["source"] = sha + ("+dirty" if dirty.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        pass
    return desc


def build_line(mlc_compile) -> str:
    d = build_description(mlc_compile)
    return (f"mlc-compile: {d['mlc_compile']} (built {d['built'] or '?'}; "
            f"source tree now at {d['source'] or '?'})")


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    fmt = lambda row: "  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                                for i, (c, w) in enumerate(zip(row, widths)))
    return "\n".join([fmt(header)] + [fmt(row) for row in rows])
