#!/usr/bin/env bash
# Village-plan benchmark (issue "County planners: village plans checked, tabulated and printed"):
# whole-process wall time and peak memory on this machine of
#   * `ruralatlas plan-check` and `plan-tables` (XLSX) on the demo county (300 villages, 48
#     parcels each, plans for a third: about 18,000 parcels);
#   * the same on a county of 300 villages with 1,500 parcels each (about 560,000 parcels, current
#     for every village and planned for a third), made by `ruralatlas demo --parcels-per-village`.
# Prints figures; asserts nothing (targets are in the README: plan-check of the demo county under
# 5 s, of the 600,000-parcel county under 30 s and 2 GiB; plan-tables for a county under 2 s).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh release >/dev/null
ra=build/release/src/cli/ruralatlas
dir=out/bench
mkdir -p "$dir"
run() {  # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" >/dev/null 2>&1
  read -r secs kb < "$dir/time.txt"
  printf "%-52s %6.2f s  %6.0f MB\n" "$label" "$secs" "$((kb / 1024))"
}
# Made afresh each time: the files depend on the demo generator of this build.
"$ra" demo --out "$dir/plan-demo.gpkg" --villages 300 --seed 1 >/dev/null
run "demo (300 villages x 1500 parcels)" "$ra" demo --out "$dir/plan-big.gpkg" --villages 300 --seed 1 --parcels-per-village 1500
echo "parcels: $(sqlite3 "$dir/plan-demo.gpkg" 'select count(*) from landuse_plan') (demo), $(sqlite3 "$dir/plan-big.gpkg" 'select count(*) from landuse_plan') (large)"
run "plan-check, demo county" "$ra" plan-check "$dir/plan-demo.gpkg" --out "$dir/plan-check-demo.gpkg"
run "plan-check, demo county, one village" "$ra" plan-check "$dir/plan-demo.gpkg" --village \
  "$(sqlite3 "$dir/plan-demo.gpkg" "select village_code from landuse_plan where period = 'planned' limit 1")" --out "$dir/plan-check-one.csv"
run "plan-tables, demo county (XLSX, one sheet per village)" "$ra" plan-tables "$dir/plan-demo.gpkg" --out "$dir/plan-tables-demo.xlsx"
run "plan-check, 300 villages x 1500 parcels" "$ra" plan-check "$dir/plan-big.gpkg" --out "$dir/plan-check-big.gpkg"
run "plan-tables, 300 villages x 1500 parcels (XLSX)" "$ra" plan-tables "$dir/plan-big.gpkg" --out "$dir/plan-tables-big.xlsx"
one=$(sqlite3 "$dir/plan-demo.gpkg" "select village_code from landuse_plan where period = 'planned' order by village_code limit 1")
run "plan map set (4 maps), one village (atlas)" "$ra" atlas "$dir/plan-demo.gpkg" --template styles/atlas/village_plan_set.json \
  --by villages --where "code = '$one'" --out "$dir/plan-set-one.pdf"
run "plan map set (4 maps), the 251 villages with has_village_plan" "$ra" atlas "$dir/plan-demo.gpkg" --template styles/atlas/village_plan_set.json \
  --by villages --where "has_village_plan = 1" --out "$dir/plan-set-county.pdf"
# A DLTB-like survey layer of the demo's current land use (codes back to 三调), imported through
# the crosswalk into a copy of the demo project.
cp "$dir/plan-demo.gpkg" "$dir/plan-survey.gpkg"
ogr2ogr -f GPKG "$dir/dltb.gpkg" "$dir/plan-demo.gpkg" -nln DLTB -sql "SELECT geom, CASE landuse_code WHEN '0703' THEN '0702' \
  WHEN '1701' THEN '1101' WHEN '0303' THEN '0305' WHEN '0304' THEN '0307' WHEN '1207' THEN '1004' WHEN '0704' THEN '08H2' WHEN '0701' THEN '0701' \
  WHEN '0901' THEN '05H1' ELSE landuse_code END AS DLBM, village_code || '0000000' AS ZLDWDM FROM landuse_plan WHERE period = 'current'"
run "import a 三调 DLTB layer (crosswalk), demo county" "$ra" import "$dir/plan-survey.gpkg" "$dir/dltb.gpkg" --into landuse_plan
