package tools

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// Markdown renders the tool and resource reference of docs/mcp.md from the
// definitions: per tool its title, annotations, description, arguments and what
// structuredContent holds; then the resource template, the list resource and their
// completions. A test keeps the tools region of docs/mcp.md equal to it.
func Markdown() string {
	var b strings.Builder
	b.WriteString("## MCP tools\n\n")
	b.WriteString("<!-- Generated from the tool definitions in tools/; refresh with: UPDATE_SNAPSHOTS=1 go test ./tools -->\n\n")
	var writes []string
	for _, sp := range specs() {
		if sp.write {
			writes = append(writes, "`"+sp.def.Name+"`")
		}
	}
	fmt.Fprintf(&b, "Every tool takes an optional `company_slug`; without it the server's default workspace "+
		"(`GITSCRUM_COMPANY_SLUG` / `--company-slug`) is used. Failures are tool results with `isError: true` "+
		"whose text says what to do. With `--read-only`, %s are not offered. A client record also carries "+
		"`created_at` (RFC 3339) when GitScrum gives it. Arguments without a description in the schema (to keep "+
		"`tools/list` small) are explained here in _italics_.\n", strings.Join(writes, " and "))
	for _, sp := range specs() {
		toolMarkdown(&b, sp.def)
		if sp.link {
			fmt.Fprintf(&b, "Its content also holds a `resource_link` to the client's resource, `%s`.\n", placeholders(ClientURI("{company_slug}", "{uuid}")))
		}
	}
	resourcesMarkdown(&b)
	return b.String()
}

// placeholders undoes the percent-encoding of the {placeholders} of a documented
// URI.
func placeholders(uri string) string {
	return strings.NewReplacer("%7B", "{", "%7D", "}").Replace(uri)
}

// resourcesMarkdown renders the resources, the template and their completions.
func resourcesMarkdown(b *strings.Builder) {
	b.WriteString("\n## MCP resources\n\n")
	tmpl := clientTemplate()
	list := clientsResource("{company_slug}")
	b.WriteString("| URI | name | MIME types | listed by | what it holds |\n| --- | --- | --- | --- | --- |\n")
	fmt.Fprintf(b, "| `%s` | %s | `%s`, `%s` | `resources/templates/list` | %s |\n",
		tmpl.URITemplate.Raw(), tmpl.Title, mimeJSON, mimeMarkdown, cell(tmpl.Description))
	hist := historyTemplate()
	fmt.Fprintf(b, "| `%s` | %s | `%s` | `resources/templates/list` | %s |\n",
		hist.URITemplate.Raw(), hist.Title, hist.MIMEType, cell(hist.Description))
	fmt.Fprintf(b, "| `%s` | %s | `%s` | `resources/list`, for the default workspace only | %s |\n",
		placeholders(list.URI), list.Name, list.MIMEType, cell(list.Description))
	fmt.Fprintf(b, "\nA read of a client that does not exist is the JSON-RPC error -32602 (before protocol version 2026-07-28: -32002) "+
		"with the URI in `data.uri`; a name that matches several clients is the error -32602 (whatever the version) that lists them "+
		"with their UUIDs, in its message and in `data.candidates` (`uuid`, `name`, `uri`).\n\n"+
		"`completion/complete` for both templates: `client` completes to the names of the workspace's clients that hold what was typed, "+
		"best first as `list_clients` ranks them, at most %d values with `total` and `hasMore`, from the workspace list cache; "+
		"`company_slug` completes to the default workspace.\n", MaxCompletions)
}

func toolMarkdown(b *strings.Builder, t mcp.Tool) {
	fmt.Fprintf(b, "\n### `%s` — %s\n\n", t.Name, t.Title)
	fmt.Fprintf(b, "_%s_\n\n", annotationText(t.Annotations))
	b.WriteString(t.Description + "\n\n")
	b.WriteString("| argument | type | required | meaning |\n| --- | --- | --- | --- |\n")
	required := map[string]bool{}
	for _, r := range t.InputSchema.Required {
		required[r] = true
	}
	for _, name := range propertyNames(t) {
		prop, _ := t.InputSchema.Properties[name].(map[string]any)
		req := ""
		if required[name] {
			req = "yes"
		}
		desc, _ := prop["description"].(string)
		if desc == "" && readmeArgs[name] != "" {
			desc = "_" + readmeArgs[name] + "_"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", name, typeText(prop), req, cell(desc))
	}
	fmt.Fprintf(b, "\nReturns `structuredContent` with %s.\n", outputText(t.RawOutputSchema))
}

// readmeArgs explains, in docs/mcp.md only, the arguments whose name says enough
// for a model and which therefore carry no description in tools/list.
var readmeArgs = map[string]string{
	"company_slug": "Workspace slug, as in its GitScrum URL. Omit for the server's default workspace.",
	"name":         "Company name.",
	"email":        "Contact email.",
	"phone":        "Phone number.",
	"address":      "Postal address; may span lines.",
	"notes":        "Internal notes.",
}

// annotationText spells out the behaviour hints.
func annotationText(a mcp.ToolAnnotation) string {
	word := func(p *bool, yes, no string) string {
		if p != nil && *p {
			return yes
		}
		return no
	}
	return strings.Join([]string{
		word(a.ReadOnlyHint, "read-only", "writes"),
		word(a.DestructiveHint, "destructive", "non-destructive"),
		word(a.IdempotentHint, "idempotent", "not idempotent"),
		word(a.OpenWorldHint, "open-world", "closed-world"),
	}, " · ")
}

// typeText is an argument's type with its bounds, e.g. "integer, 1–200".
func typeText(prop map[string]any) string {
	t, _ := prop["type"].(string)
	lo, hasLo := prop["minimum"]
	hi, hasHi := prop["maximum"]
	switch {
	case hasLo && hasHi:
		return fmt.Sprintf("%s, %v–%v", t, lo, hi)
	case hasLo:
		return fmt.Sprintf("%s, ≥ %v", t, lo)
	}
	return t
}

// outputText summarises an output schema: its top-level fields, with the fields of
// nested objects and of array items.
func outputText(raw json.RawMessage) string {
	var s schemaNode
	if err := json.Unmarshal(raw, &s); err != nil {
		return "no declared schema"
	}
	return fieldsText(s, propertyOrderOf(raw))
}

// schemaNode is the part of a JSON schema that outputText reads.
type schemaNode struct {
	Type       string                `json:"type"`
	Properties map[string]schemaNode `json:"properties"`
	Required   []string              `json:"required"`
	Items      *schemaNode           `json:"items"`
}

func fieldsText(s schemaNode, order []string) string {
	parts := make([]string, 0, len(order))
	for _, name := range order {
		p := s.Properties[name]
		switch {
		case p.Type == "object" && len(p.Properties)+len(p.Required) > 0:
			parts = append(parts, fmt.Sprintf("`%s` {%s}", name, plainFields(p)))
		case p.Type == "array" && p.Items != nil && len(p.Items.Properties)+len(p.Items.Required) > 0:
			parts = append(parts, fmt.Sprintf("`%s[]` {%s}", name, plainFields(*p.Items)))
		default:
			parts = append(parts, "`"+name+"`")
		}
	}
	return strings.Join(parts, ", ")
}

// plainFields lists an object's field names (its properties and its required
// fields) in a stable order.
func plainFields(s schemaNode) string {
	has := func(k string) bool {
		_, ok := s.Properties[k]
		return ok || slices.Contains(s.Required, k)
	}
	names := make([]string, 0, len(s.Properties)+len(s.Required))
	for _, k := range recordOrder {
		if has(k) {
			names = append(names, k)
		}
	}
	var rest []string
	for k := range s.Properties {
		if !slices.Contains(recordOrder, k) {
			rest = append(rest, k)
		}
	}
	for _, k := range s.Required {
		if _, ok := s.Properties[k]; !ok && !slices.Contains(recordOrder, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return strings.Join(append(names, rest...), ", ")
}

// recordOrder is the display order of the fields of a client and of a change.
var recordOrder = []string{"uuid", "name", "email", "phone", "website", "address", "notes",
	"projects_count", "invoices_total", "created_at", "field", "before", "after"}

// propertyOrderOf returns the keys of a schema's top-level "properties" in order.
func propertyOrderOf(raw json.RawMessage) []string {
	var top struct {
		Properties json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(raw, &top) != nil {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(top.Properties)))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var order []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return order
		}
		order = append(order, t.(string))
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return order
		}
	}
	return order
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
