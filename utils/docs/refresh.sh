#!/usr/bin/env bash
# Copies the documents the build generates into docs/, where they can be
# read without building: docs/SupportedOps.md (utils/docs/gen_supported_ops.py)
# and the dialect and pass references (add_mlir_doc, from the .td files) in
# docs/reference/. test/docs/*.test fail while a committed copy is stale.
#
#   utils/docs/refresh.sh [BUILD_DIR]     (default: $MLC_BUILD_DIR or build)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-${MLC_BUILD_DIR:-$repo/build}}"
ninja -C "$build" mlc-doc mlc-supported-ops > /dev/null
cp "$build/docs/SupportedOps.md" "$repo/docs/SupportedOps.md"
rm -rf "$repo/docs/reference"
mkdir -p "$repo/docs/reference/Dialects"
cp "$build"/docs/*Passes.md "$repo/docs/reference/"
cp "$build"/docs/Dialects/*.md "$repo/docs/reference/Dialects/"
git -C "$repo" status --short docs/SupportedOps.md docs/reference
