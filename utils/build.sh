#!/usr/bin/env bash
# Configures (once) and builds MLC in ${MLC_BUILD_DIR:-build} with Debian's
# LLVM/MLIR 22 and clang-22, through ccache when it is installed.
# MLC_WERROR=ON makes compiler warnings errors (CI).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MLC_BUILD_DIR:-$repo/build}"
# Cache hits across checkouts (CI builds a fresh clone, helpers use worktrees).
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$repo")}"
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$repo" -B "$build" \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLC_TEST_PYTHON="${MLC_VENV:-$repo/.venv}/bin/python" \
    -DMLC_ENABLE_WERROR="${MLC_WERROR:-OFF}"
fi
ninja -C "$build"
