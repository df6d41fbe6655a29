#!/usr/bin/env bash
# Coverage benchmark: whole-process wall time and peak memory of `ruralatlas coverage` (straight,
# road, walk) on demo counties of 300, 30,000 and 600,000 villages, against the peers on the
# same files: PostGIS KNN (<-> with a GiST index, data loaded beforehand) for straight line, and
# pgRouting's single pgr_dijkstraCost from a virtual vertex tied to every facility for road.
# Also the same runs inside a process already started (bench/coverage_inprocess.cpp, Google
# Benchmark: project opened, GeoPackage read, CSV written, process start-up left out), the fair
# match for a query sent to a database server that already holds its data.
# Prints figures and ratios; asserts nothing (targets are in the README).
# Usage: bench/coverage_bench.sh [SIZES]   e.g. bench/coverage_bench.sh "300 30000"
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh release >/dev/null
ra=$PWD/build/release/src/cli/ruralatlas
inproc=$PWD/build/release/bench/coverage_inprocess
sizes=${1:-"300 30000 600000"}
out=out/bench
mkdir -p "$out"
source tests/postgis/pg_server.sh
trap pg_stop EXIT
pg_start
export PGOPTIONS="-c client_min_messages=warning"
psql -qAtc "CREATE EXTENSION IF NOT EXISTS pgrouting" >/dev/null

now() { date +%s.%N; }
measure() {  # measure LABEL CMD... -> prints "LABEL  wall s  peak MB"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null
  read -r wall kb < "$out/time.txt"
  printf '%-34s %8.2f s %8.0f MB\n' "$label" "$wall" "$((kb / 1024))"
  echo "$wall" > "$out/last.txt"
}
sql_ms() {  # the server time of one statement, in seconds
  psql -qAt -c '\timing on' -c "$1" | awk '/^Time:/ {print $2 / 1000}' | tail -1
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.1fx", b / a; else print "-" }'; }
inprocess() {  # inprocess PROJECT FILTER -> seconds per run inside a running process
  "$inproc" "$1" --benchmark_filter="$2" --benchmark_format=csv 2>/dev/null | awk -F, '/^"BM_/ {print $3 / 1000}'
}

for n in $sizes; do
  f="$out/demo-$n.gpkg"
  if [ ! -f "$f" ]; then
    echo "generating $f ..."
    if [ "$n" -le 1000 ]; then "$ra" demo --out "$f" --villages "$n" >/dev/null; else "$ra" demo --out "$f" --villages "$n" --no-dem >/dev/null; fi
  fi
  echo
  echo "== $n villages: $($ra info "$f" --json | grep -o '"name": "facilities"[^}]*' | grep -o '"features": [0-9]*') facilities"
  measure "ours straight (nearest clinic)" "$ra" coverage "$f" --kind village_clinic --threshold 2000 --mode straight --out "$out/s.csv"
  ours_s=$(cat "$out/last.txt")
  measure "ours road (nearest school)" "$ra" coverage "$f" --kind primary_school --threshold 30 --mode road --out "$out/r.csv"
  ours_r=$(cat "$out/last.txt")
  if [ "$n" -le 30000 ]; then
    in_s=$(inprocess "$f" Straight)
    in_r=$(inprocess "$f" Road)
    printf '%-34s %8.3f s (straight)  %8.3f s (road)\n' "ours inside a running process" "$in_s" "$in_r"
  else
    in_s=""; in_r=""
  fi
  if [ "$n" -le 1000 ]; then
    measure "ours walk (nearest clinic, 30 m DEM)" "$ra" coverage "$f" --kind village_clinic --threshold 30 --mode walk --out "$out/w.csv"
  fi

  # PostGIS: load (timed apart), then the KNN query alone.
  psql -qAtc "DROP TABLE IF EXISTS villages, facilities, roads, edges, edges_vertices_pgr, school_v, village_v CASCADE" >/dev/null
  t0=$(now)
  PG_USE_COPY=YES ogr2ogr -f PostgreSQL "$PG_GDAL" "$f" villages facilities roads -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST >/dev/null
  psql -qAtc "ANALYZE" >/dev/null
  load=$(awk -v a="$t0" -v b="$(now)" 'BEGIN {print b - a}')
  knn=$(sql_ms "SELECT count(*), sum(d) FROM (SELECT (SELECT ST_Distance(v.geom, f.geom) FROM facilities f WHERE f.kind = 'village_clinic' AND f.status = 'existing' ORDER BY f.geom <-> v.geom LIMIT 1) d FROM villages v) q")
  printf '%-34s %8.2f s   (after a %.1f s load)   ours faster by %s (whole process)%s\n' "PostGIS KNN query" "$knn" "$load" "$(ratio "$ours_s" "$knn")" \
    "${in_s:+, $(ratio "$in_s" "$knn") (inside a running process)}"

  # pgRouting: one-to-many Dijkstra from a virtual vertex 0 tied to every school's nearest vertex.
  t0=$(now)
  psql -q >/dev/null <<SQL
CREATE TABLE edges AS
  SELECT row_number() OVER () AS id, (d).geom AS geom,
         ST_Length((d).geom) / (COALESCE(NULLIF(speed_kmh, 0), 20) * 1000.0 / 60.0) AS cost,
         CASE WHEN oneway = 1 THEN -1 ELSE ST_Length((d).geom) / (COALESCE(NULLIF(speed_kmh, 0), 20) * 1000.0 / 60.0) END AS reverse_cost
  FROM (SELECT ST_DumpSegments(geom) AS d, speed_kmh, oneway FROM roads) s;
ALTER TABLE edges ADD COLUMN source bigint, ADD COLUMN target bigint;
SELECT pgr_createTopology('edges', 0.5, 'geom', 'id', clean := true);
CREATE INDEX ON edges_vertices_pgr USING gist (the_geom);
CREATE TABLE school_v AS SELECT DISTINCT (SELECT id FROM edges_vertices_pgr ORDER BY the_geom <-> f.geom LIMIT 1) AS vid
  FROM facilities f WHERE kind = 'primary_school' AND status = 'existing';
CREATE TABLE village_v AS SELECT v.code, (SELECT id FROM edges_vertices_pgr ORDER BY the_geom <-> v.geom LIMIT 1) AS vid FROM villages v;
INSERT INTO edges (id, source, target, cost, reverse_cost)
  SELECT -row_number() OVER (), 0, vid, 0, 0 FROM school_v;
SQL
  prep=$(awk -v a="$t0" -v b="$(now)" 'BEGIN {print b - a}')
  route=$(sql_ms "SELECT count(*), max(agg_cost) FROM pgr_dijkstraCost('SELECT id, source, target, cost, reverse_cost FROM edges', 0, (SELECT array_agg(DISTINCT vid) FROM village_v), directed := false)")
  printf '%-34s %8.2f s   (after %.1f s of graph preparation)   ours faster by %s (whole process)%s\n' "pgRouting pgr_dijkstraCost" "$route" "$prep" "$(ratio "$ours_r" "$route")" \
    "${in_r:+, $(ratio "$in_r" "$route") (inside a running process)}"
done
