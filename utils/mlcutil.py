"""Helpers the scripts under utils/ share: finding MLC's tools, running
them, making inputs for a model and comparing outputs.

A script in utils/<dir>/ imports it with
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import mlcutil
(test/utils/mlcutil.test checks each helper).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def find_tool(explicit: str | None, env_var: str, name: str) -> str | None:
    """The flag, else $env_var, else PATH, else <repo>/build/bin/<name>;
    None when there is none."""
    if explicit:
        return explicit
    if os.environ.get(env_var):
        return os.environ[env_var]
    on_path = shutil.which(name)
    if on_path:
        return on_path
    in_build = REPO_ROOT / "build" / "bin" / name
    return str(in_build) if in_build.exists() else None


def describe_returncode(rc: int) -> str:
    """'exit code N' or 'killed by signal SIGSEGV'."""
    if rc < 0:
        try:
            return f"killed by signal {signal.Signals(-rc).name}"
        except ValueError:
            return f"killed by signal {-rc}"
    return f"exit code {rc}"


@dataclass
class RunResult:
    """A finished (or failed to finish) command."""
    returncode: int | None  # None: it could not start or timed out
    what: str  # "exit code 0", "killed by signal SIGSEGV", "timed out ..."
    stdout: str
    stderr: str


def run(cmd: list[str], timeout: float) -> RunResult:
    """Runs `cmd`, capturing its output as text; never raises for a command
    that is missing, crashes or hangs."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              errors="replace", timeout=timeout)
    except FileNotFoundError as e:
        return RunResult(None, f"cannot execute {cmd[0]}: {e.strerror}", "",
                         "")
    except subprocess.TimeoutExpired as e:
        def text(data) -> str:
            if isinstance(data, bytes):
                return data.decode(errors="replace")
            return data or ""
        return RunResult(None, f"timed out after {timeout:g} s",
                         text(e.stdout), text(e.stderr))
    return RunResult(proc.returncode, describe_returncode(proc.returncode),
                     proc.stdout, proc.stderr)


def make_inputs(model, rng, dims: dict[str, int] | None = None,
                ranges: dict[str, list[float]] | None = None) -> dict:
    """Random data for the graph inputs of an onnx.ModelProto that are not
    initializers, in model order: floats standard normal, ints in [-5, 5],
    unsigned in [0, 9], bools; `dims` sizes named dims (default 1),
    `ranges` gives an input's [lo, hi]. `rng` is a numpy RandomState.
    Raises ValueError for an input that is not a tensor or of another
    element type."""
    import numpy as np
    from onnx import helper

    dims = dims or {}
    ranges = ranges or {}
    initializers = {t.name for t in model.graph.initializer}
    feeds = {}
    for vi in model.graph.input:
        if vi.name in initializers:
            continue
        if not vi.type.HasField("tensor_type"):
            raise ValueError(f"input {vi.name} is not a tensor")
        tt = vi.type.tensor_type
        shape = [d.dim_value if d.HasField("dim_value")
                 else dims.get(d.dim_param, 1) for d in tt.shape.dim]
        dtype = np.dtype(helper.tensor_dtype_to_np_dtype(tt.elem_type))
        if vi.name in ranges:
            lo, hi = ranges[vi.name]
            data = rng.uniform(lo, hi, shape)
        elif dtype.kind == "f":
            data = rng.standard_normal(shape)
        elif dtype.kind == "i":
            data = rng.randint(-5, 6, shape)
        elif dtype.kind == "u":
            data = rng.randint(0, 10, shape)
        elif dtype.kind == "b":
            data = rng.randint(0, 2, shape)
        else:
            raise ValueError(f"input {vi.name}: unsupported element type "
                             f"{dtype}")
        feeds[vi.name] = np.asarray(data).astype(dtype)
    return feeds


def max_errors(actual, expected) -> tuple[float, float]:
    """(max |actual - expected|, max relative error) in float64, NaNs in
    the same places and infinities of the same sign counting as equal.
    Shapes must agree."""
    import numpy as np

    a = np.atleast_1d(np.asarray(actual, dtype=np.float64))
    e = np.atleast_1d(np.asarray(expected, dtype=np.float64))
    if a.shape != e.shape:
        raise ValueError(f"shape {list(a.shape)}, expected {list(e.shape)}")
    if not a.size:
        return 0.0, 0.0
    with np.errstate(invalid="ignore"):
        abs_err = np.abs(a - e)
        rel_err = abs_err / np.maximum(np.abs(e), np.finfo(np.float64).tiny)
        same = (np.isnan(a) & np.isnan(e)) | (
            np.isinf(a) & np.isinf(e) & (np.sign(a) == np.sign(e)))
        abs_err[same] = 0.0
        rel_err[same] = 0.0
    abs_err = np.where(np.isnan(abs_err), np.inf, abs_err)
    rel_err = np.where(np.isnan(rel_err), np.inf, rel_err)
    return float(abs_err.max()), float(rel_err.max())
