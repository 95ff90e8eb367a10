#!/usr/bin/env bash
# Checks that the C/C++ lines changed since BASE (default: main, or
# $MLC_FORMAT_BASE) are clang-formatted (.clang-format, LLVM style); lines
# nobody touched are left alone. Prints the diff that would fix them and
# exits 1 when there is one, 0 when the changed lines are clean.
#
#   utils/format-check.sh [BASE]      e.g. utils/format-check.sh origin/main
#   utils/format-check.sh --fix [BASE]  rewrite the changed lines in place
#   utils/format-check.sh --all       every tracked C/C++ file, whole (CI: the
#                                     tree was formatted once, it stays so)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fix=0
all=0
case "${1:-}" in
  --fix) fix=1; shift ;;
  --all) all=1; shift ;;
esac
base="${1:-${MLC_FORMAT_BASE:-main}}"
# The newest clang-format there is: format results differ between versions.
binary=""
for candidate in clang-format-22 clang-format; do
  if command -v "$candidate" > /dev/null; then
    binary="$(command -v "$candidate")"
    break
  fi
done
driver=""
for candidate in git-clang-format-22 git-clang-format; do
  if command -v "$candidate" > /dev/null; then
    driver="$candidate"
    break
  fi
done
if [ "$all" = 1 ] && [ -n "$binary" ]; then
  # Lists the files that clang-format would change, with its diagnostics.
  mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp' '*.cc')
  if [ "${#files[@]}" -eq 0 ] ||
     "$binary" --dry-run -Werror "${files[@]}" > /dev/null 2>&1; then
    echo "format-check: all ${#files[@]} C/C++ files are formatted"
    exit 0
  fi
  "$binary" --dry-run -Werror "${files[@]}" 2>&1 | grep 'error:' |
    cut -d: -f1 | sort -u | sed 's/^/not formatted: /' || true
  echo "format-check: run $binary -i on the files above" >&2
  exit 1
fi
if [ -z "$binary" ] || [ -z "$driver" ]; then
  echo "format-check: clang-format and git-clang-format are needed" \
       "(apt-get install clang-format-22)" >&2
  exit 1
fi
if ! git rev-parse --verify --quiet "$base^{commit}" > /dev/null; then
  echo "format-check: unknown base revision '$base'" >&2
  exit 1
fi
# Against the merge base, so that changes made on BASE since do not count.
since="$(git merge-base "$base" HEAD)"
extensions=c,h,cpp,hpp,cc,inc
if [ "$fix" = 1 ]; then
  # git-clang-format 22 exits 1 when it changed files: that is the fix done.
  set +e
  "$driver" --force --binary "$binary" --extensions "$extensions" "$since"
  rc=$?
  set -e
  [ "$rc" -le 1 ] || exit "$rc"
  exit 0
fi
set +e
diff="$("$driver" --binary "$binary" --extensions "$extensions" --diff "$since" 2>&1)"
rc=$?
set -e
case "$diff" in
  ""|"no modified files to format"|"clang-format did not modify any files")
    echo "format-check: changed lines since $(git rev-parse --short "$since") are formatted"
    exit 0 ;;
esac
echo "$diff"
echo "format-check: the lines above are not clang-formatted;" \
     "run utils/format-check.sh --fix $base" >&2
exit 1
