#!/usr/bin/env bash
# Installs the Debian packages RuralAtlas needs (only those missing) and builds a preset.
# Usage: scripts/setup.sh [preset]   (default: release). Idempotent; fast the second time.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"

packages=(
  build-essential cmake ninja-build pkg-config git
  libgdal-dev gdal-bin libproj-dev proj-bin proj-data libgeos-dev libboost-dev zlib1g-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  sqlite3 libsqlite3-dev time
  postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting libpq-dev
  qt6-base-dev qt6-svg-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-qpa-plugins
  coinor-libcbc-dev
  fonts-wqy-zenhei fonts-wqy-microhei poppler-utils clang-format
  python3-qgis osmium-tool
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f "build/$preset/build.ninja" ]; then
  cmake --preset "$preset" >/dev/null
fi
cmake --build --preset "$preset" -- -j"$(nproc)"
