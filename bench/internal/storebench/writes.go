package storebench

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// warmups are the untimed calls each variant makes before the timed ones: the
// first connections, the first statements prepared.
const warmups = 3

// callTimeout bounds one timed write.
const callTimeout = 30 * time.Second

// The Slack user allowed to write, and the signing secret of the bot.
const (
	writer        = "U0BENCHW1"
	signingSecret = "storebench-signing-secret-0123456789"
)

// surface is one surface set up for one store (or none): call makes the i-th write.
type surface struct {
	call  func(ctx context.Context, i int) error
	close func()
}

// MCPUpdates makes n update_client calls (a new phone number each time) through an
// in-process MCP client, once per entry of stores (nil: no store), each over its
// own demo emulator, alternating call by call, and returns the sorted durations
// per entry, in the order of stores.
func MCPUpdates(stores []*store.Store, n int) ([][]time.Duration, error) {
	return alternate(stores, n, newMCP)
}

// SlackCreates makes n `/gitscrum create` commands (a new name each time, the
// duplicate check included) through the bot's command core (Bot.Reply), once per
// entry of stores (nil: no store), each over its own demo emulator, alternating
// command by command, and returns the sorted durations per entry, in the order of
// stores.
func SlackCreates(stores []*store.Store, n int) ([][]time.Duration, error) {
	return alternate(stores, n, newSlack)
}

// alternate builds one surface per store and times n writes on each, one surface
// after the other for each i, so that the load of the machine weighs alike on all.
func alternate(stores []*store.Store, n int, build func(*store.Store) (*surface, error)) ([][]time.Duration, error) {
	surfaces := make([]*surface, 0, len(stores))
	defer func() {
		for _, s := range surfaces {
			s.close()
		}
	}()
	for _, st := range stores {
		s, err := build(st)
		if err != nil {
			return nil, err
		}
		surfaces = append(surfaces, s)
	}
	out := make([][]time.Duration, len(stores))
	for i := range warmups + n {
		for k, s := range surfaces {
			ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
			t0 := time.Now()
			err := s.call(ctx, i)
			took := time.Since(t0)
			cancel()
			if err != nil {
				return nil, fmt.Errorf("write %d with %s: %w", i, storeName(stores[k]), err)
			}
			if i >= warmups {
				out[k] = append(out[k], took)
			}
		}
	}
	for k := range out {
		out[k] = stats.Sorted(out[k])
	}
	return out, nil
}

func storeName(st *store.Store) string {
	if st == nil {
		return "no store"
	}
	return st.Driver()
}

// upstream starts a demo emulator on loopback and returns a client of it,
// coordinated through st as the binaries do when st is not nil.
func upstream(st *store.Store) (*gitscrum.Client, func(), error) {
	srv := httptest.NewServer(emulator.New(emulator.WithDemoData()))
	gc, err := gitscrum.New(gitscrum.WithBaseURL(srv.URL), gitscrum.WithToken(emulator.DefaultToken),
		gitscrum.WithRetryPolicy(gitscrum.NoRetries), gitscrum.WithTimeout(callTimeout))
	if err != nil {
		srv.Close()
		return nil, nil, fmt.Errorf("gitscrum client: %w", err)
	}
	if st != nil {
		gc = gc.WithCreateCoordinator(st, 0)
	}
	return gc, srv.Close, nil
}

// newMCP builds the MCP tools over a fresh emulator with st and connects an
// in-process client to them; a call updates the demo client Acme.
func newMCP(st *store.Store) (*surface, error) {
	gc, stop, err := upstream(st)
	if err != nil {
		return nil, err
	}
	srv, err := tools.New(tools.Options{Client: gc, CompanySlug: emulator.DemoWorkspace, Store: st})
	if err != nil {
		stop()
		return nil, fmt.Errorf("MCP tools: %w", err)
	}
	c, err := client.NewInProcessClient(srv)
	if err != nil {
		stop()
		return nil, fmt.Errorf("MCP client: %w", err)
	}
	ctx := context.Background()
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "storebench", Version: "1"}
	err = c.Start(ctx)
	if err == nil {
		_, err = c.Initialize(ctx, init)
	}
	if err != nil {
		_ = c.Close()
		stop()
		return nil, fmt.Errorf("MCP initialize: %w", err)
	}
	call := func(ctx context.Context, i int) error {
		req := mcp.CallToolRequest{}
		req.Params.Name = "update_client"
		req.Params.Arguments = map[string]any{"client": emulator.DemoAcmeUUID, "phone": "+1 555 " + strconv.Itoa(1000+i)}
		res, err := c.CallTool(ctx, req)
		if err != nil {
			return err
		}
		if res.IsError {
			msg := ""
			if len(res.Content) > 0 {
				if t, ok := res.Content[0].(mcp.TextContent); ok {
					msg = t.Text
				}
			}
			return errors.New("update_client: " + msg)
		}
		return nil
	}
	return &surface{call: call, close: func() { _ = c.Close(); stop() }}, nil
}

// newSlack builds a bot over a fresh emulator with st; a call creates a client
// of a new name.
func newSlack(st *store.Store) (*surface, error) {
	gc, stop, err := upstream(st)
	if err != nil {
		return nil, err
	}
	bot, err := slackbot.New(slackbot.Config{Client: gc, Workspace: emulator.DemoWorkspace, SigningSecret: signingSecret,
		WriteUsers: []string{writer}, Store: st})
	if err != nil {
		stop()
		return nil, fmt.Errorf("slack bot: %w", err)
	}
	call := func(ctx context.Context, i int) error {
		name := "Store Bench Client " + strconv.Itoa(i)
		msg := bot.Reply(ctx, slack.SlashCommand{Command: "/gitscrum", Text: "create " + name,
			TeamID: "T0BENCH01", UserID: writer, ChannelID: "C0BENCH01"})
		if msg == nil || !strings.Contains(msg.Text, name) {
			return fmt.Errorf("create %q: not created: %+v", name, msg)
		}
		return nil
	}
	closeBot := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = bot.Close(ctx)
		stop()
	}
	return &surface{call: call, close: closeBot}, nil
}
