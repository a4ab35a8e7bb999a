package web

import (
	"net/url"
	"strings"
)

// ConnectURL is the address of the connect page of the one-time link secret,
// under publicURL (the address people's browsers reach the pages at, with or
// without a trailing slash): <publicURL>/connect/<secret>.
func ConnectURL(publicURL, secret string) string {
	return strings.TrimRight(publicURL, "/") + "/connect/" + url.PathEscape(secret)
}

// The path prefixes the pages are served under, for a server that mounts
// [Server.Handler] beside other handlers.
const (
	// ConnectPath is the prefix of the connect pages.
	ConnectPath = "/connect/"
	// StaticPath is the prefix of the stylesheet.
	StaticPath = "/static/"
)
