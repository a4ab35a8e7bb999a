package mcpbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// callTimeout bounds one call of a load.
const callTimeout = 10 * time.Second

// Rig is the emulator (demo data) and the MCP tools' streamable HTTP handler, each
// served in this process on its own loopback listener.
type Rig struct {
	// Emu is the emulator; EmuURL its base URL.
	Emu    *emulator.Server
	EmuURL string
	// MCPURL is the streamable HTTP endpoint, ending in tools.MCPPath.
	MCPURL string
	// Client is the gitscrum client the MCP server uses.
	Client *gitscrum.Client

	emuSrv, mcpSrv *httptest.Server
}

// NewRig starts the emulator and the MCP HTTP handler on loopback. The handler is
// told it listens on loopback, so requests without a token use the server's own.
func NewRig() (*Rig, error) {
	emu := emulator.New(emulator.WithDemoData())
	emu.SetLogLimit(100)
	r := &Rig{Emu: emu, emuSrv: httptest.NewServer(emu)}
	r.EmuURL = r.emuSrv.URL
	var err error
	r.Client, err = gitscrum.New(gitscrum.WithBaseURL(r.EmuURL), gitscrum.WithToken(emulator.DefaultToken))
	if err != nil {
		r.Close()
		return nil, err
	}
	srv, err := tools.New(tools.Options{Client: r.Client, CompanySlug: emulator.DemoWorkspace})
	if err != nil {
		r.Close()
		return nil, err
	}
	r.mcpSrv = httptest.NewServer(tools.NewHTTPHandler(srv, tools.HTTPOptions{Client: r.Client, Loopback: true}))
	r.MCPURL = r.mcpSrv.URL + tools.MCPPath
	return r, nil
}

// Close stops both servers.
func (r *Rig) Close() {
	if r.mcpSrv != nil {
		r.mcpSrv.Close()
	}
	if r.emuSrv != nil {
		r.emuSrv.Close()
	}
}

// OneClientURL is the emulator URL of one demo client: the raw round trip that
// get_client makes.
func (r *Rig) OneClientURL() string {
	return r.EmuURL + "/contact-companies/" + emulator.DemoAcmeUUID + "?company_slug=" + url.QueryEscape(emulator.DemoWorkspace)
}

// RawGets makes n sequential GETs of target with net/http alone (one keep-alive
// connection, the emulator's token) and returns their sorted durations, body read
// included. warmup more are made first and not counted.
func RawGets(target string, n, warmup int) ([]time.Duration, error) {
	hc := newHTTPClient()
	defer hc.CloseIdleConnections()
	ctx := context.Background()
	durs := make([]time.Duration, 0, n)
	for i := range n + warmup {
		t0 := time.Now()
		if err := rawGet(ctx, hc, target); err != nil {
			return nil, err
		}
		if i >= warmup {
			durs = append(durs, time.Since(t0))
		}
	}
	return stats.Sorted(durs), nil
}

func rawGet(ctx context.Context, hc *http.Client, target string) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", target, resp.StatusCode)
	}
	return nil
}

// newHTTPClient is a client with a transport of its own, as a separate process
// would have.
func newHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConns: 16, MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second,
	}}
}

// Load is the result of a closed-loop load: every worker makes its next call as
// soon as the previous one is answered.
type Load struct {
	Concurrency int
	// Calls answered successfully, and calls that failed.
	Calls, Errors int
	// Elapsed is from the start of the first call to the end of the last.
	Elapsed time.Duration
	// Latencies of the successful calls, sorted.
	Latencies []time.Duration
}

// PerSecond is the rate of successful calls.
func (l Load) PerSecond() float64 {
	if l.Elapsed <= 0 {
		return 0
	}
	return float64(l.Calls) / l.Elapsed.Seconds()
}

// worker makes calls for one simulated client.
type worker struct {
	call  func(context.Context) error
	close func()
}

// maxErrors ends a load early: something is broken, and failing calls are fast.
const maxErrors = 100

// run starts concurrency workers made by newWorker, then lets them all call until d
// has passed or maxCalls calls were started in all.
func run(concurrency int, d time.Duration, maxCalls int, newWorker func() (worker, error)) (Load, error) {
	ws := make([]worker, 0, concurrency)
	defer func() {
		for _, w := range ws {
			w.close()
		}
	}()
	for range concurrency {
		w, err := newWorker()
		if err != nil {
			return Load{}, err
		}
		ws = append(ws, w)
	}
	var started, errs atomic.Int64
	lat := make([][]time.Duration, concurrency)
	var wg sync.WaitGroup
	ctx := context.Background()
	begin := time.Now()
	deadline := begin.Add(d)
	for i, w := range ws {
		wg.Go(func() {
			for time.Now().Before(deadline) && started.Add(1) <= int64(maxCalls) && errs.Load() < maxErrors {
				t0 := time.Now()
				if err := w.call(ctx); err != nil {
					errs.Add(1)
					continue
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		})
	}
	wg.Wait()
	l := Load{Concurrency: concurrency, Elapsed: time.Since(begin), Errors: int(errs.Load())}
	for _, ls := range lat {
		l.Latencies = append(l.Latencies, ls...)
	}
	l.Latencies = stats.Sorted(l.Latencies)
	l.Calls = len(l.Latencies)
	if l.Errors >= maxErrors {
		return l, fmt.Errorf("%d calls failed; stopped", l.Errors)
	}
	return l, nil
}

// RawLoad makes GETs of target with concurrency workers, each with a client of its
// own, for d or maxCalls calls.
func RawLoad(target string, concurrency int, d time.Duration, maxCalls int) (Load, error) {
	return run(concurrency, d, maxCalls, func() (worker, error) {
		hc := newHTTPClient()
		return worker{
			call:  func(ctx context.Context) error { return rawGet(ctx, hc, target) },
			close: hc.CloseIdleConnections,
		}, nil
	})
}

// MCPLoad makes get_client tool calls with concurrency mcp-go streamable HTTP
// clients, each initialised and with a connection pool of its own, for d or
// maxCalls calls.
func MCPLoad(mcpURL string, concurrency int, d time.Duration, maxCalls int) (Load, error) {
	return run(concurrency, d, maxCalls, func() (worker, error) {
		hc := newHTTPClient()
		c, err := client.NewStreamableHttpClient(mcpURL, transport.WithHTTPBasicClient(hc))
		if err != nil {
			return worker{}, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		if err := c.Start(ctx); err != nil {
			return worker{}, fmt.Errorf("start MCP client: %w", err)
		}
		init := mcp.InitializeRequest{}
		init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
		init.Params.ClientInfo = mcp.Implementation{Name: "mcpbench", Version: "1"}
		if _, err := c.Initialize(ctx, init); err != nil {
			_ = c.Close()
			return worker{}, fmt.Errorf("initialize: %w", err)
		}
		req := mcp.CallToolRequest{}
		req.Params.Name = "get_client"
		req.Params.Arguments = map[string]any{"client": emulator.DemoAcmeUUID}
		return worker{
			call: func(ctx context.Context) error {
				ctx, cancel := context.WithTimeout(ctx, callTimeout)
				defer cancel()
				res, err := c.CallTool(ctx, req)
				if err != nil {
					return err
				}
				if res.IsError {
					return errors.New("get_client answered isError")
				}
				return nil
			},
			close: func() { _ = c.Close(); hc.CloseIdleConnections() },
		}, nil
	})
}
