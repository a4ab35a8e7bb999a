// Package tools serves the client operations of package gitscrum as four MCP tools
// (list_clients, get_client, create_client, update_client) with
// github.com/mark3labs/mcp-go, over stdio or streamable HTTP.
//
// [New] builds the MCP server. Every tool call goes through one wrapper that checks
// the arguments, picks the workspace and the GitScrum client for the call (the
// configured one, or over HTTP one acting with the request's own token), runs the
// tool, turns any failure into an isError result that says what to do, and reports
// the outcome to [Options.Observe]. [RunStdio] serves the server over stdio until
// its context ends, then lets in-flight calls finish within a bound;
// [NewHTTPHandler] is its streamable HTTP side. What mcp-go v1.2.1 gets wrong on
// the wire is patched in tools/internal/mcpfix.
package tools

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/auditlog"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/version"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools/internal/mcpfix"
)

// The tool names, a contract with users' configurations and prompts.
const (
	toolList   = "list_clients"
	toolGet    = "get_client"
	toolCreate = "create_client"
	toolUpdate = "update_client"
)

// ServerName is the name the MCP server gives in its initialize answer.
const ServerName = "gitscrum-mcp"

// Options configures the MCP server built by [New].
type Options struct {
	// Version is the product's version, given in the initialize answer
	// (serverInfo.version); "" is version.Dev.
	Version string
	// Client talks to GitScrum. Over stdio every call uses it; over HTTP it is the
	// base that request tokens are applied to (see [NewHTTPHandler]). Required.
	Client *gitscrum.Client
	// CompanySlug is the default workspace, used when a call names none.
	CompanySlug string
	// ReadOnly leaves out the write tools (create_client, update_client) entirely.
	ReadOnly bool
	// Sandbox says that Client talks to the embedded emulator with demo data.
	Sandbox bool
	// Logger receives one record per tool call (debug for successes, info for
	// failures); nil discards them.
	Logger *slog.Logger
	// CallTimeout, when positive, bounds one whole tool call: every GitScrum request
	// it makes (a lookup, the pages of a list, a write) shares that budget, and a
	// call that runs out of it answers that GitScrum did not answer in time. Zero
	// leaves each GitScrum request bounded only by the client's own timeout. Over
	// HTTP it must stay below the server's WriteTimeout, or slow answers are cut.
	CallTimeout time.Duration
	// Observe, when set, is told of every finished tool call; it is the place for
	// metrics such as a call counter by tool and outcome. It must be fast and safe
	// for concurrent use.
	Observe func(Call)
	// Store is the state store shared by the replicas (the audit log of writes,
	// history, create records); nil keeps no state beyond the process.
	Store *store.Store
	// AnswerTimeout bounds how long a call waits for the user's answer when it
	// asks a question with a server-sent elicitation/create request (protocols
	// before 2026-07-28, over stdio); CallTimeout, when set, bounds it too. Zero
	// means DefaultAnswerTimeout.
	AnswerTimeout time.Duration
}

// Call describes one finished tool call, for [Options.Observe].
type Call struct {
	// Tool is the tool's name, e.g. "get_client".
	Tool string
	// Outcome is OutcomeOK or the error class of the call (see the Outcome
	// constants).
	Outcome string
	// Duration is the time from the call's arrival to its result.
	Duration time.Duration
}

// spec is one tool: its definition and how to run it.
type spec struct {
	def mcp.Tool
	// write marks the tools that read-only mode leaves out.
	write bool
	// link marks the tools whose results carry the client's resource_link.
	link bool
	// parse checks the tool's own arguments and returns the work to do. It runs
	// before the workspace and the token are checked, so that argument errors come
	// first and never cost a request.
	parse func(a args) (work, error)
}

// work is a tool call whose arguments have been checked.
type work func(ctx context.Context, c *call) (*mcp.CallToolResult, error)

// call is what a tool's work needs: the client and workspace for this call.
type call struct {
	client *gitscrum.Client
	slug   string
	fail   *failure
	// ask puts questions to the user, when the client can be asked.
	ask *asker
	// outcome, when set, is the outcome of a call that returned a result without
	// doing its work (a question pending, or the user's no).
	outcome string
	// audit records the call's write in the audit log (see tools/audit.go).
	audit auditlog.Recorder
}

// specs returns every tool, in the order they are offered and documented. It
// builds them anew: [New] calls it once per server.
func specs() []spec {
	return []spec{listClientsSpec(), getClientSpec(), createClientSpec(), updateClientSpec()}
}

// toolNames returns the name of every tool of the server, read-only or not, in
// the order they are offered.
func toolNames() []string {
	return []string{toolList, toolGet, toolCreate, toolUpdate}
}

// Definitions returns the definitions of the tools the server offers, in order;
// without the write tools when readOnly is set.
func Definitions(readOnly bool) []mcp.Tool {
	var out []mcp.Tool
	for _, sp := range specs() {
		if readOnly && sp.write {
			continue
		}
		out = append(out, sp.def)
	}
	return out
}

// New builds the MCP server with the tools, the client resources and their
// completions (see [ClientTemplate]). Results are checked against each tool's
// outputSchema before they are sent.
func New(o Options) (*server.MCPServer, error) {
	if o.Client == nil {
		return nil, errors.New("tools: Options.Client is required")
	}
	all := specs()
	h := &handler{
		client:  o.Client,
		slug:    strings.TrimSpace(o.CompanySlug),
		sandbox: o.Sandbox,
		log:     o.Logger,
		observe: o.Observe,
		timeout: o.CallTimeout,
		answer:  o.AnswerTimeout,
		write:   make(map[string]bool, len(all)),
		store:   o.Store,
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.audit = auditlog.Recorder{Store: o.Store, Log: h.log}
	for _, sp := range all {
		h.write[sp.def.Name] = sp.write
	}
	ver := o.Version
	if ver == "" {
		ver = version.Dev
	}
	hooks := &server.Hooks{}
	hooks.AddOnRequestInitialization(refuseLongURI)
	hooks.AddAfterListTools(privateWhenNarrowed)
	mcpfix.AddHooks(hooks)
	opts := []server.ServerOption{
		server.WithToolCapabilities(false),
		server.WithOutputSchemaValidation(),
		server.WithInstructions(instructions(o)),
		server.WithIcons(Icon),
		server.WithToolFilter(h.filterTools),
		server.WithHooks(hooks),
	}
	opts = append(opts, h.resourceOptions()...)
	opts = append(opts, cacheHints(o.Client.CacheTTL())...)
	s := server.NewMCPServer(ServerName, ver, opts...)
	for _, sp := range all {
		if o.ReadOnly && sp.write {
			continue
		}
		s.AddTool(sp.def, h.wrap(sp))
	}
	h.addResources(s)
	return s, nil
}

// instructions is the server's word to the model at initialize.
func instructions(o Options) string {
	var b strings.Builder
	b.WriteString("Tools for the clients (customer companies) of a GitScrum workspace.")
	if slug := strings.TrimSpace(o.CompanySlug); slug != "" {
		b.WriteString(" Default workspace: " + slug + "; pass company_slug for another.")
	} else {
		b.WriteString(" No default workspace: pass company_slug with every call.")
	}
	if o.ReadOnly {
		b.WriteString(" Read-only: clients cannot be created or changed here.")
	}
	if o.Sandbox {
		b.WriteString(" Sandbox: demo data from an emulator, not a real GitScrum account.")
	}
	return b.String()
}

// handler runs tool calls.
type handler struct {
	client  *gitscrum.Client
	slug    string
	sandbox bool
	log     *slog.Logger
	observe func(Call)
	timeout time.Duration
	answer  time.Duration
	// write tells, by tool name, the tools read-only mode leaves out.
	write map[string]bool
	// store is the state store (nil: none); audit records writes in it.
	store *store.Store
	audit auditlog.Recorder
}

// wrap is the one path every tool call takes. The outcome of each call is known here,
// which makes it the place for metrics (see Options.Observe).
func (h *handler) wrap(sp spec) server.ToolHandlerFunc {
	name := sp.def.Name
	return func(ctx context.Context, req mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
		start := time.Now()
		outcome := OutcomeInternal
		defer func() {
			if r := recover(); r != nil {
				h.log.Error("tool call panicked", "tool", name, "outcome", OutcomeInternal, "panic", r, "stack", string(debug.Stack()))
				res = mcp.NewToolResultError(internalErrorText)
				outcome, err = OutcomeInternal, nil
			}
			d := time.Since(start)
			if outcome == OutcomeOK {
				h.log.Debug("tool call", "tool", name, "outcome", outcome, "duration", d)
			} else {
				h.log.Info("tool call failed", "tool", name, "outcome", outcome, "duration", d)
			}
			if h.observe != nil {
				h.observe(Call{Tool: name, Outcome: outcome, Duration: d})
			}
		}()
		if h.timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, h.timeout)
			defer cancel()
		}
		res, outcome = h.run(ctx, sp, req)
		return res, nil
	}
}

// run checks the arguments, the workspace and the token, then does the work.
func (h *handler) run(ctx context.Context, sp spec, req mcp.CallToolRequest) (*mcp.CallToolResult, string) {
	f := &failure{tool: sp.def.Name, slug: h.slug}
	a, err := parseArgs(req, sp.def)
	if err != nil {
		return errorResult(err, *f)
	}
	slug, _, err := a.str("company_slug")
	if err != nil {
		return errorResult(err, *f)
	}
	w, err := sp.parse(a)
	if err != nil {
		return errorResult(err, *f)
	}
	if slug = strings.TrimSpace(slug); slug != "" {
		f.slug = slug
	}
	if f.slug == "" {
		return errorResult(errNoWorkspace, *f)
	}
	client, source := h.clientFor(ctx)
	f.source = source
	if !client.HasToken() {
		return errorResult(errNoToken, *f)
	}
	c := &call{client: client, slug: f.slug, fail: f, ask: newAsker(ctx, req, h.answer), audit: h.audit}
	res, err := w(ctx, c)
	if err != nil {
		return errorResult(err, *f)
	}
	if c.outcome != "" {
		return res, c.outcome
	}
	return res, OutcomeOK
}

// tokenSource says whose token a call's client sends, for the 401 advice.
type tokenSource int

const (
	// sourceServer: the server's own GITSCRUM_TOKEN.
	sourceServer tokenSource = iota
	// sourceHeader: the token of the HTTP request's Authorization header.
	sourceHeader
	// sourceSandbox: the embedded emulator's token.
	sourceSandbox
)

// clientKey is the context key of a call's client.
type clientKey struct{}

// boundClient is the client chosen for one HTTP request.
type boundClient struct {
	client *gitscrum.Client
	source tokenSource
}

// withClient returns ctx carrying the client that the calls of one request use.
func withClient(ctx context.Context, c *gitscrum.Client, source tokenSource) context.Context {
	return context.WithValue(ctx, clientKey{}, boundClient{client: c, source: source})
}

// clientFor returns the client for a call: the one bound to the request, else the
// configured one.
func (h *handler) clientFor(ctx context.Context) (*gitscrum.Client, tokenSource) {
	if b, ok := ctx.Value(clientKey{}).(boundClient); ok && b.client != nil {
		return b.client, b.source
	}
	if h.sandbox {
		return h.client, sourceSandbox
	}
	return h.client, sourceServer
}

// newTool builds a tool definition with its title, description, explicit
// annotations (the title is not repeated in them: clients prefer the tool's own), arguments (in the given order, plus company_slug last), a closed
// input schema, and its output schema.
func newTool(name, title, description string, hints mcp.ToolAnnotation, outputSchema string, order []string, opts ...mcp.ToolOption) mcp.Tool {
	hints.OpenWorldHint = mcp.ToBoolPtr(true)
	all := append([]mcp.ToolOption{
		mcp.WithToolTitle(title),
		mcp.WithDescription(description),
	}, opts...)
	all = append(all,
		mcp.WithString("company_slug"),
		mcp.WithSchemaAdditionalProperties(false),
		mcp.WithToolAnnotation(hints),
		mcp.WithRawOutputSchema(mustJSON(outputSchema)),
	)
	t := mcp.NewTool(name, all...)
	t.InputSchema.PropertyOrder = append(append([]string(nil), order...), "company_slug")
	return t
}

// Argument descriptions shared by several tools.
const (
	clientArg  = "UUID, or (part of) the name."
	websiteArg = "http(s) URL."
)

// hints returns annotations with the three behaviour hints set explicitly (mcp-go
// would otherwise default to destructive).
func hints(readOnly, destructive, idempotent bool) mcp.ToolAnnotation {
	return mcp.ToolAnnotation{
		ReadOnlyHint:    mcp.ToBoolPtr(readOnly),
		DestructiveHint: mcp.ToBoolPtr(destructive),
		IdempotentHint:  mcp.ToBoolPtr(idempotent),
	}
}
