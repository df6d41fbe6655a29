#!/usr/bin/env bash
# Atlas speed: whole-process wall time and peak memory of `ruralatlas atlas` on the demo county
# (300 villages, 23 townships): the rich village profile book (cover, contents, 300 pages with
# map, inset, legend, figures, services, gaps, chart and projects), the same with the analyses'
# results given, the plain book (title, map, legend, scale bar only: what QGIS 3.22 exports in
# about 3.4 s on this machine), the township book, and the rich book with PNG copies of every
# page. BENCH_PAGES=N repeats the village pages (a county of N/300 copies) to show memory
# stays flat with the page count.
# Usage: bash bench/atlas_bench.sh   (after scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_LABEL_WIDTH=62
source bench/common.sh
tpl=styles/atlas
pages() { pdfinfo "$1" | awk '/^Pages:/ {print $2}'; }
echo "== whole process (analyses, reading, drawing on every core, binding the PDF)"
run "village profile atlas, rich (runs coverage x3 + gaps)" "$ra" atlas "$dir/county-300.gpkg" --template $tpl/village_profile.json --by villages --out "$dir/atlas-villages.pdf"
echo "   pages: $(pages "$dir/atlas-villages.pdf"), $(du -m "$dir/atlas-villages.pdf" | cut -f1) MB"
"$ra" gaps "$dir/county-300.gpkg" --out "$dir/gaps.gpkg" >/dev/null
run "village profile atlas, rich, gaps result given" "$ra" atlas "$dir/county-300.gpkg" --template $tpl/village_profile.json --by villages --result "$dir/gaps.gpkg" --out "$dir/atlas-villages-r.pdf"
run "plain village atlas (title, map, legend, scale bar; QGIS 3.4 s)" "$ra" atlas "$dir/county-300.gpkg" --template $tpl/village_plain.json --by villages --no-front-matter --out "$dir/atlas-plain.pdf"
echo "   pages: $(pages "$dir/atlas-plain.pdf")"
run "plain village atlas, one thread" "$ra" atlas "$dir/county-300.gpkg" --template $tpl/village_plain.json --by villages --no-front-matter --threads 1 --out "$dir/atlas-plain1.pdf"
run "township atlas, A3 (runs coverage x4 + gaps)" "$ra" atlas "$dir/county-300.gpkg" --template $tpl/township_overview.json --by townships --out "$dir/atlas-townships.pdf"
run "township battle-map atlas, A3 (runs indicators, risk, assistance, industry; target < 5 s)" "$ra" atlas "$dir/county-300.gpkg" \
  --template $tpl/township_battle_map.json --by townships --out "$dir/atlas-battle.pdf"
run "village profile atlas + every page as PNG at 150 dpi" "$ra" atlas "$dir/county-300.gpkg" --template $tpl/village_profile.json --by villages --result "$dir/gaps.gpkg" --pages-as-png "$dir/atlas-png" --out "$dir/atlas-villages-png.pdf"
if [ -n "${BENCH_PAGES:-}" ]; then
  n=$(( (BENCH_PAGES + 299) / 300 ))
  [ -f "$dir/county-x$n.gpkg" ] || "$ra" demo --out "$dir/county-x$n.gpkg" --villages $((n * 300)) --seed 1 --no-dem >/dev/null
  run "plain atlas of $((n * 300)) villages" "$ra" atlas "$dir/county-x$n.gpkg" --template $tpl/village_plain.json --by villages --out "$dir/atlas-big.pdf"
  echo "   pages: $(pages "$dir/atlas-big.pdf")"
fi
