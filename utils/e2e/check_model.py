#!/usr/bin/env python3
"""Compile an ONNX model with mlc-compile, run it, and compare with onnxruntime.

Usage:
    python check_model.py MODEL.onnx [MODEL.onnx ...]
        [--mlc-compile PATH] [--mlc-run PATH] [--runner "CMD PREFIX"]
        [--target host|x86_64|aarch64|BACKEND] [-O N] [--compile-arg ARG ...]
        [--reference onnxruntime|mlc [--reference-arg ARG ...]]
        [--rtol 1e-4] [--atol 1e-5] [--seed S] [--dim NAME=N ...]
        [--workdir DIR [--reuse-artifact]] [--keep] [--timeout SECONDS]

For each model:
  1. random inputs are drawn for every graph input that is not an initializer
     (floats: standard normal; signed ints: -5..5; unsigned ints: 0..9; bool: coin flips).
     If a manifest.json written by utils/models/build_models.py sits next to the model
     and gives an input a "range": [lo, hi], that input is drawn uniformly from it
     instead. Symbolic dims take the value from --dim NAME=N, else 1;
  2. onnxruntime (CPU EP, graph optimizations off) computes the reference outputs,
     or with --reference=mlc, MLC itself compiled with the --reference-arg flags
     (in WORK/reference), so that two MLC builds (say -O0 and -O2) can be compared;
  3. the inputs are saved as input_<i>.npy in the work dir (model input order), then
         mlc-compile MODEL -o WORK/model.so --target=T [-ON] [compile args]
         RUNNER WORK/model.so --input WORK/input_0.npy ... --output-dir WORK/outputs
     run, where RUNNER is --runner (split like a shell would), or else mlc-run for
     host/x86_64, or `qemu-aarch64 -L /usr/aarch64-linux-gnu MLC_RUN` for aarch64
     (MLC_RUN must then be an AArch64 build, given with --mlc-run);
  4. WORK/outputs/output_<i>.pb (ONNX TensorProto) are read and compared with the
     reference with numpy.allclose semantics, |actual - ref| <= atol + rtol * |ref|,
     NaN matching NaN; shapes, element types and the number of outputs must match.

Prints `PASS MODEL (max abs err X, max rel err Y)` or `FAIL MODEL: reason` per model
(tool failures also print the command and its stderr) and exits 0 when every model
passed, 1 otherwise. The relative error is |actual - ref| / max(|ref|, atol).

Tools are looked up as: the flag, then $MLC_COMPILE / $MLC_RUN, then PATH, then the
repository's build/bin. A temporary work dir is deleted after a pass and kept (and
named) after a failure; a --workdir is always kept (with several models, each gets
a subdirectory named after the model).

Dependencies: onnx, onnxruntime, numpy.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "utils"))
import mlcutil  # noqa: E402  (utils/mlcutil.py: shared tool and input helpers)
from mlcutil import find_tool  # noqa: E402
QEMU_AARCH64_PREFIX = ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"]
MAX_MISMATCHES_SHOWN = 5


class CheckFailure(Exception):
    """A model failed; the message is the one-line reason."""


@dataclass
class Comparison:
    max_abs: float = 0.0
    max_rel: float = 0.0


def run_tool(what: str, cmd: list[str], timeout: float) -> None:
    """Run one tool; on failure print the command and its output, raise CheckFailure."""
    result = mlcutil.run(cmd, timeout)
    if result.returncode == 0:
        return
    print(f"command: {shlex.join(cmd)}", file=sys.stderr)
    if result.returncode is None:
        raise CheckFailure(f"{what}: {result.what}")
    if result.stdout.strip():
        print(f"--- {what} stdout ---\n{result.stdout.rstrip()}", file=sys.stderr)
    print(f"--- {what} stderr ---\n{result.stderr.rstrip() or '(empty)'}", file=sys.stderr)
    raise CheckFailure(f"{what} failed ({result.what})")


def load_manifest_ranges(model_path: Path) -> dict[str, list[float]]:
    """Input name -> [lo, hi] from a manifest.json beside the model, if any."""
    manifest = model_path.parent / "manifest.json"
    if not manifest.is_file():
        return {}
    try:
        data = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return {}
    for entry in data.get("models", []):
        if entry.get("file") == model_path.name:
            return {i["name"]: i["range"] for i in entry.get("inputs", []) if "range" in i}
    return {}


def make_inputs(model: onnx.ModelProto, rng: np.random.RandomState,
                dims: dict[str, int], ranges: dict[str, list[float]]) -> dict[str, np.ndarray]:
    """Random data for the graph inputs that are not initializers, in model order."""
    try:
        return mlcutil.make_inputs(model, rng, dims, ranges)
    except ValueError as e:
        raise CheckFailure(str(e)) from e


def reference_outputs(model_path: Path, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    opts.log_severity_level = 3
    try:
        sess = ort.InferenceSession(str(model_path), opts, providers=["CPUExecutionProvider"])
        return sess.run(None, feeds)
    except Exception as e:  # noqa: BLE001 - onnxruntime raises several exception types
        raise CheckFailure(f"onnxruntime cannot run the model: {e}") from e


def compare(index: int, actual: np.ndarray, ref: np.ndarray, rtol: float, atol: float,
            acc: Comparison) -> None:
    """Fold one output into `acc`; raise CheckFailure if it does not match."""
    where = f"output {index}"
    if actual.dtype != ref.dtype:
        raise CheckFailure(f"{where}: element type {actual.dtype}, expected {ref.dtype}")
    if actual.shape != ref.shape:
        raise CheckFailure(f"{where}: shape {list(actual.shape)}, "
                           f"expected {list(ref.shape)}")
    # At least 1-d: numpy turns arithmetic on rank-0 arrays into scalars.
    a = np.atleast_1d(actual.astype(np.float64))
    r = np.atleast_1d(ref.astype(np.float64))
    with np.errstate(invalid="ignore"):
        abs_err = np.abs(a - r)
        rel_err = abs_err / np.maximum(np.abs(r), max(atol, np.finfo(np.float64).tiny))
        both_nan = np.isnan(a) & np.isnan(r)
        same_inf = np.isinf(a) & np.isinf(r) & (np.sign(a) == np.sign(r))
        abs_err[both_nan | same_inf] = 0.0
        rel_err[both_nan | same_inf] = 0.0
    ok = np.isclose(a, r, rtol=rtol, atol=atol, equal_nan=True)
    if a.size:
        acc.max_abs = max(acc.max_abs, float(np.nanmax(np.where(np.isnan(abs_err), np.inf,
                                                                abs_err))))
        acc.max_rel = max(acc.max_rel, float(np.nanmax(np.where(np.isnan(rel_err), np.inf,
                                                                rel_err))))
    if ok.all():
        return
    bad = np.argwhere(~ok)
    shown = []
    for idx in bad[:MAX_MISMATCHES_SHOWN]:
        t = tuple(int(i) for i in idx)
        shown.append(f"[{','.join(map(str, t))}] got {a[t]:.7g} expected {r[t]:.7g}")
    raise CheckFailure(
        f"{where}: {len(bad)} of {a.size} elements differ beyond rtol={rtol:g} "
        f"atol={atol:g} (max abs err {acc.max_abs:.3g}, max rel err {acc.max_rel:.3g}); "
        + "; ".join(shown))


def runner_prefix(args: argparse.Namespace) -> list[str]:
    if args.runner:
        prefix = shlex.split(args.runner)
        if not prefix:
            raise CheckFailure("--runner is empty")
        return prefix
    if args.target == "aarch64":
        mlc_run = args.mlc_run or os.environ.get("MLC_RUN_AARCH64")
        if not mlc_run:
            raise CheckFailure("--target aarch64 needs --runner, or --mlc-run (or "
                               "$MLC_RUN_AARCH64) naming an AArch64 build of mlc-run")
        return [*QEMU_AARCH64_PREFIX, mlc_run]
    mlc_run = find_tool(args.mlc_run, "MLC_RUN", "mlc-run")
    if not mlc_run:
        raise CheckFailure("mlc-run not found (use --mlc-run, $MLC_RUN or PATH)")
    return [mlc_run]


def check_model(model_path: Path, workdir: Path, args: argparse.Namespace) -> Comparison:
    if not model_path.is_file():
        raise CheckFailure("no such file")
    try:
        model = onnx.load(str(model_path), load_external_data=False)
    except Exception as e:  # noqa: BLE001 - protobuf raises DecodeError and others
        raise CheckFailure(f"cannot load model: {e}") from e

    rng = np.random.RandomState(args.seed)
    feeds = make_inputs(model, rng, args.dims, load_manifest_ranges(model_path))
    refs = reference_outputs(model_path, feeds) if args.reference == "onnxruntime" else []

    workdir.mkdir(parents=True, exist_ok=True)
    input_files = []
    for i, value in enumerate(feeds.values()):
        path = workdir / f"input_{i}.npy"
        np.save(path, value)
        input_files.append(path)
    if args.reference == "mlc":
        refs = compile_and_run(model_path, workdir / "reference", input_files,
                               args.reference_args, args)
    actual_outputs = compile_and_run(model_path, workdir, input_files,
                                     opt_args(args) + args.compile_args, args)
    for outputs in (actual_outputs, refs):
        if len(outputs) != len(model.graph.output):
            raise CheckFailure(f"runner wrote {len(outputs)} outputs, "
                               f"the model has {len(model.graph.output)}")
    acc = Comparison()
    for i, (actual, ref) in enumerate(zip(actual_outputs, refs)):
        compare(i, actual, ref, args.rtol, args.atol, acc)
    return acc


def opt_args(args: argparse.Namespace) -> list[str]:
    return [f"-O{args.opt_level}"] if args.opt_level is not None else []


def compile_and_run(model_path: Path, workdir: Path, input_files: list[Path],
                    compile_args: list[str], args: argparse.Namespace) -> list[np.ndarray]:
    """Compiles the model into WORKDIR/model.so with `compile_args`, runs it on
    `input_files` and returns its outputs in order."""
    workdir.mkdir(parents=True, exist_ok=True)
    out_dir = workdir / "outputs"
    if out_dir.exists():
        shutil.rmtree(out_dir)  # never compare against a previous run's outputs
    out_dir.mkdir()

    prefix = runner_prefix(args)
    mlc_compile = find_tool(args.mlc_compile, "MLC_COMPILE", "mlc-compile")
    if not mlc_compile:
        raise CheckFailure("mlc-compile not found (use --mlc-compile, $MLC_COMPILE or PATH)")
    so_path = workdir / "model.so"
    compile_cmd = [mlc_compile, str(model_path), "-o", str(so_path), f"--target={args.target}"]
    compile_cmd += compile_args
    # --reuse-artifact: a model.so built by the very same command from a
    # model file not modified since is run again (a dynamic-batch model
    # checked at several batch sizes compiles once).
    stamp = workdir / "compile-command.txt"
    stamp_text = "\n".join(compile_cmd) + "\n"
    reusable = (args.reuse_artifact and so_path.is_file() and stamp.is_file()
                and stamp.read_text() == stamp_text
                and so_path.stat().st_mtime >= model_path.stat().st_mtime)
    if not reusable:
        if so_path.exists():
            so_path.unlink()
        if stamp.exists():
            stamp.unlink()
        run_tool("mlc-compile", compile_cmd, args.timeout)
        if not so_path.is_file():
            raise CheckFailure(f"mlc-compile succeeded but wrote no {so_path}")
        stamp.write_text(stamp_text)

    run_cmd = [*prefix, str(so_path)]
    for path in input_files:
        run_cmd += ["--input", str(path)]
    run_cmd += ["--output-dir", str(out_dir)]
    run_tool("runner", run_cmd, args.timeout)

    outputs = []
    while True:
        # mlc-run writes TensorProto; the dependency-free mlc-run-lite
        # (used on cross targets) writes .npy.
        i = len(outputs)
        pb = out_dir / f"output_{i}.pb"
        npy = out_dir / f"output_{i}.npy"
        if not pb.is_file() and not npy.is_file():
            break
        try:
            if pb.is_file():
                outputs.append(numpy_helper.to_array(onnx.load_tensor(str(pb))))
            else:
                outputs.append(np.load(npy))
        except Exception as e:  # noqa: BLE001
            raise CheckFailure(f"cannot read output {i}: {e}") from e
    return outputs


def parse_dims(values: list[str]) -> dict[str, int]:
    dims = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not value.isdigit():
            raise argparse.ArgumentTypeError(f"--dim expects NAME=N, got {item!r}")
        dims[name] = int(value)
    return dims


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Compile ONNX models with mlc-compile, run them and compare with "
                    "onnxruntime.")
    parser.add_argument("models", nargs="+", type=Path, metavar="MODEL.onnx")
    parser.add_argument("--mlc-compile", help="path of mlc-compile")
    parser.add_argument("--mlc-run", help="path of mlc-run (for aarch64: an AArch64 build)")
    parser.add_argument("--runner", help='command prefix that runs a compiled model, e.g. '
                        '"qemu-aarch64 -L /usr/aarch64-linux-gnu /path/mlc-run-aarch64"')
    parser.add_argument("--target", default="host",
                        help="host, x86_64, aarch64, or a backend's name (with its "
                             "plug-in given by --compile-arg=--load-backend-plugin=PATH)")
    parser.add_argument("-O", dest="opt_level", type=int, choices=range(4), metavar="N",
                        help="optimization level passed to mlc-compile (0-3)")
    parser.add_argument("--compile-arg", dest="compile_args", action="append", default=[],
                        metavar="ARG", help="extra argument for mlc-compile (repeatable)")
    parser.add_argument("--reference", choices=["onnxruntime", "mlc"], default="onnxruntime",
                        help="what computes the expected outputs: onnxruntime (default), or "
                             "MLC itself compiled with --reference-arg flags (e.g. -O0)")
    parser.add_argument("--reference-arg", dest="reference_args", action="append",
                        default=[], help="mlc-compile flag of the reference build "
                                         "(repeatable; with --reference=mlc)")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-5)
    parser.add_argument("--seed", type=int, default=0, help="input RNG seed (default 0)")
    parser.add_argument("--dim", dest="dim_values", action="append", default=[],
                        metavar="NAME=N", help="value of a symbolic input dim (default 1)")
    parser.add_argument("--workdir", type=Path, help="where inputs, model.so and outputs go "
                        "(kept); default: a temporary dir, kept only on failure")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work dir")
    parser.add_argument("--reuse-artifact", action="store_true",
                        help="with --workdir: run the model.so of an earlier identical "
                        "mlc-compile command instead of compiling again")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds allowed to each tool run (default 600)")
    args = parser.parse_args(argv)
    try:
        args.dims = parse_dims(args.dim_values)
    except argparse.ArgumentTypeError as e:
        parser.error(str(e))

    failures = 0
    for model_path in args.models:
        if args.workdir is None:
            workdir = Path(tempfile.mkdtemp(prefix=f"mlc-check-{model_path.stem}-"))
        elif len(args.models) == 1:
            workdir = args.workdir
        else:
            workdir = args.workdir / model_path.stem
        try:
            acc = check_model(model_path, workdir, args)
        except CheckFailure as e:
            failures += 1
            print(f"FAIL {model_path}: {e}", flush=True)
            if args.workdir is None:
                if any(workdir.iterdir()):
                    print(f"  (work dir kept: {workdir})", flush=True)
                else:
                    workdir.rmdir()
            continue
        print(f"PASS {model_path} (max abs err {acc.max_abs:.3g}, "
              f"max rel err {acc.max_rel:.3g})", flush=True)
        if args.workdir is None and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
