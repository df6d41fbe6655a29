#!/usr/bin/env bash
# Fails when a C++ file of the tree differs from .clang-format (clang-format 14, Debian's).
# Fix with: git ls-files '*.cpp' '*.hpp' '*.h' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends clang-format >/dev/null
fi
files=$(git ls-files '*.cpp' '*.hpp' '*.h')
if ! out=$(echo "$files" | xargs clang-format --dry-run --Werror 2>&1); then
  echo "check_format: these files differ from .clang-format:" >&2
  echo "$out" | grep -E "^[^ ].*: (error|warning):" | cut -d: -f1 | sort -u >&2
  echo "fix with: git ls-files '*.cpp' '*.hpp' '*.h' | xargs clang-format -i" >&2
  exit 1
fi
echo "check_format: $(echo "$files" | wc -l) files match .clang-format"
