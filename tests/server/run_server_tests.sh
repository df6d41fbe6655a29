#!/usr/bin/env bash
# The shared server, tested for real: starts its own PostgreSQL + PostGIS (Unix socket only, a
# temporary folder), creates the schema with `ruralatlas server init`, pushes the demo county,
# makes one login per role, then checks:
#   - a push/pull round trip gives the same layers, fields, titles, geometry and DEM;
#   - analyses and maps give the same results from the server as from the file;
#   - server_tests (rights of every role on every layer, counties kept apart, households only as
#     aggregates, conflicts refused without loss, the history and pulls as of a past time).
#   - with RA_SERVER_GUI_TEST set, the desktop app's live plan editing on the server (a refused
#     save, the merge dialog and each of its choices);
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
# A household visit list too, so every layer of the data model has rows (personal, like households).
"$ra" supervision-sample "$work/demo.gpkg" --villages 300 --route none --visit-list 督查 --out "$work/sample.gpkg" >/dev/null
"$ra" server init "$server user=postgres"

# Upgrade: a server made by an older version (this version's schema less the visit lists, their
# enumeration, a village column, a value of an enumeration, the indicators' covering index, the
# households-by-cause view and the DEM's history),
# upgraded, has the structure of a fresh one: tables, columns, types, checks, indexes, triggers,
# policies and grants (in a second database of the same cluster).
psql -qAt -U postgres -d ruralatlas -c "CREATE DATABASE ruralatlas_up" >/dev/null
old_server="PG:host=$PGHOST port=$PGPORT dbname=ruralatlas_up"
structure() {
  psql -qAt -U postgres -d "$1" <<'SQL'
SELECT 'col', table_schema, table_name, column_name, data_type, coalesce(domain_name, ''), is_nullable, coalesce(column_default, '')
  FROM information_schema.columns WHERE table_schema LIKE 'ruralatlas%' ORDER BY 2, 3, 4;
SELECT 'idx', schemaname, tablename, indexdef FROM pg_indexes WHERE schemaname LIKE 'ruralatlas%' ORDER BY 2, 3, 4;
SELECT 'con', n.nspname, coalesce(c.conrelid::regclass::text, ''), coalesce(c.contypid::regtype::text, ''), c.conname, pg_get_constraintdef(c.oid)
  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname LIKE 'ruralatlas%' ORDER BY 2, 3, 4, 5, 6;
SELECT 'trg', event_object_schema, event_object_table, trigger_name, event_manipulation, action_statement
  FROM information_schema.triggers WHERE trigger_schema LIKE 'ruralatlas%' ORDER BY 2, 3, 4, 5;
SELECT 'pol', schemaname, tablename, policyname, cmd, coalesce(qual, ''), coalesce(with_check, '') FROM pg_policies
  WHERE schemaname LIKE 'ruralatlas%' ORDER BY 2, 3, 4;
SELECT 'grant', table_schema, table_name, grantee, privilege_type FROM information_schema.role_table_grants
  WHERE table_schema LIKE 'ruralatlas%' ORDER BY 2, 3, 4, 5;
SELECT 'comment', c.relname, a.attname, col_description(c.oid, a.attnum) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped WHERE n.nspname = 'ruralatlas' AND c.relkind = 'r'
  ORDER BY 2, 3;
SQL
}
"$ra" server init "$old_server user=postgres" >/dev/null
structure ruralatlas_up > "$work/structure-fresh.txt"
psql -qAt -U postgres -d ruralatlas_up >/dev/null <<'SQL'
DROP TABLE ruralatlas.supervision_visits, ruralatlas_history.supervision_visits;
DROP FUNCTION ruralatlas.scope_supervision_visits();
DROP DOMAIN ruralatlas.visit_group;
DROP VIEW ruralatlas.household_causes;
DROP TRIGGER history ON ruralatlas.dem;
DROP FUNCTION ruralatlas.dem_history();
DROP TABLE ruralatlas_history.dem;
ALTER TABLE ruralatlas.villages DROP COLUMN collective_income;
ALTER TABLE ruralatlas_history.villages DROP COLUMN collective_income;
DO $$ DECLARE n text; BEGIN
  SELECT indexname INTO n FROM pg_indexes WHERE schemaname = 'ruralatlas' AND tablename = 'village_indicators' AND indexdef LIKE '%(ra_county, year%';
  EXECUTE format('DROP INDEX ruralatlas.%I', n);
END $$;
ALTER DOMAIN ruralatlas.constraint_kind DROP CONSTRAINT constraint_kind_check;
ALTER DOMAIN ruralatlas.constraint_kind ADD CONSTRAINT constraint_kind_check CHECK (VALUE IN ('ecological_redline', 'basic_farmland'));
SQL
upgraded() {
  "$ra" server upgrade "$old_server user=postgres" > "$work/upgrade.txt" 2>&1 || { cat "$work/upgrade.txt"; return 1; }
  grep -q "layer supervision_visits" "$work/upgrade.txt" && grep -q "column villages.collective_income" "$work/upgrade.txt" &&
    grep -q "index village_indicators" "$work/upgrade.txt" && grep -q "domain constraint_kind: values" "$work/upgrade.txt" &&
    grep -q "view household_causes" "$work/upgrade.txt" && grep -q "history dem" "$work/upgrade.txt" || { cat "$work/upgrade.txt"; return 1; }
  structure ruralatlas_up > "$work/structure-upgraded.txt"
  diff "$work/structure-fresh.txt" "$work/structure-upgraded.txt" | head -20
  cmp -s "$work/structure-fresh.txt" "$work/structure-upgraded.txt"
}
check "server upgrade: an older server gets this version's tables, columns, domains and indexes ($(grep -c . "$work/structure-fresh.txt") structure lines equal)" upgraded
up_to_date() { "$ra" server upgrade "$old_server user=postgres" | grep -q "up to date"; }
check "server upgrade: a second upgrade changes nothing" up_to_date
"$ra" server add-county "$old_server user=postgres" 433199 --name 示范县 --epsg 4546 >/dev/null
pushed_upgraded() { "$ra" push "$work/demo.gpkg" "$old_server user=postgres" --replace > "$work/push-up.txt" 2>&1 || { cat "$work/push-up.txt"; return 1; }; }
check "server upgrade: the demo county (with its visit list) pushed into the upgraded server" pushed_upgraded
# The DEM's history (in the upgraded server): the county replaced by one with another DEM; a pull as
# of a time before has the first DEM, a pull now the second.
"$ra" demo --out "$work/demo2.gpkg" --villages 300 --seed 2 >/dev/null
sleep 1
mark=$(psql -qAt -U postgres -d ruralatlas_up -c "SELECT now()::text")
sleep 1
"$ra" push "$work/demo2.gpkg" "$old_server user=postgres" --replace >/dev/null
dem_sum() { gdalinfo -checksum "GPKG:$1:dem" 2>/dev/null | grep -o 'Checksum=[0-9]*' | head -1; }
dem_as_of() {
  "$ra" pull "$old_server user=postgres" --county 433199 --as-of "$mark" --out "$work/dem-then.gpkg" >/dev/null &&
    "$ra" pull "$old_server user=postgres" --county 433199 --out "$work/dem-now.gpkg" >/dev/null &&
    [ -n "$(dem_sum "$work/demo.gpkg")" ] && [ "$(dem_sum "$work/demo.gpkg")" != "$(dem_sum "$work/demo2.gpkg")" ] &&
    [ "$(dem_sum "$work/dem-then.gpkg")" = "$(dem_sum "$work/demo.gpkg")" ] && [ "$(dem_sum "$work/dem-now.gpkg")" = "$(dem_sum "$work/demo2.gpkg")" ]
}
check "the DEM's history: a pull as of a past time has the DEM of that time" dem_as_of

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
            "risk" "industry"; do
  name=$(echo "$args" | tr ' ' '_' | tr -d '-')
  "$ra" $args "$work/demo.gpkg" --out "$work/file_$name.csv" >/dev/null
  "$ra" $args "$server user=a1 county=433199" --out "$work/server_$name.csv" >/dev/null
  check "server = file: $args ($(($(wc -l < "$work/file_$name.csv") - 1)) rows)" cmp "$work/file_$name.csv" "$work/server_$name.csv"
done

# Gaps: the same findings; gaps of equal severity may come in either order (the rank column aside).
"$ra" gaps "$work/demo.gpkg" --out "$work/file_gaps.csv" >/dev/null
"$ra" gaps "$server user=a1 county=433199" --out "$work/server_gaps.csv" >/dev/null
same_gaps() { [ "$(cut -d, -f2- "$work/file_gaps.csv" | sort | md5sum)" = "$(cut -d, -f2- "$work/server_gaps.csv" | sort | md5sum)" ]; }
check "server = file: gaps, the same findings ($(($(wc -l < "$work/file_gaps.csv") - 1)) rows)" same_gaps

# Results written back into the server (one transaction, the county's rows replaced), with the
# same rights: the planner writes, a township viewer reads its township's rows, others nothing.
P1="$server user=p1 county=433199"
"$ra" coverage "$P1" --kind village_clinic --mode road --threshold 30 --out "$P1" >/dev/null
"$ra" coverage "$P1" --kind village_clinic --mode road --threshold 30 --out "$P1" >/dev/null   # again: replaced, not doubled
q() { psql -qAt -U "$1" -c "SET ruralatlas.county = '433199'" -c "$2" 2>&1 | tail -1; }
t=ruralatlas_results.coverage_village_clinic_road
check "results on the server: 300 rows, as in the file" [ "$(q p1 "SELECT count(*) FROM $t")" = 300 ]
tail -n +2 "$work/file_coverage_kind_village_clinic_mode_road_threshold_30.csv" | awk -F, '{print $1","$6}' | sort > "$work/res_file.txt"
psql -qAt -F, -U p1 -c "SET ruralatlas.county = '433199'" -c "SELECT village_code, distance_m FROM $t" | sort > "$work/res_server.txt"
same_distances() {
  [ "$(wc -l < "$work/res_file.txt")" -eq 300 ] &&
    [ "$(join -t, "$work/res_file.txt" "$work/res_server.txt" | awk -F, '{d = $2 - $3; if (d < 0) d = -d; if (d <= 0.0051) n++} END {print n + 0}')" -eq 300 ]
}
check "results on the server: every village's distance as in the file (to the centimetre)" same_distances
check "results on the server: a township viewer reads its township's rows only" [ "$(q v1 "SELECT count(*) FROM $t")" = 20 ]
check "results on the server: another county's planner reads none" [ "$(q pb "SELECT count(*) FROM $t")" = 0 ]
viewer_cannot_write() { ! "$ra" coverage "$server user=v1 county=433199" --kind village_clinic --out "$server user=v1 county=433199" >/dev/null 2>&1; }
check "results on the server: a viewer cannot write them" viewer_cannot_write

# Maps of the results written back: the same as of the file's results, pixel for pixel.
"$ra" coverage "$work/demo.gpkg" --kind village_clinic --mode road --threshold 30 --out "$work/file_cov.gpkg" >/dev/null
"$ra" render "$work/demo.gpkg" --result "$work/file_cov.gpkg" --size 1600x1200 --legend --out "$work/file_res_map.png" >/dev/null
"$ra" render "$P1" --result "$P1" --size 1600x1200 --legend --out "$work/server_res_map.png" >/dev/null
check "server = file: a map of the results written back, pixel for pixel" cmp -s "$work/file_res_map.png" "$work/server_res_map.png"

# A planner may not read households: an analysis that needs them says so, and writes nothing.
planner_risk_refused() { ! "$ra" risk "$server user=p1 county=433199" --out "$work/never.csv" > "$work/p1risk.txt" 2>&1 &&
  grep -q "may not read this layer" "$work/p1risk.txt" && [ ! -e "$work/never.csv" ]; }
check "a planner's household analysis is refused by the server's rights" planner_risk_refused
# A planner prints the township atlas from the server: its 致贫风险 chart comes from the server's
# counts by village and cause (groups under 5 withheld, said on the page), never from households.
planner_atlas() {
  "$ra" atlas "$server user=p1 county=433199" --template "$here/../../styles/atlas/township_overview.json" --by townships \
    --where "code = '433199100'" --out "$work/p1atlas.pdf" > "$work/p1atlas.txt" 2>&1 || { cat "$work/p1atlas.txt"; return 1; }
  pdftotext "$work/p1atlas.pdf" - | tr -d ' \n' > "$work/p1atlas-text.txt"
  grep -q "农户主要致贫风险" "$work/p1atlas-text.txt" && grep -q "未计入合计" "$work/p1atlas-text.txt" && ! grep -q "无农户台账数据" "$work/p1atlas-text.txt"
}
check "a planner's township atlas from the server: household charts from the aggregates, small groups withheld" planner_atlas
# The same map from the server as from the file.
"$ra" render "$work/demo.gpkg" --size 1600x1200 --legend --out "$work/file_map.png" >/dev/null
"$ra" render "$server user=p1 county=433199" --size 1600x1200 --legend --out "$work/server_map.png" >/dev/null
check "server = file: the county map, pixel for pixel" cmp -s "$work/file_map.png" "$work/server_map.png"

RA_PG="host=$PGHOST port=$PGPORT dbname=ruralatlas" RA_DEMO="$work/demo.gpkg" RURALATLAS_CLI_PATH="$ra" "$tests" || fails=$((fails + 1))
# The desktop app drafting a plan live on the server: a refused save and its merge dialog.
if [ -n "${RA_SERVER_GUI_TEST:-}" ]; then
  RA_PG="host=$PGHOST port=$PGPORT dbname=ruralatlas" "$RA_SERVER_GUI_TEST" || fails=$((fails + 1))
fi
if [ -n "$load" ]; then
  for i in 01 02 03 04 05 06 07 08; do
    "$ra" server users "$server user=postgres" --add "load$i" --role planner --county 433199 >/dev/null
  done
  check "8 editors for 8 s: no lost update, every conflict listed, no right broken" "$load" "host=$PGHOST port=$PGPORT dbname=ruralatlas" 433199 load 8 8
fi
echo "server checks: $fails failed"
exit "$fails"
