package floodbench

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// The attacks on the listener itself (issue 16, section 2): connections that
// trickle their bodies, and keep-alive connections that sit idle. Each flooder
// holds one connection at a time, and opens the next when the server ends it.
const (
	// AttackSlowBodies sends a request's headers, declaring a body of
	// Variant.BodyBytes, then one byte of it every slowByteGap. Before issue 16 a
	// request took its slot before its body was read: 70 such connections made
	// every other request get 503 for up to the 30 s read timeout.
	AttackSlowBodies Attack = iota + 100
	// AttackIdleConns asks for /healthz once on a keep-alive connection, then
	// leaves it idle. Before issue 16, 512 such connections made every new
	// connection hang; the valid request of this flood opens a new connection
	// each time, as a new client does.
	AttackIdleConns
)

// slowByteGap is the pause between two bytes of a slow body.
const slowByteGap = time.Second

// ListenerVariants are the attacks on both listeners: slow bodies, and idle
// keep-alive connections.
var ListenerVariants = []Variant{
	{Name: "slow bodies (4 KiB declared, a byte a second)", BodyBytes: 4 << 10, Attack: AttackSlowBodies},
	{Name: "idle keep-alive connections (one /healthz each)", Attack: AttackIdleConns},
}

// rawAttack reports whether v floods over raw connections.
func rawAttack(v Variant) bool { return v.Attack == AttackSlowBodies || v.Attack == AttackIdleConns }

// StatusOpen counts, in Result.Statuses, the connections of a raw attack still
// open (a body still trickling, a connection still idle) when the flood ended.
const StatusOpen = -2

// rawFlood runs one connection of a raw attack against base and returns the
// status of its answer (0: none; StatusOpen: the end of the flood cut it).
func rawFlood(ctx context.Context, t Target, v Variant, base string, body []byte) int {
	addr := strings.TrimPrefix(base, "http://")
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return cut(ctx, 0)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	defer conn.Close()
	br := bufio.NewReader(conn)
	switch v.Attack {
	case AttackIdleConns:
		if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: flood\r\n\r\n"); err != nil {
			return cut(ctx, 0)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return cut(ctx, 0)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		// Idle until the server closes the connection, or the flood ends.
		_, _ = br.ReadByte()
		return resp.StatusCode
	default: // AttackSlowBodies
		req, err := t.flood(base, v, &slowReader{ctx: ctx, b: body}, int64(len(body)))
		if err != nil {
			return 0
		}
		go func() { _ = req.Write(conn) }()
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			return cut(ctx, 0)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
}

// slowReader yields b one byte every slowByteGap, until ctx ends.
type slowReader struct {
	ctx  context.Context
	b    []byte
	sent bool
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	if r.sent {
		select {
		case <-r.ctx.Done():
			return 0, r.ctx.Err()
		case <-time.After(slowByteGap):
		}
	}
	r.sent = true
	n := copy(p[:min(len(p), 1)], r.b)
	r.b = r.b[n:]
	return n, nil
}

// cut is status, or StatusOpen when ctx ended.
func cut(ctx context.Context, status int) int {
	if ctx.Err() != nil {
		return StatusOpen
	}
	return status
}

// Before is a figure of the build before issue 16 for one flood: the valid
// requests sent during it, those answered, and their p50.
type Before struct {
	Served, Sent int
	P50          time.Duration
	Note         string
}

// ListenerBefore is what the builds before issue 16 (gitscrum-mcp of commit
// 29dbdad, gitscrum-slack of 13ea02e, go build -trimpath) measured for
// [ListenerVariants] with [DefaultConfig], once (go run ./bench/flood -listener
// with -mcp-bin and -slack-bin set to them, 2026-12-07, a 2-core machine shared
// with other work, load average 4): keyed by target and variant name.
var ListenerBefore = map[string]Before{
	"gitscrum-mcp/" + ListenerVariants[0].Name:   {Served: 1, Sent: 84, P50: 64 * time.Millisecond, Note: "the other 83 got 503"},
	"gitscrum-mcp/" + ListenerVariants[1].Name:   {Served: 1, Sent: 1, P50: 4930 * time.Millisecond, Note: "its connection waited until the flood ended"},
	"gitscrum-slack/" + ListenerVariants[0].Name: {Served: 1, Sent: 81, P50: 58100 * time.Microsecond, Note: "the other 80 got 503"},
	"gitscrum-slack/" + ListenerVariants[1].Name: {Served: 1, Sent: 1, P50: 4940 * time.Millisecond, Note: "its connection waited until the flood ended"},
}
