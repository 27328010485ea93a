# shellcheck shell=bash disable=SC2154  # BENCH, root and the tool settings come from the sourcing script
# bench-lib.sh: what bench-dir.sh and bench-git.sh share. Source it after
# setting BENCH (the script's name for messages), GITLEAKS_MODULE,
# GITLEAKS_VERSION and root, and after defining die, note and wants.
# It creates $tmp (removed on exit unless KEEP=1) and defines the helpers
# that install and time the two tools.

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$BENCH.XXXXXX")
cleanup() {
	if [[ ${KEEP:-0} == 1 ]]; then note "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- tools ------------------------------------------------------------------

ensure_time() {
	[[ -x /usr/bin/time ]] && return
	note "/usr/bin/time is missing; installing Debian package 'time'"
	[[ $(id -u) == 0 ]] || die "need root to apt-get install time"
	apt-get update && apt-get install -y time
}

# gitleaks_ok BIN: true if BIN is gitleaks $GITLEAKS_VERSION built with -tags gore2regex.
gitleaks_ok() {
	local info
	info=$(go version -m "$1" 2>/dev/null) || return 1
	grep -Eq "^[[:space:]]+mod[[:space:]]+${GITLEAKS_MODULE}[[:space:]]+${GITLEAKS_VERSION}([[:space:]]|$)" <<<"$info" &&
		grep -Eq -- '-tags=([^[:space:]]*,)?gore2regex(,|$)' <<<"$info"
}

ensure_gitleaks() {
	if [[ -n ${GITLEAKS:-} ]]; then
		[[ -x $GITLEAKS ]] || die "GITLEAKS=$GITLEAKS is not executable"
		gitleaks_ok "$GITLEAKS" || note "warning: $GITLEAKS is not gitleaks $GITLEAKS_VERSION built with -tags gore2regex"
		return
	fi
	local gobin
	gobin="$(go env GOPATH | cut -d: -f1)/bin"
	GITLEAKS=$gobin/gitleaks
	if [[ -x $GITLEAKS ]] && gitleaks_ok "$GITLEAKS"; then return; fi
	note "installing gitleaks $GITLEAKS_VERSION (-tags gore2regex, as its releases) into $gobin"
	GOBIN=$gobin go install -tags gore2regex "$GITLEAKS_MODULE@$GITLEAKS_VERSION"
	gitleaks_ok "$GITLEAKS" || die "installed $GITLEAKS but it does not look like gitleaks $GITLEAKS_VERSION"
}

ensure_scan() {
	if [[ -n ${SCAN_BIN:-} ]]; then
		[[ -x $SCAN_BIN ]] || die "SCAN_BIN=$SCAN_BIN is not executable"
		return
	fi
	note "building ./cmd/scan"
	(cd "$root" && go build -o "$tmp/scan" ./cmd/scan) || die "go build ./cmd/scan failed"
	SCAN_BIN=$tmp/scan
}

# --- measuring ---------------------------------------------------------------

# timed TOOL RUN CMD...: run CMD under /usr/bin/time; leave "WALL_S RSS_KB"
# in $tmp/TOOL.RUN.time, stdout+stderr in $tmp/TOOL.RUN.log; return CMD's status.
timed() {
	local tool=$1 run=$2 rc=0
	shift 2
	/usr/bin/time -f '%e %M' -o "$tmp/$tool.$run.time" "$@" >"$tmp/$tool.$run.log" 2>&1 || rc=$?
	# time prepends "Command exited with non-zero status N" when rc != 0: keep the last line.
	tail -n 1 "$tmp/$tool.$run.time" >"$tmp/$tool.$run.time.tmp"
	mv "$tmp/$tool.$run.time.tmp" "$tmp/$tool.$run.time"
	return "$rc"
}

fail_run() { # TOOL RUN RC
	echo "$BENCH: $1 run $2 failed with exit status $3; last lines of its output:" >&2
	tail -n 20 "$tmp/$1.$2.log" >&2 || true
	exit 2
}

