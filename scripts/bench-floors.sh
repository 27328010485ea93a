#!/usr/bin/env bash
# bench-floors.sh: measure scan against the floors of its speed goals.
#
# Usage: scripts/bench-floors.sh [TREE [REPO...]]
#
# A floor is the cheapest command that must read the same bytes:
#   - for a tree (default: $(go env GOROOT)/src), one ripgrep pass with 25
#     credential keywords, `rg -c -i -uu --hidden --no-ignore KEYWORDS TREE`,
#     against `scan dir TREE`;
#   - for each REPO, one read of every object,
#     `git cat-file --batch-all-objects --batch`, against `scan git REPO`.
# The goals are scan dir <= 1.1x its floor and scan git <= 0.8x its floor.
#
# Each pair runs in interleaved rounds (scripts/interleave.py), so both
# commands of a round meet the same load; the ratio is of the medians.
# scan is built as its releases are (CGO_ENABLED=0, -trimpath, -s -w).
#
# Environment:
#   DIR_ROUNDS=25   rounds for the tree (about half a second each)
#   GIT_ROUNDS=2    rounds for each repository (tens of seconds each)
#   SCAN_BIN=path   use this scan binary instead of building ./cmd/scan
set -euo pipefail

die() { echo "bench-floors: $*" >&2; exit 2; }

DIR_ROUNDS=${DIR_ROUNDS:-25}
GIT_ROUNDS=${GIT_ROUNDS:-2}
[[ $DIR_ROUNDS =~ ^[1-9][0-9]*$ ]] || die "DIR_ROUNDS must be a positive integer"
[[ $GIT_ROUNDS =~ ^[1-9][0-9]*$ ]] || die "GIT_ROUNDS must be a positive integer"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v go >/dev/null || die "go is not on PATH"
command -v python3 >/dev/null || die "python3 is not on PATH"
command -v rg >/dev/null || die "ripgrep (rg) is not on PATH (Debian: apt-get install ripgrep)"

tree=${1:-$(go env GOROOT)/src}
[[ -d $tree ]] || die "not a directory: $tree"
tree=$(cd "$tree" && pwd -P)
shift $(($# > 0 ? 1 : 0))
for repo in "$@"; do
	git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || die "not a git repository: $repo"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-floors.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [[ -z ${SCAN_BIN:-} ]]; then
	(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/scan" ./cmd/scan) ||
		die "go build ./cmd/scan failed"
	SCAN_BIN=$tmp/scan
fi
[[ -x $SCAN_BIN ]] || die "SCAN_BIN=$SCAN_BIN is not executable"

keywords='key|secret|token|passw|api_|private|bearer|auth|credential|akia|ghp_|xox|sk_live|mnemonic|seed|wallet|binance|bybit|okx|kraken|coinbase|kucoin|bitget|gate|mexc'
q() { printf '%q' "$1"; }

echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3-)"
echo "scan:    $SCAN_BIN ($(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "rg:      $(rg --version | head -1)"
echo
echo "tree $tree, $DIR_ROUNDS rounds (goal 1.1x)"
python3 "$root/scripts/interleave.py" "$DIR_ROUNDS" \
	"rg=rg -c -i -uu --hidden --no-ignore $(q "$keywords") $(q "$tree")" \
	"scan dir=$(q "$SCAN_BIN") dir $(q "$tree") --format json --output $(q "$tmp/dir.json")"

for repo in "$@"; do
	gitdir=$(git -C "$repo" rev-parse --path-format=absolute --git-dir)
	echo
	echo "history $gitdir, $GIT_ROUNDS rounds (goal 0.8x)"
	python3 "$root/scripts/interleave.py" "$GIT_ROUNDS" \
		"cat-file=git -C $(q "$gitdir") cat-file --batch-all-objects --batch" \
		"scan git=$(q "$SCAN_BIN") git $(q "$gitdir") --format json --output $(q "$tmp/git.json")"
done
