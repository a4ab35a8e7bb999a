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

// Health returns the handler of [HealthPath]: GET and HEAD get 200 and
// {"status":"ok"}, with "server" and "version" when they are not ""; another
// method gets 405 with an Allow header. It answers while the process serves and
// asks nothing of GitScrum.
func Health(server, version string) http.Handler {
	body := map[string]string{"status": "ok"}
	if server != "" {
		body["server"] = server
	}
	if version != "" {
		body["version"] = version
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "Use GET or HEAD.")
			return
		}
		WriteJSON(w, http.StatusOK, body)
	})
}
