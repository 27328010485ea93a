#!/usr/bin/env bash
# bench-git.sh: compare keyward/scan with gitleaks v8.30.0 on a repository's history.
#
# Usage: scripts/bench-git.sh REPO_PATH
#
# gitleaks runs `gitleaks git` (which pipes `git log -p -U0 --full-history
# --all` through its detectors); scan runs `scan git REPO`. Both scan the same
# repository, RUNS times each, interleaved, after one untimed read of its
# object store to warm the page cache. Each run is timed with /usr/bin/time
# -f '%e %M'; the table shows the median wall time, the max peak RSS over all
# runs and the number of findings in each tool's JSON report.
#
# Missing objects: partial copies of big repositories often lack some blobs
# (e.g. everything >= 4 MiB). `git log -p` dies at the first one, and gitleaks
# then reports a partial scan that looks fast. Before timing, this script
# lists them (git rev-list --objects --all --missing=print) and points each at
# a placeholder blob with refs/replace/<missing-sha>; git, and so gitleaks,
# honours replace refs and walks the whole history. scan must cope with the
# repository either way. Where the refs go is set by REPLACE:
#   REPLACE=inplace   (default) add them to REPO_PATH itself; they stay there
#                     and are reused next time. Undo with:
#                       git -C REPO for-each-ref --format='delete %(refname)' refs/replace/ | git -C REPO update-ref --stdin
#   REPLACE=scratch   add them to a throwaway `git clone --mirror` of REPO in
#                     the temp dir (hard links where possible) and scan that
#   REPLACE=none      leave missing objects alone (gitleaks will stop early)
#
# Other environment:
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
# with --exit-code 0; anything else (scan 2 = error) fails this script, and so
# does a gitleaks run that logged a git error (a partial history scan).
set -euo pipefail

GITLEAKS_MODULE=github.com/zricethezav/gitleaks/v8
GITLEAKS_VERSION=v8.30.0
RUNS=${RUNS:-3}
TOOLS=${TOOLS:-scan gitleaks}
read -r -a tools <<<"$TOOLS"
REPLACE=${REPLACE:-inplace}

die() { echo "bench-git: $*" >&2; exit 2; }
note() { echo "bench-git: $*" >&2; }

[[ $# == 1 ]] || { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
for t in "${tools[@]}"; do
	[[ $t == scan || $t == gitleaks ]] || die "unknown tool '$t' in TOOLS (want scan and/or gitleaks)"
done
[[ $REPLACE == inplace || $REPLACE == scratch || $REPLACE == none ]] ||
	die "REPLACE must be inplace, scratch or none, got '$REPLACE'"
((${#tools[@]} > 0)) || die "TOOLS is empty"
wants() { [[ " ${tools[*]} " == *" $1 "* ]]; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v go >/dev/null || die "go is not on PATH"
command -v git >/dev/null || die "git is not on PATH"
command -v python3 >/dev/null || die "python3 is not on PATH"

repo=$1
[[ -d $repo ]] || die "not a directory: $repo"
repo=$(cd "$repo" && pwd -P)
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || die "not a git repository: $repo"

BENCH=bench-git
# shellcheck source=scripts/bench-lib.sh
. "$root/scripts/bench-lib.sh"

ensure_time
if wants gitleaks; then ensure_gitleaks; fi
if wants scan; then ensure_scan; fi

# --- missing objects -------------------------------------------------------------

# list_missing REPO: print the objects reachable from any ref that are not in
# the object store.
list_missing() {
	git -C "$1" rev-list --objects --all --missing=print | sed -n 's/^?//p' | sort -u
}

# unreplaced REPO MISSING_FILE: print the objects in MISSING_FILE that have no
# refs/replace/ entry in REPO yet. (rev-list reports an object as missing even
# when a replace ref covers it.)
unreplaced() {
	comm -23 "$2" <(git -C "$1" for-each-ref --format='%(refname:lstrip=2)' refs/replace/ | sort -u)
}

note "listing objects reachable from all refs (missing ones included)"
list_missing "$repo" >"$tmp/missing.all"
n_missing=$(wc -l <"$tmp/missing.all")

target=$repo
replace_note="no missing objects"
if ((n_missing > 0)); then
	case $REPLACE in
	none)
		replace_note="$n_missing missing objects left alone (REPLACE=none): gitleaks stops at the first one"
		;;
	scratch)
		note "cloning $repo into a throwaway mirror for the refs/replace workaround"
		git clone --quiet --mirror "$repo" "$tmp/repo.git"
		target=$tmp/repo.git
		;;
	esac
	if [[ $REPLACE != none ]]; then
		unreplaced "$target" "$tmp/missing.all" >"$tmp/missing.todo"
		n_todo=$(wc -l <"$tmp/missing.todo")
		if ((n_todo > 0)); then
			# Missing objects are taken to be blobs (what size-limited copies
			# leave out). Were one a tree or a commit, git log would still fail
			# and the check after each gitleaks run below would say so.
			placeholder=$(git -C "$target" hash-object -w --stdin <<<"placeholder")
			sed "s|.*|update refs/replace/& $placeholder|" "$tmp/missing.todo" |
				git -C "$target" update-ref --stdin
			note "pointed $n_todo missing objects at placeholder blob $placeholder via refs/replace/ in $target"
		fi
		replace_note="$n_missing missing objects, each replaced by a placeholder blob via refs/replace/ in $target"
		if [[ $REPLACE == inplace ]]; then
			replace_note+=" (left in place; undo: git -C $repo for-each-ref --format='delete %(refname)' refs/replace/ | git -C $repo update-ref --stdin)"
		fi
	fi
fi

# --- measuring ---------------------------------------------------------------

run_scan() { # RUN
	local rc=0
	timed scan "$1" "$SCAN_BIN" git "$target" --format json --output "$tmp/scan.$1.json" || rc=$?
	# 0 = clean, 1 = findings; 2 (or anything else) = error.
	[[ $rc == 0 || $rc == 1 ]] || fail_run scan "$1" "$rc"
	[[ -s $tmp/scan.$1.json ]] || fail_run scan "$1" "$rc (no JSON report written)"
}

gitleaks_partial=0
run_gitleaks() { # RUN
	local rc=0
	# Run from the temp dir so no stray .gitleaksignore in the caller's cwd is
	# picked up, and without config overrides from the environment.
	(cd "$tmp" && timed gitleaks "$1" env -u GITLEAKS_CONFIG -u GITLEAKS_CONFIG_TOML \
		"$GITLEAKS" git --no-banner --report-format json --report-path "$tmp/gitleaks.$1.json" \
		--exit-code 0 "$target") || rc=$?
	[[ $rc == 0 ]] || fail_run gitleaks "$1" "$rc"
	[[ -s $tmp/gitleaks.$1.json ]] || fail_run gitleaks "$1" "$rc (no JSON report written)"
	# gitleaks logs git's stderr as "[git] ..." errors (e.g. "fatal: unable to
	# read <sha>") and still exits 0 with whatever it saw until then.
	if sed 's/\x1b\[[0-9;]*m//g' "$tmp/gitleaks.$1.log" | grep -E '\[git\]|partial scan' >"$tmp/gitleaks.$1.errors"; then
		note "warning: gitleaks run $1 did not scan the whole history:"
		head -n 5 "$tmp/gitleaks.$1.errors" >&2
		gitleaks_partial=1
	fi
}

for f in .gitleaks.toml .gitleaksignore; do
	if [[ -e $target/$f ]]; then
		note "warning: $target/$f exists; gitleaks will use it, so its rules or ignores differ from the defaults"
	fi
done

commits=$(git -C "$target" rev-list --all --count)
nrefs=$(git -C "$target" for-each-ref --format="%(refname)" | grep -vc "^refs/replace/" || true)
pack_kib=$(git -C "$target" count-objects -v | awk '/^size-pack:/ {p=$2} /^size:/ {l=$2} END {print p + l}')
read -r nblobs blob_bytes < <(git -C "$target" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
	awk '$1 == "blob" {n++; s += $2} END {printf "%d %.0f\n", n, s}')
shallow=$(git -C "$target" rev-parse --is-shallow-repository)

objdir=$(cd "$target" && cd "$(git rev-parse --git-common-dir)" && pwd -P)/objects
note "warming the page cache: reading $objdir"
# Pipe through cat: GNU tar does not read file data when the archive is /dev/null.
tar -cf - -C "$objdir" . 2>/dev/null | cat >/dev/null || true

for ((i = 1; i <= RUNS; i++)); do
	for t in "${tools[@]}"; do
		note "run $i/$RUNS: $t"
		"run_$t" "$i"
	done
done

# --- report ------------------------------------------------------------------

echo
echo "repo:     $target"
echo "          $commits commits from $nrefs refs (git rev-list --all), shallow: $shallow"
echo "          packed $((pack_kib / 1024)) MiB; $nblobs blobs in store, $((blob_bytes / 1048576)) MiB inflated"
echo "missing:  $replace_note"
echo "machine:  $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3-), $(git --version)"
if wants scan; then
	echo "scan:     $SCAN_BIN (keyward/scan at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
fi
if wants gitleaks; then
	echo "gitleaks: $GITLEAKS ($GITLEAKS_VERSION, -tags gore2regex, built-in rules)"
fi
echo "runs:     $RUNS per tool, page cache warm"
echo

python3 "$root/scripts/bench-summary.py" "$tmp" "$RUNS" git "${tools[@]}"

if ((gitleaks_partial)); then
	if [[ $REPLACE == none ]]; then
		note "gitleaks scanned only part of the history (REPLACE=none); its time is not comparable"
	else
		die "gitleaks scanned only part of the history; its time is not comparable"
	fi
fi
