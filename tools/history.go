package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/auditlog"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// HistoryTemplate is the URI template of one client's history: the writes made
// to it through the bridge (either adapter), newest first.
const HistoryTemplate = ClientTemplate + "/history"

// historyLimit is how many entries the history resource returns.
const historyLimit = store.DefaultHistoryLimit

// HistoryURI returns the URI of a client's history resource.
func HistoryURI(slug, ref string) string { return ClientURI(slug, ref) + "/history" }

// historyTemplate is the resource template of one client's history.
func historyTemplate() mcp.ResourceTemplate {
	return mcp.NewResourceTemplate(HistoryTemplate, "client-history",
		mcp.WithTemplateTitle("Client history"),
		mcp.WithTemplateDescription(fmt.Sprintf("The last %d changes made to one client through this bridge (MCP or Slack), newest first, as JSON: "+
			"when, who, each field before → after, and the outcome. client is a UUID or a name, as for the client resource; both arguments complete. "+
			"Needs the bridge's state store.", historyLimit)),
		mcp.WithTemplateMIMEType(mimeJSON),
	)
}

// historyDoc is the JSON of the history resource.
type historyDoc struct {
	Workspace string         `json:"workspace"`
	Client    summary        `json:"client"`
	Entries   []historyEntry `json:"entries"`
}

// historyEntry is one write of the history: the audit log's entry and who wrote,
// in words.
type historyEntry struct {
	When    time.Time      `json:"when"`
	Surface string         `json:"surface"`
	Actor   string         `json:"actor"`
	Who     string         `json:"who"`
	Changes []store.Change `json:"changes"`
	Outcome string         `json:"outcome"`
}

// readHistory reads gitscrum://{company_slug}/clients/{client}/history: the client
// is found first with the reader's own token (as the client resource finds it),
// so that nobody reads the history of a client they cannot read; then its entries.
func (h *handler) readHistory(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	if h.store == nil {
		return nil, &readError{msg: auditlog.NoStoreText}
	}
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
	entries, err := h.store.History(ctx, slug, cc.UUID, historyLimit)
	if err != nil {
		return nil, &readError{msg: "The history of " + oneLine(cc.Name) + " could not be read: " + err.Error() + ". The client itself can still be read."}
	}
	doc := historyDoc{Workspace: slug, Client: summary{UUID: cc.UUID, Name: cc.Name}, Entries: make([]historyEntry, 0, len(entries))}
	for _, e := range entries {
		changes := e.Changes
		if changes == nil {
			changes = []store.Change{}
		}
		doc.Entries = append(doc.Entries, historyEntry{When: e.When, Surface: e.Surface, Actor: e.Actor, Who: auditlog.Who(e.Actor), Changes: changes, Outcome: e.Outcome})
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode the history of %s: %w", cc.UUID, err)
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: mimeJSON, Text: string(body)}}, nil
}
