#!/usr/bin/env python3
"""Compile a list of models with mlc-compile and time them beside onnxruntime.

Usage (the venv's python: numpy, onnx, onnxruntime):
    python bench_models.py [--models resnet50,resnet18,mobilenet_v2,transformer]
        [--threads 1,all] [--rounds 5] [--runs 10] [--warmup 3]
        [--cpu NAME] [-O 2] [--mlc-compile-arg ARG ...] [--json OUT] [--markdown]
        [--model-dir DIR] [--work-dir DIR] [--mlc-compile PATH]
        [--torch-python /usr/bin/python3] [--seed 0] [--tolerance 1e-3]

Models: the names resnet50, resnet18, mobilenet_v2 (torchvision, random weights,
1x3x224x224) and transformer (encoder d_model 256, 4 heads, 4 layers, 1x128x256),
exported by export_bench_models.py with Debian's torch into --model-dir when
missing; or NAME=PATH.onnx for any statically shaped model.

Per model it runs `mlc-compile MODEL -o WORK/NAME.so [--cpu=NAME] [-O<n>] ARGS`
once (wall time, peak RSS and artifact size are reported), then for each thread
count T of --threads ("all" is every logical CPU; default 1 first, then all):
  - onnxruntime: CPU execution provider, ORT_ENABLE_ALL, intra_op_num_threads=T,
    one inter-op thread; timed around InferenceSession.run.
  - MLC: the artifact loaded in this process with ctypes through its C ABI
    (include/mlc/Runtime/mlc_runtime.h): mlc_context_create(T), and mlc_run
    on pre-allocated buffers, timed around the one call. In-process rather
    than `mlc-run --bench` so that both are timed by the same clock in the same
    process and can be interleaved; the ctypes call costs about a microsecond,
    onnxruntime's Python binding tens of microseconds (it allocates its
    outputs), both negligible beside a model.
Both get --warmup untimed runs, then --rounds rounds: in round r onnxruntime
does --runs runs and then MLC does --runs runs, in the opposite order for odd r,
so that drifts of the machine hit both alike. Medians and p99 are over all
rounds' samples (p99 is an observed sample: with 50 samples it is the maximum).
Before timing, the first outputs of both are compared: `err` is
max |mlc - ort| / max |ort| over the outputs; above --tolerance the row is
flagged MISMATCH and the exit code is 1.

Columns: see docs/Performance.md. Ratio = MLC median / ORT median (below 1:
MLC is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import benchlib

BUILTIN_MODELS = ("resnet50", "resnet18", "mobilenet_v2", "transformer")
HEADER = ["model", "threads", "MLC med ms", "MLC p99 ms", "ORT med ms", "ORT p99 ms",
          "MLC/ORT", "MLC p99/med", "compile s", "compile MB", "artifact MB", "err"]


def parse_models(spec: str, model_dir: Path) -> list[tuple[str, Path]]:
    models = []
    for item in filter(None, spec.split(",")):
        if "=" in item:
            name, path = item.split("=", 1)
            models.append((name, Path(path)))
        elif item.endswith(".onnx"):
            models.append((Path(item).stem, Path(item)))
        elif item in BUILTIN_MODELS:
            models.append((item, model_dir / f"{item}.onnx"))
        else:
            raise SystemExit(f"bench_models.py: unknown model '{item}' (known: "
                             f"{', '.join(BUILTIN_MODELS)}, or NAME=PATH.onnx)")
    return models


def parse_threads(spec: str) -> list[int]:
    threads = []
    for item in spec.split(","):
        t = os.cpu_count() if item == "all" else int(item)
        if t not in threads:
            threads.append(t)
    return threads


def export_missing(models, model_dir: Path, torch_python: str):
    missing = [name for name, path in models
               if name in BUILTIN_MODELS and path == model_dir / f"{name}.onnx"
               and not path.exists()]
    if not missing:
        return
    script = Path(__file__).resolve().parent / "export_bench_models.py"
    cmd = [torch_python, str(script), str(model_dir), "--models", ",".join(missing)]
    print("exporting:", " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, stdout=sys.stderr)


def bench_one(name, path, threads, args, compiled) -> list[dict]:
    import onnx
    rows = []
    model = onnx.load(str(path), load_external_data=False)
    feeds = benchlib.make_inputs(model, args.seed)
    del model
    for t in threads:
        session = benchlib.OrtModel(path, t)
        session.bind(feeds)
        artifact = benchlib.Artifact(compiled.artifact, t)
        outputs = artifact.bind(feeds)
        artifact.run()
        session.run()
        err = max((benchlib.max_scaled_error(got, ref)
                   for got, ref in zip(outputs, session.last)), default=0.0)
        samples = benchlib.interleave({"ort": session, "mlc": artifact},
                                      args.rounds, args.runs, args.warmup)
        artifact.close()
        del session
        mlc, ort = (benchlib.Stats.of(samples[k]) for k in ("mlc", "ort"))
        row = {"model": name, "onnx": str(path), "threads": t,
               "mlc": mlc.as_dict(), "onnxruntime": ort.as_dict(),
               "ratio": mlc.median / ort.median,
               "mlc_p99_over_median": mlc.p99 / mlc.median,
               "compile_s": compiled.seconds,
               "compile_peak_rss_mb": compiled.peak_rss_mb,
               "artifact_mb": compiled.size_mb,
               "max_scaled_error": err, "match": err <= args.tolerance}
        rows.append(row)
        print(f"{name} threads={t}: MLC median {mlc.median:.3f} ms p99 {mlc.p99:.3f} "
              f"ms, ORT median {ort.median:.3f} ms p99 {ort.p99:.3f} ms, "
              f"{row['ratio']:.2f}x, err {err:.1e}"
              f"{'' if row['match'] else ' MISMATCH'}", file=sys.stderr, flush=True)
    return rows


def table_rows(results: list[dict]) -> list[list[str]]:
    rows = []
    for r in results:
        if "error" in r:
            rows.append([r["model"], "-", "FAILED: " + r["error"].splitlines()[0][:60]]
                        + [""] * (len(HEADER) - 3))
            continue
        rows.append([r["model"], str(r["threads"]),
                     f"{r['mlc']['median_ms']:.3f}", f"{r['mlc']['p99_ms']:.3f}",
                     f"{r['onnxruntime']['median_ms']:.3f}",
                     f"{r['onnxruntime']['p99_ms']:.3f}",
                     f"{r['ratio']:.2f}x", f"{r['mlc_p99_over_median']:.2f}",
                     f"{r['compile_s']:.1f}", f"{r['compile_peak_rss_mb']:.0f}",
                     f"{r['artifact_mb']:.1f}",
                     f"{r['max_scaled_error']:.0e}"
                     + ("" if r["match"] else " MISMATCH")])
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--models", default=",".join(BUILTIN_MODELS),
                        help="comma-separated names or NAME=PATH.onnx")
    parser.add_argument("--threads", default="1,all",
                        help="comma-separated intra-op thread counts ('all': "
                        "every logical CPU)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=10, help="timed runs per round")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--cpu", help="passed to mlc-compile as --cpu=NAME")
    parser.add_argument("-O", dest="opt", help="passed to mlc-compile as -O<n>")
    parser.add_argument("--mlc-compile-arg", action="append", default=[],
                        help="another mlc-compile argument (repeatable)")
    parser.add_argument("--mlc-compile", default=str(benchlib.DEFAULT_MLC_COMPILE))
    parser.add_argument("--model-dir", type=Path,
                        default=benchlib.REPO_ROOT / "build" / "bench" / "models")
    parser.add_argument("--work-dir", type=Path,
                        default=benchlib.REPO_ROOT / "build" / "bench" / "artifacts")
    parser.add_argument("--torch-python", default="/usr/bin/python3")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tolerance", type=float, default=1e-3,
                        help="largest max|mlc - ort| / max|ort| that matches")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--markdown", action="store_true",
                        help="print the table as Markdown")
    args = parser.parse_args()
    if args.rounds < 1 or args.runs < 1:
        parser.error("--rounds and --runs must be at least 1")

    models = parse_models(args.models, args.model_dir)
    threads = parse_threads(args.threads)
    export_missing(models, args.model_dir, args.torch_python)
    args.work_dir.mkdir(parents=True, exist_ok=True)

    results = []
    for name, path in models:
        try:
            compiled = benchlib.compile_model(
                args.mlc_compile, path, args.work_dir / f"{name}.so", args.cpu,
                args.opt, args.mlc_compile_arg)
            print(f"{name}: compiled in {compiled.seconds:.1f} s, peak RSS "
                  f"{compiled.peak_rss_mb:.0f} MB, {compiled.size_mb:.1f} MB",
                  file=sys.stderr, flush=True)
            results += bench_one(name, path, threads, args, compiled)
        except Exception as e:  # one failing model must not hide the others
            print(f"{name}: FAILED: {e}", file=sys.stderr, flush=True)
            results.append({"model": name, "onnx": str(path), "error": str(e)})

    print(benchlib.cpu_line())
    print(benchlib.build_line(args.mlc_compile))
    flags = benchlib.compile_flags(args.cpu, args.opt, args.mlc_compile_arg)
    print(f"onnxruntime {benchlib.ort_version()}; mlc-compile {flags}; "
          f"{args.rounds} rounds x {args.runs} runs, {args.warmup} warmup")
    table = (benchlib.markdown_table if args.markdown else benchlib.text_table)(
        HEADER, table_rows(results))
    print(table)
    if args.json:
        args.json.write_text(json.dumps(
            {"cpu": benchlib.cpu_description(),
             "build": benchlib.build_description(args.mlc_compile),
             "onnxruntime": benchlib.ort_version(),
             "mlc_compile_args": {"cpu": args.cpu, "opt": args.opt,
                                  "extra": args.mlc_compile_arg},
             "rounds": args.rounds, "runs": args.runs, "warmup": args.warmup,
             "results": results}, indent=2) + "\n")
    failed = any("error" in r or not r["match"] for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
