package httpserver

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// IdleWhenFull is how long a keep-alive connection may stay idle while the
// listener is full: a new connection then closes the one idle the longest, once
// it has been idle this long. (Otherwise idle connections close after
// [IdleTimeout].) A second spares clients that send their next request at once,
// and sends idle connections away long before their two minutes.
const IdleWhenFull = time.Second

// LimitConns returns a listener that keeps at most n accepted connections open at
// once. When a connection arrives with n open, the listener closes the one idle
// the longest (a keep-alive connection waiting for its next request) once it has
// been idle [IdleWhenFull], so idle connections never lock new clients out; when
// none is idle, it waits for one to close or to fall idle, and further
// connections wait in the kernel's backlog. The listener learns which
// connections are idle from the server's ConnState hook: [Run] sets it, and a
// server started otherwise needs [TrackIdle]. Closing the listener ends a
// waiting Accept. n ≤ 0 returns ln as it is.
func LimitConns(ln net.Listener, n int) net.Listener {
	if n <= 0 {
		return ln
	}
	return &limitListener{
		Listener: ln,
		slots:    make(chan struct{}, n),
		done:     make(chan struct{}),
		idle:     make(map[*limitConn]time.Time),
		fellIdle: make(chan struct{}, 1),
	}
}

// TrackIdle makes srv tell ln, a listener from [LimitConns] that srv serves,
// which of its connections are idle, keeping any ConnState hook srv has. Call it
// before srv serves; any other ln is left alone.
func TrackIdle(srv *http.Server, ln net.Listener) {
	l, ok := ln.(*limitListener)
	if !ok {
		return
	}
	prev := srv.ConnState
	srv.ConnState = func(c net.Conn, s http.ConnState) {
		l.connState(c, s)
		if prev != nil {
			prev(c, s)
		}
	}
}

type limitListener struct {
	net.Listener
	slots     chan struct{}
	done      chan struct{}
	closeOnce sync.Once

	mu       sync.Mutex
	idle     map[*limitConn]time.Time // idle connections, since when
	fellIdle chan struct{}            // signalled when a connection falls idle
}

// Accept accepts a connection, then waits for a free slot for it, closing the
// longest idle connection to make one; the connection frees its slot when
// closed.
func (l *limitListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	for {
		select {
		case l.slots <- struct{}{}:
			return l.wrap(c), nil
		default:
		}
		wait := l.closeLongestIdle(time.Now())
		if wait == 0 {
			continue // a slot is free now
		}
		var ripe <-chan time.Time
		var t *time.Timer
		if wait > 0 {
			t = time.NewTimer(wait)
			ripe = t.C
		}
		select {
		case l.slots <- struct{}{}:
			return l.wrap(c), nil
		case <-l.fellIdle:
		case <-ripe:
		case <-l.done:
			_ = c.Close()
			return nil, net.ErrClosed
		}
		if t != nil {
			t.Stop()
		}
	}
}

// wrap returns c holding the slot just taken, which it frees when closed.
func (l *limitListener) wrap(c net.Conn) net.Conn {
	return &limitConn{Conn: c, l: l, release: sync.OnceFunc(func() { <-l.slots })}
}

// closeLongestIdle closes the connection idle the longest, which frees its slot,
// if it has been idle [IdleWhenFull], and returns 0; else it returns how long
// until it has, or -1 when no connection is idle.
func (l *limitListener) closeLongestIdle(now time.Time) time.Duration {
	l.mu.Lock()
	var oldest *limitConn
	var since time.Time
	for c, t := range l.idle {
		if oldest == nil || t.Before(since) {
			oldest, since = c, t
		}
	}
	if oldest == nil {
		l.mu.Unlock()
		return -1
	}
	if left := since.Add(IdleWhenFull).Sub(now); left > 0 {
		l.mu.Unlock()
		return left
	}
	delete(l.idle, oldest)
	l.mu.Unlock()
	_ = oldest.Close()
	return 0
}

// connState records which connections are idle.
func (l *limitListener) connState(nc net.Conn, s http.ConnState) {
	c, ok := nc.(*limitConn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if s == http.StateIdle {
		l.idle[c] = time.Now()
		select {
		case l.fellIdle <- struct{}{}:
		default:
		}
		return
	}
	delete(l.idle, c)
}

// Close closes the listener and ends any Accept waiting for a slot.
func (l *limitListener) Close() error {
	err := l.Listener.Close()
	l.closeOnce.Do(func() { close(l.done) })
	return err
}

type limitConn struct {
	net.Conn
	l       *limitListener
	release func()
}

// Close closes the connection and frees its slot, once.
func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.l.mu.Lock()
	delete(c.l.idle, c)
	c.l.mu.Unlock()
	c.release()
	return err
}
