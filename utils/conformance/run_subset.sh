#!/usr/bin/env bash
# Runs the ONNX node tests whose names match a regex against the expected pass
# lists, as test/conformance/node-tests.test does for all of them.
# Usage: utils/conformance/run_subset.sh REGEX [BUILD_DIR]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${2:-$repo/build}"
python="${MLC_VENV:-$repo/.venv}/bin/python"
pip_tests="$("$python" -c "import importlib.util, os; print(os.path.join(importlib.util.find_spec('onnx').submodule_search_locations[0], 'backend', 'test', 'data', 'node'))")"
exec "$python" "$repo/utils/conformance/run_node_tests.py" --jobs 2 \
  --tools-dir "$build/bin" \
  --suite libonnx-testdata=/usr/share/libonnx-testdata/data/node \
  --suite onnx-pip="$pip_tests" \
  --expected libonnx-testdata="$repo/test/conformance/libonnx-testdata.pass.txt" \
  --expected onnx-pip="$repo/test/conformance/onnx-pip.pass.txt" \
  --filter "$1"
