#!/usr/bin/env bash
# Fuzzes every parser of outside input: runs each fuzz target of the module
# (func FuzzXxx in a _test.go file) for DURATION, default 10s, one target
# per go test invocation, as Go requires. Needs no database.
#
#   ./scripts/fuzz.sh          # 10s a target
#   ./scripts/fuzz.sh 10m      # the long run
#
# Stops at the first failure and says where Go wrote the failing input
# (PKG/testdata/fuzz/FuzzXxx/…): commit that file and it runs with every
# go test as a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

ensure_go
duration=${1:-10s}
# The targets must not need PostgreSQL; without this a target that did
# would pass here only on a machine that has one.
unset SITREP_TEST_DATABASE_URL

# The fuzz targets: func FuzzXxx in the module's test files, by package
# (read from the source; listing them with go test -list would build every
# package once more just to name them).
targets=()
while read -r pkg dir; do
  for name in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go | awk '{print $2}' | sort -u); do
    targets+=("$pkg $name")
  done
done < <(go list -f '{{.ImportPath}} {{.Dir}}' $(git ls-files --cached --others --exclude-standard '*_test.go' | xargs grep -l '^func Fuzz' | xargs -n1 dirname | sort -u | sed 's|^|./|'))
[ ${#targets[@]} -gt 0 ] || die "no fuzz targets found"
log "fuzzing ${#targets[@]} targets for $duration each"

# Each package's instrumented test binary is built once (go test -c) and
# run for each of its targets from the package's folder, where its
# testdata/fuzz corpus is: "go test -fuzz" would relink it for every target,
# which took most of the step's time. The cache of inputs found before is
# the one "go test -fuzz" keeps, so both ways grow the same corpus.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$work/out
cache=$(go env GOCACHE)/fuzz
declare -A bins
for entry in "${targets[@]}"; do
  read -r pkg name <<<"$entry"
  if [ -z "${bins[$pkg]:-}" ]; then
    bins[$pkg]=$work/$(tr / _ <<<"$pkg").test
    go test -c -fuzz=. -o "${bins[$pkg]}" "$pkg"
  fi
  dir=$(go list -f '{{.Dir}}' "$pkg")
  # -fuzzminimizetime: Go spends up to 60 s shrinking each new input it
  # finds, and on the larger bodies (a warning, an incident) that left a
  # 30 s run about 500 executions; 5 s still shrinks a failing input.
  if ! (cd "$dir" && "${bins[$pkg]}" -test.run '^$' -test.fuzz "^${name}\$" -test.fuzztime "$duration" \
        -test.fuzzminimizetime 5s -test.fuzzcachedir "$cache/$pkg") >"$out" 2>&1; then
    if grep -q 'context deadline exceeded' "$out" && ! grep -q 'Failing input written to' "$out"; then
      # Go before 1.27 may report its own -fuzztime deadline as a failure
      # when a worker is mid-input as time runs out (go.dev/issue/75804);
      # no input failed, and nothing was written to reproduce.
      log "$name: Go's fuzzing stopped at its deadline with a spurious error (go.dev/issue/75804); no input failed"
      continue
    fi
    cat "$out" >&2
    crasher=$(sed -n 's/.*Failing input written to \(testdata\/fuzz\/[^ ]*\).*/\1/p' "$out" | tail -1)
    if [ -n "$crasher" ]; then
      die "$name ($pkg) failed; the input is in ${dir#"$PWD"/}/$crasher — rerun it with: go test -run=$name/$(basename "$crasher") $pkg"
    fi
    die "$name ($pkg) failed"
  fi
  # None when the machine is so busy that the time ran out while the
  # corpus was still being read: the seeds ran, no new input did.
  execs=$(grep -o 'execs: [0-9]*' "$out" | tail -1 | awk '{print $2}' || true)
  printf '%-24s %-36s %12s execs\n' "$name" "$pkg" "${execs:-0}" >&2
done
log "every fuzz target ran $duration without a failure"
