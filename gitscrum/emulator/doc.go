// Package emulator is an in-memory emulator of the GitScrum clients API, served as
// an [http.Handler] in the manner of net/http/httptest.
//
// Every test in this module talks to it over real HTTP instead of a hand-written fake,
// and the binaries embed it behind --sandbox so the project can be tried without a
// GitScrum account. A [Server] keeps workspaces of clients in memory, checks bearer
// tokens, validates writes the way GitScrum (a Laravel application) does, and can be
// told to misbehave: slow answers, rate limiting, server errors and dropped
// connections, either for the next few requests or at random.
//
//	srv := emulator.New(emulator.WithDemoData())
//	ts := httptest.NewServer(srv)
//	defer ts.Close()
//	// point a client at ts.URL with token emulator.DefaultToken and
//	// workspace emulator.DemoWorkspace
//
// A Server is safe for concurrent use. Listing is cheap at any size: a page costs the
// work of that page only.
//
// The routes are those of the GitScrum documentation:
//
//	GET  /contact-companies/clients?company_slug=S[&page=N]
//	GET  /contact-companies/{uuid}?company_slug=S
//	POST /contact-companies
//	PUT  /contact-companies/{uuid}
//
// Each request passes these steps in order: it is logged (see [Server.Requests]), it
// waits out the configured latency (or its context), injected failures apply
// ([Server.DropNext], [Server.FailNext], [Server.FailPage], [Server.SetFaults]), the
// body size is checked, the token is checked, and finally the route runs. Injected failures thus never
// change state: a create answered with a 503 created nothing. Which requests are
// dropped or failed is decided as they arrive, in arrival order.
package emulator
