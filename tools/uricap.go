package tools

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools/internal/mcpfix"
)

// MaxURILength bounds, in bytes, the uri of any request (resources/read above
// all): the longest URI of a client whose workspace slug and reference are at
// their caps in characters (gitscrum.MaxCompanySlugLength and
// gitscrum.MaxReferenceLength), each character percent-encoded as one byte (%XX,
// 3 bytes), plus the scheme and the path around them. A longer uri is refused with
// -32602 before mcp-go matches it against the resource template, which costs
// about 2 µs a byte: a 200 KB uri cost 0.4 CPU-s there before any of our length
// caps ran. A client named in more than about 500 bytes of escaped non-ASCII is
// read by its UUID instead.
const MaxURILength = len(resourceScheme+"://") + 3*gitscrum.MaxCompanySlugLength + len("/clients/") + 3*gitscrum.MaxReferenceLength

// refuseLongURI is the OnRequestInitialization hook that refuses a request whose
// params.uri is longer than [MaxURILength], before mcp-go looks for its resource.
// A message no longer than the cap cannot hold such a uri and is not read at all.
func refuseLongURI(ctx context.Context, id, message any) error {
	raw, ok := message.(json.RawMessage)
	if !ok || len(raw) <= MaxURILength {
		return nil
	}
	var req struct {
		Params struct {
			URI string `json:"uri"`
		} `json:"params"`
	}
	if json.Unmarshal(raw, &req) != nil || len(req.Params.URI) <= MaxURILength {
		return nil // mcp-go answers what does not parse
	}
	return mcpfix.RefuseParams(ctx, id,
		fmt.Sprintf("The resource URI is too long: %d bytes, and no resource of this server has one longer than %d. "+
			"Read a client by its UUID (gitscrum://<workspace>/clients/<uuid>), or use get_client.", len(req.Params.URI), MaxURILength),
		map[string]any{"uri": gitscrum.Excerpt(req.Params.URI), "length": len(req.Params.URI), "maxLength": MaxURILength})
}
