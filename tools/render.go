package tools

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// Results carry two forms of the same answer: structuredContent, which validates
// against the tool's outputSchema, and one concise text block for clients that read
// only text. Neither is a pretty-printed JSON dump.

// record is a client as the tools return it in structuredContent.
type record struct {
	UUID          string  `json:"uuid"`
	Name          string  `json:"name"`
	Email         string  `json:"email"`
	Phone         string  `json:"phone"`
	Website       string  `json:"website"`
	Address       string  `json:"address"`
	Notes         string  `json:"notes"`
	ProjectsCount int     `json:"projects_count"`
	InvoicesTotal float64 `json:"invoices_total"`
	CreatedAt     string  `json:"created_at,omitempty"`
}

func toRecord(c gitscrum.ClientCompany) record {
	r := record{
		UUID: c.UUID, Name: c.Name, Email: c.Email, Phone: c.Phone, Website: c.Website,
		Address: c.Address, Notes: c.Notes, ProjectsCount: c.ProjectsCount,
		InvoicesTotal: float64(c.InvoicesTotal),
	}
	if !c.CreatedAt.IsZero() {
		r.CreatedAt = c.CreatedAt.UTC().Format(time.RFC3339)
	}
	return r
}

// summary is a client in a list: its name, and the UUID to fetch or change it by.
// Nothing more, so that a page of 200 stays small; get_client has the rest.
type summary struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

// listResult is the structuredContent of list_clients.
type listResult struct {
	Total      int       `json:"total"`
	Offset     int       `json:"offset"`
	NextOffset *int      `json:"next_offset,omitempty"`
	Clients    []summary `json:"clients"`
}

// clientResult is the structuredContent of get_client and create_client.
type clientResult struct {
	Client record `json:"client"`
}

// change is one changed field of an update.
type change struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// updateResult is the structuredContent of update_client.
type updateResult struct {
	Client  record   `json:"client"`
	Changes []change `json:"changes"`
}

// Output schemas, compact: tools/list is sent to the model on every session. An
// object whose fields are all strings but a few gives the numbers in "properties"
// and every other field the type string through "additionalProperties"; "required"
// names every field that is always present (a record's created_at, RFC 3339, is
// there when GitScrum gives it).
const (
	recordSchema = `{"type":"object","properties":{"projects_count":{"type":"integer"},"invoices_total":{"type":"number"}},` +
		`"additionalProperties":{"type":"string"},` +
		`"required":["uuid","name","email","phone","website","address","notes","projects_count","invoices_total"]}`

	clientOutputSchema = `{"type":"object","properties":{"client":` + recordSchema + `},"required":["client"]}`

	updateOutputSchema = `{"type":"object","properties":{"client":` + recordSchema + `,` +
		`"changes":{"type":"array","items":{"type":"object","additionalProperties":{"type":"string"},` +
		`"required":["field","before","after"]}}},"required":["client","changes"]}`

	listOutputSchema = `{"type":"object","properties":{` +
		`"total":{"type":"integer"},"offset":{"type":"integer"},"next_offset":{"type":"integer"},` +
		`"clients":{"type":"array","items":{"type":"object","additionalProperties":{"type":"string"},` +
		`"required":["uuid","name"]}}},"required":["total","offset","clients"]}`
)

// result builds a successful tool result from its text and structured forms.
func result(text string, structured any) *mcp.CallToolResult {
	return &mcp.CallToolResult{
		Content:           []mcp.Content{mcp.NewTextContent(text)},
		StructuredContent: structured,
	}
}

// listText renders a page of matches: a header line, then one line per client.
func listText(slug, query string, page []summary, total, offset int, next *int) string {
	var b strings.Builder
	switch {
	case total == 0 && query != "":
		fmt.Fprintf(&b, "No client in workspace %s matches %q. Try a shorter or different query, or omit query to list every client.", slug, gitscrum.Excerpt(query))
		return b.String()
	case total == 0:
		fmt.Fprintf(&b, "Workspace %s has no clients.", slug)
		return b.String()
	case len(page) == 0:
		fmt.Fprintf(&b, "offset %d is past the last of %d %s; use an offset below %d.", offset, total, plural(total, "match", "matches"), total)
		return b.String()
	}
	what := "clients"
	if query != "" {
		what = fmt.Sprintf("clients matching %q", gitscrum.Excerpt(query))
	}
	fmt.Fprintf(&b, "%d–%d of %d %s in %s:\n", offset+1, offset+len(page), total, what, slug)
	for _, s := range page {
		b.WriteString(oneLine(s.Name))
		b.WriteString(" (")
		b.WriteString(s.UUID)
		b.WriteString(")\n")
	}
	if next != nil {
		fmt.Fprintf(&b, "More: call again with offset %d.", *next)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// recordText renders one client, field by field; empty fields are listed together.
func recordText(b *strings.Builder, c record) {
	fmt.Fprintf(b, "%s (%s)\n", oneLine(c.Name), c.UUID)
	var empty []string
	for _, f := range []struct{ name, value string }{
		{"email", c.Email}, {"phone", c.Phone}, {"website", c.Website},
		{"address", c.Address}, {"notes", c.Notes},
	} {
		if f.value == "" {
			empty = append(empty, f.name)
			continue
		}
		b.WriteString(f.name)
		b.WriteString(": ")
		b.WriteString(indentLines(f.value))
		b.WriteByte('\n')
	}
	fmt.Fprintf(b, "projects: %d; invoiced: %s", c.ProjectsCount, strconv.FormatFloat(c.InvoicesTotal, 'f', -1, 64))
	if c.CreatedAt != "" {
		fmt.Fprintf(b, "; created: %s", c.CreatedAt)
	}
	if len(empty) > 0 {
		fmt.Fprintf(b, "\nempty: %s", strings.Join(empty, ", "))
	}
}

// changesText renders the changes of an update, one per line, before → after.
func changesText(b *strings.Builder, changes []change) {
	if len(changes) == 0 {
		b.WriteString("No field changed: the values were already as given.\n")
		return
	}
	for _, c := range changes {
		fmt.Fprintf(b, "%s: %s → %s", c.Field, quoteShort(c.Before), quoteShort(c.After))
		if c.After == "" {
			b.WriteString(" (cleared)")
		}
		b.WriteByte('\n')
	}
}

// maxQuoted is how much of a long value a change line shows.
const maxQuoted = 160

// quoteShort quotes a value for a change line, shortening a long one.
func quoteShort(s string) string {
	if r := []rune(s); len(r) > maxQuoted {
		s = string(r[:maxQuoted]) + "…"
	}
	return strconv.Quote(s)
}

// oneLine replaces line breaks and other control characters with spaces, so that a
// value cannot break the one-line-per-client layout.
func oneLine(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// indentLines indents the continuation lines of a multi-line value.
func indentLines(s string) string {
	s = strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	return strings.ReplaceAll(s, "\n", "\n  ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// mustJSON checks at start-up that a schema constant is valid JSON.
func mustJSON(s string) json.RawMessage {
	if !json.Valid([]byte(s)) {
		panic("tools: invalid JSON schema: " + s)
	}
	return json.RawMessage(s)
}
