package soak

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// The attack phases of MCP's pre-auth amplification (issue 16, section 2), run
// after the others against the attack's MCP listener:
//
//   - a flood of resources/read with a 200 KB URI and a valid token: each is
//     refused with -32602 naming tools.MaxURILength (or 503 when every slot is
//     taken), none reaches mcp-go's template matcher, and GitScrum sees nothing;
//   - a flood of tool calls each with a new random bearer token from one address:
//     beyond the per-address bucket of new tokens they get 429 with Retry-After,
//     and GitScrum sees at most the bucket (tools.DefaultNewTokensPerAddr) plus
//     its refill over the flood.
//
// A valid call is timed before and during each, as for the other floods.

// preAuthMCP runs both floods.
func (a *attack) preAuthMCP() {
	a.floods = append(a.floods, a.flood(a.longURIFlood()), a.flood(a.randomTokenFlood()))
}

// longURIRefusal is in the message of the refusal of a URI over the cap.
var longURIRefusal = fmt.Sprintf("no resource of this server has one longer than %d", tools.MaxURILength)

// mcpProbe is the valid call timed around the MCP floods: get_client of a seeded
// client by its UUID with the load's first token, which GitScrum accepted long ago.
func (a *attack) mcpProbe(i int) (int, bool) {
	seed := a.seeds[i%len(a.seeds)]
	status, r, err := a.callMCP(a.s.tokens[0], "get_client", map[string]any{"client": seed.UUID}, false)
	return status, err == nil && !r.isError && strings.Contains(r.text, seed.UUID)
}

// longURIFlood reads a 200 KB URI, in every variant (with Content-Length or
// chunked: the body fits the bound either way).
func (a *attack) longURIFlood() floodTarget {
	filler := strings.Repeat("z", 200<<10)
	uri := "gitscrum://" + attackWorkspace + "/clients/" + filler
	body := []byte(`{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"` + uri + `"}}`)
	return floodTarget{
		name: "MCP (200 KB resource URIs)",
		request: func(_ floodVariant, rd io.Reader, size int64) *http.Request {
			return a.mcpRequest(a.s.tokens[0], rd, size)
		},
		body: func(floodVariant) []byte { return body },
		allowed: [nVariants][]int{
			floodLegit:    {http.StatusOK, http.StatusServiceUnavailable},
			floodDeclared: {http.StatusOK, http.StatusServiceUnavailable},
			floodChunked:  {http.StatusOK, http.StatusServiceUnavailable},
		},
		// Anything but the refusal before the matcher got through to mcp-go.
		through: func(status int, answer []byte) bool {
			return status == http.StatusOK && !(bytes.Contains(answer, []byte(`"code":-32602`)) && bytes.Contains(answer, []byte(longURIRefusal)))
		},
		probe: a.mcpProbe,
		// A request that carries (part of) the URI's reference.
		caused:    func(r *http.Request) bool { return strings.Contains(r.URL.String(), filler[:64]) },
		maxCaused: 0,
	}
}

// randomTokenPrefix starts every random token of the attack.
const randomTokenPrefix = "soak-random-token-"

// randomTokenFlood calls list_clients with a new random bearer token each time.
func (a *attack) randomTokenFlood() floodTarget {
	var n atomic.Int64
	mcp := a.mcpFlood() // the same bodies: a call, and 1 MiB ones
	bucket := tools.DefaultNewTokensPerAddr
	refill := int(math.Ceil(a.cfg.flood.Minutes() * float64(bucket)))
	return floodTarget{
		name: "MCP (a new random bearer token each request)",
		request: func(_ floodVariant, rd io.Reader, size int64) *http.Request {
			return a.mcpRequest(fmt.Sprintf("%s%08d", randomTokenPrefix, n.Add(1)), rd, size)
		},
		body: mcp.body,
		allowed: [nVariants][]int{
			floodLegit:    {http.StatusOK, http.StatusTooManyRequests, http.StatusServiceUnavailable},
			floodDeclared: {http.StatusRequestEntityTooLarge, 0},
			floodChunked:  {http.StatusRequestEntityTooLarge, http.StatusServiceUnavailable, 0},
		},
		through: mcp.through,
		probe:   a.mcpProbe,
		caused: func(r *http.Request) bool {
			return strings.HasPrefix(r.Header.Get("Authorization"), "Bearer "+randomTokenPrefix)
		},
		// The bucket of one address, and what it refills during the flood.
		maxCaused: bucket + refill,
	}
}
