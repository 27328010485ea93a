#!/usr/bin/env bash
# The keyward scan GitHub Action's logic (action.yml runs it; so does the
# Go test cmd/scan/action_test.go, with a fake event, to reproduce the
# self-test locally). It picks what to scan from the event, fetches the
# history the scan needs from a shallow clone, runs scan once for all
# reports, and writes the step outputs and the job summary.
#
# Inputs come from the environment (INPUT_*), never from ${{ }}
# interpolation, so no input can inject shell code. Needs bash, git, jq.
#
# Exit status: 0 clean, 1 findings at or above fail-on, 2 error.
set -euo pipefail

scan=${SCAN_BIN:?SCAN_BIN must name the scan binary}
path=${INPUT_PATH:-.}
mode=${INPUT_MODE:-auto}
fail_on=${INPUT_FAIL_ON:-low}
prefix=${INPUT_CATEGORY:-keyward-scan}
tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
# One directory per run: a job may use the Action twice, and a stale
# report from the first must never stand in for the second.
work=$(mktemp -d "$tmp/keyward-scan.XXXXXX")
sarif=${INPUT_SARIF_FILE:-$work/results.sarif}
json=$work/results.json
# A relative sarif-file is relative to the workspace, where later steps
# (the upload) look for it, not to the scanned path.
case "$sarif" in /*) ;; *) sarif=$PWD/$sarif ;; esac
event=${GITHUB_EVENT_NAME:-}
payload=${GITHUB_EVENT_PATH:-}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
outputs=${GITHUB_OUTPUT:-/dev/null}

notes=()
note() { notes+=("$1"); echo "keyward scan: $1" >&2; }

# ev reads a field of the event payload ("" when absent).
ev() {
	if [ -n "$payload" ] && [ -f "$payload" ]; then
		jq -r "$1 // empty" "$payload"
	fi
}

case "$mode" in auto | git | dir) ;; *)
	echo "::error title=keyward scan::input mode must be auto, git or dir, not '$mode'"
	exit 2
	;;
esac
case "$fail_on" in info | low | medium | high | critical) ;; *)
	echo "::error title=keyward scan::input fail-on must be info, low, medium, high or critical, not '$fail_on'"
	exit 2
	;;
esac

# Extra arguments are split on whitespace, as a shell would without quotes.
read -r -a extra <<<"${INPUT_ARGS:-}"
for a in ${extra[@]+"${extra[@]}"}; do
	case "$a" in --show-secrets* | --format* | -f | --output* | -o | --report*)
		echo "::error title=keyward scan::args must not contain $a: the Action chooses the reports, and its log, summary and SARIF are read by everyone who can see the run"
		exit 2
		;;
	esac
done

cd "$path"

zero=0000000000000000000000000000000000000000

# deepen fetches more history until base and head have a merge base, or
# the whole history; it says so when history was cut.
merge_base() { git merge-base "$1" "$2" 2>/dev/null; }
deepen_until_merge_base() {
	local a=$1 b=$2 depth
	for depth in 50 200 1000 5000; do
		if merge_base "$a" "$b" >/dev/null; then return 0; fi
		[ "$(git rev-parse --is-shallow-repository)" = true ] || return 1
		git fetch --no-tags --quiet --deepen="$depth" origin ${fetch_refs[@]+"${fetch_refs[@]}"} || return 1
	done
	merge_base "$a" "$b" >/dev/null && return 0
	git fetch --no-tags --quiet --unshallow origin ${fetch_refs[@]+"${fetch_refs[@]}"} || return 1
	merge_base "$a" "$b" >/dev/null
}
unshallow() {
	if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
		note "the checkout was shallow: fetched the whole history for a full scan (set fetch-depth: 0 on actions/checkout to save this step)."
		git fetch --quiet --unshallow --tags origin || note "could not fetch the whole history: the scan covers only what the clone holds."
	fi
}

default_branch=$(ev .repository.default_branch)
scope= args=() fetch_refs=()
if [ "$mode" = auto ]; then
	case "$event" in
	pull_request | pull_request_target)
		mode=range scope=pull-request
		base_ref=$(ev .pull_request.base.ref)
		fetch_refs=("+refs/heads/$base_ref:refs/remotes/origin/$base_ref")
		# Deepening must reach the pull request's commits too.
		case "${GITHUB_REF:-}" in refs/pull/*) fetch_refs+=("+$GITHUB_REF:$GITHUB_REF") ;; esac
		# Read the parents from the commit itself: in a shallow clone the
		# checked-out commit looks parentless to rev-list.
		parents=$(git cat-file -p HEAD | sed -n 's/^parent //p' | tr '\n' ' ')
		if [ "$(echo $parents | wc -w)" -eq 2 ]; then
			# HEAD is GitHub's test merge: its first parent is the base
			# branch as merged, its second the pull request's head. Both
			# come with it, so base.sha (which can be stale) is not needed.
			set -- $parents
			base=$1 head=$2
		else
			base=$(ev .pull_request.base.sha) head=HEAD
			git cat-file -e "$base^{commit}" 2>/dev/null || git fetch --no-tags --quiet --depth=1 origin ${fetch_refs[@]+"${fetch_refs[@]}"} || true
			[ -n "$base_ref" ] && git cat-file -e "refs/remotes/origin/$base_ref" 2>/dev/null && base=refs/remotes/origin/$base_ref
		fi
		if ! deepen_until_merge_base "$base" "$head"; then
			note "history was cut: no merge base of $base and $head was found, so every commit reachable from the head is scanned."
			args=(git . --branch "$(git rev-parse "$head")")
		else
			mb=$(merge_base "$base" "$head")
			args=(git . --since-commit "$mb" --branch "$(git rev-parse "$head")" --allow-empty)
			note "scanned the pull request's commits: $(git rev-list --count "$mb..$head") commit(s) from the merge base ${mb:0:12} to ${head}."
		fi
		;;
	push)
		ref=${GITHUB_REF:-}
		if [ -n "$default_branch" ] && [ "$ref" != "refs/heads/$default_branch" ]; then
			mode=range scope=branch
			fetch_refs=("+refs/heads/$default_branch:refs/remotes/origin/$default_branch")
			git fetch --no-tags --quiet --depth=1 origin ${fetch_refs[@]+"${fetch_refs[@]}"} 2>/dev/null || true
			before=$(ev .before)
			if git cat-file -e "refs/remotes/origin/$default_branch" 2>/dev/null &&
				deepen_until_merge_base "refs/remotes/origin/$default_branch" HEAD; then
				mb=$(merge_base "refs/remotes/origin/$default_branch" HEAD)
				args=(git . --since-commit "$mb" --branch HEAD --allow-empty)
				note "scanned the commits of ${ref#refs/heads/} that are not on $default_branch: $(git rev-list --count "$mb..HEAD") commit(s)."
			elif [ -n "$before" ] && [ "$before" != "$zero" ] && git cat-file -e "$before^{commit}" 2>/dev/null; then
				args=(git . --since-commit "$before" --branch HEAD --allow-empty)
				note "$default_branch could not be fetched: scanned the pushed commits since ${before:0:12}."
			else
				# A new branch ($before all zeros) with no default branch
				# to compare with: its whole history.
				unshallow
				args=(git . --branch HEAD)
				note "no base to compare with: scanned the branch's whole history."
			fi
		else
			mode=git
		fi
		;;
	schedule | workflow_dispatch | "")
		mode=git
		;;
	*)
		note "event $event: scanning the whole history."
		mode=git
		;;
	esac
fi
case "$mode" in
git)
	scope=history
	unshallow
	args=(git .)
	;;
dir)
	scope=tree
	args=(dir .)
	;;
esac
# Each scope is its own code-scanning category: GitHub closes every alert
# missing from the next upload in the same category, so a range must never
# be uploaded where the full history is.
category="$prefix/$scope"

[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
mkdir -p "$(dirname "$sarif")"

# Annotations go to the log; SARIF and JSON to files. The floor for
# failing is applied here, not with --min-severity, so that the SARIF and
# the summary still list everything.
set +e
"$scan" "${args[@]}" --format github --report "sarif=$sarif" --report "json=$json" ${extra[@]+"${extra[@]}"}
status=$?
set -e

findings=0 failing=0
if [ -s "$json" ]; then
	findings=$(jq '.findings | length' "$json")
	failing=$(jq --arg floor "$fail_on" '
		["info","low","medium","high","critical"] as $s
		| ($s | index($floor)) as $min
		| [.findings[] | .severity as $v | select(($s | index($v)) >= $min)] | length' "$json")
fi

fork=false
head_repo=$(ev .pull_request.head.repo.full_name)
if [ -n "$head_repo" ] && [ "$head_repo" != "${GITHUB_REPOSITORY:-}" ]; then
	fork=true
	note "pull request from a fork ($head_repo): its token cannot write security events, so the SARIF is not uploaded; the findings are in this summary and the annotations."
fi

{
	echo "sarif-file=$sarif"
	echo "findings=$findings"
	echo "category=$category"
	echo "upload=$([ "$fork" = true ] && echo false || echo true)"
} >>"$outputs"

{
	echo "## keyward scan"
	echo
	case $status in
	0) echo "**No secrets found** ($scope scan)." ;;
	1) echo "**$findings secret(s) found** ($scope scan), $failing at or above \`$fail_on\`." ;;
	130) echo "**Scan interrupted**: the results are incomplete." ;;
	*) echo "**Scan failed or incomplete** (exit status $status): see the log." ;;
	esac
	echo
	if [ "$findings" -gt 0 ]; then
		echo "| Severity | Rule | File | Line | Commit | Value |"
		echo "|---|---|---|---|---|---|"
		# Values are redacted by scan; a value that is not (it cannot
		# happen with the args the Action allows) is cut here anyway.
		jq -r '
			def cell: tostring | gsub("[|`\r\n]"; " ");
			.findings[:200][] | [
				.severity, .rule_id, .path, (.start_line|tostring),
				((.commit.sha // "")[:12]),
				(if .secret_redacted then .secret else (.secret[:4] + "…") end)
			] | map(cell) | "| " + (.[0:5] | join(" | ")) + " | `" + .[5] + "` |"' "$json"
		if [ "$findings" -gt 200 ]; then
			echo
			echo "… and $((findings - 200)) more: see the SARIF report or the code-scanning alerts."
		fi
		echo
	fi
	if [ -s "$json" ]; then
		jq -r '.stats.warnings[]? | "- ⚠️ " + (tostring | gsub("[\r\n]"; " "))' "$json" | head -50
	fi
	for n in ${notes[@]+"${notes[@]}"}; do echo "- $n"; done
	echo "- Code-scanning category: \`$category\`."
	echo "- Exit status: $status."
} >>"$summary"

case $status in
0) exit 0 ;;
1)
	if [ "$failing" -gt 0 ]; then exit 1; fi
	echo "keyward scan: $findings finding(s), none at or above $fail_on: not failing." >&2
	exit 0
	;;
*) exit "$status" ;;
esac
