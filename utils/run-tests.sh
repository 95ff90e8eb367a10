#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the lit suite
# (check-mlc: FileCheck, importer, end-to-end and AArch64-under-qemu tests)
# and the GoogleTest unit tests, both through ctest.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$repo/utils/bootstrap.sh"
bash "$repo/utils/build.sh"
ctest --test-dir "${MLC_BUILD_DIR:-$repo/build}" --output-on-failure
