package tools_test

import (
	"context"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// TestBadBearerWording: over HTTP, when GitScrum refuses the request's own token,
// a completion and a read say so, and never blame the server's token.
func TestBadBearerWording(t *testing.T) {
	_, url := httpEnv(t, tools.HTTPOptions{Loopback: false})
	c, err := httpClient(t, url, map[string]string{"Authorization": "Bearer not-a-token-of-gitscrum"})
	require.NoError(t, err)

	req := mcp.CompleteRequest{}
	req.Params.Ref = mcp.ResourceReference{Type: "ref/resource", URI: tools.ClientTemplate}
	req.Params.Argument = mcp.CompleteArgument{Name: "client", Value: "ac"}
	_, completeErr := c.Complete(context.Background(), req)
	_, readErr := readResource(t, c, "gitscrum://demo/clients/Initech")
	for name, err := range map[string]error{"completion/complete": completeErr, "resources/read": readErr} {
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "GitScrum refused the token sent in this request's Authorization header", name)
		assert.NotContains(t, err.Error(), "server's token", name)
		assert.NotContains(t, err.Error(), "GITSCRUM_TOKEN", name)
	}
}
