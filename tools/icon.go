package tools

import (
	"encoding/base64"

	"github.com/mark3labs/mcp-go/mcp"
)

// iconSVG is the server's icon, our own: a person beside a list (clients), white
// on a blue rounded square. Kept small: from 2026-07-28 on, mcp-go repeats the
// server's implementation info, icon included, in the _meta of every result.
const iconSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
	`<rect width="32" height="32" rx="7" fill="#2563eb"/>` +
	`<circle cx="11" cy="12" r="4" fill="#fff"/><path d="M4 25c1-5 4-7 7-7s6 2 7 7z" fill="#fff"/>` +
	`<path d="M20 11h8M20 16h8M20 21h5" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/></svg>`

// Icon is the server's icon, an SVG as a data: URI, given in serverInfo.icons.
var Icon = mcp.Icon{
	Src:      "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(iconSVG)),
	MIMEType: "image/svg+xml",
	Sizes:    []string{"any"},
}
