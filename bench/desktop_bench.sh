#!/usr/bin/env bash
# Desktop app speed: launch to the first drawn map of the demo county, and the frame times of
# 40 pans at 1:50,000 in the default window (map canvas about 840x531), offscreen platform (no
# GPU). Also the whole-process time of --screenshot (launch, load, draw, save, exit).
# Usage: bash bench/desktop_bench.sh   (after scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
ra=build/release/src/cli/ruralatlas
app=build/release/src/app/ruralatlas-desktop
dir=out/bench
mkdir -p "$dir"
[ -f "$dir/county-300.gpkg" ] || "$ra" demo --out "$dir/county-300.gpkg" --villages 300 --seed 1 >/dev/null
export QT_QPA_PLATFORM=offscreen
for i in 1 2 3; do "$app" "$dir/county-300.gpkg" --bench 2>/dev/null; done
/usr/bin/time -f "%e %M" -o "$dir/time.txt" "$app" "$dir/county-300.gpkg" --screenshot "$dir/desktop.png" >/dev/null 2>&1
read -r secs kb < "$dir/time.txt"
printf "whole process with --screenshot: %.2f s, %d MB\n" "$secs" "$((kb / 1024))"
