// Package soak holds the soak test of gitscrum-bridge. It has no code of its own:
// everything is in TestSoak (soak_test.go and its helpers).
//
// The test wires the real parts together over loopback HTTP: the gitscrumtest
// emulator (injecting about 10% server errors, 5% rate limits with Retry-After and
// 0–20 ms of random latency) behind a flaky gateway that loses the answer to 3% of
// the creates and updates it applied (a 502 or a dropped connection), the MCP
// adapter's streamable HTTP handler driven by many concurrent mcp-go clients that
// each send their own bearer token, and the Slack adapter's HTTP handler driven by
// many workers sending properly signed slash commands, with a stand-in for Slack's
// response_url. The clients list, get, create (each with a unique name) and update
// clients, all at once. An MCP create whose outcome is unknown is retried, as its
// error advises, up to three calls in all.
//
// At the end it checks, from the emulator's own state and from what every caller
// was told:
//
//   - every acknowledged create exists exactly once; no create exists twice; a create
//     the caller was told created nothing (or was refused) does not exist; one whose
//     outcome the caller was told is unknown exists at most once, unchanged; a retry
//     after an unknown outcome either creates the client or is refused as a
//     duplicate naming the client the first call created, never a second one;
//   - every update changed only the fields it named: each field of each client holds
//     its creation value or a value an update of that field was sent with, and the
//     last acknowledged value when the last update of it was acknowledged; the seeded
//     clients, which nobody updates, are unchanged;
//   - every read of a client the reader owns or of a seeded client returned that
//     client as it was (no answer mixed up between concurrent calls);
//   - every slash command was answered exactly once, inline or through its
//     response_url;
//   - no log line (of both adapters and of every HTTP server) and no reply (MCP text
//     and structured results, Slack HTTP answers and response_url posts) contains a
//     GitScrum token or the Slack signing secret;
//   - nothing panicked; no goroutine outlives the run (go.uber.org/goleak); the heap
//     after the run is near the heap before it: within 32 MiB or double, plus 2 KiB
//     per client created (the emulator and the test keep every one).
//
// The short version runs with every go test of the module, in a few seconds:
//
//	go test -race ./soak
//
// The long version is one command:
//
//	SOAK_DURATION=10m go test ./soak -run TestSoak -v -timeout 30m
//
// SOAK_DURATION (a Go duration, default 3s) is how long the load runs after a
// warm-up; SOAK_MCP_CLIENTS and SOAK_SLACK_WORKERS (default 8 each) set the
// concurrency. With -v the test logs a summary: operations by kind and outcome,
// creates by outcome, faults injected, retries, heap and goroutines.
package soak
