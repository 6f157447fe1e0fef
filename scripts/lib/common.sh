# Shared by run.sh and test.sh: install what Sitrep needs from Debian's
# packages, and start a PostgreSQL/PostGIS cluster in a folder of our own.
# Source it; do not run it.

PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=""
# apt_install PKG...: install the Debian packages that are missing.
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} from Debian's packages"
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_go() {
  command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] || die "Go 1.26 is needed: install it from https://go.dev/dl and put it on PATH"
  command -v go >/dev/null 2>&1 || export PATH=/usr/local/go/bin:$PATH
}

# ensure_node: Node.js 20 or newer for the browser tests (playwright-core needs
# it; Debian 12's own nodejs is 18). An older or missing one is left alone:
# Debian's npm fetches Node 22 from the npm registry's node-linux-<arch>
# package into a cache folder, which goes first on PATH.
ensure_node() {
  local major=0 arch dir
  command -v node >/dev/null 2>&1 && major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [ "$major" -ge 20 ] && return 0
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  case "$(uname -m)" in
    x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) die "no Node.js 20+ for $(uname -m): install one and put it on PATH" ;;
  esac
  dir=${XDG_CACHE_HOME:-$HOME/.cache}/sitrep/node22
  if [ ! -x "$dir/node_modules/node-linux-$arch/bin/node" ]; then
    log "Node.js ${major} is too old for the browser tests; taking Node 22 from the npm registry into $dir"
    npm install --prefix "$dir" --no-audit --no-fund --no-save "node-linux-$arch@22" >/dev/null
  fi
  export PATH="$dir/node_modules/node-linux-$arch/bin:$PATH"
}

ensure_postgis() {
  apt_install "postgresql-$PG_MAJOR" "postgresql-$PG_MAJOR-postgis-3" "postgresql-$PG_MAJOR-pgrouting"
}

# run_pg CMD...: run a PostgreSQL program as the postgres user when we are root
# (PostgreSQL refuses to run as root), as ourselves otherwise.
run_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start DATADIR SOCKETDIR PORT [extra postgres options]: make the cluster if
# it does not exist, then start it listening on 127.0.0.1:PORT and a socket.
pg_start() {
  local data=$1 sock=$2 port=$3; shift 3
  mkdir -p "$data" "$sock"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$data" "$sock"; chmod 700 "$data"; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    log "creating a PostgreSQL cluster in $data"
    run_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  run_pg "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $sock $*" start >/dev/null \
    || { tail -n 20 "$data/server.log" >&2; die "PostgreSQL did not start (log above)"; }
}

pg_stop() {
  local data=$1
  [ -n "$data" ] && [ -f "$data/postmaster.pid" ] && run_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}
