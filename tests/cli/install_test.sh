#!/usr/bin/env bash
# The installed tool finds its data and styles next to itself, not in the source tree:
# `cmake --install` into a temporary prefix, then the installed binary initialises a project
# (county list from data/), draws a map (styles/), and fails when the installed data is moved away.
# Usage: install_test.sh BUILD_DIR
set -euo pipefail
build="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
ra="$tmp/prefix/bin/ruralatlas"
share="$tmp/prefix/share/ruralatlas"
[ -f "$share/data/county_centres.csv" ] || { echo "install_test: data not installed"; exit 1; }
[ -f "$share/styles/county.json" ] || { echo "install_test: styles not installed"; exit 1; }
cd "$tmp"
unset RURALATLAS_DATA_DIR RURALATLAS_STYLES_DIR
"$ra" init "$tmp/a.gpkg" --county-code 433127 --name 永顺县 >/dev/null
"$ra" demo --out "$tmp/d.gpkg" --villages 20 >/dev/null
"$ra" render "$tmp/d.gpkg" --size 300x200 --out "$tmp/d.png" >/dev/null
[ -s "$tmp/d.png" ] || { echo "install_test: no map drawn"; exit 1; }
mv "$share/data" "$share/data.moved"
if "$ra" init "$tmp/b.gpkg" --county-code 433127 --name 永顺县 >/dev/null 2>&1; then
  echo "install_test: the installed binary still found data after it was moved: it reads the source tree"; exit 1
fi
mv "$share/styles" "$share/styles.moved"
if "$ra" render "$tmp/d.gpkg" --size 300x200 --out "$tmp/e.png" >/dev/null 2>&1; then
  echo "install_test: the installed binary still found styles after they were moved: it reads the source tree"; exit 1
fi
echo "install_test: the installed binary uses $share"
