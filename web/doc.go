// Package web serves the pages a person sees in a browser: today the connect
// page, opened from Slack through a one-time link, where a person links their own
// GitScrum API token to their Slack identity.
//
// The pages are rendered on the server with html/template from one layout
// template and one small embedded stylesheet (/static/web.css); they need no
// JavaScript and fit a phone's screen. Every response carries a strict
// Content-Security-Policy, X-Frame-Options: DENY, Referrer-Policy: no-referrer,
// Cache-Control: no-store and X-Content-Type-Options: nosniff. A form carries a
// CSRF token bound to the link and to a cookie the page set, and a cross-site
// POST is refused by net/http's CrossOriginProtection as well. Bodies are capped,
// the connect page is rate-limited per client address and per link, and the token
// a person types is never put in a URL, a log line or a page.
//
// Paths:
//
//	GET  /connect/{secret}   the connect page of a one-time link ([ConnectURL])
//	POST /connect/{secret}   the form: checks the token and links it (see [Linker])
//	GET  /static/web.css     the stylesheet
package web
