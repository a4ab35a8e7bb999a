#!/usr/bin/env bash
# Interop check for CI: installs the pinned official MCP TypeScript SDK (npm ci from
# package-lock.json), builds gitscrum-mcp and gitscrum-sandbox, and drives them over
# stdio and streamable HTTP with the SDK's client (check.mjs). Needs Go and Node >= 18.
set -euo pipefail
cd "$(dirname "$0")"

npm ci --no-audit --no-fund --loglevel=error

bindir=$(mktemp -d)
trap 'rm -rf "$bindir"' EXIT
(cd .. && go build -o "$bindir/gitscrum-mcp" ./cmd/gitscrum-mcp && go build -o "$bindir/gitscrum-sandbox" ./cmd/gitscrum-sandbox)

node check.mjs "$bindir/gitscrum-mcp" "$bindir/gitscrum-sandbox"
