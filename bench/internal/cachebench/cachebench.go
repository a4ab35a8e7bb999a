// Package cachebench measures the workspace list cache end to end: the MCP tools,
// called through mcp-go's in-process client, over a gitscrum.Client talking over
// loopback HTTP to the emulator, which holds a workspace of generated clients in
// pages of PageSize and answers each request after a set latency. Every figure
// comes with the emulator's count of the requests it served.
package cachebench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// Slug is the workspace of generated clients.
const Slug = "scale"

// PageSize is the emulator's page size. GitScrum's real page size is not
// documented; 100 is an assumption.
const PageSize = 100

// Query is the search query: a name prefix that about one client in 32 has.
const Query = "glob"

// LookupName is the name of the one client looked up by name; generated names
// repeat, this one does not.
const LookupName = "Bench Lookup Target Ltd"

// Rig is the emulator with Slug holding n generated clients, served on loopback.
type Rig struct {
	// Emu is the emulator; its request log is unbounded, for counting.
	Emu *emulator.Server
	// Clients are the clients of Slug as stored.
	Clients []gitscrum.ClientCompany

	srv *httptest.Server
}

// NewRig starts the emulator with n clients in Slug: n-1 generated ones and, in
// the middle, the one named LookupName.
func NewRig(n int) *Rig {
	emu := emulator.New()
	emu.SetPageSize(PageSize)
	r := &Rig{Emu: emu, Clients: emu.AddClients(Slug, Generate(n)...)}
	r.srv = httptest.NewServer(emu)
	return r
}

// Generate returns n clients: n-1 generated ones and, in the middle, the one named
// LookupName.
func Generate(n int) []gitscrum.ClientCompany {
	out := emulator.GenerateClients(max(n-1, 0))
	return slices.Insert(out, len(out)/2, gitscrum.ClientCompany{Name: LookupName, Email: "billing@lookup-target.example"})
}

// Close stops the emulator.
func (r *Rig) Close() { r.srv.Close() }

// URL is the emulator's base URL.
func (r *Rig) URL() string { return r.srv.URL }

// Client returns a new gitscrum client of the emulator, so with an empty cache;
// opts come after the rig's (no retries, a one-minute timeout).
func (r *Rig) Client(opts ...gitscrum.Option) (*gitscrum.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	return gitscrum.New(append([]gitscrum.Option{gitscrum.WithBaseURL(r.srv.URL), gitscrum.WithToken(emulator.DefaultToken),
		gitscrum.WithHTTPClient(&http.Client{Transport: tr}),
		gitscrum.WithRetryPolicy(gitscrum.NoRetries), gitscrum.WithTimeout(time.Minute)}, opts...)...)
}

// Counts are the requests the emulator served: whole listings (page 1 of the
// list), list pages, and GETs of one client.
type Counts struct {
	Listings, Pages, Gets int
}

// Count counts the requests since the last Reset.
func (r *Rig) Count() Counts {
	var c Counts
	for _, q := range r.Emu.Requests() {
		switch {
		case q.Path == "/contact-companies/clients":
			c.Pages++
			if p := q.Query.Get("page"); p == "" || p == "1" {
				c.Listings++
			}
		case q.Method == http.MethodGet:
			c.Gets++
		}
	}
	return c
}

// Reset empties the request log.
func (r *Rig) Reset() { r.Emu.ResetRequests() }

// MCP is an MCP server with the tools over one gitscrum client, and an in-process
// client of it.
type MCP struct {
	c *client.Client
}

// NewMCP builds the tools over gc (default workspace Slug) and connects to them.
func NewMCP(gc *gitscrum.Client) (*MCP, error) {
	srv, err := tools.New(tools.Options{Client: gc, CompanySlug: Slug})
	if err != nil {
		return nil, err
	}
	c, err := client.NewInProcessClient(srv)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "cachebench", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		return nil, err
	}
	return &MCP{c: c}, nil
}

// Close disconnects.
func (m *MCP) Close() { _ = m.c.Close() }

// Call calls a tool and returns its structured result; a tool error is an error.
func (m *MCP) Call(tool string, args map[string]any) (map[string]any, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := m.c.CallTool(context.Background(), req)
	if err != nil {
		return nil, err
	}
	if res.IsError {
		msg := ""
		if len(res.Content) > 0 {
			if t, ok := res.Content[0].(mcp.TextContent); ok {
				msg = t.Text
			}
		}
		return nil, fmt.Errorf("%s: %s", tool, msg)
	}
	out, _ := res.StructuredContent.(map[string]any)
	return out, nil
}

// Timed calls tool n times in sequence and returns the sorted durations.
func (m *MCP) Timed(n int, tool string, args map[string]any) ([]time.Duration, error) {
	out := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		if _, err := m.Call(tool, args); err != nil {
			return nil, err
		}
		out = append(out, time.Since(t0))
	}
	return stats.Sorted(out), nil
}

// PageAll pages through the whole workspace with list_clients at its default page
// size, following next_offset, and returns the number of calls and of distinct
// clients seen.
func (m *MCP) PageAll() (calls, seen int, err error) {
	uuids := map[string]bool{}
	offset := 0
	for calls < 100_000 {
		out, err := m.Call("list_clients", map[string]any{"offset": offset})
		if err != nil {
			return calls, len(uuids), err
		}
		calls++
		list, _ := out["clients"].([]any)
		for _, c := range list {
			if c, ok := c.(map[string]any); ok {
				uuids[fmt.Sprint(c["uuid"])] = true
			}
		}
		next, ok := out["next_offset"].(float64)
		if !ok {
			return calls, len(uuids), nil
		}
		offset = int(next)
	}
	return calls, len(uuids), errors.New("paging did not end")
}

// Concurrent makes n calls of tool at once, each from its own in-process MCP
// client over the same gitscrum client, and returns the wall time until the last
// answer.
func Concurrent(gc *gitscrum.Client, n int, tool string, args map[string]any) (time.Duration, error) {
	clients := make([]*MCP, n)
	for i := range clients {
		m, err := NewMCP(gc)
		if err != nil {
			return 0, err
		}
		defer m.Close()
		clients[i] = m
	}
	gate := make(chan struct{})
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for _, m := range clients {
		wg.Go(func() {
			<-gate
			_, err := m.Call(tool, args)
			errs <- err
		})
	}
	t0 := time.Now()
	close(gate)
	wg.Wait()
	wall := time.Since(t0)
	close(errs)
	for err := range errs {
		if err != nil {
			return wall, err
		}
	}
	return wall, nil
}

// Memory is what a cached list of n clients holds.
type Memory struct {
	N int
	// Bytes is the rise of the live heap (after a GC) once the list is cached,
	// with its search index, and the listing's garbage collected.
	Bytes uint64
	// JSONBytes is the size of the same records as compact JSON.
	JSONBytes int
}

// CachedListMemory lists n generated clients (no latency) into a fresh client's
// cache and measures the live heap it adds.
func CachedListMemory(n int) (Memory, error) {
	r := NewRig(n)
	defer r.Close()
	wire, err := json.Marshal(r.Clients)
	if err != nil {
		return Memory{}, err
	}
	gc, err := r.Client()
	if err != nil {
		return Memory{}, err
	}
	ctx := context.Background()
	live := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := live()
	snap, err := gc.Clients(ctx, Slug)
	if err != nil {
		return Memory{}, err
	}
	snap.Index()
	after := live()
	if again, err := gc.Clients(ctx, Slug); err != nil || again != snap || snap.Len() != n {
		return Memory{}, fmt.Errorf("the list of %d clients was not cached: %v", n, err)
	}
	runtime.KeepAlive(snap)
	m := Memory{N: n, JSONBytes: len(wire)}
	if after > before {
		m.Bytes = after - before
	}
	return m, nil
}
