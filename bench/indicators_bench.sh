#!/usr/bin/env bash
# Revitalization indicators benchmark (issue "Revitalization and assistance monitoring"): whole
# process wall time and peak memory of `ruralatlas indicators` on
#   * the demo county (300 villages, its five-year ledger, the shipped pack of 8 indicators);
#   * 30,000 villages (`demo --villages 30000`, 100 counties) with a ledger of 10 years x 30
#     indicators (9,000,000 rows, written here with sqlite3) and a pack of those 30 indicators,
#     written as GeoPackage and as CSV (the village table).
# Prints figures; asserts nothing (the target in the issue is under 2 s for the large case).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh release >/dev/null
ra=build/release/src/cli/ruralatlas
dir=out/bench
mkdir -p "$dir"
run() {  # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" >/dev/null 2>&1
  read -r secs kb < "$dir/time.txt"
  printf "%-60s %6.2f s  %6.0f MB\n" "$label" "$secs" "$((kb / 1024))"
}
"$ra" demo --out "$dir/ind-demo.gpkg" --villages 300 --seed 1 >/dev/null
run "indicators, demo county (GeoPackage)" "$ra" indicators "$dir/ind-demo.gpkg" --out "$dir/ind-demo-out.gpkg"
"$ra" demo --out "$dir/ind-30k.gpkg" --villages 30000 --seed 1 >/dev/null
year=$(sqlite3 "$dir/ind-30k.gpkg" "select substr(value, 1, 4) from project_meta where key = 'data_date'")
sqlite3 "$dir/ind-30k.gpkg" "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; DELETE FROM village_indicators;
WITH RECURSIVE y(v) AS (SELECT $year - 9 UNION ALL SELECT v + 1 FROM y WHERE v < $year),
 i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 30)
INSERT INTO village_indicators (village_code, year, indicator, value, source)
SELECT code, y.v, 'ind' || i.n, (abs(random()) % 10000) / 100.0, 'bench' FROM villages, y, i;" >/dev/null
{
  printf '{"version": 1, "id": "bench30", "name": "30 ledger indicators", "indicators": ['
  for i in $(seq 1 30); do
    agg=mean; [ $((i % 3)) -eq 1 ] && agg=sum; [ $((i % 3)) -eq 2 ] && agg=population_mean
    printf '%s{"id": "ind%d", "title": "指标%d", "unit": "%%", "aggregate": "%s"}' "$([ "$i" -gt 1 ] && echo ,)" "$i" "$i" "$agg"
  done
  printf ']}\n'
} > "$dir/pack30.json"
echo "ledger rows: $(sqlite3 "$dir/ind-30k.gpkg" 'select count(*) from village_indicators')"
rm -f "$dir/ind-30k-out.gpkg" "$dir/ind-30k-out.csv"  # a new file (replacing an existing file's tables costs about 0.5 s more)
run "indicators, 30,000 villages x 10 years x 30 indicators (GeoPackage)" "$ra" indicators "$dir/ind-30k.gpkg" --pack "$dir/pack30.json" \
  --out "$dir/ind-30k-out.gpkg"
run "indicators, 30,000 villages x 10 years x 30 indicators (CSV)" "$ra" indicators "$dir/ind-30k.gpkg" --pack "$dir/pack30.json" \
  --out "$dir/ind-30k-out.csv"
# Return-to-poverty monitoring (risk): the counts, their protection and Gi* with 999 permutations.
run "risk, demo county (999 permutations)" "$ra" risk "$dir/ind-demo.gpkg" --out "$dir/risk-demo.gpkg"
run "risk, 30,000 villages (999 permutations)" "$ra" risk "$dir/ind-30k.gpkg" --out "$dir/risk-30k.gpkg"
