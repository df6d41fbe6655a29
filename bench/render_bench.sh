#!/usr/bin/env bash
# Map rendering speed: whole-process wall time and peak memory of `ruralatlas render` for the
# demo county at A3 300 dpi (PNG and PDF) and, with BENCH_NATIONAL=1, a 600,000-village
# national file at 4K; then the in-process redraw benchmark (panning at 1920x1080).
# Usage: bash bench/render_bench.sh   (after scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
echo "== whole process (reading the GeoPackage, drawing, writing the file)"
run "county A3 300 dpi PNG (4961x3508)" "$ra" render "$dir/county-300.gpkg" --paper A3 --out "$dir/county-A3.png"
run "county A3 300 dpi PNG with legend and grid" "$ra" render "$dir/county-300.gpkg" --paper A3 --legend --grid --out "$dir/county-A3-legend.png"
run "county A3 vector PDF with legend and grid" "$ra" render "$dir/county-300.gpkg" --paper A3 --legend --grid --out "$dir/county-A3.pdf"
run "county 1920x1080 PNG" "$ra" render "$dir/county-300.gpkg" --size 1920x1080 --out "$dir/county-screen.png"
if [ "${BENCH_NATIONAL:-0}" = 1 ]; then
  [ -f "$dir/national-600k.gpkg" ] || "$ra" demo --out "$dir/national-600k.gpkg" --villages 600000 --seed 1 --no-dem >/dev/null
  run "national 600,000 villages, full extent, 3840x2160" "$ra" render "$dir/national-600k.gpkg" --size 3840x2160 --out "$dir/national-4k.png"
fi
echo "== in-process redraws (data loaded once)"
build/release/bench/render_bench "$dir/county-300.gpkg" --benchmark_min_time=0.5 2>/dev/null
