#!/usr/bin/env bash
# Desktop app speed: launch to the first drawn map of the demo county, and the frame times of
# 40 pans at 1:50,000 in the default window (map canvas about 840x531), offscreen platform (no
# GPU). Also the whole-process time of --screenshot (launch, load, draw, save, exit).
# Usage: bash bench/desktop_bench.sh   (after scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
app=build/release/src/app/ruralatlas-desktop
export QT_QPA_PLATFORM=offscreen
for i in 1 2 3; do "$app" "$dir/county-300.gpkg" --bench 2>/dev/null; done
run "whole process with --screenshot" "$app" "$dir/county-300.gpkg" --screenshot "$dir/desktop.png"
