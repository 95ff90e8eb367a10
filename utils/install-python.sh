#!/usr/bin/env bash
# Makes the Python package mlc of a build importable from a venv: writes
# mlc.pth, naming <build>/python_packages, into the venv's site-packages
# (the package stays in the build tree, so a rebuild updates it).
#
# Usage: utils/install-python.sh [VENV]   (default: ${MLC_VENV:-<repo>/.venv};
#        build directory ${MLC_BUILD_DIR:-<repo>/build})
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-${MLC_VENV:-$repo/.venv}}"
build="$(cd "${MLC_BUILD_DIR:-$repo/build}" && pwd)"
packages="$build/python_packages"
if [ ! -f "$packages/mlc/__init__.py" ]; then
  echo "install-python.sh: error: $packages/mlc is not built (run utils/build.sh)" >&2
  exit 1
fi
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$packages" > "$site/mlc.pth"
"$venv/bin/python" -c 'import mlc; print("mlc installed in '"$venv"' from", mlc.__file__)'
