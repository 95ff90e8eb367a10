#!/usr/bin/env bash
# Install everything MLC needs on a fresh Debian 12 (bookworm) machine.
#
# Usage: utils/bootstrap.sh [--dry-run] [--no-apt] [--no-venv]
#
#   1. System packages (apt-get, as root or through sudo): LLVM/MLIR 22, clang/lld 22,
#      the build tools, ONNX/protobuf/gtest, clang-format, the AArch64 cross toolchain and
#      qemu-user (to test AArch64 code on x86), and Debian's ONNX test data.
#      Packages this machine's apt sources do not offer are reported and skipped;
#      apt is not run at all when every package is already installed.
#   2. A Python virtual environment at ${MLC_VENV:-<repo>/.venv} with pinned onnx,
#      onnxruntime, numpy and lit (used by the model builders, the end-to-end checks
#      and the lit test suite) and nanobind (to build the Python package mlc). pip is skipped when the pins are already satisfied.
#
# Re-running is safe and fast. --dry-run prints what would be done; --no-apt and
# --no-venv skip a step. Environment: MLC_VENV (venv path), PYTHON (interpreter used
# to create the venv, default python3).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${MLC_VENV:-$REPO/.venv}"
PYTHON="${PYTHON:-python3}"

APT_PACKAGES=(
  cmake ninja-build ccache git
  python3 python3-venv python3-pip python3-dev
  llvm-22-dev libmlir-22-dev mlir-22-tools clang-22 lld-22
  # LLVM's OpenMP runtime: the parallel tile loops of CPU artifacts.
  libomp-22-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libgtest-dev
  # utils/format-check.sh (clang-format on changed lines, .clang-format).
  clang-format-22
  qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  libonnx-testdata
  # torch 1.13 and torchvision for Debian's python3: they export the
  # reference networks of test/e2e/torch-models.test.
  python3-torch python3-torchvision
  # Libraries LLVM's CMake exports may name when linking against libLLVM.
  zlib1g-dev libzstd-dev libedit-dev libxml2-dev libcurl4-openssl-dev
)
# nanobind: the C++ bindings of the Python package mlc (python/CMakeLists.txt).
PIP_PACKAGES=(onnx==1.19.1 onnxruntime==1.23.2 numpy==2.2.6 lit==18.1.8 nanobind==3.1.0)

DRY_RUN=0
DO_APT=1
DO_VENV=1
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=1 ;;
    --no-apt) DO_APT=0 ;;
    --no-venv) DO_VENV=0 ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bootstrap.sh: error: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

log() { echo "bootstrap: $*"; }

# Runs a command, or only prints it with --dry-run.
run() {
  if (( DRY_RUN )); then
    echo "+ $*"
  else
    "$@"
  fi
}

# Prefix for commands that need root: nothing when root, else sudo when available.
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    run "$@"
  elif command -v sudo >/dev/null 2>&1; then
    run sudo "$@"
  else
    echo "bootstrap: error: need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == "installed" ]]
}

# True when apt knows a candidate version for the package.
is_available() {
  local candidate
  candidate="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')"
  [[ -n "$candidate" && "$candidate" != "(none)" ]]
}

install_system_packages() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: error: apt-get not found; this script targets Debian 12" >&2
    exit 1
  fi

  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
  done
  if (( ${#missing[@]} == 0 )); then
    log "all ${#APT_PACKAGES[@]} system packages already installed; skipping apt"
    return
  fi
  log "missing system packages: ${missing[*]}"

  as_root apt-get update

  local to_install=() unavailable=()
  for pkg in "${missing[@]}"; do
    if is_available "$pkg"; then
      to_install+=("$pkg")
    else
      unavailable+=("$pkg")
    fi
  done
  if (( ${#unavailable[@]} > 0 )); then
    log "warning: not offered by this machine's apt sources, skipped: ${unavailable[*]}"
  fi
  if (( ${#to_install[@]} == 0 )); then
    log "nothing installable is missing"
    return
  fi
  log "installing: ${to_install[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${to_install[@]}"
}

# True when the venv's Python has exactly the pinned versions of every package.
pins_satisfied() {
  [[ -x "$VENV/bin/python" ]] || return 1
  "$VENV/bin/python" - "${PIP_PACKAGES[@]}" <<'EOF' >/dev/null 2>&1
import sys
from importlib.metadata import PackageNotFoundError, version
for pin in sys.argv[1:]:
    name, _, wanted = pin.partition("==")
    try:
        if version(name) != wanted:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
EOF
}

setup_venv() {
  if [[ ! -x "$VENV/bin/python" ]]; then
    log "creating Python venv at $VENV"
    run "$PYTHON" -m venv "$VENV"
  else
    log "Python venv exists at $VENV"
  fi
  if pins_satisfied; then
    log "pinned Python packages already installed: ${PIP_PACKAGES[*]}"
    return
  fi
  log "installing Python packages: ${PIP_PACKAGES[*]}"
  run "$VENV/bin/python" -m pip install --disable-pip-version-check --quiet \
    "${PIP_PACKAGES[@]}"
}

if (( DRY_RUN )); then log "dry run: nothing will be changed"; fi
if (( DO_APT )); then install_system_packages; else log "skipping system packages (--no-apt)"; fi
if (( DO_VENV )); then setup_venv; else log "skipping Python venv (--no-venv)"; fi
log "done. Activate the venv with: source $VENV/bin/activate"
