#!/usr/bin/env bash
# The outputs-unchanged check: runs every command of scripts/demo.sh on the demo county (seed 1)
# and on the real county (county-from-codes 433127), and reduces each output to comparable text:
#   CSV              the file itself
#   GeoPackage       every layer as CSV with WKT geometry, rows sorted (ogr2ogr)
#   --json summaries stdout of the command
#   PNG              per-band pixel checksums (gdalinfo -checksum) and size
#   PDF              page count and the text layer (pdftotext)
#   SVG              the file itself
#
# Usage:
#   tests/golden/outputs_unchanged.sh record DIR [BUILD_DIR]   write the digests of this build to DIR
#   tests/golden/outputs_unchanged.sh check DIR [BUILD_DIR]    compare this build with DIR; exit 1 on any difference
# BUILD_DIR defaults to build/release. Record before a change that must not change outputs,
# check after it.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode="${1:?usage: outputs_unchanged.sh record|check DIR [BUILD_DIR]}"
ref="${2:?usage: outputs_unchanged.sh record|check DIR [BUILD_DIR]}"
build="${3:-build/release}"
ra="$build/src/cli/ruralatlas"
app="$build/src/app/ruralatlas-desktop"
[ -x "$ra" ] || { echo "outputs_unchanged: $ra not built" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
o="$work/out"
d="$work/digest"
mkdir -p "$o" "$d"
export LC_ALL=C.UTF-8

run() {  # run NAME CMD...: the command's stdout is kept as NAME.stdout (progress goes to stderr)
  local name="$1"; shift
  local rc=0
  "$@" >"$d/$name.stdout" 2>"$work/$name.stderr" || rc=$?
  # A refusal is an output too: its status and message (progress bars stay out of pipes).
  if [ "$rc" -ne 0 ]; then echo "exit $rc" >>"$d/$name.stdout"; cat "$work/$name.stderr" >>"$d/$name.stdout"; fi
}
gpkg_digest() {  # every table of a GeoPackage as sorted CSV with WKT geometry
  local f="$1" base; base=$(basename "$f")
  # LIST_ALL_TABLES: also the tables GDAL hides once a GeoPackage registers an attributes table.
  for layer in $(ogrinfo -ro -q -oo LIST_ALL_TABLES=YES "$f" 2>/dev/null | sed -n 's/^[0-9]*: \([^ ]*\).*/\1/p' | sort); do
    local what=("$layer")
    # QGIS's styles and project carry the time they were written: digest all but that.
    [ "$layer" = layer_styles ] && what=(-sql "SELECT f_table_name, f_geometry_column, styleName, styleQML, useAsDefault, description FROM layer_styles")
    if [ "$layer" = qgis_projects ]; then  # the project's text, not its zip (which holds the time)
      /usr/bin/python3 -c 'import io, sqlite3, sys, zipfile
for name, content in sqlite3.connect(sys.argv[1]).execute("SELECT name, content FROM qgis_projects ORDER BY name"):
    z = zipfile.ZipFile(io.BytesIO(bytes.fromhex(content)))
    print(name)
    print("".join(z.read(n).decode() for n in z.namelist()))' "$f" >"$d/$base.$layer.qgs"
      continue
    fi
    ogr2ogr -f CSV /vsistdout/ -oo LIST_ALL_TABLES=YES "$f" "${what[@]}" -lco GEOMETRY=AS_WKT -lco LINEFORMAT=LF 2>/dev/null |
      { IFS= read -r header; echo "$header"; sort; } >"$d/$base.$layer.csv"
  done
}
png_digest() {
  gdalinfo -checksum "$1" 2>/dev/null | grep -E "^Size is|Checksum=" >"$d/$(basename "$1").pixels"
}
pdf_digest() {
  local b; b=$(basename "$1")
  pdfinfo "$1" | grep -E "^Pages:" >"$d/$b.pages"
  pdftotext -layout "$1" "$d/$b.txt"
}

g="$o/demo-county.gpkg"
y="$o/yongshun.gpkg"
run demo "$ra" demo --out "$g" --villages 300 --seed 1
run info "$ra" info "$g" --json
run validate "$ra" validate "$g" --json
run export-csv "$ra" export "$g" --layer villages --out "$o/villages.csv"
run export-geojson "$ra" export "$g" --layer villages --out "$o/villages.geojson"
run county "$ra" county-from-codes --county 433127 --data data/real --out "$y"
run info-ys "$ra" info "$y" --json
run validate-ys "$ra" validate "$y" --json
run cov-walk "$ra" coverage "$g" --kind village_clinic --mode walk --out "$o/coverage-clinic-walk.gpkg" --json
run cov-school "$ra" coverage "$g" --kind primary_school --mode road --out "$o/coverage-school-road.csv" --json
run cov-hc "$ra" coverage "$g" --kind township_health_center --mode road --out "$o/coverage-health-center.gpkg" --json
run cov-cap "$ra" coverage "$g" --kind primary_school --mode straight --capacity --out "$o/coverage-school-capacity.csv" --json
run cov-planned "$ra" coverage "$g" --kind kindergarten --mode road --status planned --out "$o/coverage-kindergarten-planned.csv" --json
run gaps-csv "$ra" gaps "$g" --out "$o/gaps.csv" --json
run gaps-gpkg "$ra" gaps "$g" --out "$o/gaps.gpkg" --json
run gaps-ys "$ra" gaps "$y" --out "$o/gaps-ys.csv" --json
if "$ra" township-summary --help >/dev/null 2>&1; then
  run summary "$ra" township-summary "$g" --out "$o/township-summary.csv" --json
fi
run render-a3pdf "$ra" render "$g" --paper A3 --legend --grid --out "$o/map-county-A3.pdf" --json
run render-a3png "$ra" render "$g" --paper A3 --legend --out "$o/map-county-A3.png" --json
run render-svg "$ra" render "$g" --size 1920x1080 --out "$o/map-county.svg" --json
township=$(sqlite3 "$g" "select code from townships order by code limit 1")
run render-tpdf "$ra" render "$g" --township "$township" --paper A4 --legend --grid --out "$o/map-township.pdf" --json
run render-tpng "$ra" render "$g" --township "$township" --size 1600x1200 --legend --out "$o/map-township.png" --json
run render-cov "$ra" render "$g" --result "$o/coverage-clinic-walk.gpkg" --paper A3 --legend \
  --title "村卫生室步行可达性（30分钟标准）" --out "$o/map-coverage-clinic-walk.pdf" --json
run site-pm "$ra" site "$g" --p 4 --fixed S433199001 --out "$o/site-pmedian.gpkg" --json
run site-mc "$ra" site "$g" --problem max-cover --p 3 --radius 30 --out "$o/site-maxcover.csv" --json
run followup "$ra" relocation-followup "$g" --out "$o/relocation-followup.gpkg" --json
run site-audit "$ra" site-audit "$g" --out "$o/site-audit.gpkg" --json
run plan-check "$ra" plan-check "$g" --out "$o/plan-check.gpkg" --json
run plan-check-csv "$ra" plan-check "$g" --out "$o/plan-check.csv" --json
run plan-tables "$ra" plan-tables "$g" --out "$o/plan-tables.csv" --json
run indicators "$ra" indicators "$g" --out "$o/indicators.gpkg" --json
run risk "$ra" risk "$g" --out "$o/risk.gpkg" --json
run industry "$ra" industry "$g" --out "$o/industry.gpkg" --json
run assistance "$ra" assistance "$g" --out "$o/assistance.gpkg" --json
run sample "$ra" supervision-sample "$g" --villages 24 --strata township,status,risk --seed 3 --out "$o/supervision-sample.gpkg" --json
run risk-csv "$ra" risk "$g" --permutations 99 --seed 7 --out "$o/risk.csv" --json
run plan-tables-v "$ra" plan-tables "$g" --township 433199112 --template v_classes --out "$o/plan-tables-v.gpkg" --json
run site-cap "$ra" site "$g" --p 4 --mode straight --capacity-field capacity_people --split --json
run render-bands "$ra" render "$g" --result "$o/coverage-clinic-walk.gpkg" --style styles/county.json --style plugins/services/styles/coverage_bands.json \
  --legend --size 1920x1080 --out "$o/map-coverage-clinic-bands.png" --json
run render-gaps "$ra" render "$g" --result "$o/gaps.gpkg" --paper A3 --legend --title "公共服务短板分布" --out "$o/map-gaps.png" --json
plan_village=$(sqlite3 "$o/plan-check.gpkg" "select village_code from plan_check where \"check\" = 'overlap' order by village_code limit 1")
run render-plan "$ra" render "$g" --village "$plan_village" --result "$o/plan-check.gpkg" --size 1400x1000 --legend --out "$o/map-plan-check.png" --json
plan_one=$(sqlite3 "$g" "select village_code from landuse_plan where period = 'planned' order by village_code limit 1")
run atlas-plan "$ra" atlas "$g" --template styles/atlas/village_plan_planned.json --by villages --where "code = '$plan_one'" --out "$o/atlas-plan-planned.pdf" --json
run atlas-plan-set "$ra" atlas "$g" --template styles/atlas/village_plan_set.json --by villages --where "code = '$plan_one'" --out "$o/atlas-plan-set.pdf" --json
run render-ys "$ra" render "$y" --size 1600x1200 --legend --out "$o/map-yongshun.png" --json
run atlas-v "$ra" atlas "$g" --template styles/atlas/village_profile.json --by villages --result "$o/gaps.gpkg" \
  --out "$o/atlas-villages.pdf" --json
run atlas-t "$ra" atlas "$g" --template styles/atlas/township_overview.json --by townships --result "$o/gaps.gpkg" --out "$o/atlas-townships.pdf" --json
run atlas-r "$ra" atlas "$g" --template styles/atlas/resettlement_site.json --by resettlement_sites --out "$o/atlas-resettlement-sites.pdf" --json
run atlas-battle "$ra" atlas "$g" --template styles/atlas/township_battle_map.json --by townships --out "$o/atlas-battle-map.pdf" --json
run atlas-county "$ra" atlas "$g" --template styles/atlas/county_overview.json --by county --no-front-matter --out "$o/atlas-county-overview.pdf" --json
run atlas-fp "$ra" atlas "$g" --template styles/atlas/village_profile.json --by villages --where "status = 'former_poor'" \
  --sort -population --result "$o/gaps.gpkg" --out "$o/atlas-former-poor-villages.pdf" --json
run atlas-self "$ra" atlas "$g" --template styles/atlas/township_overview.json --by townships --where "code like '4331991%'" \
  --out "$o/atlas-townships-own-analyses.pdf" --json
run atlas-ys "$ra" atlas "$y" --template styles/atlas/village_plain.json --by villages --out "$o/atlas-yongshun.pdf" --json
if [ -x "$app" ]; then
  QT_QPA_PLATFORM=offscreen "$app" "$g" --screenshot "$o/desktop.png" >/dev/null 2>&1 || echo "desktop failed" >"$d/desktop.failed"
  [ -f "$o/desktop.png" ] && gdalinfo "$o/desktop.png" 2>/dev/null | grep -E "^Size is" >"$d/desktop.png.size"
fi

for f in "$o"/*.csv "$o"/*.geojson "$o"/*.svg; do [ -f "$f" ] && cp "$f" "$d/"; done
for f in "$o"/*.gpkg; do gpkg_digest "$f"; done
for f in "$o"/*.png; do [ "$(basename "$f")" = desktop.png ] || png_digest "$f"; done
for f in "$o"/*.pdf; do pdf_digest "$f"; done
# Timings printed in summaries, where this run's files lie and today's date are not outputs.
today=$(date +%F)
sed -i -E -e 's/"([a-z_]*seconds|[a-z_]*_ms|ms|elapsed_s|time_s)": *[0-9.e+-]+/"\1": T/g'  -e 's/ in [0-9.]+ s\b/ in T s/g' "$d"/*.stdout
grep -rlF -e "$work" -e "$today" "$d" | while IFS= read -r f; do sed -i -e "s|$work|WORK|g" -e "s|$today|TODAY|g" "$f"; done

case "$mode" in
  record)
    rm -rf "$ref"; mkdir -p "$ref"; cp -r "$d"/. "$ref"/
    echo "outputs_unchanged: recorded $(ls "$ref" | wc -l) digests in $ref"
    ;;
  check)
    if diff -r -q "$ref" "$d" >"$work/diff.txt"; then
      echo "outputs_unchanged: all $(ls "$d" | wc -l) digests identical to $ref"
    else
      echo "outputs_unchanged: outputs differ from $ref:" >&2
      cat "$work/diff.txt" >&2
      diff -r "$ref" "$d" | head -60 >&2 || true
      exit 1
    fi
    ;;
  *) echo "usage: outputs_unchanged.sh record|check DIR [BUILD_DIR]" >&2; exit 2 ;;
esac
