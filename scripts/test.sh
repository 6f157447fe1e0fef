#!/usr/bin/env bash
# Runs the whole test suite: formatting, go vet, staticcheck, and go test -race against a
# throwaway PostgreSQL/PostGIS cluster made for this run in a temp folder and
# removed after. Installs what it needs from Debian's packages if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

ensure_go
ensure_postgis
apt_install libxml2-utils   # xmllint validates CAP 1.2 warnings against the OASIS schema
apt_install chromium fonts-noto-cjk curl   # the map page's browser tests (e2e/), headless
apt_install poppler-utils   # pdftotext reads the situation report Chromium prints to PDF (e2e/report.test.js)
ensure_node
apt_install gdal-bin        # ogrinfo/ogr2ogr read /ogc (ogc/gdal_test.go); ogr2ogr loads OSM extracts (basemap)

tmp=$(mktemp -d /tmp/sitrep-test.XXXXXX)
chmod 755 "$tmp"
cleanup() { pg_stop "$tmp/pg"; rm -rf "$tmp"; }
trap cleanup EXIT

# Port: any free one; the cluster is ours alone and gone after the run.
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
# Durability off: this data is thrown away, and fsync would dominate the run.
pg_start "$tmp/pg" "$tmp/run" "$port" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300
export SITREP_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"

log "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))
[ -z "$unformatted" ] || die "gofmt would change: $unformatted"
log "go vet"
go vet ./...
log "staticcheck (every check)"
go tool staticcheck -checks all ./...
# -timeout catches a hung test, not a slow one: on a busy 2-core machine a
# package's tests under -race take several times what they take alone.
log "go test -race"
go test -race -count=1 -timeout 30m -skip '^TestHostileRoutes$' ./...
# The sweep sends its 10,000 requests one after another; the race detector
# would multiply its time for nothing the concurrent tests above do not see.
log "hostile-input sweep of every route"
go test -count=1 -timeout 30m -run '^TestHostileRoutes$' ./internal/server/
log "fuzz: every parser of outside input, 3s a target (the long run: ./scripts/fuzz.sh 10m)"
./scripts/fuzz.sh 3s
log "browser tests (e2e/: headless Chromium against a running server)"
(cd e2e && npm ci --no-audit --no-fund && npm test)
