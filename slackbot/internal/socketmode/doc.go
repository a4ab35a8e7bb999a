// Package socketmode is a Slack Socket Mode connection on gorilla/websocket,
// bounded against a Slack (or a network) that misbehaves. It speaks the
// documented protocol: apps.connections.open hands out a wss URL; Slack says
// hello, sends envelopes (each with an envelope_id, acknowledged with
// {"envelope_id": …, "payload": …}), pings, and a disconnect message before it
// closes.
//
// Its bounds, each in [Options]:
//
//   - a read limit on every message (1 MiB), so a huge frame closes the
//     connection instead of filling memory;
//   - a deadline on each message's progress once its first frame arrived, so a
//     fragmented message that never ends does not hang the connection while
//     pings keep flowing;
//   - a deadline on every write; a write that fails, or pongs that stop, close
//     the connection, which is then opened again;
//   - one backoff across reconnects and failed apps.connections.open calls (at
//     least 1 s, doubling, with jitter), reset only once a connection stayed up
//     a while; a storm of reconnects is logged once;
//   - an app token Slack refuses ends [Client.Run] only after several refusals in
//     a row; any other failure (a 404, a 5xx, the network) is retried.
package socketmode
