#!/bin/bash
# Builds the "GitHub" repository the Action tests check out from: a bare
# origin.git in $1 (acme/bot) whose main history has an exchange key pair
# committed then removed, a pushed branch with a pair only there, and pull
# requests with GitHub's refs/pull/N/head and refs/pull/N/merge test
# merges: 1 leaky, 2 clean, 3 from a fork (its commits only in the pull
# ref), 7 adding config files that exclude everything plus a pair. main
# moves on after they branch, so base.sha in a payload is stale.
# The secrets come from the environment (random per test run).
set -euo pipefail
out=$1
: "${OLD_KEY:?}" "${OLD_SEC:?}" "${BR_KEY:?}" "${BR_SEC:?}" "${PR_KEY:?}" "${PR_SEC:?}" "${FORK_KEY:?}" "${FORK_SEC:?}"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Dev GIT_AUTHOR_EMAIL=dev@example.com GIT_COMMITTER_NAME=Dev GIT_COMMITTER_EMAIL=dev@example.com
g() { git -c init.defaultBranch=main -c advice.detachedHead=false -c core.hooksPath=/dev/null "$@"; }
t=1700000000
c() { GIT_AUTHOR_DATE="@$t +0000" GIT_COMMITTER_DATE="@$t +0000" g commit -q "$@"; t=$((t + 3600)); }
g init -q --bare "$out/origin.git"
g init -q "$out/author"
cd "$out/author"
g remote add origin "$out/origin.git"
printf 'print("trading bot")\n' >bot.py && g add . && c -m initial
printf 'BINANCE_API_KEY=%s\nBINANCE_API_SECRET=%s\n' "$OLD_KEY" "$OLD_SEC" >settings.env && g add . && c -m "settings"
g rm -q settings.env && c -m "remove settings"
printf '# bot\n' >README.md && g add . && c -m docs
g push -q origin main
fork_point=$(g rev-parse HEAD)

g checkout -q -b topic
printf 'BINANCE_API_KEY = "%s"\nBINANCE_API_SECRET = "%s"\n' "$BR_KEY" "$BR_SEC" >exchange_keys.py && g add . && c -m "topic: keys"
g push -q origin topic

g checkout -q -b leaky "$fork_point"
printf 'class Client: pass\n' >client.py && g add . && c -m "client"
printf 'BINANCE_API_KEY=%s\nBINANCE_API_SECRET=%s\n' "$PR_KEY" "$PR_SEC" >prod.env && g add . && c -m "prod env"
printf 'class Client:\n    timeout = 5\n' >client.py && g add . && c -m "timeout"

g checkout -q -b clean "$fork_point"
printf 'def g(): return 2\n' >g.py && g add . && c -m "g"

g checkout -q -b forked "$fork_point"
printf 'BINANCE_API_KEY=%s\nBINANCE_API_SECRET=%s\n' "$FORK_KEY" "$FORK_SEC" >fork.env && g add . && c -m "fork env"

g checkout -q -b selfconfig "$fork_point"
mkdir -p ci
printf '[scan]\nexclude = ["**"]\n' >ci/keyward.toml
printf '[scan]\nexclude = ["**"]\n' >.keyward.toml
printf '*\n' >.keywardignore
printf 'BINANCE_API_KEY=%s\nBINANCE_API_SECRET=%s\n' "$PR_KEY" "$PR_SEC" >deploy.env && g add . && c -m "ci config and deploy env"

g push -q origin leaky clean selfconfig
g checkout -q main
printf '# bot\n\nmore\n' >README.md && g add . && c -m "more docs"
g push -q origin main
for pr in 1:leaky 2:clean 3:forked 7:selfconfig; do
	n=${pr%%:*} head=${pr#*:}
	g push -q origin "$head:refs/pull/$n/head"
	g checkout -q --detach main
	GIT_AUTHOR_DATE="@$t +0000" GIT_COMMITTER_DATE="@$t +0000" g merge -q --no-ff --no-edit -m "Merge $head into main" "$head"
	g push -q origin "HEAD:refs/pull/$n/merge"
	g checkout -q main
done
