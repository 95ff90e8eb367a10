#!/usr/bin/env bash
# Installs what is missing, builds MLC, generates a small CNN (conv, batch
# norm, relu, pooling, gemm), compiles it with mlc-compile, runs it with
# mlc-run on a random input and prints its output and latency.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MLC_BUILD_DIR:-$repo/build}"
python="${MLC_PYTHON:-${MLC_VENV:-$repo/.venv}/bin/python}"
# MLC_QUICKSTART_SKIP_SETUP=1: the build exists (test/tools/quickstart.test
# runs the rest of this script against the build under test).
if [ "${MLC_QUICKSTART_SKIP_SETUP:-0}" != 1 ]; then
  bash "$repo/utils/bootstrap.sh"
  bash "$repo/utils/build.sh"
  # `import mlc` in the venv (docs/Python.md); skipped when the package was
  # not built (no nanobind).
  if [ -f "$build/python_packages/mlc/__init__.py" ]; then
    bash "$repo/utils/install-python.sh"
  fi
fi
work="$build/quickstart"
mkdir -p "$work"
"$python" "$repo/utils/models/build_models.py" "$work/models" >/dev/null
"$python" -c "import numpy as np; np.save('$work/input.npy', np.random.RandomState(0).randn(1, 3, 32, 32).astype(np.float32))"
"$build/bin/mlc-compile" "$work/models/cnn.onnx" -o "$work/cnn.so"
echo "compiled $work/models/cnn.onnx -> $work/cnn.so"
"$build/bin/mlc-run" "$work/cnn.so" --input "$work/input.npy" --output-dir "$work" --bench 200
