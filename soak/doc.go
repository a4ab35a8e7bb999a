// Package soak holds the soak test of gitscrum-bridge. It has no code of its own:
// everything is in TestSoak (soak_test.go and its helpers).
//
// The test wires the real parts together over loopback HTTP: the gitscrum/emulator
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
// Both adapters are served as the binaries serve them: behind internal/httpserver's
// Guard (requests in flight, bodies refused from their Content-Length with 413),
// on a listener bounded in connections, with the binaries' server limits.
//
// Once the load is over, an attack phase (attack_test.go) runs against adapters of
// its own, served the same way, with a workspace of SOAK_ATTACK_CLIENTS clients
// (default 5000) and GitScrum's faults off, so that what GitScrum sees is the
// attack's doing:
//
//   - a pre-auth flood of each listener by SOAK_ATTACK_FLOODERS clients (default
//     128) for SOAK_ATTACK_DURATION each (default 1 s; a twelfth of SOAK_DURATION,
//     1 s to 30 s, when that is set): MCP tool calls with one garbage bearer token,
//     slash commands with forged signatures, and 1 MiB bodies with Content-Length
//     and chunked. No flood request may get through; each answer must be one the
//     bounds give (MCP: a failed tool result or 503; Slack: 401 or 503; 1 MiB
//     bodies: 413); the MCP flood may cost GitScrum at most 5 requests per 30 s
//     (the rejected token's memory), the Slack flood none. A valid request is timed
//     before and during each flood (p50, p99, answers by status: reported, not
//     asserted);
//   - oversized inputs over both adapters: one character over each input's cap (a
//     reference, a query, every field of create and update), 200 KB (MCP) and
//     60 KB (Slack) values within the body bound, 300 KB and 1 MiB values over it.
//     Each is refused naming the input, or the body, and its cap, and none costs a
//     GitScrum request;
//   - a reference at the cap (255 characters) that matches none of the large
//     workspace's clients, read and written: refused, nothing changed (the time
//     each took is reported);
//   - one signed slash command that creates a client, sent 7 times (5 at once, then
//     2): answered once, refused 401 as a replay 6 times, one client created, and
//     the later replays cost GitScrum nothing;
//   - 40 unfiltered lists (/gitscrum list without a query), 8 at once, of the
//     cached large workspace (emptyquery_test.go): each answered with the first
//     page, none costing a GitScrum request, each allocating under 512 KiB in
//     the whole process (a copy of the workspace would be about 0.9 MB, its sort
//     more).
//   - the bounds of the listeners and of the bot's background work
//     (bounds_attack_test.go): 200 get_client calls at once, more than the 64
//     slots, all answered from the queue; 336 connections per listener (more
//     than the slots and the queue) trickling their bodies while 20 MCP calls
//     and 10 signed commands are all answered and every slow body gets 408; 512
//     idle keep-alive connections while 5 new clients, each on a new
//     connection, are all served; 200 signed Share clicks to a bot of
//     --max-jobs 4, then of --max-jobs 16 --max-upstream 4, GitScrum at 100 ms:
//     each click answered with the card or "too busy", GitScrum seeing at most
//     4 requests at once, the goroutines within a bound. They add about 6 s,
//     most of it the slow bodies' 5 s deadline. The Socket Mode step of many
//     members at once runs against a bot of --max-jobs 8 the same way.
//
// The attack reports the process's peak RSS and live heap (sampled every 10 ms;
// the heap may grow by at most 256 MiB), and the goroutines before and after it;
// its logs and answers go through the same secret scan (its garbage token counts as
// a secret), and the end-of-run heap and goroutine checks cover it.
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
// creates by outcome, faults injected, retries, heap and goroutines, what the
// attack measured, and a line describing the machine.
package soak
