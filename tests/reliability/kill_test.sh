#!/usr/bin/env bash
# Crash safety: every writing command killed with SIGKILL at seeded moments spread over its run
# (0 to 1.1 times its uninterrupted duration). After each kill:
#   - a project the command writes into opens, validates, and equals (layer by layer, through
#     tests/reliability/gpkg_digest.py) its state before the command or after it;
#   - a file the command creates (a project, a GeoPackage result, a PNG, a PDF) is absent, or
#     complete: equal to the uninterrupted run's, or for a PDF, readable with the same pages;
#   - a GeoPackage result written into an existing result file equals that file before or after.
# Prints one line per command: its duration, kills, how many left the "before" and the "after"
# state (or absent / complete), and failures. Exit 1 on any failure.
#
# Usage: tests/reliability/kill_test.sh [KILLS_PER_COMMAND] [COMMAND...]   (default 50, all)
#   commands: init demo county-from-codes import-vector import-ledger import-dem coverage gaps
#             township-summary site relocation-followup coverage-into site-audit suitability suitability-into qgis-styles
#             render-png render-pdf
#             atlas app-import (the desktop app saving an import, with its QGIS styles)
# BUILD_DIR (default build/release) names the build; SEED (default 1) the kill times.
set -euo pipefail
cd "$(dirname "$0")/../.."
kills="${1:-50}"
shift || true
build="${BUILD_DIR:-build/release}"
case "$build" in /*) ;; *) build="$PWD/$build" ;; esac
ra="$build/src/cli/ruralatlas"
desktop="$build/src/app/ruralatlas-desktop"
[ -x "$ra" ] || { echo "kill_test: $ra not built" >&2; exit 2; }
seed="${SEED:-1}"
export QT_QPA_PLATFORM=offscreen LC_ALL=C.UTF-8
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dig() { /usr/bin/python3 tests/reliability/gpkg_digest.py "$1"; }

# Inputs: a small demo county, a GeoJSON of its villages (imported back with --update, so every
# village is rewritten), a ledger of populations, and its DEM as a GeoTIFF.
"$ra" demo --out "$work/base.gpkg" --villages 80 --seed 7 >/dev/null 2>&1
"$ra" export "$work/base.gpkg" --layer villages --out "$work/villages.geojson" >/dev/null 2>&1
"$ra" export "$work/base.gpkg" --layer villages --out "$work/villages.csv" >/dev/null 2>&1
/usr/bin/python3 - "$work/villages.csv" "$work/ledger.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write("村代码,户籍人口\n")
    for r in rows:
        out.write(f"{r['code']},{int(float(r['population'] or 0)) + 7}\n")
PY
gdal_translate -q "GPKG:$work/base.gpkg:dem" "$work/dem.tif"
# A project holds one DEM: the DEM import goes into the same county made without one.
"$ra" demo --out "$work/base-nodem.gpkg" --villages 80 --seed 7 --no-dem >/dev/null 2>&1
# A result file that exists before a run writes more tables into it.
"$ra" gaps "$work/base.gpkg" --out "$work/prev.gpkg" >/dev/null 2>&1

# name | kind | command (@P@: the project, @O@: the output)
#   kind: project = writes into @P@; output = creates @O@ from @P@; new = creates @O@ from nothing;
#         into = writes into @O@, an existing result file (a copy of prev.gpkg)
commands=(
  "init|new|init @O@ --county-code 433127 --name 永顺县"
  "demo|new|demo --out @O@ --villages 80 --seed 3"
  "county-from-codes|new|county-from-codes --county 433127 --data data/real --out @O@"
  "import-vector|project|import @P@ $work/villages.geojson --into villages --update"
  "import-ledger|project|import @P@ $work/ledger.csv --into villages"
  "import-dem|project|import @P@ $work/dem.tif --into dem"
  "coverage|output|coverage @P@ --kind village_clinic --mode walk --out @O@.gpkg"
  "gaps|output|gaps @P@ --out @O@.gpkg"
  "township-summary|output|township-summary @P@ --out @O@.gpkg"
  "site|output|site @P@ --p 2 --out @O@.gpkg"
  "relocation-followup|output|relocation-followup @P@ --out @O@.gpkg"
  "coverage-into|into|coverage @P@ --kind village_clinic --mode walk --out @O@.gpkg"
  "site-audit|output|site-audit @P@ --out @O@.gpkg"
  "suitability|output|suitability @P@ --out @O@.gpkg"
  "suitability-into|into|suitability @P@ --out @O@.gpkg"
  "qgis-styles|project|qgis-styles @P@"
  "render-png|output|render @P@ --paper A4 --legend --out @O@.png"
  "render-pdf|output|render @P@ --paper A3 --legend --grid --out @O@.pdf"
  "atlas|output|atlas @P@ --template styles/atlas/township_overview.json --by townships --out @O@.pdf"
  "app-import|project|@DESKTOP@ @P@ --import $work/villages.geojson --into villages --update"
)
wanted=("$@")
status=0
printf '%-18s %8s %6s %8s %8s %8s\n' command seconds kills before after failures
for spec in "${commands[@]}"; do
  IFS='|' read -r name kind cmd <<<"$spec"
  if [ "${#wanted[@]}" -gt 0 ] && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
  if [[ "$cmd" == @DESKTOP@* ]] && [ ! -x "$desktop" ]; then echo "kill_test: $name skipped: $desktop not built" >&2; continue; fi
  ext=""; [[ "$cmd" =~ @O@(\.[a-z]+) ]] && ext="${BASH_REMATCH[1]}"
  [ "$kind" = new ] && ext=".gpkg"
  base="$work/base.gpkg"; [ "$name" = import-dem ] && base="$work/base-nodem.gpkg"
  before=$(dig "$base")
  run() {  # run PROJECT OUTPUT: the command in the background; its pid in $pid
    local c="${cmd//@O@$ext/$2}"; c="${c//@O@/$2}"; c="${c//@P@/$1}"
    local bin="$ra"
    if [[ "$c" == @DESKTOP@* ]]; then bin="$desktop"; c="${c#@DESKTOP@ }"; fi
    # shellcheck disable=SC2086
    "$bin" $c >/dev/null 2>"$work/last.err" &
    pid=$!
  }
  # The uninterrupted run: its duration and its result.
  ref="$work/ref-$name"; mkdir -p "$ref"; cp "$base" "$ref/p.gpkg"
  if [ "$kind" = into ]; then cp "$work/prev.gpkg" "$ref/out$ext"; before=$(dig "$work/prev.gpkg"); fi
  rc=0; t0=$(date +%s.%N); run "$ref/p.gpkg" "$ref/out$ext"; wait "$pid" || rc=$?; t1=$(date +%s.%N)
  if [ "$rc" -ne 0 ]; then echo "kill_test: $name failed when not killed: $(tail -1 "$work/last.err")" >&2; status=1; continue; fi
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
  case "$kind" in
    project) after=$(dig "$ref/p.gpkg") ;;
    *) [ -f "$ref/out$ext" ] || { echo "kill_test: $name produced no $ext: $(tail -1 "$work/last.err")" >&2; status=1; continue; }
       case "$ext" in
         .gpkg) after=$(dig "$ref/out$ext") ;;
         .pdf) after=$(pdfinfo "$ref/out$ext" | grep '^Pages:') ;;
         *) after=$(sha256sum <"$ref/out$ext") ;;
       esac ;;
  esac
  nb=0; na=0; nf=0
  for i in $(seq 1 "$kills"); do
    k="$work/k-$name-$i"; mkdir -p "$k"; cp "$base" "$k/p.gpkg"
    [ "$kind" = into ] && cp "$work/prev.gpkg" "$k/out$ext"
    t=$(awk -v s="$seed" -v i="$i" -v d="$secs" 'BEGIN {srand(s * 100003 + i); printf "%.3f", rand() * 1.1 * d}')
    run "$k/p.gpkg" "$k/out$ext"
    sleep "$t"; kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    ok=1; state=""
    if [ "$kind" = project ]; then
      d=$(dig "$k/p.gpkg" 2>&1) || ok=0
      if [ "$d" = "$before" ]; then state=before; elif [ "$d" = "$after" ]; then state=after; else ok=0; fi
      "$ra" validate "$k/p.gpkg" >/dev/null 2>&1 || [ $? -eq 1 ] || ok=0   # 1 = problems listed; more = could not run
    elif [ "$kind" = into ]; then
      d=$(dig "$k/out$ext" 2>&1) || ok=0
      if [ "$d" = "$before" ]; then state=before; elif [ "$d" = "$after" ]; then state=after; else ok=0; fi
    elif [ ! -e "$k/out$ext" ]; then
      state=before
    else
      case "$ext" in
        .gpkg) d=$(dig "$k/out$ext" 2>&1) || ok=0 ;;
        .pdf) d=$(pdfinfo "$k/out$ext" 2>/dev/null | grep '^Pages:') || ok=0 ;;
        *) d=$(sha256sum <"$k/out$ext") ;;
      esac
      if [ "$d" = "$after" ]; then state=after; else ok=0; fi
    fi
    if [ "$ok" -eq 1 ]; then
      [ "$state" = before ] && nb=$((nb + 1)) || na=$((na + 1))
      rm -rf "$k"
    else
      nf=$((nf + 1)); status=1
      echo "kill_test: $name killed at ${t}s left a state that is neither before nor after (kept in $k)" >&2
      cp -r "$k" "/tmp/kill_test-failed-$name-$i" 2>/dev/null || true
    fi
  done
  printf '%-18s %8s %6s %8s %8s %8s\n' "$name" "$secs" "$kills" "$nb" "$na" "$nf"
done
exit $status
