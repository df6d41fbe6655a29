#!/usr/bin/env bash
# The shared server, tested for real: starts its own PostgreSQL + PostGIS (Unix socket only, a
# temporary folder), creates the schema with `ruralatlas server init`, pushes the demo county,
# makes one login per role, then checks:
#   - a push/pull round trip gives the same layers, fields, titles, geometry and DEM;
#   - analyses and maps give the same results from the server as from the file;
#   - server_tests (rights of every role on every layer, counties kept apart, households only as
#     aggregates, conflicts refused without loss, the history and pulls as of a past time).
#   - with LOAD (bench/server_load), 8 editors saving shared features for 8 s: no lost update,
#     every refused save with its conflicts listed, no forbidden write accepted.
# Usage: run_server_tests.sh RURALATLAS SERVER_TESTS [LOAD]
set -euo pipefail
ra="$1"
tests="$2"
load="${3:-}"
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../postgis/pg_server.sh"
work=$(mktemp -d /tmp/ruralatlas-server.XXXXXX)
chmod 755 "$work"
trap 'pg_stop; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
pg_start
server="PG:host=$PGHOST port=$PGPORT dbname=ruralatlas"
fails=0
check() { # check NAME COMMAND...: ok when the command succeeds
  local name="$1"; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fails=$((fails + 1)); fi
}

"$ra" demo --out "$work/demo.gpkg" --villages 300 --seed 1 >/dev/null
"$ra" server init "$server user=postgres"
"$ra" push "$work/demo.gpkg" "$server user=postgres"
# A second push of the same county is refused unless --replace (nothing changes).
refused_again() { ! "$ra" push "$work/demo.gpkg" "$server user=postgres" > "$work/again.txt" 2>&1 && grep -q "already" "$work/again.txt"; }
check "a second push is refused" refused_again
"$ra" push "$work/demo.gpkg" "$server user=postgres" --replace >/dev/null
"$ra" server add-county "$server user=postgres" 433198 --name 乙县 --epsg 4546 >/dev/null
"$ra" server users "$server user=postgres" --add a1 --role admin --county 433199 >/dev/null
"$ra" server users "$server user=postgres" --add p1 --role planner --county 433199 >/dev/null
"$ra" server users "$server user=postgres" --add r1 --role relocation --county 433199 >/dev/null
"$ra" server users "$server user=postgres" --add v1 --role viewer --county 433199 --township 433199100 >/dev/null
"$ra" server users "$server user=postgres" --add au --role auditor --county '*' >/dev/null
"$ra" server users "$server user=postgres" --add pb --role planner --county 433198 >/dev/null
[ "$("$ra" server users "$server user=postgres" | tail -n +3 | wc -l)" -eq 6 ] || { echo "FAIL six logins listed"; fails=$((fails + 1)); }

# Round trip: push then pull (as the county's administrator) gives the same project.
"$ra" pull "$server user=a1" --county 433199 --out "$work/pulled.gpkg" >/dev/null
dump() { ogrinfo -ro -al -q "$1" 2>&1 | grep -v "update_time"; }
dump "$work/demo.gpkg" > "$work/a.txt"
dump "$work/pulled.gpkg" > "$work/b.txt"
check "push/pull round trip: every layer, field and geometry identical ($(grep -c '^OGRFeature' "$work/a.txt") features)" cmp -s "$work/a.txt" "$work/b.txt"
titles() { sqlite3 "$1" "SELECT table_name, column_name, title FROM gpkg_data_columns ORDER BY 1, 2; SELECT table_name, identifier FROM gpkg_contents ORDER BY 1"; }
check "push/pull round trip: Chinese titles identical" [ "$(titles "$work/demo.gpkg")" = "$(titles "$work/pulled.gpkg")" ]
dem() { gdalinfo -stats "GPKG:$1:dem" 2>/dev/null | grep -E "Size is|Pixel Size|Origin|STATISTICS_(MEAN|MINIMUM|MAXIMUM)"; }
check "push/pull round trip: DEM identical" [ -n "$(dem "$work/demo.gpkg")" -a "$(dem "$work/demo.gpkg")" = "$(dem "$work/pulled.gpkg")" ]

# The analyses from the server as from the file (as the county's administrator; to the byte).
for args in "coverage --kind village_clinic --mode road --threshold 30" "coverage --kind primary_school --mode walk --threshold 60" \
            "gaps" "risk" "industry"; do
  name=$(echo "$args" | tr ' ' '_' | tr -d '-')
  "$ra" $args "$work/demo.gpkg" --out "$work/file_$name.csv" >/dev/null
  "$ra" $args "$server user=a1 county=433199" --out "$work/server_$name.csv" >/dev/null
  check "server = file: $args ($(($(wc -l < "$work/file_$name.csv") - 1)) rows)" cmp "$work/file_$name.csv" "$work/server_$name.csv"
done

# A planner may not read households: an analysis that needs them says so, and writes nothing.
planner_risk_refused() { ! "$ra" risk "$server user=p1 county=433199" --out "$work/never.csv" > "$work/p1risk.txt" 2>&1 &&
  grep -q "may not read this layer" "$work/p1risk.txt" && [ ! -e "$work/never.csv" ]; }
check "a planner's household analysis is refused by the server's rights" planner_risk_refused
# The same map from the server as from the file.
"$ra" render "$work/demo.gpkg" --size 1600x1200 --legend --out "$work/file_map.png" >/dev/null
"$ra" render "$server user=p1 county=433199" --size 1600x1200 --legend --out "$work/server_map.png" >/dev/null
check "server = file: the county map, pixel for pixel" cmp -s "$work/file_map.png" "$work/server_map.png"

RA_PG="host=$PGHOST port=$PGPORT dbname=ruralatlas" RA_DEMO="$work/demo.gpkg" RURALATLAS_CLI_PATH="$ra" "$tests" || fails=$((fails + 1))
if [ -n "$load" ]; then
  for i in 01 02 03 04 05 06 07 08; do
    "$ra" server users "$server user=postgres" --add "load$i" --role planner --county 433199 >/dev/null
  done
  check "8 editors for 8 s: no lost update, every conflict listed, no right broken" "$load" "host=$PGHOST port=$PGPORT dbname=ruralatlas" 433199 load 8 8
fi
echo "server checks: $fails failed"
exit "$fails"
