#!/usr/bin/env bash
# bench-dir.sh: compare keyward/scan with gitleaks v8.30.0 on one directory tree.
#
# Usage: scripts/bench-dir.sh [PATH]        (default: $(go env GOROOT)/src)
#
# Both tools scan the same absolute PATH, RUNS times each, interleaved
# (scan, gitleaks, scan, gitleaks, ...) after one untimed read of the tree to
# warm the page cache. Each run is timed with /usr/bin/time -f '%e %M'; the
# table shows the median wall time, the max peak RSS over all runs and the
# number of findings in each tool's JSON report.
#
# Environment:
#   RUNS=3             timed runs per tool
#   TOOLS="scan gitleaks"
#                      which tools to run (e.g. TOOLS=gitleaks while cmd/scan
#                      does not build yet); the ratio needs both
#   SCAN_BIN=path      use this scan binary instead of building ./cmd/scan
#   GITLEAKS=path      use this gitleaks binary instead of GOPATH/bin/gitleaks
#   KEEP=1             keep the temp dir (reports, logs, timings) and print it
#
# gitleaks is installed the way its releases are built, if it is missing:
#   go install -tags gore2regex github.com/zricethezav/gitleaks/v8@v8.30.0
# It runs with its built-in rules (no config), default --max-decode-depth.
#
# Exit codes of the tools: scan exits 0 (clean) or 1 (findings), gitleaks runs
# with --exit-code 0; anything else (scan 2 = error) fails this script.
set -euo pipefail

GITLEAKS_MODULE=github.com/zricethezav/gitleaks/v8
GITLEAKS_VERSION=v8.30.0
RUNS=${RUNS:-3}
TOOLS=${TOOLS:-scan gitleaks}
read -r -a tools <<<"$TOOLS"

die() { echo "bench-dir: $*" >&2; exit 2; }
note() { echo "bench-dir: $*" >&2; }

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
for t in "${tools[@]}"; do
	[[ $t == scan || $t == gitleaks ]] || die "unknown tool '$t' in TOOLS (want scan and/or gitleaks)"
done
((${#tools[@]} > 0)) || die "TOOLS is empty"
wants() { [[ " ${tools[*]} " == *" $1 "* ]]; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v go >/dev/null || die "go is not on PATH"
command -v python3 >/dev/null || die "python3 is not on PATH"

target=${1:-$(go env GOROOT)/src}
[[ -d $target ]] || die "not a directory: $target"
target=$(cd "$target" && pwd -P)

BENCH=bench-dir
# shellcheck source=scripts/bench-lib.sh
. "$root/scripts/bench-lib.sh"

ensure_time
if wants gitleaks; then ensure_gitleaks; fi
if wants scan; then ensure_scan; fi

run_scan() { # RUN
	local rc=0
	timed scan "$1" "$SCAN_BIN" dir "$target" --format json --output "$tmp/scan.$1.json" || rc=$?
	# 0 = clean, 1 = findings; 2 (or anything else) = error.
	[[ $rc == 0 || $rc == 1 ]] || fail_run scan "$1" "$rc"
	[[ -s $tmp/scan.$1.json ]] || fail_run scan "$1" "$rc (no JSON report written)"
}

run_gitleaks() { # RUN
	local rc=0
	# Run from the temp dir so no stray .gitleaksignore in the caller's cwd is
	# picked up, and without config overrides from the environment.
	(cd "$tmp" && timed gitleaks "$1" env -u GITLEAKS_CONFIG -u GITLEAKS_CONFIG_TOML \
		"$GITLEAKS" dir --no-banner --report-format json --report-path "$tmp/gitleaks.$1.json" \
		--exit-code 0 "$target") || rc=$?
	[[ $rc == 0 ]] || fail_run gitleaks "$1" "$rc"
	[[ -s $tmp/gitleaks.$1.json ]] || fail_run gitleaks "$1" "$rc (no JSON report written)"
}

for f in .gitleaks.toml .gitleaksignore; do
	if [[ -e $target/$f ]]; then
		note "warning: $target/$f exists; gitleaks will use it, so its rules or ignores differ from the defaults"
	fi
done

nfiles=$(find "$target" -type f | wc -l)
nbytes=$(du -sb "$target" | cut -f1)
note "warming the page cache: reading $nfiles files under $target"
# Pipe through cat: GNU tar does not read file data when the archive is /dev/null.
tar -cf - -C "$target" . 2>/dev/null | cat >/dev/null || true

for ((i = 1; i <= RUNS; i++)); do
	for t in "${tools[@]}"; do
		note "run $i/$RUNS: $t"
		"run_$t" "$i"
	done
done

# --- report ------------------------------------------------------------------

echo
echo "target:   $target ($nfiles files, $((nbytes / 1048576)) MiB)"
echo "machine:  $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3-)"
if wants scan; then
	echo "scan:     $SCAN_BIN (keyward/scan at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
fi
if wants gitleaks; then
	echo "gitleaks: $GITLEAKS ($GITLEAKS_VERSION, -tags gore2regex, built-in rules)"
fi
echo "runs:     $RUNS per tool, page cache warm"
echo

python3 "$root/scripts/bench-summary.py" "$tmp" "$RUNS" dir "${tools[@]}"
