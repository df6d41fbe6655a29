#!/usr/bin/env bash
# Builds the fuzz targets (preset "fuzz": clang, libFuzzer, ASan+UBSan) and runs each for a
# given time, growing a working corpus from the seeds in tests/fuzz/corpus/<target>/. Prints one
# line per target: seconds run, executions, executions per second, coverage (edges), corpus
# size, and findings (crash, leak, timeout, out-of-memory or sanitizer report, saved under
# build/fuzz/findings/<target>/). Exit 1 when any target found anything.
#
# Usage: bench/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60 s, every target)
#   bench/fuzz.sh --smoke    what the test suite runs: every target builds and replays its seeds once
#   bench/fuzz.sh 5          five seconds of fuzzing per target
#   bench/fuzz.sh 300        five minutes each (over an hour of CPU over the fifteen targets)
#   FUZZ_JOBS=2 bench/fuzz.sh 600 import_csv   two processes on one target
# Reproduce a finding: build/fuzz/tests/fuzz/fuzz_TARGET build/fuzz/findings/TARGET/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
smoke=0
[ "$seconds" = "--smoke" ] && smoke=1
jobs="${FUZZ_JOBS:-1}"

# clang and libFuzzer's runtime from Debian (the rest is what scripts/setup.sh installs).
need=()
command -v clang++ >/dev/null || need+=(clang)
[ -n "$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] || need+=(libclang-rt-dev)
if [ "${#need[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.cpp; do t=$(basename "$f" .cpp); targets+=("${t#fuzz_}"); done
fi
# Only the targets and what they link (not the command-line tool or the app).
[ -f build/fuzz/build.ninja ] || cmake --preset fuzz >/dev/null
if ! cmake --build --preset fuzz --target "${targets[@]/#/fuzz_}" -- -j"$(nproc)" >build/fuzz/build.log 2>&1; then
  echo "fuzz: the build failed (build/fuzz/build.log):" >&2
  grep -E "error|FAILED" build/fuzz/build.log | head -20 >&2
  exit 1
fi

export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp"
status=0
if [ "$smoke" = 1 ]; then
  # Deterministic: each seed input once, under the sanitizers; any report fails the run.
  for t in "${targets[@]}"; do
    if ! "build/fuzz/tests/fuzz/fuzz_$t" tests/fuzz/corpus/"$t"/* >"build/fuzz/$t.smoke.log" 2>&1; then
      echo "fuzz smoke: $t failed on its seeds:" >&2; tail -20 "build/fuzz/$t.smoke.log" >&2; status=1
    fi
  done
  echo "fuzz smoke: ${#targets[@]} targets replayed their seeds ($( [ $status = 0 ] && echo ok || echo FAILED ))"
  exit $status
fi
printf '%-14s %8s %12s %10s %8s %8s %s\n' target seconds execs "execs/s" cov corpus findings
for t in "${targets[@]}"; do
  bin="build/fuzz/tests/fuzz/fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz: no target $t" >&2; exit 2; }
  corpus="build/fuzz/corpus/$t"
  findings="build/fuzz/findings/$t"
  mkdir -p "$corpus" "$findings"
  log="build/fuzz/$t.log"
  rc=0
  # -timeout: one input taking longer is a hang; -rss_limit_mb: more memory is a finding.
  if [ "$jobs" -gt 1 ]; then
    "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=4096 -print_final_stats=1 -jobs="$jobs" -workers="$jobs" \
      -artifact_prefix="$findings/" "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
    cat fuzz-*.log >>"$log" 2>/dev/null || true; rm -f fuzz-*.log
  else
    "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=4096 -print_final_stats=1 \
      -artifact_prefix="$findings/" "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
  fi
  execs=$({ grep -h 'stat::number_of_executed_units' "$log" || true; } | awk '{s+=$2} END {print s+0}')
  secs=$({ grep -h 'Done [0-9]* runs in' "$log" || true; } | awk '{s+=$(NF-1)} END {print s+0}')
  cov=$({ grep -ho 'cov: [0-9]*' "$log" || true; } | awk '{print $2}' | sort -n | tail -1)
  found=$(find "$findings" -type f | wc -l)
  [ "$rc" -ne 0 ] && [ "$found" -eq 0 ] && found="exit $rc"
  rate=$(awk -v e="$execs" -v s="$secs" 'BEGIN {printf "%.0f", (s > 0 ? e / s : 0)}')
  printf '%-14s %8s %12s %10s %8s %8s %s\n' "$t" "$secs" "$execs" "$rate" "${cov:-0}" "$(ls "$corpus" | wc -l)" "$found"
  if [ "$found" != 0 ]; then status=1; grep -m3 -E 'ERROR|runtime error|invariant broken|Timeout|out-of-memory' "$log" >&2 || true; fi
done
exit $status
