#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through ctest: every
# tier of the lit suite (quick, e2e, qemu, torch, conformance; one ctest entry
# each, docs/Testing.md) and the GoogleTest unit tests.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$repo/utils/bootstrap.sh"
bash "$repo/utils/build.sh"
# `import mlc` in the venv (docs/Python.md); skipped when the package was not
# built (no nanobind).
if [ -f "${MLC_BUILD_DIR:-$repo/build}/python_packages/mlc/__init__.py" ]; then
  bash "$repo/utils/install-python.sh"
fi
ctest --test-dir "${MLC_BUILD_DIR:-$repo/build}" --output-on-failure
