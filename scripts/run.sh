#!/usr/bin/env bash
# Runs Sitrep with its demo data on http://localhost:8080.
#
# Without DATABASE_URL it installs PostgreSQL 15 and PostGIS 3 from Debian's
# packages if they are missing and keeps a cluster of its own in .data/ (git
# ignores it; running again keeps the data). With DATABASE_URL it uses that
# PostGIS and starts no cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. scripts/lib/common.sh

ensure_go
export SITREP_ADDR=${SITREP_ADDR:-:8080}

if [ -z "${DATABASE_URL:-}" ]; then
  ensure_postgis
  port=${SITREP_PG_PORT:-54329}
  data=$root/.data/pg
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root"; then
    # The postgres user cannot reach the checkout (e.g. it is under /root):
    # keep the cluster where it can.
    data=/var/lib/sitrep/$(echo "$root" | md5sum | cut -c1-12)/pg
    log "the postgres user cannot enter $root; keeping the cluster in $data"
  fi
  pg_start "$data" "$data/../run" "$port"
  trap 'log "stopping PostgreSQL"; pg_stop "$data"' EXIT
  run_pg "$PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'sitrep'" | grep -q 1 \
    || run_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres sitrep
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/sitrep?sslmode=disable"
fi

log "building sitrep"
mkdir -p .data/bin
go build -o .data/bin/sitrep ./cmd/sitrep

.data/bin/sitrep migrate up
.data/bin/sitrep demo

port=${SITREP_ADDR##*:}
echo
echo "Sitrep: http://localhost:${port}/   (Ctrl-C to stop)"
echo
.data/bin/sitrep serve
