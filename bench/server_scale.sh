#!/usr/bin/env bash
# The shared server at province scale (loopback only): a throw-away PostgreSQL + PostGIS, a
# synthetic region of VILLAGES villages (`demo --villages N --no-dem`, 100 villages a county,
# pushed as one server county), then the same work from the file and from the server: coverage
# by road, the A3 map, and the township atlas (SKIP_ATLAS=1 leaves it out: 8 min each at 30,000).
# Prints whole-process wall time and peak memory of each, and the server's size. The login is a
# county administrator (the role that reads households, which the township atlas counts).
# Also the 300-village demo county's coverage and map, alone on the server and then beside the
# region: what partitioning the tables by county could buy.
# Usage: bash bench/server_scale.sh [VILLAGES=30000]   (from the repository root)
set -euo pipefail
villages="${1:-30000}"
source bench/common.sh
source tests/postgis/pg_server.sh
trap pg_stop EXIT
BENCH_LABEL_WIDTH=52
f="$dir/region-$villages.gpkg"
[ -f "$f" ] || run "make the $villages-village region (demo, no DEM)" "$ra" demo --out "$f" --villages "$villages" --seed 1 --no-dem
county=$("$ra" info "$f" --json | grep -o '"county_code": "[0-9]*"' | grep -o '[0-9]\{6\}')
echo "-- region $f, county code $county, $(du -m "$f" | cut -f1) MB"
pg_start
server="PG:host=$PGHOST port=$PGPORT dbname=ruralatlas"
"$ra" server init "$server user=postgres" >/dev/null
# Does a county pay for sharing the server with a province (the case for partitioning by
# county)? The 300-village demo county alone on the server first, then again beside the region.
"$ra" push "$dir/county-300.gpkg" "$server user=postgres" >/dev/null
"$ra" server users "$server user=postgres" --add alone1 --role planner --county 433199 >/dev/null
one="$server user=alone1 county=433199"
psql -qAtc "ANALYZE" >/dev/null
run "300-village county alone: coverage by road" "$ra" coverage "$one" --kind village_clinic --mode road --out "$dir/so1.csv"
run "300-village county alone: A3 map" "$ra" render "$one" --paper A3 --legend --out "$dir/so1.png"
run "push the region (features and history rows)" "$ra" push "$f" "$server user=postgres"
psql -qAtc "ANALYZE" >/dev/null
echo "   server: $(psql -qAtc "SELECT pg_size_pretty(pg_database_size('ruralatlas'))"), $(psql -qAtc "SELECT sum(n_live_tup) FROM pg_stat_user_tables WHERE schemaname = 'ruralatlas'") rows in the layers, $(psql -qAtc "SELECT sum(n_live_tup) FROM pg_stat_user_tables WHERE schemaname = 'ruralatlas_history'") history rows"
"$ra" server users "$server user=postgres" --add scale1 --role admin --county "$county" >/dev/null
s="$server user=scale1 county=$county"
tpl=styles/atlas
run "coverage by road, clinics: file" "$ra" coverage "$f" --kind village_clinic --mode road --out "$dir/sc1.csv"
run "coverage by road, clinics: server" "$ra" coverage "$s" --kind village_clinic --mode road --out "$dir/sc2.csv"
cmp -s "$dir/sc1.csv" "$dir/sc2.csv" && echo "   same coverage table from both" || echo "   COVERAGE TABLES DIFFER"
run "region map, A3 PNG: file" "$ra" render "$f" --paper A3 --legend --out "$dir/sm1.png"
run "region map, A3 PNG: server" "$ra" render "$s" --paper A3 --legend --out "$dir/sm2.png"
cmp -s "$dir/sm1.png" "$dir/sm2.png" && echo "   same map from both" || echo "   maps differ (bytes)"
if [ -z "${SKIP_ATLAS:-}" ]; then
  run "township atlas: file" "$ra" atlas "$f" --template $tpl/township_overview.json --by townships --out "$dir/sa1.pdf"
  run "township atlas: server" "$ra" atlas "$s" --template $tpl/township_overview.json --by townships --out "$dir/sa2.pdf"
  echo "   pages: $(pdfinfo "$dir/sa1.pdf" | awk '/^Pages/ {print $2}') / $(pdfinfo "$dir/sa2.pdf" | awk '/^Pages/ {print $2}')"
fi
run "pull the region back into a file" "$ra" pull "$s" --out "$dir/region-pulled.gpkg" --overwrite
run "300-village county beside the region: coverage" "$ra" coverage "$one" --kind village_clinic --mode road --out "$dir/so2.csv"
run "300-village county beside the region: A3 map" "$ra" render "$one" --paper A3 --legend --out "$dir/so2.png"
cmp -s "$dir/so1.csv" "$dir/so2.csv" && cmp -s "$dir/so1.png" "$dir/so2.png" && echo "   the same table and map either way" || echo "   OUTPUTS DIFFER"
