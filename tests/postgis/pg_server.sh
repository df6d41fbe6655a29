#!/usr/bin/env bash
# Starts a throw-away PostgreSQL + PostGIS server for tests and benchmarks, on a Unix socket
# in a temp folder (no TCP). Usage: source pg_server.sh; pg_start; ...; pg_stop
# Sets PGHOST, PGPORT, PGUSER, PGDATABASE and PG_GDAL (an OGR connection string).
set -euo pipefail

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] || { echo "PostgreSQL is not installed (scripts/setup.sh installs it)" >&2; return 1; }
  echo "$d"
}

pg_start() {
  PG_DIR=$(mktemp -d /tmp/ruralatlas-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  local bin run=()
  bin=$(pg_bin)
  # initdb refuses to run as root: run the server as the postgres user the package created.
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-k $PG_DIR -c listen_addresses='' -p 54329 -c fsync=off -c shared_buffers=512MB -c max_parallel_workers_per_gather=2" start >/dev/null
  export PGHOST="$PG_DIR" PGPORT=54329 PGUSER=postgres PGDATABASE=ruralatlas
  createdb ruralatlas
  psql -qAtc "CREATE EXTENSION postgis" >/dev/null
  export PG_GDAL="PG:host=$PG_DIR port=54329 user=postgres dbname=ruralatlas"
  PG_RUN=("${run[@]}")
  PG_BIN="$bin"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
