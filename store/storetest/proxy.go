package storetest

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Proxy forwards TCP connections from a local port to a database server, so a
// test can take the server away and bring it back: Stop closes the port and cuts
// every connection, as a server that went down; Start listens on the same port
// again.
type Proxy struct {
	t      testing.TB
	addr   string // where it listens
	server string // where it forwards

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// Proxied returns the URL of the PostgreSQL database databaseURL through a new
// proxy, which stops when t ends.
func Proxied(t testing.TB, databaseURL string) (string, *Proxy) {
	t.Helper()
	u, err := url.Parse(databaseURL)
	require.NoError(t, err)
	p := &Proxy{t: t, server: u.Host, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.Stop)
	u.Host = p.addr
	return u.String(), p
}

// serve accepts connections on ln until it closes.
func (p *Proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.server)
			if err != nil {
				_ = c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[up] = true, true
			p.mu.Unlock()
			p.wg.Go(func() { _, _ = io.Copy(up, c); _ = up.Close(); _ = c.Close() })
			p.wg.Go(func() { _, _ = io.Copy(c, up); _ = up.Close(); _ = c.Close() })
		}
	})
}

// Stop closes the port and every connection through it.
func (p *Proxy) Stop() {
	p.mu.Lock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
	p.conns = map[net.Conn]bool{}
	p.mu.Unlock()
	p.wg.Wait()
}

// Start listens on the proxy's port again.
func (p *Proxy) Start() {
	var ln net.Listener
	require.Eventually(p.t, func() bool {
		var err error
		ln, err = net.Listen("tcp", p.addr)
		return err == nil
	}, 5*time.Second, 10*time.Millisecond, "listening again on %s", p.addr)
	p.serve(ln)
}
