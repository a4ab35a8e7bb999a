// Package metrics holds the Prometheus metrics both binaries serve at /metrics on
// their HTTP listeners: upstream GitScrum requests by operation and status class,
// upstream latency, retries, the workspace list cache's events and size, tool calls
// and slash commands by name and outcome, in-flight HTTP requests, and requests a
// listener refused (busy, too large), and the state store's operations (latency,
// errors) and health (degraded transitions and time). A nil *Metrics is valid and
// records nothing, so code paths without a listener (stdio) need no checks.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
)

// Path is where the binaries serve the metrics, on each of their HTTP listeners.
const Path = "/metrics"

// Values of the outcome label of gitscrum_bridge_calls_total: the one vocabulary
// of both adapters, defined in package internal/outcome. [Outcome] maps an error
// onto it; the adapters report its words as they log them.
const (
	OutcomeOK           = outcome.OK            // the call succeeded
	OutcomeInvalid      = outcome.Invalid       // bad input: arguments, command line, validation
	OutcomeNotFound     = outcome.NotFound      // no such client or workspace
	OutcomeAmbiguous    = outcome.Ambiguous     // a reference matched several clients
	OutcomeDuplicate    = outcome.Duplicate     // create refused: the client exists
	OutcomeUnauthorized = outcome.Unauthorized  // no token, a refused token, a bad Slack signature
	OutcomeForbidden    = outcome.Forbidden     // GitScrum or the bridge's policy refused the action
	OutcomeRateLimited  = outcome.RateLimited   // GitScrum answered 429
	OutcomeUnavailable  = outcome.Unavailable   // GitScrum failed, was unreachable or too slow
	OutcomeCanceled     = outcome.Canceled      // the caller gave up, or the process shut down
	OutcomeReplayed     = outcome.Replayed      // a signed Slack request seen before was refused
	OutcomeReplyLost    = outcome.ReplyLost     // a Slack answer could not be delivered
	OutcomeError        = outcome.Error         // anything else: an answer not understood, to look into
	OutcomeInternal     = outcome.InternalError // a recovered panic: a bug
)

// IsOutcome reports whether s is one of the Outcome… constants.
func IsOutcome(s string) bool { return outcome.Valid(s) }

// NoName is the name label of a call whose name is unknown: a Slack request
// refused before its command line was read, or a line that could not be read.
const NoName = "none"

// Metrics is one registry of the bridge's metrics. It implements [gitscrum.Observer].
type Metrics struct {
	registry         *prometheus.Registry
	upstreamRequests *prometheus.CounterVec
	upstreamLatency  *prometheus.HistogramVec
	upstreamRetries  *prometheus.CounterVec
	calls            *prometheus.CounterVec
	callLatency      *prometheus.HistogramVec
	inFlight         *prometheus.GaugeVec
	refused          *prometheus.CounterVec
	cacheEvents      *prometheus.CounterVec
	cacheRecords     prometheus.Gauge
	store            *storeMetrics
}

// New returns metrics registered in a registry of their own, with the Go runtime and
// process collectors.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		upstreamRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gitscrum_upstream_requests_total",
			Help: "HTTP requests sent to GitScrum, by operation and status class (2xx, 4xx, 5xx, or error when no response came).",
		}, []string{"operation", "status_class"}),
		upstreamLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gitscrum_upstream_request_duration_seconds",
			Help:    "Duration of one HTTP request to GitScrum, by operation.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"operation"}),
		upstreamRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gitscrum_upstream_retries_total",
			Help: "Requests to GitScrum that were retries of a failed attempt, by operation.",
		}, []string{"operation"}),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gitscrum_bridge_calls_total",
			Help: "MCP tool calls and Slack slash commands, by adapter (mcp, slack), name and outcome.",
		}, []string{"adapter", "name", "outcome"}),
		callLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gitscrum_bridge_call_duration_seconds",
			Help:    "Duration of an MCP tool call or a Slack command, by adapter and name.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"adapter", "name"}),
		inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gitscrum_bridge_http_requests_in_flight",
			Help: "HTTP requests being served, by handler.",
		}, []string{"handler"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gitscrum_bridge_http_refused_total",
			Help: "HTTP requests a listener refused before any handler ran, by handler and reason: busy (503, every slot and queue place taken, or the queue wait ended), too_large (413, the body over the bound), slow_body (408, the body did not arrive in time) or bad_body (400, the body could not be read).",
		}, []string{"handler", "reason"}),
		cacheEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gitscrum_list_cache_events_total",
			Help: "Workspace list cache events: hit (fresh list served), stale (stale list served while one refresh runs), miss (caller waited for a listing), refresh, refresh_error, eviction (list dropped for the record cap), patch (a write or fresh read put into a list).",
		}, []string{"event"}),
		cacheRecords: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gitscrum_list_cache_records",
			Help: "Client records held by the workspace list cache, across every workspace and token.",
		}),
	}
	for _, ev := range []gitscrum.CacheEvent{gitscrum.CacheHit, gitscrum.CacheStale, gitscrum.CacheMiss,
		gitscrum.CacheRefresh, gitscrum.CacheRefreshError, gitscrum.CacheEviction, gitscrum.CachePatch} {
		m.cacheEvents.WithLabelValues(string(ev))
	}
	m.store = newStoreMetrics()
	m.registry.MustRegister(m.store.collectors()...)
	m.registry.MustRegister(
		m.upstreamRequests, m.upstreamLatency, m.upstreamRetries,
		m.calls, m.callLatency, m.inFlight, m.refused, m.cacheEvents, m.cacheRecords,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// ObserveAttempt records one HTTP attempt to GitScrum; it makes *Metrics a
// [gitscrum.Observer].
func (m *Metrics) ObserveAttempt(op string, status int, d time.Duration, retry bool) {
	if m == nil {
		return
	}
	m.upstreamRequests.WithLabelValues(op, statusClass(status)).Inc()
	m.upstreamLatency.WithLabelValues(op).Observe(d.Seconds())
	if retry {
		m.upstreamRetries.WithLabelValues(op).Inc()
	}
}

// ObserveCacheEvent counts one event of the workspace list cache; with
// [Metrics.ObserveCacheRecords] it makes *Metrics a [gitscrum.CacheObserver].
func (m *Metrics) ObserveCacheEvent(event gitscrum.CacheEvent) {
	if m == nil {
		return
	}
	m.cacheEvents.WithLabelValues(string(event)).Inc()
}

// ObserveCacheRecords sets the number of records the workspace list cache holds.
func (m *Metrics) ObserveCacheRecords(records int) {
	if m == nil {
		return
	}
	m.cacheRecords.Set(float64(records))
}

// ObserveCall records one tool call or slash command: adapter is "mcp" or "slack",
// name the tool or subcommand, err its result (nil for success).
func (m *Metrics) ObserveCall(adapter, name string, d time.Duration, err error) {
	if m == nil {
		return
	}
	m.ObserveOutcome(adapter, name, Outcome(err), d)
}

// ObserveOutcome records one tool call or slash command whose outcome is already
// named: adapter is "mcp" or "slack", name the tool or subcommand ("" counts as
// [NoName]), word one of the Outcome… constants (anything else counts as
// [OutcomeError], so a label never takes an unplanned value).
func (m *Metrics) ObserveOutcome(adapter, name, word string, d time.Duration) {
	if m == nil {
		return
	}
	if name == "" {
		name = NoName
	}
	if !outcome.Valid(word) {
		word = OutcomeError
	}
	m.calls.WithLabelValues(adapter, name, word).Inc()
	m.callLatency.WithLabelValues(adapter, name).Observe(d.Seconds())
}

// InFlight wraps next so the in-flight gauge counts its requests under handler.
func (m *Metrics) InFlight(handler string, next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	g := m.inFlight.WithLabelValues(handler)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.Inc()
		defer g.Dec()
		next.ServeHTTP(w, r)
	})
}

// Refusals returns the function for [httpserver.Guard.OnRefuse] that counts the
// refusals of handler's listener by reason, every reason starting at 0 so it shows
// before the first refusal; a reason outside httpserver's Refused… constants counts
// as "other". A nil m returns nil.
func (m *Metrics) Refusals(handler string) func(reason string) {
	if m == nil {
		return nil
	}
	byReason := map[string]prometheus.Counter{}
	for _, r := range []string{httpserver.RefusedBusy, httpserver.RefusedTooLarge, httpserver.RefusedSlowBody, httpserver.RefusedBadBody} {
		byReason[r] = m.refused.WithLabelValues(handler, r)
	}
	return func(reason string) {
		c, ok := byReason[reason]
		if !ok {
			c = m.refused.WithLabelValues(handler, "other")
		}
		c.Inc()
	}
}

// Wrap returns h with the metrics beside it: GET [Path] serves the registry,
// requests to each of paths count in the in-flight gauge under handler, and every
// other request goes to h untouched (so h's middleware, such as authentication,
// never sees /metrics). A nil m returns h as it is: no /metrics route at all.
func (m *Metrics) Wrap(h http.Handler, handler string, paths ...string) http.Handler {
	if m == nil {
		return h
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+Path, m.Handler())
	counted := m.InFlight(handler, h)
	for _, p := range paths {
		mux.Handle(p, counted)
	}
	mux.Handle("/", h)
	return mux
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Registry returns the registry, for tests and for adding collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Outcome names the class of a call's error for the outcome label: [outcome.Of],
// the one classification both adapters use.
func Outcome(err error) string { return outcome.Of(err) }

// ErrInvalid marks adapter-level input errors (bad arguments, unknown subcommands)
// for [Outcome]: it is [outcome.ErrInvalid].
var ErrInvalid = outcome.ErrInvalid

// ErrCanceled marks calls the caller abandoned, for [Outcome]: it is
// gitscrum.ErrCanceled.
var ErrCanceled = gitscrum.ErrCanceled

func statusClass(status int) string {
	if status <= 0 {
		return "error"
	}
	return strconv.Itoa(status/100) + "xx"
}
