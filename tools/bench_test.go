package tools_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// timings records the duration of every iteration, for medians.
type timings []time.Duration

// report adds the median and the 90th percentile to the benchmark's output, and
// returns the median.
func (ts timings) report(b *testing.B) time.Duration {
	if len(ts) == 0 {
		return 0
	}
	slices.Sort(ts)
	p50, p90 := ts[len(ts)/2], ts[len(ts)*9/10]
	b.ReportMetric(float64(p50.Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(p90.Nanoseconds())/1e3, "p90-µs")
	return p50
}

// BenchmarkGetClient compares one get_client through MCP (mcp-go's in-process
// client, the whole tool path: arguments, resolve, render, output validation)
// with a direct gitscrum.Client.GetClient against the same emulator over loopback
// HTTP. The log line gives the difference of the medians and their ratio.
func BenchmarkGetClient(b *testing.B) {
	e := newEnv(b)
	e.emu.SetLogLimit(100)
	direct, err := newGitscrumClient(e.url, emulator.DefaultToken)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var medDirect, medMCP time.Duration

	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		var ts timings
		for b.Loop() {
			start := time.Now()
			if _, err := direct.GetClient(ctx, emulator.DemoWorkspace, emulator.DemoAcmeUUID); err != nil {
				b.Fatal(err)
			}
			ts = append(ts, time.Since(start))
		}
		medDirect = ts.report(b)
	})
	b.Run("mcp-in-process", func(b *testing.B) {
		b.ReportAllocs()
		req := mcp.CallToolRequest{}
		req.Params.Name = "get_client"
		req.Params.Arguments = map[string]any{"client": emulator.DemoAcmeUUID}
		var ts timings
		for b.Loop() {
			start := time.Now()
			res, err := e.mcp.CallTool(ctx, req)
			if err != nil || res.IsError {
				b.Fatal(err, res)
			}
			ts = append(ts, time.Since(start))
		}
		medMCP = ts.report(b)
	})
	if medDirect > 0 && medMCP > 0 {
		b.Logf("get_client median: direct %v, through MCP in-process %v: +%v per call (%.2fx)",
			medDirect, medMCP, medMCP-medDirect, float64(medMCP)/float64(medDirect))
	}
}

// BenchmarkListClientsQuery10k: list_clients with a query over 10,000 clients (the
// complete list fetched from the emulator, searched, one page rendered), against the
// same work done directly with gitscrum.
func BenchmarkListClientsQuery10k(b *testing.B) {
	e := newEnv(b)
	e.emu.SetLogLimit(100)
	many := make([]gitscrum.ClientCompany, 10000)
	for i := range many {
		many[i] = gitscrum.ClientCompany{
			Name: fmt.Sprintf("Client %05d GmbH", i), Email: fmt.Sprintf("billing%d@example.com", i),
			Website: "https://example.com", Notes: "Enterprise client since 2024",
			ProjectsCount: i % 7, InvoicesTotal: gitscrum.Money(i) * 10.5,
		}
	}
	e.emu.AddClients("bench", many...)
	direct, err := newGitscrumClient(e.url, emulator.DefaultToken)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	const query = "client 0421"

	b.Run("direct-list-and-search", func(b *testing.B) {
		b.ReportAllocs()
		var ts timings
		for b.Loop() {
			start := time.Now()
			all, err := direct.ListClients(ctx, "bench")
			if err != nil {
				b.Fatal(err)
			}
			if m, err := gitscrum.NewIndex(all).Search(ctx, query); err != nil || len(m) != 10 {
				b.Fatal(len(m), err)
			}
			ts = append(ts, time.Since(start))
		}
		ts.report(b)
	})
	b.Run("mcp-in-process", func(b *testing.B) {
		b.ReportAllocs()
		req := mcp.CallToolRequest{}
		req.Params.Name = "list_clients"
		req.Params.Arguments = map[string]any{"company_slug": "bench", "query": query}
		var ts timings
		for b.Loop() {
			start := time.Now()
			res, err := e.mcp.CallTool(ctx, req)
			if err != nil || res.IsError {
				b.Fatal(err, res)
			}
			ts = append(ts, time.Since(start))
		}
		ts.report(b)
	})
}
