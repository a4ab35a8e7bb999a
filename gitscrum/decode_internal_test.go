package gitscrum

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTimestampForms checks created_at decodes from every form GitScrum has sent.
func TestTimestampForms(t *testing.T) {
	want := time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{`"2025-06-15T10:00:00Z"`, want},
		{`"2025-06-15T12:00:00+02:00"`, want},
		{`"2025-06-15T10:00:00.000000Z"`, want},
		{`"2025-06-15 10:00:00"`, want},
		{`{"date_for_humans":"1 year ago","iso8601":"2025-06-15T10:00:00Z","timestamp":1749981600}`, want},
		{`{"timestamp":1749981600}`, want},
		{`1749981600`, want},
		{`null`, time.Time{}},
		{`""`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var ts Timestamp
			require.NoError(t, json.Unmarshal([]byte(tt.in), &ts))
			assert.True(t, tt.want.Equal(ts.Time), "%v != %v", ts.Time, tt.want)
		})
	}
	var ts Timestamp
	assert.Error(t, json.Unmarshal([]byte(`"yesterday"`), &ts))
	assert.Error(t, json.Unmarshal([]byte(`[1]`), &ts))
}

// TestMoneyForms checks money decodes from a number, a numeric string, or null.
func TestMoneyForms(t *testing.T) {
	for in, want := range map[string]float64{`125000`: 125000, `125000.5`: 125000.5, `"99.90"`: 99.9, `null`: 0, `""`: 0} {
		var m Money
		require.NoError(t, json.Unmarshal([]byte(in), &m), in)
		assert.InDelta(t, want, float64(m), 1e-9, in)
	}
	var m Money
	assert.Error(t, json.Unmarshal([]byte(`"ten"`), &m))
}

// TestPaginationMetaForms checks the pagination meta's integers decode from the same
// forms as money: a number, a numeric string, an empty string, or null.
func TestPaginationMetaForms(t *testing.T) {
	for in, want := range map[string]int{`3`: 3, `"3"`: 3, ` "12" `: 12, `null`: 0, `""`: 0, `7.0`: 7} {
		var n flexInt
		require.NoError(t, json.Unmarshal([]byte(in), &n), in)
		assert.Equal(t, want, int(n), in)
	}
	for _, in := range []string{`"three"`, `true`, `[3]`} {
		var n flexInt
		assert.ErrorContains(t, json.Unmarshal([]byte(in), &n), "is not a number", in)
	}
}

// TestParseRetryAfter checks both forms of Retry-After.
func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, 5*time.Second, parseRetryAfter("5", now))
	assert.Equal(t, 90*time.Second, parseRetryAfter(now.Add(90*time.Second).Format(http.TimeFormat), now))
	assert.Zero(t, parseRetryAfter("", now))
	assert.Zero(t, parseRetryAfter("-3", now))
	assert.Zero(t, parseRetryAfter("soon", now))
	assert.Zero(t, parseRetryAfter(now.Add(-time.Hour).Format(http.TimeFormat), now))
}

// TestBackoffGrowsWithJitter checks the backoff stays within its exponential ceiling.
func TestBackoffGrowsWithJitter(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 5, BaseDelay: 100 * time.Millisecond, MaxDelay: 300 * time.Millisecond}
	for range 100 {
		assert.InDelta(t, 75*time.Millisecond, p.backoff(1), float64(25*time.Millisecond))
		assert.InDelta(t, 150*time.Millisecond, p.backoff(2), float64(50*time.Millisecond))
		d := p.backoff(4)
		assert.True(t, d >= 150*time.Millisecond && d <= 300*time.Millisecond, d)
	}
}

// TestErrorBodyDecoding checks the error shapes seen from GitScrum decode.
func TestErrorBodyDecoding(t *testing.T) {
	c, _ := New(WithToken("tok-0123456789"))
	tests := []struct {
		status int
		body   string
		class  error
		check  func(t *testing.T, e *Error)
	}{
		{422, `{"message":"The name field is required.","errors":{"name":["The name field is required."]}}`, ErrValidation,
			func(t *testing.T, e *Error) {
				assert.Equal(t, []string{"The name field is required."}, e.Fields["name"])
			}},
		{409, `{"message":"Validation failed","error_code":"VALIDATION_FAILED","errors":{"email":"taken"}}`, ErrValidation,
			func(t *testing.T, e *Error) { assert.Equal(t, []string{"taken"}, e.Fields["email"]) }},
		{409, `{"message":"Conflict","error_code":"SOMETHING_ELSE"}`, nil, nil},
		{429, `{"message":"Too Many Attempts.","retry_after":7}`, ErrRateLimited,
			func(t *testing.T, e *Error) { assert.Equal(t, 7*time.Second, e.RetryAfter) }},
		{401, `{"message":"Token expired","error_code":"TOKEN_EXPIRED"}`, ErrUnauthorized,
			func(t *testing.T, e *Error) { assert.True(t, e.TokenExpired()) }},
		{500, ``, ErrUnavailable, func(t *testing.T, e *Error) { assert.Equal(t, "Internal Server Error", e.Message) }},
		{503, `<html>down</html>`, ErrUnavailable, func(t *testing.T, e *Error) { assert.Contains(t, e.Message, "non-JSON") }},
		{401, `{"message":"Bearer tok-0123456789 is invalid"}`, ErrUnauthorized, func(t *testing.T, e *Error) { assert.Equal(t, "Bearer [redacted] is invalid", e.Message) }},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status, tt.body), func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}, Body: readCloser(tt.body)}
			e := c.responseError(call{method: "GET", path: "/x"}, resp)
			assert.Equal(t, tt.class, e.Class())
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}

type stringBody struct{ *strings.Reader }

func (stringBody) Close() error { return nil }

func readCloser(s string) stringBody { return stringBody{strings.NewReader(s)} }

// FuzzDecodeList feeds arbitrary bodies to the list and record decoders: they never
// panic, and a decoded list round-trips through JSON.
func FuzzDecodeList(f *testing.F) {
	f.Add([]byte(`{"data":[{"uuid":"client-abc-123","name":"Acme Corp","email":"billing@acme.co","phone":"+1-555-0100","website":"https://acme.co","address":"123 Main St","notes":"n","projects_count":5,"invoices_total":125000,"created_at":"2025-06-15T10:00:00Z"}]}`))
	f.Add([]byte(`{"data":[{"uuid":"x","name":null,"invoices_total":"12.5","created_at":{"iso8601":"2025-06-15T10:00:00Z","timestamp":1749981600}}],"meta":{"total":"3","per_page":1,"current_page":1,"last_page":3}}`))
	f.Add([]byte(`{"data":{"uuid":"x","created_at":1749981600}}`))
	f.Add([]byte(`{"message":"Unauthenticated."}`))
	f.Add([]byte(`<html>`))
	f.Add([]byte(`{"data":[{"created_at":{"timestamp":"nope"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var env listEnvelope
		if json.Unmarshal(data, &env) == nil {
			out, err := json.Marshal(env.Data)
			require.NoError(t, err)
			var again []ClientCompany
			require.NoError(t, json.Unmarshal(out, &again))
			require.Len(t, again, len(env.Data))
		}
		var rec recordEnvelope
		_ = json.Unmarshal(data, &rec)
		var eb errorBody
		if json.Unmarshal(data, &eb) == nil && eb.Errors != nil {
			_ = decodeFieldErrors(eb.Errors)
		}
	})
}

// BenchmarkDecodeList decodes a 10,000-client list response. The baseline decodes
// the same bytes into plain maps, what a client without typed records would do.
func BenchmarkDecodeList(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"data":[`)
	for i := range 10000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"uuid":"%08d-1111-4222-8333-444455556666","name":"Client %d GmbH","email":"billing%d@example.com","phone":"+1-555-%04d","website":"https://client%d.example.com","address":"%d Main St, Springfield","notes":"Enterprise client since 2024","projects_count":%d,"invoices_total":%d.5,"created_at":"2025-06-15T10:00:00Z"}`, i, i, i, i%10000, i, i, i%9, i*10)
	}
	sb.WriteString(`]}`)
	data := []byte(sb.String())
	b.Run("baseline-map", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var v map[string]any
			if err := json.Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("typed-10k", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var env listEnvelope
			if err := json.Unmarshal(data, &env); err != nil || len(env.Data) != 10000 {
				b.Fatal(err)
			}
		}
	})
}
