#!/usr/bin/env bash
# Sets up (dependencies + build) and runs the whole test suite.
# Release build first; then the sanitizer build (ASan + UBSan) runs the same suite
# unless RURALATLAS_SKIP_ASAN=1; then the fuzz targets build (clang, libFuzzer) and replay their
# seed corpora (bench/fuzz.sh --smoke; the long runs are bench/fuzz.sh SECONDS) unless
# RURALATLAS_SKIP_FUZZ=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh release
ctest --preset release
if [ "${RURALATLAS_SKIP_ASAN:-0}" != "1" ]; then
  bash scripts/setup.sh asan
  ctest --preset asan
fi
if [ "${RURALATLAS_SKIP_FUZZ:-0}" != "1" ]; then
  bash bench/fuzz.sh --smoke
fi
