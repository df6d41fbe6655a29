#!/usr/bin/env bash
# Sets up (dependencies + build) and runs the whole test suite.
# Release build first; then the sanitizer build (ASan + UBSan) runs the same suite
# unless RURALATLAS_SKIP_ASAN=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh release
ctest --preset release
if [ "${RURALATLAS_SKIP_ASAN:-0}" != "1" ]; then
  bash scripts/setup.sh asan
  ctest --preset asan
fi
