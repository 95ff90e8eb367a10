#!/usr/bin/env python3
"""Check that MLC's tools reject bad ONNX files with a short diagnostic, not a crash.

Usage:
    python check_errors.py [--models-dir DIR] [--mlc-compile PATH] [--mlc-translate PATH]
        [--tools mlc-compile,mlc-translate] [--no-control] [--timeout SECONDS]
        [--workdir DIR]

The bad inputs are bad_unknown_op.onnx (a well-formed model using op FooBar in the
default domain), bad_truncated.onnx (the first half of mlp.onnx) and bad_not_onnx.onnx
(a text file), taken from --models-dir (as written by utils/models/build_models.py) or,
without it, generated afresh into the work dir. Each is given to

    mlc-compile BAD.onnx -o WORK/<tool>-<model>.so
    mlc-translate --import-onnx BAD.onnx -o WORK/<tool>-<model>.mlir

and each run must: exit with code 1 (not 0, not another code, not a signal), write a
non-empty stderr of at most 2 lines, and have "error" in it.

As a control, both tools are first run the same way on a valid one-op model (Relu) and
must exit 0: otherwise a tool that rejects its command line would pass every check
above. --no-control skips this.

Prints `PASS TOOL MODEL` or `FAIL TOOL MODEL: reason` (with the command and its stderr)
per run and exits 0 when all passed, 1 otherwise. Tools are looked up as: the flag,
then $MLC_COMPILE / $MLC_TRANSLATE, then PATH, then the repository's build/bin.

Dependencies: onnx, numpy (to generate the models).
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "utils"))
import mlcutil  # noqa: E402  (utils/mlcutil.py: shared tool helpers)
from mlcutil import find_tool  # noqa: E402
BAD_MODELS = ["bad_unknown_op.onnx", "bad_truncated.onnx", "bad_not_onnx.onnx"]
CONTROL_MODEL = "control_relu.onnx"
TOOLS = {
    # tool name -> (env var, argv after the tool for INPUT and OUTPUT, output suffix)
    "mlc-compile": ("MLC_COMPILE", lambda src, dst: [src, "-o", dst], ".so"),
    "mlc-translate": ("MLC_TRANSLATE",
                      lambda src, dst: ["--import-onnx", src, "-o", dst], ".mlir"),
}
MAX_STDERR_LINES = 2


def write_models(outdir: Path) -> None:
    """Write the bad models and the control model with utils/models/build_models.py."""
    sys.path.insert(0, str(REPO_ROOT / "utils" / "models"))
    import numpy as np
    import build_models as bm

    rng = np.random.RandomState(0)
    for name, (data, _) in bm.build_bad_models(bm.build_mlp(rng).model).items():
        (outdir / name).write_bytes(data)
    control = bm._single(rng, "control_relu", "Relu", {"x": [2, 3, 4]})
    (outdir / CONTROL_MODEL).write_bytes(control.model.SerializeToString())


def run(cmd: list[str], timeout: float) -> tuple[int | None, str, str]:
    """(return code or None on timeout, what happened, stderr)."""
    result = mlcutil.run(cmd, timeout)
    return result.returncode, result.what, result.stderr


def report(ok: bool, tool: str, model: str, reason: str, cmd: list[str], stderr: str) -> bool:
    if ok:
        print(f"PASS {tool} {model}", flush=True)
        return True
    print(f"FAIL {tool} {model}: {reason}", flush=True)
    print(f"  command: {shlex.join(cmd)}", flush=True)
    print("  stderr:" + ("".join(f"\n    | {line}" for line in stderr.splitlines())
                          or " (empty)"), flush=True)
    return False


def check_bad(tool: str, cmd: list[str], model: Path, timeout: float) -> bool:
    rc, what, stderr = run(cmd, timeout)
    # The word must come from the diagnostic, not from a path that happens to hold it.
    message = stderr.replace(str(model), "").replace(str(model.parent), "")
    lines = stderr.rstrip("\n").splitlines()
    if rc != 1:
        reason = f"expected exit code 1, got {what}"
    elif not stderr.strip():
        reason = "stderr is empty"
    elif len(lines) > MAX_STDERR_LINES:
        reason = f"stderr has {len(lines)} lines, at most {MAX_STDERR_LINES} allowed"
    elif "error" not in message:
        reason = 'stderr does not contain "error"'
    else:
        reason = ""
    return report(not reason, tool, model.name, reason, cmd, stderr)


def check_control(tool: str, cmd: list[str], model: str, timeout: float) -> bool:
    rc, what, stderr = run(cmd, timeout)
    reason = "" if rc == 0 else f"a valid model must be accepted, got {what}"
    return report(not reason, tool, f"{model} (control)", reason, cmd, stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Check that mlc-compile and mlc-translate reject bad ONNX files "
                    "with exit code 1 and a short error.")
    parser.add_argument("--models-dir", type=Path,
                        help="directory holding bad_*.onnx (default: generate them)")
    parser.add_argument("--mlc-compile", help="path of mlc-compile")
    parser.add_argument("--mlc-translate", help="path of mlc-translate")
    parser.add_argument("--tools", default=",".join(TOOLS),
                        help="comma-separated tools to check (default: all)")
    parser.add_argument("--no-control", action="store_true",
                        help="skip the valid-model control runs")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds allowed to each tool run (default 120)")
    parser.add_argument("--workdir", type=Path,
                        help="where models and tool outputs go (default: a temporary dir)")
    args = parser.parse_args(argv)

    tools = [t for t in args.tools.split(",") if t]
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:
        parser.error(f"unknown tool(s) {', '.join(unknown)}; choose from {', '.join(TOOLS)}")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="mlc-bad-inputs-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        gen_dir = workdir / "models"
        gen_dir.mkdir(exist_ok=True)
        write_models(gen_dir)
        models_dir = args.models_dir or gen_dir

        all_ok = True
        for tool in tools:
            env_var, make_args, suffix = TOOLS[tool]
            path = find_tool(getattr(args, tool.replace("-", "_")), env_var, tool)
            if path is None:
                print(f"FAIL {tool}: not found (use --{tool}, ${env_var} or PATH)", flush=True)
                all_ok = False
                continue
            if not args.no_control:
                out = workdir / f"{tool}-control{suffix}"
                cmd = [path, *make_args(str(gen_dir / CONTROL_MODEL), str(out))]
                all_ok &= check_control(tool, cmd, CONTROL_MODEL, args.timeout)
            for name in BAD_MODELS:
                model = models_dir / name
                if not model.is_file():
                    print(f"FAIL {tool} {name}: {model} does not exist", flush=True)
                    all_ok = False
                    continue
                out = workdir / f"{tool}-{model.stem}{suffix}"
                cmd = [path, *make_args(str(model), str(out))]
                all_ok &= check_bad(tool, cmd, model, args.timeout)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
