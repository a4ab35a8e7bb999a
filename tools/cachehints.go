package tools

import (
	"context"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Caching hints (ttlMs, cacheScope) of protocol version 2026-07-28, which mcp-go
// puts on the list and read results of requests of that version.
const (
	// StaticCacheTTL is the freshness of tools/list and resources/templates/list:
	// they change only when the server is restarted with other settings.
	StaticCacheTTL = time.Hour
	// ReadCacheTTL is the freshness of a resources/read: a client's record is
	// fetched fresh for every read, so a re-read soon after may reuse it.
	ReadCacheTTL = 5 * time.Second
)

// cacheHints are the server options of the caching hints: tools/list and
// resources/templates/list are the same for every caller (public; a request that
// narrows its tools gets private, see privateWhenNarrowed); resources/list and
// reads answer with the caller's token (private): resources/list for as long as
// the list cache keeps a workspace (listTTL), reads for ReadCacheTTL.
func cacheHints(listTTL time.Duration) []server.ServerOption {
	return []server.ServerOption{
		server.WithMethodCacheHints(mcp.MethodToolsList, StaticCacheTTL.Milliseconds(), mcp.CacheScopePublic),
		server.WithMethodCacheHints(mcp.MethodResourcesTemplatesList, StaticCacheTTL.Milliseconds(), mcp.CacheScopePublic),
		server.WithMethodCacheHints(mcp.MethodResourcesList, listTTL.Milliseconds(), mcp.CacheScopePrivate),
		server.WithMethodCacheHints(mcp.MethodResourcesRead, ReadCacheTTL.Milliseconds(), mcp.CacheScopePrivate),
	}
}

// privateWhenNarrowed marks a narrowed request's tools/list private: it is not what
// another caller of the same server sees.
func privateWhenNarrowed(ctx context.Context, _ any, _ *mcp.ListToolsRequest, res *mcp.ListToolsResult) {
	if res == nil || !narrowingOf(ctx).narrowed() || !mcp.IsModernProtocol(server.RequestProtocolVersion(ctx)) {
		return
	}
	res.SetCacheHints(StaticCacheTTL.Milliseconds(), mcp.CacheScopePrivate)
}
