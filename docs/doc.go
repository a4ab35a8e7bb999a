// Package docs holds the documentation of gitscrum-bridge beyond the README, as
// Markdown: mcp.md, slack.md, operations.md, architecture.md, benchmarks.md and
// soak.md. It has no code. Its tests keep the README and these pages honest: every
// relative link and anchor resolves, the README's configuration tables name every
// flag and environment variable each binary accepts (and nothing else), the README
// stays within 20 KB, and every command the README shows is run by a test or by
// .ci/run.
package docs
