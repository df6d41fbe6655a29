#!/usr/bin/env bash
# Drafting a village plan (issue 17): a demo county whose villages have 3,000 parcels each
# (`ruralatlas demo --parcels-per-village 3000`), one village's plan edited by a scripted session:
# every edit's time with its live check, the balance table, the snapping search. Prints figures;
# asserts nothing (targets in the README: edit + live check p90 under 50 ms, balance under 100 ms,
# snapping under 2 ms).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh release >/dev/null
ra=build/release/src/cli/ruralatlas
dir=out/bench
mkdir -p "$dir"
"$ra" demo --out "$dir/edit-3000.gpkg" --villages 12 --seed 1 --parcels-per-village 3000 >/dev/null
planned=$(sqlite3 "$dir/edit-3000.gpkg" "select village_code from landuse_plan where period = 'planned' group by village_code order by village_code limit 1")
fresh=$(sqlite3 "$dir/edit-3000.gpkg" "select village_code from landuse_plan where period = 'current' and village_code not in (select village_code from landuse_plan where period = 'planned') group by village_code order by village_code limit 1")
echo "== a village with a plan ($planned)"
build/release/bench/plan_edit_bench "$dir/edit-3000.gpkg" "$planned" 300
echo
echo "== a village whose plan starts from its current parcels ($fresh)"
build/release/bench/plan_edit_bench "$dir/edit-3000.gpkg" "$fresh" 300
