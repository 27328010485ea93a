#!/usr/bin/env bash
# The keyward scan GitHub Action's logic (action.yml runs it; so do the Go
# tests in cmd/scan/action_test.go, with checkouts and payloads made as
# actions/checkout and GitHub make them). It picks what to scan from the
# event, fetches the history the scan needs, runs scan, and writes the step
# outputs and the job summary. docs/ci.md says what each event scans and
# why.
#
# It only reads git objects: nothing from the scanned repository is run
# (no hooks, filters or scripts), which is what makes it safe on
# pull_request_target, where the pull request's code is untrusted.
#
# Inputs come from the environment (INPUT_*), never from ${{ }}
# interpolation, so no input can inject shell code. Needs bash, git, jq.
#
# Exit status: 0 clean, 1 findings at or above fail-on, 2 error or an
# incomplete scan (never a pass).
set -euo pipefail

scan=${SCAN_BIN:?SCAN_BIN must name the scan binary}
path=${INPUT_PATH:-.}
mode=${INPUT_MODE:-auto}
fail_on=${INPUT_FAIL_ON:-low}
prefix=${INPUT_CATEGORY:-keyward-scan}
want_upload=${INPUT_UPLOAD_SARIF:-true}
incremental=${INPUT_INCREMENTAL:-true}
tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
# Where actions/cache restores and saves the history scan's state and the
# findings reported so far (action.yml keys it by repository, scope, ref
# and scan version).
state_dir=${INPUT_STATE_DIR:-$tmp/keyward-scan-state}
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
zero=0000000000000000000000000000000000000000

notes=() warnings=()
note() { notes+=("$1"); echo "keyward scan: $1" >&2; }
warn() { warnings+=("$1"); echo "::warning title=keyward scan::$1"; }

# ev reads a field of the event payload ("" when absent).
ev() {
	if [ -n "$payload" ] && [ -f "$payload" ]; then
		jq -r "$1 // empty" "$payload"
	fi
}

# fail_setup stops before any scan: an input or the checkout is wrong.
fail_setup() {
	echo "::error title=keyward scan::$1"
	{
		echo "## keyward scan: not run"
		echo
		echo "$1"
	} >>"$summary"
	{
		echo "upload=false"
		echo "findings=0"
	} >>"$outputs"
	exit 2
}

case "$mode" in
auto | history | all-refs | dir) ;;
git)
	note "mode git is now called all-refs (every branch, tag and remote ref); use history for the checked-out branch's history."
	mode=all-refs
	;;
*) fail_setup "input mode must be auto, history, all-refs or dir, not '$mode'." ;;
esac
case "$incremental" in true | false) ;; *)
	fail_setup "input incremental must be true or false, not '$incremental'."
	;;
esac
case "$fail_on" in info | low | medium | high | critical) ;; *)
	fail_setup "input fail-on must be info, low, medium, high or critical, not '$fail_on'."
	;;
esac

# The args input is split with shell word rules and checked against the
# scan command's own flag parser by scan itself (quotes, -fjson, --x=y).
command=git
[ "$mode" = dir ] && command=dir
if ! "$scan" action-args --command "$command" >"$work/args" 2>"$work/args.err"; then
	fail_setup "$(sed 's/^scan: error: //' "$work/args.err" | head -3 | tr '\n' ' ')"
fi
extra=()
mapfile -d '' -t extra <"$work/args"

cd "$path"
if [ "$mode" != dir ] && ! git rev-parse --git-dir >/dev/null 2>&1; then
	fail_setup "$path is not a git checkout: run actions/checkout first (with fetch-depth: 0), or use mode: dir."
fi

shallow() { [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; }

# complete stays true while the clone holds every commit the scope needs.
complete=true incomplete_why=
give_up() {
	complete=false
	incomplete_why=$1
}
# full_history fetches what a shallow checkout lacks (actions/checkout's
# default is fetch-depth: 1); when origin cannot be reached, the scope is
# incomplete and the step will fail rather than pass on one commit.
full_history() {
	if shallow; then
		if git fetch --quiet --unshallow --tags origin "$@" 2>"$work/fetch.err"; then
			note "the checkout was shallow: fetched the rest of the history (fetch-depth: 0 on actions/checkout saves this step)."
		else
			give_up "The checkout is shallow (actions/checkout fetches one commit by default) and the rest of the history could not be fetched from origin ($(grep -m1 -i 'fatal\|error' "$work/fetch.err" | tr -d '\r' | cut -c1-200))."
		fi
	elif [ $# -gt 0 ]; then
		git fetch --quiet --tags origin "$@" 2>/dev/null || true
	fi
}
merge_base() { git merge-base "$1" "$2" 2>/dev/null; }
have() { git cat-file -e "$1^{commit}" 2>/dev/null; }

default_branch=$(ev .repository.default_branch)
ref=${GITHUB_REF:-}
scope= category= scanned= upload=true no_upload_why=
gate=() whole=()
# gate is the scan that decides pass or fail (and annotates); whole, when
# set, is a second scan of the complete scope uploaded to code scanning.
settings=

pr_range() { # base head: the gate scans what head adds to base
	local base=$1 head=$2 mb
	mb=$(merge_base "$base" "$head") || {
		[ "$complete" = true ] && give_up "no merge base of the base branch and the pull request was found in the clone."
		gate=(git . --branch "$head" --settings-from "$base")
		return
	}
	gate=(git . --since-commit "$mb" --branch "$head" --settings-from "$base" --allow-empty)
	scanned="the pull request's $(git rev-list --count "$mb..$head") commit(s), from the merge base ${mb:0:12} to ${head:0:12}"
}

if [ "$mode" = auto ]; then
	case "$event" in
	pull_request | pull_request_target) mode=pull-request ;;
	push)
		if [ -n "$default_branch" ] && [ "$ref" != "refs/heads/$default_branch" ]; then
			mode=branch
		else
			mode=history
		fi
		;;
	*) mode=history ;;
	esac
fi

case "$mode" in
pull-request)
	scope=history
	base_ref=$(ev .pull_request.base.ref)
	number=$(ev .number)
	[ -n "$number" ] || number=$(ev .pull_request.number)
	if [ "$event" = pull_request_target ]; then
		# The checkout is the base branch; the pull request's head is
		# fetched by its SHA (or GitHub's pull ref) and read as objects
		# only: nothing from it is checked out or run.
		head=$(ev .pull_request.head.sha)
		[ -n "$head" ] || fail_setup "the pull_request_target payload names no pull_request.head.sha."
		full_history "+refs/heads/$base_ref:refs/remotes/origin/$base_ref"
		if ! have "$head"; then
			git fetch --quiet --no-tags origin "+$head:refs/remotes/keyward/pr-head" 2>/dev/null ||
				git fetch --quiet --no-tags origin "+refs/pull/$number/head:refs/remotes/keyward/pr-head" 2>/dev/null || true
		fi
		have "$head" || give_up "the pull request's head ${head:0:12} could not be fetched from origin."
		base=$(git rev-parse HEAD)
		upload=false
		no_upload_why="on pull_request_target the run's ref is the base branch ($ref), so an upload would replace the base branch's own analysis; the findings are in this summary and the annotations."
		if [ "$complete" = true ]; then pr_range "$base" "$head"; else gate=(git . --branch HEAD); fi
	else
		full_history ${base_ref:+"+refs/heads/$base_ref:refs/remotes/origin/$base_ref"}
		parents=$(git cat-file -p HEAD | sed -n 's/^parent //p' | tr '\n' ' ')
		if [ "$(echo $parents | wc -w)" -eq 2 ]; then
			# HEAD is GitHub's test merge: its first parent is the base
			# branch as merged, its second the pull request's head, so
			# base.sha (which can be stale) is not needed.
			set -- $parents
			base=$1 head=$2
		else
			# A workflow that checked out the pull request's head.
			head=$(git rev-parse HEAD)
			base=$(ev .pull_request.base.sha)
			if [ -n "$base_ref" ] && have "refs/remotes/origin/$base_ref"; then
				base=$(git rev-parse "refs/remotes/origin/$base_ref")
			fi
		fi
		if have "$base" && have "$head"; then
			pr_range "$base" "$head"
			# The upload has the default branch's category and scope: the
			# history reachable from what the pull request would merge,
			# with the base's settings. GitHub then compares it with the
			# base's analysis of the same category and shows the alerts
			# the pull request adds.
			whole=(git . --branch HEAD --settings-from "$base")
		else
			[ "$complete" = true ] && give_up "the base ${base:0:12} or the head ${head:0:12} of the pull request is not in the clone."
			gate=(git . --branch HEAD)
		fi
	fi
	;;
branch)
	scope=branch
	fetch=("+refs/heads/$default_branch:refs/remotes/origin/$default_branch")
	full_history "${fetch[@]}"
	main=refs/remotes/origin/$default_branch
	before=$(ev .before)
	if have "$main" && mb=$(merge_base "$main" HEAD); then
		gate=(git . --since-commit "$mb" --branch HEAD --allow-empty)
		scanned="the $(git rev-list --count "$mb..HEAD") commit(s) of ${ref#refs/heads/} that are not on $default_branch"
	elif [ -n "$before" ] && [ "$before" != "$zero" ] && have "$before"; then
		gate=(git . --since-commit "$before" --branch HEAD --allow-empty)
		scanned="the commits pushed since ${before:0:12} ($default_branch could not be fetched to compare with)"
	else
		gate=(git . --branch HEAD)
		scanned="the branch's whole history (no $default_branch to compare with)"
	fi
	;;
history)
	scope=history
	full_history
	gate=(git . --branch HEAD)
	scanned="the history reachable from ${ref:-HEAD} ($(git rev-list --count HEAD 2>/dev/null || echo '?') commit(s))"
	;;
all-refs)
	scope=all-refs
	full_history "+refs/heads/*:refs/remotes/origin/*"
	gate=(git .)
	scanned="every branch, tag and remote ref in the clone ($(git rev-list --all --count) commit(s))"
	;;
dir)
	scope=tree
	gate=(dir .)
	scanned="the checked-out files"
	;;
esac
# Each scope is its own code-scanning category: GitHub closes every alert
# missing from the next upload in the same category, so a narrower scope
# must never be uploaded where a wider one is.
category="$prefix/$scope"

head_repo=$(ev .pull_request.head.repo.full_name)
if [ -n "$head_repo" ] && [ "$head_repo" != "${GITHUB_REPOSITORY:-}" ] && [ "$upload" = true ]; then
	upload=false
	no_upload_why="pull request from a fork ($head_repo): its token cannot write security events; the findings are in this summary and the annotations."
fi
if [ "$want_upload" != true ] && [ "$upload" = true ]; then
	upload=false
	no_upload_why="the upload-sarif input is false."
fi
# Without an upload the second, wider scan is not needed.
[ "$upload" = true ] || whole=()

[ -n "${INPUT_CONFIG:-}" ] && gate+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_BASELINE:-}" ] && gate+=(--baseline "$INPUT_BASELINE")
if [ ${#whole[@]} -gt 0 ]; then
	[ -n "${INPUT_CONFIG:-}" ] && whole+=(--config "$INPUT_CONFIG")
	[ -n "${INPUT_BASELINE:-}" ] && whole+=(--baseline "$INPUT_BASELINE")
fi
mkdir -p "$(dirname "$sarif")"
rm -f "$sarif"

# Incremental history: only the scan of a whole history (the gate in mode
# history, the upload scan of a pull request) reads the state; a range
# scan of a pull request or branch never does, and neither does a clone
# that lacks part of the scope. An incremental scan reports only what is
# new, so the findings reported so far are kept beside the state and
# joined with the new ones: the pass-fail decision and the upload stay
# those of a full scan (GitHub closes every alert missing from an upload).
state= state_json= state_sarif= hist= state_saved=false
if [ "$incremental" = true ] && [ "$complete" = true ]; then
	if [ "$scope" = history ] && [ ${#whole[@]} -gt 0 ]; then
		hist=whole
	elif [ "$mode" = history ]; then
		hist=gate
	fi
fi
if [ -n "$hist" ]; then
	mkdir -p "$state_dir"
	state=$state_dir/$scope.state state_json=$state_dir/$scope.json state_sarif=$state_dir/$scope.sarif
	# A state without the findings it already reported would hide them.
	if [ -e "$state" ] && { [ ! -s "$state_json" ] || [ ! -s "$state_sarif" ]; }; then
		note "the cached state came without its findings: scanned the whole history."
		rm -f "$state"
	fi
	if [ "$hist" = gate ]; then gate+=(--state "$state"); else whole+=(--state "$state"); fi
fi
# After the args input: the state's line on stderr says whether the scan
# was incremental, and a --quiet in args must not hide it.
gate_tail=() whole_tail=(--quiet)
[ "$hist" = gate ] && gate_tail=(--quiet=false)
[ "$hist" = whole ] && whole_tail=(--quiet=false)

# Annotations go to the log; SARIF and JSON to files. The floor for
# failing is applied here, not with --min-severity, so that the SARIF and
# the summary still list everything.
gate_sarif=$sarif
[ ${#whole[@]} -gt 0 ] && gate_sarif=$work/gate.sarif
hist_json=$json hist_sarif=$gate_sarif
[ "$hist" = whole ] && hist_json=$work/whole.json hist_sarif=$sarif
run_gate() {
	"$scan" "${gate[@]}" --format github --report "sarif=$gate_sarif" --report "json=$json" ${extra[@]+"${extra[@]}"} ${gate_tail[@]+"${gate_tail[@]}"} 2>>"$work/scan.err"
	status=$?
}
run_whole() {
	whole_status=
	if [ ${#whole[@]} -gt 0 ]; then
		"$scan" "${whole[@]}" --format json --output "$work/whole.json" --report "sarif=$sarif" ${extra[@]+"${extra[@]}"} "${whole_tail[@]}" 2>>"$work/scan.err"
		whole_status=$?
	fi
}
: >"$work/scan.err"
set +e
run_gate
run_whole
set -e
# A damaged state is an error naming it (exit 2): the history is scanned
# again in full, without it, and the summary says so.
if [ -n "$hist" ] && [ "$([ "$hist" = gate ] && echo "$status" || echo "$whole_status")" = 2 ] &&
	grep -qF "scan: error: state $state:" "$work/scan.err"; then
	note "the cached state could not be read ($(grep -m1 -F "scan: error: state $state:" "$work/scan.err" | sed 's/^scan: error: //' | cut -c1-200)): deleted it and scanned the whole history."
	rm -f "$state" "$state_json" "$state_sarif"
	: >"$work/scan.err"
	set +e
	if [ "$hist" = gate ]; then run_gate; else run_whole; fi
	set -e
fi
cat "$work/scan.err" >&2
hist_status=$status
[ "$hist" = whole ] && hist_status=$whole_status
if [ -n "$hist" ] && { [ "$hist_status" = 0 ] || [ "$hist_status" = 1 ]; } && [ -s "$hist_json" ] && [ -s "$hist_sarif" ] &&
	grep -qE "^scan: state .*: (incremental|full) scan" "$work/scan.err"; then
	new_commits=$(jq '.stats.commits' "$hist_json")
	if [ -s "$state_json" ] && [ -s "$state_sarif" ] && grep -qF "scan: state $state: incremental scan" "$work/scan.err"; then
		# What earlier runs reported, joined with what this one found, in
		# the scan's order; SARIF rules joined and results re-indexed.
		jq -s '.[0] as $o | .[1] | .findings = (($o.findings + .findings)
			| unique_by([.path, (.commit.sha // ""), .start_line, .start_column, .rule_id, .fingerprint]))' \
			"$state_json" "$hist_json" >"$work/joined.json"
		jq -s '.[0].runs[0] as $o | .[1] | .runs[0] |= (
			((($o.tool.driver.rules // []) + (.tool.driver.rules // [])) | unique_by(.id)) as $rules
			| .tool.driver.rules = $rules
			| .results = ([(($o.results // []) + (.results // []))[]
				| .ruleId as $id | .ruleIndex = ([$rules[].id] | index($id))]
				| unique_by([.ruleId, .partialFingerprints, .locations]))
			)' "$state_sarif" "$hist_sarif" >"$work/joined.sarif"
		cat "$work/joined.json" >"$hist_json"
		cat "$work/joined.sarif" >"$hist_sarif"
		note "incremental history scan: read $new_commits new commit(s) since the cached state; the findings are those of the whole history."
	fi
	[ "$hist_status" = 0 ] && [ "$(jq '.findings | length' "$hist_json")" -gt 0 ] && hist_status=1
	if [ "$hist" = gate ]; then status=$hist_status; else whole_status=$hist_status; fi
	# The findings beside the state are redacted, as the reports are.
	(umask 077 && cp "$hist_json" "$state_json.tmp" && cp "$hist_sarif" "$state_sarif.tmp") &&
		mv "$state_json.tmp" "$state_json" && mv "$state_sarif.tmp" "$state_sarif" && [ -s "$state" ] &&
		state_saved=true
fi

findings=0 failing=0
if [ -s "$json" ]; then
	findings=$(jq '.findings | length' "$json")
	failing=$(jq --arg floor "$fail_on" '
		["info","low","medium","high","critical"] as $s
		| ($s | index($floor)) as $min
		| [.findings[] | .severity as $v | select(($s | index($v)) >= $min)] | length' "$json")
	if [ "$(jq '.stats.files' "$json")" = 0 ]; then
		warn "0 files were scanned: check the args input (--include/--exclude), .keywardignore and the scanned range."
	fi
fi

# An incomplete scope is never uploaded, and its SARIF says it did not
# run successfully: GitHub closes every alert missing from a complete
# upload, so an empty or partial one would mark real leaks fixed.
if [ "$complete" != true ] || { [ "$status" != 0 ] && [ "$status" != 1 ]; } ||
	{ [ -n "$whole_status" ] && [ "$whole_status" != 0 ] && [ "$whole_status" != 1 ]; }; then
	if [ "$upload" = true ]; then
		upload=false
		no_upload_why="the scan did not finish (exit status $status${whole_status:+/$whole_status}), and an incomplete result under \`$category\` would close real alerts as fixed."
		[ "$complete" = true ] || no_upload_why="the history is incomplete, and an incomplete result under \`$category\` would close real alerts as fixed."
	fi
	if [ -s "$sarif" ]; then
		jq '.runs[].invocations[]?.executionSuccessful = false' "$sarif" >"$work/sarif.tmp" && cat "$work/sarif.tmp" >"$sarif"
	fi
fi
if [ "$complete" != true ]; then
	echo "::error title=keyward scan: incomplete history::$incomplete_why Set fetch-depth: 0 on actions/checkout, or keep its token (persist-credentials: true, the default) so that the Action can fetch the rest."
fi
[ -s "$sarif" ] || upload=false
# What scan itself said went wrong (a missing config at the base, a bad
# flag), as errors in the log and the summary.
scan_errors=$(grep '^scan: error: ' "$work/scan.err" | sed 's/^scan: error: //' | awk '!seen[$0]++' | head -5 || true)
if [ -n "$scan_errors" ]; then
	while IFS= read -r e; do echo "::error title=keyward scan::$e"; done <<<"$scan_errors"
fi

{
	echo "sarif-file=$([ -s "$sarif" ] && echo "$sarif")"
	echo "findings=$findings"
	echo "category=$category"
	echo "upload=$upload"
	# For action.yml's cache save step: the state was updated.
	echo "state=$state_saved"
} >>"$outputs"

summary_page() {
	local verdict
	case $status in
	0) verdict="✅ No secrets found" ;;
	1)
		if [ "$failing" -gt 0 ]; then
			verdict="❌ $findings secret(s) found, $failing at or above \`$fail_on\`"
		else
			verdict="⚠️ $findings secret(s) found, none at or above \`$fail_on\`"
		fi
		;;
	130) verdict="⚠️ Scan interrupted: the results are incomplete" ;;
	*) verdict="❌ Scan failed or incomplete (exit status $status)" ;;
	esac
	[ "$complete" = true ] || verdict="❌ Incomplete: not a pass"
	echo "## keyward scan: $verdict"
	echo
	if [ "$complete" != true ]; then
		echo "> **$incomplete_why** Set \`fetch-depth: 0\` on \`actions/checkout\`, or keep its token (\`persist-credentials: true\`, the default) so that the Action can fetch the rest. What the clone held was scanned; the step fails until the whole scope can be."
		echo
	fi
	if [ -s "$json" ]; then
		jq -r --arg scanned "$scanned" '
			.stats as $s
			| "**Scanned:** " + $scanned + (if $scanned == "" then "" else ": " end)
			  + "\($s.files) file version(s)"
			  + (if $s.commits > 0 then " in \($s.commits) commit(s)" else "" end) + "."' "$json"
		jq -r '
			.stats.suppressed // {} | to_entries
			| if length == 0 then "**Suppressed:** nothing."
			  else "**Suppressed:** " + (map("\(.value) by " + ({"baseline": "the baseline", "config": "the config'"'"'s allow rules", "inline": "inline allow comments (keyward:allow, gitleaks:allow, pragma: allowlist secret)"}[.key] // .key)) | join(", ")) + "."
			  end' "$json"
		jq -r '.stats.skipped // {} | to_entries | select(length > 0)
			| "**Skipped:** " + (map("\(.value) \(.key)") | join(", ")) + "."' "$json"
	else
		echo "**Scanned:** nothing: the scan did not produce a report."
	fi
	if [ -n "$scan_errors" ]; then
		echo
		while IFS= read -r e; do echo "> **Error:** $e"; done <<<"$scan_errors"
		echo
	fi
	if [ "$upload" = true ]; then
		if [ -s "$work/whole.json" ]; then
			jq -r --arg cat "$category" '"**Code scanning:** uploaded under `" + $cat + "`: the history reachable from the merge commit (\(.stats.commits) commit(s), \(.findings | length) finding(s)), the same scope as the default branch, so the pull request check lists only the alerts this pull request adds."' "$work/whole.json"
		else
			echo "**Code scanning:** uploaded under \`$category\`."
		fi
	else
		echo "**Code scanning:** not uploaded: ${no_upload_why:-no SARIF was written.}"
	fi
	echo
	if [ "$findings" -gt 0 ]; then
		echo "### Findings"
		echo
		echo "| Severity | Secret | Where | Commit | Revoke |"
		echo "|---|---|---|---|---|"
		# Values are redacted by scan; a value that is not (it cannot
		# happen with the args the Action allows) is cut here anyway.
		jq -r '
			def cell: tostring | gsub("[|`\r\n]"; " ");
			.findings[:100][] |
			(if .secret_redacted then .secret else (.secret[:4] + "…") end) as $v
			| [ .severity,
			    (.title | cell) + " `" + ($v | cell) + "`"
			      + (if (.parts | length) > 0 then " with its " + ([.parts[] | (.part | gsub("-"; " ") | gsub("api"; "API") | cell) + " at line \(.start_line)"] | join(", ")) else "" end),
			    "`" + (.path | cell) + ":\(.start_line)`",
			    (if .commit then "`" + .commit.sha[:12] + "` " + (.commit.subject | cell)
			       + (if .commit.at_head then " (still in the tree)" else " (removed since, still in history)" end)
			     else "" end),
			    (if .advice_url != "" then "[revoke at " + ((.service_name // .service) | cell) + "](" + .advice_url + ")" else (.advice | cell) end)
			  ] | "| " + join(" | ") + " |"' "$json"
		if [ "$findings" -gt 100 ]; then
			echo
			echo "… and $((findings - 100)) more: see the SARIF report or the code-scanning alerts."
		fi
		echo
		echo "**What to do:** revoke each key at its service first (deleting it from git does not un-leak it: clones, forks and caches keep it), then remove it from the code. A value that is not a secret: add \`keyward:allow\` on its line, or accept it in the baseline (\`scan baseline create\`) and commit that on the base branch."
		echo
	fi
	if [ ${#warnings[@]} -gt 0 ] || { [ -s "$json" ] && [ "$(jq '.stats.warnings | length' "$json")" -gt 0 ]; }; then
		echo "### Warnings"
		echo
		for w in ${warnings[@]+"${warnings[@]}"}; do echo "- $w"; done
		if [ -s "$json" ]; then
			jq -r '.stats.warnings[:30][] | "- " + ((if .path != "" then "`" + .path + "`: " else "" end) + .message | gsub("[\r\n]"; " "))' "$json"
			n=$(jq '.stats.warnings | length' "$json")
			[ "$n" -gt 30 ] && echo "- … and $((n - 30)) more (see the log)."
		fi
		echo
	fi
	if [ ${#notes[@]} -gt 0 ]; then
		for n in "${notes[@]}"; do echo "- $n"; done
	fi
	echo "- Code-scanning category: \`$category\`; step exit status $rc."
}
rc=$status
case $status in
1) [ "$failing" -gt 0 ] || rc=0 ;;
esac
[ "$complete" = true ] || rc=2
summary_page >>"$summary"
if [ "$status" = 1 ] && [ "$rc" = 0 ]; then
	echo "keyward scan: $findings finding(s), none at or above $fail_on: not failing." >&2
fi
exit "$rc"
