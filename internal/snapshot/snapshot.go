// Package snapshot holds the one switch of the repository's snapshot tests (tool
// schema files, Block Kit golden files, the generated tools region of docs/mcp.md):
// they rewrite their files instead of comparing with them exactly when
// UPDATE_SNAPSHOTS=1, and compare for any other value, "0" and "" included.
package snapshot

// Env is the environment variable of the switch.
const Env = "UPDATE_SNAPSHOTS"

// Updating reports whether getenv (os.Getenv in tests) sets [Env] to exactly "1".
func Updating(getenv func(string) string) bool { return getenv(Env) == "1" }
