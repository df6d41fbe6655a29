# Shared by the bench scripts (sourced from the repository root): the binaries, the output
# folder, the 300-village demo county, and `run LABEL COMMAND...`, which prints the command's
# whole-process wall time and peak memory. BENCH_LABEL_WIDTH sets the label column.
ra=build/release/src/cli/ruralatlas
dir=out/bench
mkdir -p "$dir"
[ -f "$dir/county-300.gpkg" ] || "$ra" demo --out "$dir/county-300.gpkg" --villages 300 --seed 1 >/dev/null
run() {  # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" >/dev/null 2>&1
  read -r secs kb < "$dir/time.txt"
  printf "%-${BENCH_LABEL_WIDTH:-46}s %6.2f s  %6.0f MB\n" "$label" "$secs" "$((kb / 1024))"
}
