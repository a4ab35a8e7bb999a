package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// wireClient is a client as the API encodes it: all ten fields, empty text as null.
// The text pointers point into a copy of the stored record, never into the store.
type wireClient struct {
	UUID          string  `json:"uuid"`
	Name          *string `json:"name"`
	Email         *string `json:"email"`
	Phone         *string `json:"phone"`
	Website       *string `json:"website"`
	Address       *string `json:"address"`
	Notes         *string `json:"notes"`
	ProjectsCount int     `json:"projects_count"`
	InvoicesTotal float64 `json:"invoices_total"`
	CreatedAt     any     `json:"created_at"`
}

// createdAtObject is the object form of created_at.
type createdAtObject struct {
	DateForHumans string `json:"date_for_humans"`
	ISO8601       string `json:"iso8601"`
	Timestamp     int64  `json:"timestamp"`
}

// encoder turns stored records into their wire form for one answer.
type encoder struct {
	createdAtObject bool
	now             time.Time
}

// client returns the wire form of *c, which must stay unchanged until encoded.
func (e encoder) client(c *gitscrum.ClientCompany) wireClient {
	return wireClient{
		UUID:          c.UUID,
		Name:          nullable(&c.Name),
		Email:         nullable(&c.Email),
		Phone:         nullable(&c.Phone),
		Website:       nullable(&c.Website),
		Address:       nullable(&c.Address),
		Notes:         nullable(&c.Notes),
		ProjectsCount: c.ProjectsCount,
		InvoicesTotal: float64(c.InvoicesTotal),
		CreatedAt:     e.createdAt(c.CreatedAt.Time),
	}
}

// clients returns the wire form of cs, never nil so that it encodes as [].
func (e encoder) clients(cs []gitscrum.ClientCompany) []wireClient {
	out := make([]wireClient, len(cs))
	for i := range cs {
		out[i] = e.client(&cs[i])
	}
	return out
}

func (e encoder) createdAt(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	if !e.createdAtObject {
		return t.Format(time.RFC3339)
	}
	return createdAtObject{
		DateForHumans: forHumans(t, e.now),
		ISO8601:       t.Format("2006-01-02T15:04:05-07:00"),
		Timestamp:     t.Unix(),
	}
}

func nullable(s *string) *string {
	if *s == "" {
		return nil
	}
	return s
}

// forHumans says how long ago t was, as Carbon's diffForHumans does: "3 days ago".
func forHumans(t, now time.Time) string {
	d := now.Sub(t)
	suffix := " ago"
	if d < 0 {
		d = -d
		suffix = " from now"
	}
	const day = 24 * time.Hour
	var n int64
	var unit string
	switch {
	case d < time.Second:
		return "just now"
	case d < time.Minute:
		n, unit = int64(d/time.Second), "second"
	case d < time.Hour:
		n, unit = int64(d/time.Minute), "minute"
	case d < day:
		n, unit = int64(d/time.Hour), "hour"
	case d < 7*day:
		n, unit = int64(d/day), "day"
	case d < 30*day:
		n, unit = int64(d/(7*day)), "week"
	case d < 365*day:
		n, unit = int64(d/(30*day)), "month"
	default:
		n, unit = int64(d/(365*day)), "year"
	}
	if n != 1 {
		unit += "s"
	}
	return strconv.FormatInt(n, 10) + " " + unit + suffix
}

// dataBody is a successful answer: {"data": ...}, with meta and links on a page.
type dataBody struct {
	Data  any        `json:"data"`
	Meta  *pageMeta  `json:"meta,omitempty"`
	Links *pageLinks `json:"links,omitempty"`
}

// pageMeta is the pagination meta of a paginated list.
type pageMeta struct {
	Total       int `json:"total"`
	PerPage     int `json:"per_page"`
	CurrentPage int `json:"current_page"`
	LastPage    int `json:"last_page"`
}

// pageLinks are the Laravel-style links of a paginated list; prev and next are null
// at the ends.
type pageLinks struct {
	First string  `json:"first"`
	Last  string  `json:"last"`
	Prev  *string `json:"prev"`
	Next  *string `json:"next"`
}

// errorBody is an error answer, in GitScrum's (Laravel's) shape.
type errorBody struct {
	Message    string              `json:"message"`
	ErrorCode  string              `json:"error_code,omitempty"`
	Errors     map[string][]string `json:"errors,omitempty"`
	RetryAfter int                 `json:"retry_after,omitempty"`
}

// writeJSON answers status with v encoded as JSON, and returns status.
func writeJSON(w http.ResponseWriter, status int, v any) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	// An error here means the client went away; there is no one left to tell.
	_ = enc.Encode(v)
	return status
}

// writeError answers status with a message and an optional error_code.
func writeError(w http.ResponseWriter, status int, message, code string) int {
	return writeJSON(w, status, errorBody{Message: message, ErrorCode: code})
}
