#!/usr/bin/env bash
# Puts the scan binary of the Action's own ref in place and names it in
# SCAN_BIN (through GITHUB_ENV) for the Scan step.
#
# A release tag (v1.2.3): download the release archive for this runner and
# check it against the release's checksums.txt; a mismatch fails the step.
# Any other ref (a branch, a commit), or a tag without a release: build
# from the Action's own source with the Go already on the runner. Nothing
# is added to GITHUB_PATH and no Go setting reaches GITHUB_ENV, so the
# user's later steps see the Go (and GOFLAGS) they had.
#
# KEYWARD_RELEASE_URL replaces https://github.com/keyward/scan/releases/download
# (tests serve archives from a local directory).
set -euo pipefail

ref=${ACTION_REF:-}
dest=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/keyward-scan-bin
base=${KEYWARD_RELEASE_URL:-https://github.com/keyward/scan/releases/download}
env_file=${GITHUB_ENV:-/dev/null}
src=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}
mkdir -p "$dest"

fail() {
	echo "::error title=keyward scan install::$1"
	exit 2
}

case "${RUNNER_OS:-$(uname -s)}" in
Linux) os=linux ;;
macOS | Darwin) os=darwin ;;
Windows | MINGW* | MSYS*) os=windows ;;
*) fail "unsupported runner OS ${RUNNER_OS:-$(uname -s)}" ;;
esac
case "${RUNNER_ARCH:-$(uname -m)}" in
X64 | x86_64 | amd64) arch=amd64 ;;
ARM64 | arm64 | aarch64) arch=arm64 ;;
*) fail "unsupported runner architecture ${RUNNER_ARCH:-$(uname -m)}" ;;
esac
exe=scan
[ "$os" = windows ] && exe=scan.exe

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1
}
# fetch URL FILE: 0 when downloaded, 1 when the release has no such file,
# and a failed step for any other error (a network that is down must not
# quietly turn into a source build that hides it).
fetch() {
	local code
	code=$(curl -sS -L --proto '=https,file,http' --retry 3 -o "$2" -w '%{http_code}' "$1") || fail "could not download $1"
	case "$code" in
	200 | 000) return 0 ;; # 000: a file:// URL
	404) return 1 ;;
	*) fail "downloading $1: HTTP $code" ;;
	esac
}

if [[ "$ref" =~ ^v([0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?)$ ]]; then
	version=${BASH_REMATCH[1]}
	name=keyward-scan_${version}_${os}_${arch}
	archive=$name.tar.gz
	[ "$os" = windows ] && archive=$name.zip
	if fetch "$base/$ref/checksums.txt" "$dest/checksums.txt"; then
		fetch "$base/$ref/$archive" "$dest/$archive" || fail "release $ref has checksums.txt but no $archive"
		want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$dest/checksums.txt")
		[ -n "$want" ] || fail "checksums.txt of release $ref does not list $archive: refusing to run an unverified binary"
		got=$(sha256 "$dest/$archive")
		if [ "$got" != "$want" ]; then
			fail "$archive does not match checksums.txt of release $ref (sha256 $got, expected $want): the download was altered or corrupted; refusing to run it"
		fi
		case "$archive" in
		*.zip) unzip -q -o "$dest/$archive" "$exe" -d "$dest" ;;
		*) tar -xzf "$dest/$archive" -C "$dest" "$exe" ;;
		esac
		chmod +x "$dest/$exe"
		echo "keyward scan $ref: release binary $archive, sha256 $got (matches checksums.txt)"
		echo "SCAN_BIN=$dest/$exe" >>"$env_file"
		exit 0
	fi
	echo "keyward scan: no release $ref found; building from the Action's source"
fi

# A source build, in a subshell whose settings end with it: the user's
# GOFLAGS (-mod=vendor), GOWORK or GOOS must not change this build, and
# this build must not change the user's job.
command -v go >/dev/null 2>&1 || fail "the Action's ref ${ref:-?} is not a release, and no Go is on PATH to build it: pin the Action to a release tag (uses: keyward/scan@v1.2.3), or run actions/setup-go before it"
(
	cd "$src"
	unset GOOS GOARCH GOENV
	export GOFLAGS=-mod=readonly GOWORK=off
	go build -ldflags "-X main.version=${ref:-dev}" -o "$dest/$exe" ./cmd/scan
) || fail "building scan from the Action's source failed (see the log above)"
echo "keyward scan ${ref:-dev}: built from source"
echo "SCAN_BIN=$dest/$exe" >>"$env_file"
