#!/usr/bin/env bash
# Runs one MLC fuzz target on its seed corpus (utils/fuzz/README.md).
#
#   utils/fuzz/run.sh TARGET SECONDS [BUILD_DIR] [-- LIBFUZZER_FLAGS...]
#
# TARGET: import, compile or tensor-io (the binary is BUILD_DIR/bin/
# mlc-fuzz-TARGET, built with -DMLC_ENABLE_FUZZERS=ON; BUILD_DIR defaults to
# build-asan). The seed corpus is made once in BUILD_DIR/fuzz/seeds by
# make_corpus.py; what the fuzzer finds goes to BUILD_DIR/fuzz/TARGET/corpus,
# crashes, leaks and timeouts (over 10 s) to BUILD_DIR/fuzz/TARGET/artifacts.
# Exit status: 0 when the run ended without a finding, else libFuzzer's.
# The last lines are libFuzzer's final statistics (executions, coverage).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="${1:?usage: run.sh TARGET SECONDS [BUILD_DIR] [-- FLAGS]}"
seconds="${2:?usage: run.sh TARGET SECONDS [BUILD_DIR] [-- FLAGS]}"
shift 2
build="$repo/build-asan"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then build="$(cd "$1" && pwd)"; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
python="${MLC_PYTHON:-$repo/.venv/bin/python}"

fuzzer="$build/bin/mlc-fuzz-$target"
if [ ! -x "$fuzzer" ]; then
  echo "run.sh: error: $fuzzer not built (configure with -DMLC_ENABLE_FUZZERS=ON)" >&2
  exit 2
fi
seeds="$build/fuzz/seeds"
if [ ! -d "$seeds/$target" ]; then
  "$python" "$repo/utils/fuzz/make_corpus.py" "$seeds"
fi
work="$build/fuzz/$target"
mkdir -p "$work/corpus" "$work/artifacts" "$work/cwd"

# The compile target skips inputs over 64 KiB; the tensor readers see files
# of any size, and the importer's seeds are at most 64 KiB.
max_len=65536
# Leaks count as findings; a report stops the run (-fno-sanitize-recover).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# A fuzzed model's external-data paths resolve under an empty directory.
cd "$work/cwd"
exec "$fuzzer" "$work/corpus" "$seeds/$target" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
  -max_len="$max_len" -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@"
