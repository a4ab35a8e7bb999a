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
