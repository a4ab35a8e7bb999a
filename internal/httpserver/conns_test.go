package httpserver_test

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
)

// TestLimitConns: with one connection open at the bound, Accept waits until it
// closes (closing it twice frees one slot only); closing the listener ends a
// waiting Accept.
func TestLimitConns(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ln := httpserver.LimitConns(inner, 1)
	defer ln.Close()
	for range 3 {
		c, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
	}

	first, err := ln.Accept()
	require.NoError(t, err)
	type accepted struct {
		c   net.Conn
		err error
	}
	next := make(chan accepted, 1)
	go func() {
		c, err := ln.Accept()
		next <- accepted{c, err}
	}()
	select {
	case <-next:
		t.Fatal("a second connection was accepted while the first was open")
	case <-time.After(200 * time.Millisecond):
	}
	require.NoError(t, first.Close())
	_ = first.Close() // a second Close frees nothing more
	select {
	case a := <-next:
		require.NoError(t, a.err)
		defer a.c.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("the second connection was not accepted after the first closed")
	}

	waiting := make(chan error, 1)
	go func() {
		_, err := ln.Accept()
		waiting <- err
	}()
	select {
	case err := <-waiting:
		t.Fatalf("a third connection was accepted while the second was open (%v): the double Close freed a slot", err)
	case <-time.After(200 * time.Millisecond):
	}
	require.NoError(t, ln.Close())
	select {
	case err := <-waiting:
		assert.True(t, errors.Is(err, net.ErrClosed), "got %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end the waiting Accept")
	}
}

func TestLimitConnsOff(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer inner.Close()
	assert.Same(t, inner, httpserver.LimitConns(inner, 0))
}
