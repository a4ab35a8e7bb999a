package scalebench

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// The concurrent-pages scenario of issue 9: a workspace of SlowClients clients in
// pages of PageSize from an upstream that takes SlowLatency per request.
const (
	SlowClients = 5000
	SlowLatency = 100 * time.Millisecond
)

// SlowUpstream is an emulator on loopback that answers every request after a fixed
// latency, for measuring how listing time follows the number of round trips.
type SlowUpstream struct {
	emu *emulator.Server
	srv *httptest.Server
}

// NewSlowUpstream starts the emulator with clients as workspace "slow", in pages of
// PageSize, each request answered after latency.
func NewSlowUpstream(clients []gitscrum.ClientCompany, latency time.Duration) *SlowUpstream {
	emu := emulator.New()
	emu.AddClients("slow", clients...)
	emu.SetPageSize(PageSize)
	emu.SetLatency(latency)
	emu.SetLogLimit(100_000)
	return &SlowUpstream{emu: emu, srv: httptest.NewServer(emu)}
}

// Close stops the emulator.
func (u *SlowUpstream) Close() { u.srv.Close() }

// List measures cold listings of the workspace with pages fetched concurrency at a
// time (1: one after another), each run with a new client. It also returns the
// upstream requests of one run.
func (u *SlowUpstream) List(concurrency, reps int) (Measure, int, error) {
	want := len(u.emu.Clients("slow"))
	requests := 0
	m, err := measure(reps, func() (int, error) {
		c, err := gitscrum.New(gitscrum.WithBaseURL(u.srv.URL), gitscrum.WithToken(emulator.DefaultToken),
			gitscrum.WithRetryPolicy(gitscrum.NoRetries), gitscrum.WithTimeout(time.Minute),
			gitscrum.WithPageConcurrency(concurrency))
		if err != nil {
			return 0, err
		}
		u.emu.ResetRequests()
		got, err := c.ListClients(context.Background(), "slow")
		requests = len(u.emu.Requests())
		if err != nil {
			return 0, err
		}
		if len(got) != want {
			return len(got), fmt.Errorf("listed %d clients, want %d", len(got), want)
		}
		return len(got), nil
	})
	return m, requests, err
}
