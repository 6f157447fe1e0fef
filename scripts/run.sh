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
apt_install curl
apt_install gdal-bin   # ogr2ogr reads OpenStreetMap extracts for sitrep basemap import
export SITREP_ADDR=${SITREP_ADDR:-:8080}

if [ -z "${DATABASE_URL:-}" ]; then
  ensure_postgis
  pg_port=${SITREP_PG_PORT:-54329}
  data=$root/.data/pg
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root"; then
    # The postgres user cannot reach the checkout (e.g. it is under /root):
    # keep the cluster where it can.
    data=/var/lib/sitrep/$(echo "$root" | md5sum | cut -c1-12)/pg
    log "the postgres user cannot enter $root; keeping the cluster in $data"
  fi
  pg_start "$data" "$data/../run" "$pg_port"
  trap 'log "stopping PostgreSQL"; pg_stop "$data"' EXIT
  run_pg "$PG_BIN/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'sitrep'" | grep -q 1 \
    || run_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres sitrep
  export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/sitrep?sslmode=disable"
fi

log "building sitrep"
mkdir -p .data/bin
go build -o .data/bin/sitrep ./cmd/sitrep

.data/bin/sitrep migrate up
.data/bin/sitrep demo

port=${SITREP_ADDR##*:}
.data/bin/sitrep serve &
serve_pid=$!
trap 'kill $serve_pid ${sim_pid:-} 2>/dev/null; wait $serve_pid 2>/dev/null; pg_stop "${data:-}"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:${port}/readyz" >/dev/null 2>&1 && break
  kill -0 $serve_pid 2>/dev/null || die "sitrep serve exited (see the log above)"
  sleep 0.2
done

# Demo life on the map wall: drill incidents, teams driving, warnings issued
# and lifted (SITREP_SIMULATE=0 turns it off).
if [ "${SITREP_SIMULATE:-1}" != 0 ]; then
  SITREP_TOKEN=$(.data/bin/sitrep users token admin --label "simulate (run.sh)" | tail -n 1) \
    SITREP_URL="http://127.0.0.1:${port}" .data/bin/sitrep simulate &
  sim_pid=$!
fi

echo
echo "Sitrep: http://localhost:${port}/   (Ctrl-C to stop)"
echo "The demo runs a simulation of drill incidents (演练); SITREP_SIMULATE=0 turns it off."
echo
wait $serve_pid
