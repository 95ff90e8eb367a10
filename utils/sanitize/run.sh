#!/usr/bin/env bash
# Sanitizer checks of MLC (utils/sanitize/README.md).
#
#   utils/sanitize/run.sh asan   ASan+UBSan build (build-asan, with the fuzz
#                                targets) and the quick tier under it
#   utils/sanitize/run.sh ci     CI's sanitizer step (.ci/run): asan, then
#                                each fuzz target for 60 s on its corpus
#   utils/sanitize/run.sh tsan   TSan: a --sanitize=thread artifact, run by
#                                test/e2e/Inputs/run_concurrent.py (two
#                                contexts on two threads) and by a TSan
#                                mlc-run (build-tsan) with 2 OpenMP threads
#
# Environment: MLC_VENV (Python with onnx and numpy; default .venv),
# MLC_JOBS (ninja -j, default 2), MLC_ASAN_BUILD_DIR / MLC_TSAN_BUILD_DIR
# (default build-asan / build-tsan), MLC_BUILD_DIR (the plain build whose
# mlc-compile makes the TSan artifact; default build), MLC_TSAN_RUNS (runs
# per context, default 100), MLC_WERROR (ON: warnings are errors, as in CI).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mode="${1:?usage: run.sh asan|ci|tsan}"
python="${MLC_VENV:-$repo/.venv}/bin/python"
jobs="${MLC_JOBS:-2}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$repo")}"
clang_rt="$(clang-22 -print-resource-dir)/lib/linux"

configure() {
  local dir="$1"
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -G Ninja -S "$repo" -B "$dir" \
      -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
      -DCMAKE_BUILD_TYPE=Release -DMLC_TEST_PYTHON="$python" \
      -DMLC_ENABLE_PYTHON=OFF -DMLC_ENABLE_WERROR="${MLC_WERROR:-OFF}" "$@"
  fi
}

case "$mode" in
asan | ci)
  # One build serves both: the fuzz targets need all of MLC instrumented
  # with ASan+UBSan and coverage, which is what the quick tier needs too
  # (the coverage instrumentation costs the tools a little speed, a second
  # build would cost ~45 min of 2 cores when ccache misses).
  build="${MLC_ASAN_BUILD_DIR:-$repo/build-asan}"
  configure "$build" -DMLC_SANITIZE=address,undefined -DMLC_ENABLE_FUZZERS=ON
  start=$SECONDS
  ninja -C "$build" -j"$jobs"
  echo "asan: build $((SECONDS - start)) s"
  # test/lit.cfg.py sets ASAN_OPTIONS and UBSAN_OPTIONS in a sanitized
  # build (leaks fail; huge allocations return NULL, as the out-of-memory
  # tests need) unless they are set here.
  start=$SECONDS
  ctest --test-dir "$build" -L quick --output-on-failure
  echo "asan: quick tier $((SECONDS - start)) s"
  if [ "$mode" = ci ]; then
    # fuzz-import-asan, fuzz-compile-asan, fuzz-tensor-io-asan: 60 s each.
    start=$SECONDS
    ctest --test-dir "$build" -L fuzz --output-on-failure
    echo "asan: fuzz targets $((SECONDS - start)) s"
  fi
  ;;
tsan)
  plain="${MLC_BUILD_DIR:-$repo/build}"
  build="${MLC_TSAN_BUILD_DIR:-$repo/build-tsan}"
  runs="${MLC_TSAN_RUNS:-100}"
  [ -x "$plain/bin/mlc-compile" ] || ninja -C "$plain" -j"$jobs" mlc-compile
  configure "$build" -DMLC_SANITIZE=thread -DMLC_ENABLE_TESTS=OFF
  ninja -C "$build" -j"$jobs" mlc-run
  work="$build/tsan-check"
  rm -rf "$work" && mkdir -p "$work"
  "$python" "$repo/test/e2e/Inputs/build_tile_models.py" "$work/models" >/dev/null
  # conv_deep: a convolution whose outer tiles run on the OpenMP threads.
  # TSan instruments accesses of at most 16 bytes: the host build's 32- and
  # 64-byte vector loads and stores go unchecked, so the check also runs a
  # build for baseline x86-64 (SSE2, 16-byte vectors), whose every access is.
  for cpu in host x86-64; do
    flags=(--sanitize=thread)
    [ "$cpu" = host ] || flags+=(--cpu="$cpu")
    "$plain/bin/mlc-compile" "$work/models/conv_deep.onnx" "${flags[@]}" \
      -o "$work/deep-tsan-$cpu.so"
  done
  # libomp is not instrumented: Archer (LLVM's OMPT tool for TSan, in
  # libomp-22-dev) tells TSan about its fork, barrier and task
  # synchronization; without it every handoff between the OpenMP threads is
  # reported as a race (seen: 5 reports in 5 runs).
  export OMP_TOOL_LIBRARIES="${OMP_TOOL_LIBRARIES:-/usr/lib/llvm-22/lib/libarcher.so}"
  tsan_options="halt_on_error=1:exitcode=66:ignore_noninstrumented_modules=1"
  export TSAN_OPTIONS="${TSAN_OPTIONS:-$tsan_options}"
  tsan_python() {
    LD_PRELOAD="$clang_rt/libclang_rt.tsan-x86_64.so" "$python" \
      "$repo/test/e2e/Inputs/run_concurrent.py" "$@"
  }
  "$python" - "$work/models/conv_deep.onnx" "$work/x.npy" <<'PY'
import sys
import numpy as np
import onnx
dims = onnx.load(sys.argv[1]).graph.input[0].type.tensor_type.shape.dim
shape = [d.dim_value for d in dims]
np.save(sys.argv[2], np.random.RandomState(0).standard_normal(shape).astype(np.float32))
PY
  for cpu in host x86-64; do
    echo "== run_concurrent.py, --cpu=$cpu: 2 contexts (1 and 2 threads), $runs runs each"
    tsan_python "$work/deep-tsan-$cpu.so" --threads 1,2 --runs "$runs"
    echo "== TSan mlc-run, --cpu=$cpu, 2 threads"
    "$build/bin/mlc-run" "$work/deep-tsan-$cpu.so" --input "$work/x.npy" \
      --threads 2 --bench 20 --warmup 1
  done
  # The control: two threads on one context (which the ABI forbids) must be
  # reported, or a clean run above proves nothing.
  echo "== control: 2 threads on one context must be reported"
  tsan_python "$work/deep-tsan-x86-64.so" --threads 1,2 --runs "$runs" \
    --shared-context >"$work/control.log" 2>&1 || true
  if ! grep -q "WARNING: ThreadSanitizer: data race" "$work/control.log"; then
    echo "tsan: error: the shared-context control was not reported" >&2
    exit 1
  fi
  echo "control reported: $(grep -m1 -A2 'WARNING: ThreadSanitizer' "$work/control.log" | tail -1)"
  echo "tsan: clean"
  ;;
*)
  echo "run.sh: error: unknown mode '$mode' (expected asan, ci or tsan)" >&2
  exit 2
  ;;
esac
