package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools/internal/mcpfix"
)

// Resources: a template for one client and, when a default workspace is set, the
// list of the default workspace's clients. Their reads use the same client, token
// rule and call bound as the tools.
const (
	// ClientTemplate is the URI template of one client's resource; client is a
	// UUID or a name, percent-encoded.
	ClientTemplate = "gitscrum://{company_slug}/clients/{client}"
	// resourceScheme is the scheme of every resource URI the server serves.
	resourceScheme = "gitscrum"
	// maxListed bounds the clients the list resource names; past it, the resource
	// says how many it left out (list_clients pages through them).
	maxListed = 1000
)

// MIME types of the resource contents.
const (
	mimeJSON     = "application/json"
	mimeMarkdown = "text/markdown"
)

// ClientURI returns the URI of a client's resource: gitscrum://{slug}/clients/{ref}
// with both parts percent-encoded (every byte but the unreserved ones, as a
// template's simple expansion does).
func ClientURI(slug, ref string) string {
	return ClientsURI(slug) + "/" + escapeVar(ref)
}

// ClientsURI returns the URI of the list resource of a workspace:
// gitscrum://{slug}/clients.
func ClientsURI(slug string) string {
	return resourceScheme + "://" + escapeVar(slug) + "/clients"
}

// escapeVar percent-encodes every byte of s but the unreserved characters of RFC
// 3986 (letters, digits, - . _ ~).
func escapeVar(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// clientTemplate is the resource template of one client.
func clientTemplate() mcp.ResourceTemplate {
	return mcp.NewResourceTemplate(ClientTemplate, "client",
		mcp.WithTemplateTitle("Client"),
		mcp.WithTemplateDescription("One client's record, fetched fresh: JSON (the fields of get_client) and a short Markdown rendering. "+
			"client is a UUID or a name (as get_client takes it); both arguments complete."),
	)
}

// clientsResource is the list resource of the default workspace.
func clientsResource(slug string) mcp.Resource {
	return mcp.NewResource(ClientsURI(slug), "clients",
		mcp.WithResourceTitle("Clients of "+slug),
		mcp.WithResourceDescription(fmt.Sprintf("Name and UUID of the clients of workspace %s, as JSON: up to %d, with the total.", slug, maxListed)),
		mcp.WithMIMEType(mimeJSON),
	)
}

// addResources registers the templates (a client, its history), their completions and, with a default
// workspace, the list resource.
func (h *handler) addResources(s *server.MCPServer) {
	s.AddResourceTemplate(clientTemplate(), h.readClient)
	s.AddResourceTemplate(historyTemplate(), h.readHistory)
	if h.slug != "" {
		s.AddResource(clientsResource(h.slug), h.readClients)
	}
}

// resourceOptions are the server options the resources need.
func (h *handler) resourceOptions() []server.ServerOption {
	return []server.ServerOption{
		server.WithResourceCapabilities(false, false),
		server.WithCompletions(),
		server.WithResourceCompletionProvider(completer{h}),
	}
}

// readError is any other failed read, worded for the person or model reading.
type readError struct{ msg string }

func (e *readError) Error() string { return e.msg }

// readCall prepares a read: the call bound, the client and its token.
func (h *handler) readCall(ctx context.Context, slug string) (context.Context, context.CancelFunc, *gitscrum.Client, failure, error) {
	f := failure{tool: toolGet, slug: slug}
	client, source := h.clientFor(ctx)
	f.source = source
	cancel := context.CancelFunc(func() {})
	if h.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, h.timeout)
	}
	if !client.HasToken() {
		return ctx, cancel, nil, f, readFailure(errNoToken, f)
	}
	return ctx, cancel, client, f, nil
}

// readFailure words err for a failed read.
func readFailure(err error, f failure) error {
	text, _ := explain(err, f)
	return &readError{msg: text}
}

// templateArg returns a variable of the template as matched in the URI.
func templateArg(req mcp.ReadResourceRequest, name string) string {
	switch v := req.Params.Arguments[name].(type) {
	case string:
		return v
	case []string:
		return strings.Join(v, ",")
	}
	return ""
}

// readClient reads gitscrum://{company_slug}/clients/{client}: the record as
// get_client finds it (a forgiving match, then a fresh GET of the record).
func (h *handler) readClient(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	uri := req.Params.URI
	slug, ref := unescape(templateArg(req, "company_slug")), unescape(templateArg(req, "client"))
	ctx, cancel, client, f, err := h.readCall(ctx, slug)
	defer cancel()
	if err != nil {
		return nil, err
	}
	cc, err := resolveRead(ctx, client, f, uri, slug, ref)
	if err != nil {
		return nil, err
	}
	rec := toRecord(*cc)
	body, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode client %s: %w", rec.UUID, err)
	}
	return []mcp.ResourceContents{
		mcp.TextResourceContents{URI: uri, MIMEType: mimeJSON, Text: string(body)},
		mcp.TextResourceContents{URI: uri, MIMEType: mimeMarkdown, Text: recordMarkdown(slug, rec)},
	}, nil
}

// resolveRead finds the client ref names in workspace slug for a read of uri, as
// get_client finds it (a forgiving match, then a fresh GET of the record), with
// the errors a resource read answers.
func resolveRead(ctx context.Context, client *gitscrum.Client, f failure, uri, slug, ref string) (*gitscrum.ClientCompany, error) {
	cc, err := client.ResolveClient(ctx, slug, ref)
	var resErr *gitscrum.ResolveError
	switch {
	case errors.As(err, &resErr) && len(resErr.Candidates) > 0:
		return nil, mcpfix.InvalidParams(ambiguousText(resErr, slug), ambiguousData(resErr, uri, slug))
	case errors.Is(err, gitscrum.ErrNotFound):
		return nil, mcpfix.NotFound(uri,
			fmt.Sprintf("Resource not found: no client %q in workspace %s. List the workspace's clients with list_clients, or complete the client argument.", gitscrum.Excerpt(ref), slug))
	case err != nil:
		return nil, readFailure(err, f)
	}
	return cc, nil
}

// unescape percent-decodes a template variable, leaving it as it is when it is
// not valid percent-encoding.
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// ambiguousText lists, in words, the clients an ambiguous name matched.
func ambiguousText(e *gitscrum.ResolveError, slug string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q matches %d clients in workspace %s: ", gitscrum.Excerpt(e.Ref), len(e.Candidates), slug)
	for i, c := range e.Candidates {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%s)", oneLine(c.Name), c.UUID)
	}
	// "<uuid>" is a placeholder, written as it is, not percent-encoded as ClientURI would.
	fmt.Fprintf(&b, ". Read %s/<uuid> for the one you mean.", ClientsURI(slug))
	return b.String()
}

// ambiguousData is the data of the -32602 answer to an ambiguous read: the URI
// read and, for each client it matched, its UUID, name and resource URI.
func ambiguousData(e *gitscrum.ResolveError, uri, slug string) map[string]any {
	cands := make([]map[string]string, 0, len(e.Candidates))
	for _, c := range e.Candidates {
		cands = append(cands, map[string]string{"uuid": c.UUID, "name": c.Name, "uri": ClientURI(slug, c.UUID)})
	}
	return map[string]any{"uri": uri, "candidates": cands}
}

// clientsDoc is the JSON of the list resource.
type clientsDoc struct {
	Workspace string    `json:"workspace"`
	Total     int       `json:"total"`
	Clients   []summary `json:"clients"`
	// Omitted is how many clients past maxListed are not named.
	Omitted int `json:"omitted,omitempty"`
}

// readClients reads gitscrum://{default workspace}/clients from the list cache.
func (h *handler) readClients(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	ctx, cancel, client, f, err := h.readCall(ctx, h.slug)
	defer cancel()
	if err != nil {
		return nil, err
	}
	snap, err := client.Clients(ctx, h.slug)
	if err != nil {
		return nil, readFailure(err, f)
	}
	all := snap.Clients()
	doc := clientsDoc{Workspace: h.slug, Total: len(all), Clients: make([]summary, 0, min(len(all), maxListed))}
	for _, c := range all[:min(len(all), maxListed)] {
		doc.Clients = append(doc.Clients, summary{UUID: c.UUID, Name: c.Name})
	}
	doc.Omitted = len(all) - len(doc.Clients)
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode the clients of %s: %w", h.slug, err)
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: mimeJSON, Text: string(body)}}, nil
}

// recordMarkdown renders a client as short Markdown: its name as a heading, then
// the fields that are set.
func recordMarkdown(slug string, c record) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", oneLine(c.Name))
	fmt.Fprintf(&b, "- UUID: `%s`\n- Workspace: %s\n", c.UUID, slug)
	for _, f := range []struct{ name, value string }{
		{"Email", c.Email}, {"Phone", c.Phone}, {"Website", c.Website}, {"Address", c.Address},
	} {
		if f.value != "" {
			fmt.Fprintf(&b, "- %s: %s\n", f.name, oneLine(f.value))
		}
	}
	fmt.Fprintf(&b, "- Projects: %d\n- Invoiced: %s\n", c.ProjectsCount, strconv.FormatFloat(c.InvoicesTotal, 'f', -1, 64))
	if c.CreatedAt != "" {
		fmt.Fprintf(&b, "- Created: %s\n", c.CreatedAt)
	}
	if c.Notes != "" {
		fmt.Fprintf(&b, "\n## Notes\n\n%s\n", strings.TrimRight(c.Notes, "\n"))
	}
	return b.String()
}

// clientLink is the resource_link of a client, for the results of the tools that
// return one.
func clientLink(slug string, c record) mcp.ResourceLink {
	return mcp.NewResourceLink(ClientURI(slug, c.UUID), oneLine(c.Name), "This client's record as a resource.", mimeJSON)
}
