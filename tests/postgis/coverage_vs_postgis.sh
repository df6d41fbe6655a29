#!/usr/bin/env bash
# Straight-line coverage of the demo county against PostGIS on the same data: the nearest
# facility distance of every village (ST_Distance of the KNN <-> nearest) must agree to the
# centimetre. Starts a real PostgreSQL with PostGIS. Usage: coverage_vs_postgis.sh RURALATLAS
set -euo pipefail
ra="$1"
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/pg_server.sh"
work=$(mktemp -d /tmp/ruralatlas-pgtest.XXXXXX)
trap 'pg_stop; rm -rf "$work"' EXIT
pg_start

"$ra" demo --out "$work/demo.gpkg" --villages 300 --seed 3 --no-dem >/dev/null
for kind in village_clinic primary_school kindergarten; do
  "$ra" coverage "$work/demo.gpkg" --kind "$kind" --mode straight --threshold 2000 --out "$work/ours_$kind.csv" >/dev/null
done
ogr2ogr -f PostgreSQL "$PG_GDAL" "$work/demo.gpkg" villages facilities -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST
fails=0
for kind in village_clinic primary_school kindergarten; do
  psql -qAt -F, -c "SELECT v.code, f.id, ST_Distance(v.geom, f.geom) FROM villages v
      CROSS JOIN LATERAL (SELECT id, geom FROM facilities WHERE kind = '$kind' AND status = 'existing'
                          ORDER BY geom <-> v.geom LIMIT 1) f ORDER BY v.code" > "$work/pg_$kind.csv"
  # ours: village_code, ..., distance_m is column 6
  tail -n +2 "$work/ours_$kind.csv" | sed 's/^\xEF\xBB\xBF//' | awk -F, '{gsub(/"/,""); print $1","$6}' | sort > "$work/ours_$kind.txt"
  sort "$work/pg_$kind.csv" | awk -F, '{print $1","$3}' > "$work/pg_$kind.txt"
  n=$(wc -l < "$work/pg_$kind.txt")
  bad=$(join -t, "$work/ours_$kind.txt" "$work/pg_$kind.txt" | awk -F, '{d=$2-$3; if (d<0) d=-d; if (d>0.01) print}' | wc -l)
  matched=$(join -t, "$work/ours_$kind.txt" "$work/pg_$kind.txt" | wc -l)
  echo "$kind: $matched of $n villages compared with PostGIS, $bad differ by more than 1 cm"
  if [ "$matched" -ne "$n" ] || [ "$n" -lt 300 ] || [ "$bad" -ne 0 ]; then fails=$((fails + 1)); fi
done
echo "PostGIS comparison: $((3 - fails)) of 3 kinds agree"
exit "$fails"
