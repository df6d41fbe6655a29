#!/usr/bin/env bash
# Sets up (dependencies + build), creates the demo county and runs everything the tool can do
# on it so far. Results go to out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh release
ra=build/release/src/cli/ruralatlas
out=out/demo
mkdir -p "$out"
set -x
"$ra" demo --out "$out/demo-county.gpkg" --villages 300 --seed 1
"$ra" info "$out/demo-county.gpkg"
"$ra" validate "$out/demo-county.gpkg"
"$ra" export "$out/demo-county.gpkg" --layer villages --out "$out/villages.csv"
"$ra" export "$out/demo-county.gpkg" --layer villages --out "$out/villages.geojson"
"$ra" county-from-codes --county 433127 --data data/real --out "$out/yongshun.gpkg"
"$ra" info "$out/yongshun.gpkg"
"$ra" validate "$out/yongshun.gpkg" || true   # the real county has known gaps; the report lists them
"$ra" coverage "$out/demo-county.gpkg" --kind village_clinic --mode walk --out "$out/coverage-clinic-walk.gpkg"
"$ra" coverage "$out/demo-county.gpkg" --kind primary_school --mode road --out "$out/coverage-school-road.csv"
"$ra" coverage "$out/demo-county.gpkg" --kind township_health_center --mode road --out "$out/coverage-health-center.gpkg"
"$ra" coverage "$out/demo-county.gpkg" --kind primary_school --mode straight --capacity --out "$out/coverage-school-capacity.csv"
"$ra" gaps "$out/demo-county.gpkg" --out "$out/gaps.csv"
"$ra" gaps "$out/demo-county.gpkg" --out "$out/gaps.gpkg"
"$ra" township-summary "$out/demo-county.gpkg" --out "$out/township-summary.csv"
# Relocation: which resettlement sites to keep for the villages' people (p-median by road, the
# county seat's site kept), the most people within 30 minutes with 3 sites, and an OR-Library
# benchmark file solved with its proof of optimality.
"$ra" site "$out/demo-county.gpkg" --p 4 --fixed S433199001 --out "$out/site-pmedian.gpkg"
"$ra" site "$out/demo-county.gpkg" --problem max-cover --p 3 --radius 30 --out "$out/site-maxcover.csv"
"$ra" relocation-followup "$out/demo-county.gpkg" --out "$out/relocation-followup.gpkg"
# Each existing resettlement site against the suitability criteria (data/site_criteria.json):
# on excluded land (red line, farmland, hazard zones, steep slope, rivers) or low-scoring.
"$ra" site-audit "$out/demo-county.gpkg" --out "$out/site-audit.gpkg"
# Where a new site may go: every DEM cell excluded with its reason or scored on the same criteria,
# the score grid (also stored in the project), zones, and site-sized candidate blocks ranked (with 200
# perturbed weightings).
"$ra" suitability "$out/demo-county.gpkg" --households 120 --sensitivity 200 --save-grid --out "$out/suitability.gpkg"
# Village plans: the whole 质检 of the drafted plans (2023 codes, coverage topology inside each
# village territory, red lines, farmland and the construction boundary). The demo's plans carry
# deliberate mistakes, listed when it is made (project_meta demo_plan_mistakes): all are found.
"$ra" plan-check "$out/demo-county.gpkg" --out "$out/plan-check.gpkg"
"$ra" plan-check "$out/demo-county.gpkg" --out "$out/plan-check.csv"
# The land-use tables (current against planned, 公顷/亩/占比/增减) as Excel workbooks: the county
# summed with one sheet per village, and one village in the V-class layout.
"$ra" plan-tables "$out/demo-county.gpkg" --out "$out/plan-tables-county.xlsx"
plan_one=$(sqlite3 "$out/demo-county.gpkg" "select village_code from landuse_plan where period = 'planned' order by village_code limit 1")
"$ra" plan-tables "$out/demo-county.gpkg" --village "$plan_one" --template v_classes --out "$out/plan-tables-$plan_one.xlsx"
if [ -f ../shared/data/orlib/pmed1.txt ]; then "$ra" site --orlib ../shared/data/orlib/pmed1.txt; fi
# Maps: the county on A3 (vector PDF and 300 dpi PNG), a township, SVG, and analysis results.
"$ra" render "$out/demo-county.gpkg" --paper A3 --legend --grid --out "$out/map-county-A3.pdf"
"$ra" render "$out/demo-county.gpkg" --paper A3 --legend --out "$out/map-county-A3.png"
"$ra" render "$out/demo-county.gpkg" --size 1920x1080 --out "$out/map-county.svg"
township=$(sqlite3 "$out/demo-county.gpkg" "select code from townships order by code limit 1")
"$ra" render "$out/demo-county.gpkg" --township "$township" --paper A4 --legend --grid --out "$out/map-township-$township.pdf"
"$ra" render "$out/demo-county.gpkg" --township "$township" --size 1600x1200 --legend --out "$out/map-township-$township.png"
"$ra" render "$out/demo-county.gpkg" --result "$out/coverage-clinic-walk.gpkg" --paper A3 --legend \
  --title "村卫生室步行可达性（30分钟标准）" --out "$out/map-coverage-clinic-walk.pdf"
"$ra" render "$out/demo-county.gpkg" --result "$out/coverage-clinic-walk.gpkg" --style styles/county.json --style plugins/services/styles/coverage_bands.json \
  --legend --size 1920x1080 --out "$out/map-coverage-clinic-bands.png"
"$ra" render "$out/demo-county.gpkg" --result "$out/gaps.gpkg" --paper A3 --legend --title "公共服务短板分布" --out "$out/map-gaps.png"
"$ra" render "$out/demo-county.gpkg" --result "$out/site-pmedian.gpkg" --paper A3 --legend --title "安置点选址（p-中位，道路出行）" \
  --out "$out/map-site-pmedian.png"
"$ra" render "$out/demo-county.gpkg" --result "$out/relocation-followup.gpkg" --paper A3 --legend --title "易地搬迁流向与安置点服务可达" \
  --out "$out/map-relocation-followup.png"
"$ra" render "$out/demo-county.gpkg" --result "$out/site-audit.gpkg" --paper A3 --legend --title "易地搬迁安置点用地适宜性核查" \
  --out "$out/map-site-audit.png"
"$ra" render "$out/demo-county.gpkg" --result "$out/suitability.gpkg" --paper A3 --legend --title "易地搬迁安置点用地适宜性评价与候选地块" \
  --out "$out/map-suitability.png"
"$ra" render "$out/demo-county.gpkg" --result "$out/suitability.gpkg" --style styles/county.json --style relocation/suitability_score.json \
  --style relocation/suitability_candidates.json --paper A3 --legend --title "易地搬迁安置点用地适宜性评分" --out "$out/map-suitability-score.png"
plan_village=$(sqlite3 "$out/plan-check.gpkg" "select village_code from plan_check where \"check\" = 'overlap' order by village_code limit 1")
"$ra" render "$out/demo-county.gpkg" --village "$plan_village" --result "$out/plan-check.gpkg" --paper A4 --legend \
  --title "村庄规划质检问题" --out "$out/map-plan-check-$plan_village.png"
# The village-plan map set (现状图, 规划总图, 管控边界图, 近期建设项目图) of the first planned village,
# one book from one command, and the set of one township's villages (those without a plan in the project say so on their pages).
"$ra" atlas "$out/demo-county.gpkg" --template styles/atlas/village_plan_set.json --by villages --where "code = '$plan_one'" \
  --pages-as-png "$out/plan-maps-png" --out "$out/plan-maps-$plan_one.pdf"
"$ra" atlas "$out/demo-county.gpkg" --template styles/atlas/village_plan_set.json --by villages --where "township_code = '433199103'" \
  --out "$out/plan-maps-township-433199103.pdf"
# A 三调 survey layer (DLTB: DLBM, DLMC, ZLDWDM) into the current land use through the shipped
# crosswalk, on a copy of the project: here made from the demo's own current land use, its codes
# written back as 三调 codes.
cp "$out/demo-county.gpkg" "$out/demo-survey.gpkg"
ogr2ogr -f GPKG "$out/dltb.gpkg" "$out/demo-county.gpkg" -nln DLTB -overwrite -sql "SELECT geom, CASE landuse_code WHEN '0703' THEN '0702' \
  WHEN '1701' THEN '1101' WHEN '0303' THEN '0305' WHEN '0304' THEN '0307' WHEN '1207' THEN '1004' WHEN '0704' THEN '08H2' \
  WHEN '0901' THEN '05H1' ELSE landuse_code END AS DLBM, village_code || '0000000' AS ZLDWDM FROM landuse_plan WHERE period = 'current'"
"$ra" import "$out/demo-survey.gpkg" "$out/dltb.gpkg" --into landuse_plan
# Revitalization monitoring: the indicators of the shipped pack by village, township and county,
# the former-poor villages against the others and their neighbours.
"$ra" indicators "$out/demo-county.gpkg" --out "$out/indicators.gpkg"
"$ra" indicators "$out/demo-county.gpkg" --out "$out/indicators.xlsx"
# Return-to-poverty monitoring: monitored households by village and township (counts under 5
# households blanked), newly identified and eliminated by year, clusters of risk (Gi*) on a map.
"$ra" risk "$out/demo-county.gpkg" --out "$out/risk.gpkg"
"$ra" render "$out/demo-county.gpkg" --result "$out/risk.gpkg" --paper A3 --legend --title "防返贫监测户占比风险聚集（Gi*）" \
  --out "$out/map-risk.png"
# Industry projects and the collective economy: investment and jobs per person, villages with no
# project, the same sector in neighbouring villages, shell villages.
"$ra" industry "$out/demo-county.gpkg" --out "$out/industry.gpkg"
"$ra" render "$out/demo-county.gpkg" --result "$out/industry.gpkg" --paper A3 --legend --title "产业项目与村集体经济" \
  --out "$out/map-industry.png"
# Assistance units and the inspection register: villages that should have a work team and have
# none, teams per township, overdue rectification items on the map.
"$ra" assistance "$out/demo-county.gpkg" --out "$out/assistance.gpkg"
"$ra" render "$out/demo-county.gpkg" --result "$out/assistance.gpkg" --paper A3 --legend --title "驻村帮扶力量与督查整改" \
  --out "$out/map-assistance.png"
# Supervision sampling: two villages per township or so, the visiting order along the roads.
"$ra" supervision-sample "$out/demo-county.gpkg" --villages 24 --strata township --seed 1 --visit-list "督查走访名单（演示）" \
  --out "$out/supervision-sample.gpkg"
"$ra" render "$out/demo-county.gpkg" --result "$out/supervision-sample.gpkg" --paper A3 --legend --title "督查抽样村与走访路线" \
  --out "$out/map-supervision-sample.png"
# Atlases: a village profile book (cover, contents, one page per village), a township book
# (A3), the resettlement sites, with the village pages also as PNG.
"$ra" atlas "$out/demo-county.gpkg" --template styles/atlas/village_profile.json --by villages --result "$out/gaps.gpkg" \
  --pages-as-png "$out/atlas-villages-png" --out "$out/atlas-villages.pdf"
"$ra" atlas "$out/demo-county.gpkg" --template styles/atlas/township_overview.json --by townships --result "$out/gaps.gpkg" --out "$out/atlas-townships.pdf"
"$ra" atlas "$out/demo-county.gpkg" --template styles/atlas/resettlement_site.json --by resettlement_sites --result "$out/suitability.gpkg" \
  --out "$out/atlas-resettlement-sites.pdf"
# The township battle maps (挂图作战): risk, assistance, open issues, indicator trends, industry.
"$ra" atlas "$out/demo-county.gpkg" --template styles/atlas/township_battle_map.json --by townships --out "$out/atlas-battle-map.pdf"
"$ra" atlas "$out/demo-county.gpkg" --template styles/atlas/county_overview.json --by county --no-front-matter --out "$out/atlas-county-overview.pdf"
"$ra" atlas "$out/demo-county.gpkg" --template styles/atlas/village_profile.json --by villages --where "status = 'former_poor'" \
  --sort -population --result "$out/gaps.gpkg" --out "$out/atlas-former-poor-villages.pdf"
# The desktop app: open the demo county, wait for the map, save a picture of the window.
QT_QPA_PLATFORM=offscreen build/release/src/app/ruralatlas-desktop "$out/demo-county.gpkg" --screenshot "$out/desktop.png"
# Drafting a village plan in the app: the editor on the first village whose plan has a finding
# on a parcel (else the first with a plan), that live problem in view (on a copy: the demo county
# itself is left as generated).
cp "$out/demo-county.gpkg" "$out/plan-editing.gpkg"
edit_village=$(sqlite3 "$out/plan-check.gpkg" "SELECT village_code FROM plan_check WHERE period = 'planned' AND feature_id IS NOT NULL ORDER BY village_code LIMIT 1")
[ -n "$edit_village" ] || edit_village=$(sqlite3 "$out/plan-editing.gpkg" "SELECT village_code FROM landuse_plan WHERE period = 'planned' ORDER BY village_code LIMIT 1")
QT_QPA_PLATFORM=offscreen build/release/src/app/ruralatlas-desktop "$out/plan-editing.gpkg" --edit-plan "$edit_village" \
  --screenshot "$out/desktop-plan-editing.png"
# QGIS: the same county opened in QGIS 3.22 itself from the project kept inside the GeoPackage
# (titled, styled as above), drawn to PNG.
QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/qgis_preview.py "$out/demo-county.gpkg" "$out/qgis-county.png"
# The shared server: a throw-away PostgreSQL + PostGIS (Unix socket only), the county pushed into
# it, a planner and an administrator, the county map and the county overview printed from the
# server, a planner's township atlas, the plan editor live on the server, and the county pulled back as it was at the end of today (what a past date's atlas uses).
source tests/postgis/pg_server.sh
pg_start
trap pg_stop EXIT
server="PG:host=$PGHOST port=$PGPORT dbname=ruralatlas"
county=$(sqlite3 "$out/demo-county.gpkg" "SELECT value FROM project_meta WHERE key = 'county_code'")
"$ra" server init "$server user=postgres"
"$ra" push "$out/demo-county.gpkg" "$server user=postgres"
"$ra" server users "$server user=postgres" --add planner1 --role planner --county "$county"
"$ra" server users "$server user=postgres" --add admin1 --role admin --county "$county"
"$ra" server users "$server user=postgres"
"$ra" coverage "$server user=planner1 county=$county" --kind village_clinic --mode road --out "$out/server-coverage-clinic.csv"
"$ra" render "$server user=planner1 county=$county" --paper A3 --legend --out "$out/server-map-county.png"
"$ra" atlas "$server user=admin1 county=$county" --template styles/atlas/county_overview.json --by county --no-front-matter \
  --out "$out/server-atlas-county-overview.pdf"
# A planner's township atlas from the server: household charts from the server's aggregates.
"$ra" atlas "$server user=planner1 county=$county" --template styles/atlas/township_overview.json --by townships \
  --out "$out/server-atlas-townships-planner.pdf"
# The plan editor live on the server (no checkout): the same village as above, as planner1.
XDG_DATA_HOME="$out/xdg" QT_QPA_PLATFORM=offscreen build/release/src/app/ruralatlas-desktop "$server user=planner1 county=$county" \
  --edit-plan "$edit_village" --screenshot "$out/desktop-server-plan-editing.png"
"$ra" pull "$server user=postgres" --county "$county" --as-of "$(date +%F)" --out "$out/server-pulled-today.gpkg" --overwrite
pg_stop
trap - EXIT
