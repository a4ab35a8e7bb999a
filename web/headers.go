package web

import "net/http"

// ContentSecurityPolicy is the Content-Security-Policy of every response: the
// pages load nothing but their own stylesheet (and images, should one be
// added), run no script, post forms only to themselves and are never framed.
const ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders are set on every response of the package.
var securityHeaders = map[string]string{
	"Content-Security-Policy": ContentSecurityPolicy,
	"X-Frame-Options":         "DENY",
	"Referrer-Policy":         "no-referrer",
	"Cache-Control":           "no-store",
	"X-Content-Type-Options":  "nosniff",
}

// secureHeaders sets [securityHeaders] on every response of next, before next
// runs, so refusals written by anything inside carry them too.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range securityHeaders {
			h.Set(k, v)
		}
		next.ServeHTTP(w, r)
	})
}
