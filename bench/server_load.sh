#!/usr/bin/env bash
# Load test of the shared server (loopback only, bounded): starts a throw-away PostgreSQL +
# PostGIS, pushes the 300-village demo county, makes EDITORS planner logins and lets them read,
# edit and save shared planning targets for SECONDS; prints throughput, latency percentiles, and
# the lost updates, unreported conflicts and rights violations (all must be 0).
# Usage: bash bench/server_load.sh [EDITORS=20] [SECONDS=120]   (from the repository root)
#   HOT=N shares N features among the editors (default 60); CONNECT=1 connects anew for every save.
set -euo pipefail
editors="${1:-20}"
seconds="${2:-120}"
source bench/common.sh
source tests/postgis/pg_server.sh
trap pg_stop EXIT
pg_start
server="PG:host=$PGHOST port=$PGPORT dbname=ruralatlas"
"$ra" server init "$server user=postgres" >/dev/null
run "push the 300-village county (29,000 features)" "$ra" push "$dir/county-300.gpkg" "$server user=postgres"
for i in $(seq -w 1 "$editors"); do
  "$ra" server users "$server user=postgres" --add "load$i" --role planner --county 433199 >/dev/null
done
run "pull it back into a file" "$ra" pull "$server user=postgres" --county 433199 --out "$dir/pulled.gpkg" --overwrite
run "coverage from the file (road, clinics)" "$ra" coverage "$dir/county-300.gpkg" --kind village_clinic --mode road --out "$dir/c1.csv"
run "coverage from the server (road, clinics)" "$ra" coverage "$server user=load01 county=433199" --kind village_clinic --mode road --out "$dir/c2.csv"
run "county map from the file (A3 PNG)" "$ra" render "$dir/county-300.gpkg" --paper A3 --legend --out "$dir/m1.png"
run "county map from the server (A3 PNG)" "$ra" render "$server user=load01 county=433199" --paper A3 --legend --out "$dir/m2.png"
echo "-- $editors editors for $seconds s on one county"
build/release/bench/server_load "host=$PGHOST port=$PGPORT dbname=ruralatlas" 433199 load "$editors" "$seconds" "${HOT:-60}" ${CONNECT:+connect}
