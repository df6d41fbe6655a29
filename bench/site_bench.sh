#!/usr/bin/env bash
# Site-selection benchmark (issue "Relocation officers", part 2): whole-process wall time and peak
# memory on this machine of
#   * `ruralatlas site --orlib` on the OR-Library files in ../shared/data/orlib (own engine, and
#     CBC on pmed1), with the proof of optimality;
#   * a county maximal covering (300 villages x 2,000 candidate cells) on CBC;
#   * a county p-median (the same instance) on the own engine and on CBC (60 s limit);
#   * a province p-median (30,000 villages x 5,000 candidates, p = 200, 60-minute cut-off) on the
#     own engine, stopped within 1 % of its own lower bound: on generated minutes, and on road
#     minutes over a generated province's road network (`demo --villages 30000`);
#   * `ruralatlas site` on the demo county (road network, resettlement sites as candidates).
# The generated instances scatter villages and candidates over a square, with travel minutes =
# straight distance at 30 km/h times a random detour factor of 1.2-1.6 (plugins/relocation/bench).
# Prints figures; asserts nothing (targets are in the README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh release >/dev/null
ra=$PWD/build/release/src/cli/ruralatlas
lb=$PWD/build/release/plugins/relocation/location_bench
orlib=${ORLIB_DIR:-$PWD/../shared/data/orlib}
out=out/bench
mkdir -p "$out"

measure() {  # measure LABEL CMD... -> the command's last line, then wall s and peak MB
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" > "$out/site.txt" 2>&1 || true
  read -r wall kb < "$out/time.txt"
  printf '%-44s %8.2f s %8.0f MB\n' "$label" "$wall" "$((kb / 1024))"
  sed 's/^/    /' "$out/site.txt" | tail -n 3
}

for f in "$orlib"/pmed*.txt; do
  measure "site --orlib $(basename "$f") (own engine)" "$ra" site --orlib "$f" --json
done
measure "site --orlib pmed1.txt (CBC)" "$ra" site --orlib "$orlib/pmed1.txt" --engine cbc --json
measure "county max-cover 300 x 2000 (CBC)" "$lb" county-maxcover
measure "county p-median 300 x 2000 (own, then CBC)" "$lb" county-pmedian
measure "province p-median 30000 x 5000, p=200" "$lb" province
"$ra" demo --out "$out/site-demo.gpkg" --seed 1 >/dev/null
measure "demo county site --p 4 (road)" "$ra" site "$out/site-demo.gpkg" --p 4 --json
measure "demo county max-cover --p 3 (road)" "$ra" site "$out/site-demo.gpkg" --problem max-cover --p 3 --radius 30 --json
# The county target on real road times: the demo county's 300 villages and a 45 x 45 grid of
# candidate cells over its extent (2,025), road minutes within 60, radius 20 minutes.
epsg=$(sqlite3 "$out/site-demo.gpkg" "select srs_id from gpkg_geometry_columns where table_name = 'villages'")
read -r x0 y0 x1 y1 < <(sqlite3 -separator ' ' "$out/site-demo.gpkg" "select min_x, min_y, max_x, max_y from gpkg_contents where table_name = 'villages'")
awk -v x0="$x0" -v y0="$y0" -v x1="$x1" -v y1="$y1" 'BEGIN { print "id,x,y"; k = 0
  for (i = 0; i < 45; i++) for (j = 0; j < 45; j++) printf "C%04d,%.1f,%.1f\n", k++, x0 + (x1 - x0) * (i + 0.5) / 45, y0 + (y1 - y0) * (j + 0.5) / 45 }' > "$out/cells.csv"
ogr2ogr -update "$out/site-demo.gpkg" "$out/cells.csv" -nln candidate_cells -a_srs "EPSG:$epsg" \
  -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y -oo KEEP_GEOM_COLUMNS=NO
measure "demo county max-cover 300 x 2025 cells (road)" "$ra" site "$out/site-demo.gpkg" --candidates candidate_cells --problem max-cover --p 10 --radius 20 --json
measure "demo county p-median 300 x 2025 cells (road)" "$ra" site "$out/site-demo.gpkg" --candidates candidate_cells --p 10 --json
# The province on road times: a generated province of 30,000 villages in 100 counties with its
# road network (32,573 roads), 5,000 of its villages (every sixth) as candidate sites, p = 200,
# road minutes from the shared engine within a 60-minute cut-off.
"$ra" demo --out "$out/site-province.gpkg" --villages 30000 --seed 1 >/dev/null
ogr2ogr -update "$out/site-province.gpkg" "$out/site-province.gpkg" -nln candidates_5000 \
  -sql "SELECT code AS id, geom FROM villages WHERE fid % 6 = 0"
measure "province p-median 30000 x 5000, p=200 (road)" "$ra" site "$out/site-province.gpkg" --candidates candidates_5000 --p 200 \
  --cutoff 60 --json
# The suitability surface (part 1): every DEM cell of a county scored. A demo county of 120
# villages holds 1.70 M cells of 30 m inside its outline (the target's county; its DEM reaches
# past it: 1,680 x 1,683 = 2.8 M cells), scored on 8 criteria (bench/site_criteria_8.json: road
# time to a kindergarten added); the 300-village demo county holds 4.25 M (DEM 6.7 M, 7 criteria).
"$ra" demo --out "$out/suit-120.gpkg" --villages 120 --seed 1 >/dev/null
measure "suitability 1.7 M county cells (30 m), 8 criteria" "$ra" suitability "$out/suit-120.gpkg" --criteria bench/site_criteria_8.json \
  --sensitivity 200 --json --out "$out/suitability-1.7m.gpkg"
measure "suitability 4.25 M county cells (30 m), 7 criteria" "$ra" suitability "$out/site-demo.gpkg" --sensitivity 200 --json \
  --out "$out/suitability-6.7m.gpkg"
