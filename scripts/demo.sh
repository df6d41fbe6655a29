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
