package httpserver

import (
	"encoding/json"
	"net/http"
)

// HealthPath is where every HTTP listener of the bridge answers health checks.
const HealthPath = "/healthz"

// WriteJSON answers v as JSON with status: one line of JSON with Content-Type
// application/json (UTF-8) and X-Content-Type-Options nosniff. A v that cannot be
// encoded is a 500 with a plain-text body.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "cannot encode the answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// Check is one part of the process that [Health] reports beside the process
// itself, such as the state store: its answer shows as Name: State().
type Check struct {
	// Name is the key in the answer, e.g. "store".
	Name string
	// State returns the part's state word, e.g. "ok" or "degraded". It must be
	// quick and must not fail: a health check never waits on a database.
	State func() string
}

// Health returns the handler of [HealthPath]: GET and HEAD get 200 and
// {"status":"ok"}, with "server" and "version" when they are not "", and each
// check's state under its name; another method gets 405 with an Allow header. It
// answers 200 while the process serves, whatever the checks say (a degraded part
// is for an operator to see, not a reason to restart the process), and asks
// nothing of GitScrum.
func Health(server, version string, checks ...Check) http.Handler {
	base := map[string]string{"status": "ok"}
	if server != "" {
		base["server"] = server
	}
	if version != "" {
		base["version"] = version
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "Use GET or HEAD.")
			return
		}
		body := base
		if len(checks) > 0 {
			body = make(map[string]string, len(base)+len(checks))
			for k, v := range base {
				body[k] = v
			}
			for _, c := range checks {
				body[c.Name] = c.State()
			}
		}
		WriteJSON(w, http.StatusOK, body)
	})
}

// WithHealth returns h with health answering [HealthPath] in front of it, so a
// binary reports parts (such as its state store) that the handler it serves does
// not know about.
func WithHealth(h, health http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(HealthPath, health)
	mux.Handle("/", h)
	return mux
}
