#!/usr/bin/env bash
# Runs the browser tests against a real Sitrep: builds the binary, makes a
# fresh database on the test cluster (SITREP_TEST_DATABASE_URL points at its
# postgres database), loads the demo data, serves it on a free port, logs the
# test users in once, runs every *.test.js with node's test runner in
# headless Chromium, and stops the server and drops the database after.
set -euo pipefail
cd "$(dirname "$0")"
: "${SITREP_TEST_DATABASE_URL:?point it at the postgres database of the test cluster}"
work=$(mktemp -d /tmp/sitrep-web.XXXXXX)
db="sitrep_web_$$"
admin_url="$SITREP_TEST_DATABASE_URL"
export DATABASE_URL="${admin_url%%\?*}"
DATABASE_URL="${DATABASE_URL%/*}/$db"
[[ "$admin_url" == *\?* ]] && DATABASE_URL="$DATABASE_URL?${admin_url#*\?}"
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

(cd .. && go build -o "$work/sitrep" ./cmd/sitrep)
# Tests that run the CLI against the same database (sitrep basemap import) use it.
export SITREP_BIN="$work/sitrep"
psql "$admin_url" -qc "CREATE DATABASE $db" >/dev/null
"$work/sitrep" demo > "$work/demo.txt"
# The demo prints one line per user: name, role, password, token.
SITREP_TOKENS=$(awk '$4 ~ /^sitrep_/ { printf "%s\"%s\":\"%s\"", (n++ ? "," : "{"), $1, $4 } END { print "}" }' "$work/demo.txt")
export SITREP_TOKENS
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export SITREP_URL="http://localhost:$port"
SITREP_ADDR="127.0.0.1:$port" "$work/sitrep" serve > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "$SITREP_URL/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "$SITREP_URL/readyz" >/dev/null || { cat "$work/serve.log"; exit 1; }
mkdir -p test-results
export SITREP_SESSIONS="$work/sessions.json"
node setup.js
status=0
[ $# -gt 0 ] || set -- ./*.test.js
node --test --test-concurrency=1 "$@" || status=$?
if [ "$status" != 0 ]; then echo "--- server log (last 40 lines)"; tail -n 40 "$work/serve.log"; fi
exit "$status"
