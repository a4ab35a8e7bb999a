package gitscrum

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Error classes. Test an error with errors.Is(err, gitscrum.ErrNotFound) and so on;
// take the details with errors.As(err, &*gitscrum.Error).
var (
	// ErrUnauthorized: the token is missing, invalid or expired (HTTP 401).
	ErrUnauthorized = errors.New("gitscrum: unauthorized")
	// ErrForbidden: the token may not do this (HTTP 403).
	ErrForbidden = errors.New("gitscrum: forbidden")
	// ErrNotFound: the workspace or client does not exist (HTTP 404), or a reference
	// matched no client.
	ErrNotFound = errors.New("gitscrum: not found")
	// ErrValidation: the input was refused, before sending (no request left the
	// process) or by GitScrum (HTTP 422, or 409 with error_code VALIDATION_FAILED).
	ErrValidation = errors.New("gitscrum: validation failed")
	// ErrRateLimited: GitScrum asked us to slow down (HTTP 429).
	ErrRateLimited = errors.New("gitscrum: rate limited")
	// ErrUnavailable: GitScrum could not be reached or failed (5xx, timeouts,
	// connection errors).
	ErrUnavailable = errors.New("gitscrum: unavailable")
	// ErrAmbiguous: a reference matched several clients.
	ErrAmbiguous = errors.New("gitscrum: ambiguous reference")
	// ErrDuplicate: a create would duplicate an existing client.
	ErrDuplicate = errors.New("gitscrum: duplicate client")
	// ErrCanceled: the caller's context was canceled before GitScrum answered (the
	// caller gave up, or the process is shutting down). Nothing says whether a write
	// that was already sent was applied; [Error.MayHaveChanged] tells.
	ErrCanceled = errors.New("gitscrum: canceled")
)

// ErrorCodeTokenExpired is the error_code GitScrum sends with a 401 for an expired token.
const ErrorCodeTokenExpired = "TOKEN_EXPIRED"

// ErrorCodeValidationFailed is the error_code GitScrum sends with a 409 validation failure.
const ErrorCodeValidationFailed = "VALIDATION_FAILED"

// Error is a failed GitScrum call, or input refused before any call was made. It never
// holds the token.
type Error struct {
	// Method and Path of the request, e.g. "GET" and "/contact-companies/clients".
	// Empty for input refused before sending.
	Method string
	Path   string
	// StatusCode is the HTTP status, or 0 when no response came (or none was sent).
	// A call refused without a request because GitScrum rejected its token moments
	// ago (see WithRejectedTokenTTL) has 401, with Sent false.
	StatusCode int
	// Code is GitScrum's error_code, when it sent one.
	Code string
	// Message is GitScrum's message, or ours when it sent none.
	Message string
	// Fields holds per-field validation messages, keyed by field name.
	Fields map[string][]string
	// RetryAfter is how long GitScrum asked us to wait (429, 503), or 0.
	RetryAfter time.Duration
	// Sent reports whether the request may have reached GitScrum. When false for a
	// create, nothing was created.
	Sent bool
	// Err is the underlying transport error, if any.
	Err error

	class error
	// earlierUnknown: an earlier attempt of the same call may have been applied.
	earlierUnknown bool
}

// Error returns a one-line description without the token.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("gitscrum: ")
	if e.Method != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "%d %s: ", e.StatusCode, http.StatusText(e.StatusCode))
	}
	b.WriteString(e.Message)
	if cause := e.cause(); cause != "" {
		b.WriteString(" (" + cause + ")")
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if len(e.Fields) > 0 {
		b.WriteString(": ")
		b.WriteString(e.FieldSummary())
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter.Round(time.Second))
	}
	return b.String()
}

// cause is the innermost transport error's text, without the request URL.
func (e *Error) cause() string {
	if e.Err == nil {
		return ""
	}
	var ue *url.Error
	if errors.As(e.Err, &ue) {
		var r redactErr
		if errors.As(e.Err, &r) {
			return redact(ue.Err.Error(), r.token)
		}
		return ue.Err.Error()
	}
	return e.Err.Error()
}

// FieldSummary renders the per-field messages as "email: must be a valid email; name: is required",
// fields in alphabetical order.
func (e *Error) FieldSummary() string {
	names := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, k := range names {
		parts = append(parts, k+": "+strings.Join(e.Fields[k], "; "))
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns the underlying transport error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether the error belongs to the class target (ErrNotFound, …).
func (e *Error) Is(target error) bool { return e.class != nil && target == e.class }

// Class returns the class sentinel of the error (ErrNotFound, …), or nil when the
// status fits no class (GitScrum answered a status this client does not expect, such
// as a redirect or a 409 that is no validation failure).
func (e *Error) Class() error { return e.class }

// TokenExpired reports whether GitScrum said the token has expired.
func (e *Error) TokenExpired() bool { return e.Code == ErrorCodeTokenExpired }

// MayHaveChanged reports whether the failed call may nevertheless have changed data
// in GitScrum: a create or an update that reached GitScrum and was not refused with a
// 4xx (a 5xx, a lost answer, a timeout), or an update retried after such an attempt.
// When false, nothing was created or changed.
func (e *Error) MayHaveChanged() bool {
	if e.Method != http.MethodPost && e.Method != http.MethodPut {
		return false
	}
	return e.earlierUnknown || attemptMayHaveChanged(e)
}

// attemptMayHaveChanged reports whether one failed attempt may have been applied.
func attemptMayHaveChanged(e *Error) bool {
	return e.Sent && (e.StatusCode < 400 || e.StatusCode >= 500)
}

// SafeToRetry reports whether repeating the same call cannot do harm: always for reads
// and updates (an update sets the same values again), and for a create only when
// nothing can have been created ([Error.MayHaveChanged] is false).
func (e *Error) SafeToRetry() bool {
	if e.Method == http.MethodPost {
		return !e.MayHaveChanged()
	}
	return true
}

// classify returns the class of an HTTP status and error_code.
func classify(status int, code string) error {
	switch {
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusUnprocessableEntity,
		status == http.StatusConflict && code == ErrorCodeValidationFailed,
		status == http.StatusBadRequest:
		return ErrValidation
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status == http.StatusRequestTimeout, status >= 500:
		return ErrUnavailable
	}
	return nil
}

// newValidationError is input refused before any request was sent.
func newValidationError(field, message string) *Error {
	return &Error{
		Message: "invalid " + field,
		Fields:  map[string][]string{field: {message}},
		class:   ErrValidation,
	}
}

// ResolveError is a reference that matched no client, or several, or, for a write
// (see [ResolveExactIn]), did not name one client exactly.
type ResolveError struct {
	// Ref is the reference as given.
	Ref string
	// Candidates are the clients an ambiguous reference matched, best first. For an
	// inexact reference of a write, they are the clients the forgiving search of a
	// read would have found.
	Candidates []ClientCompany
	// Suggestions are the closest names when nothing matched, best first.
	Suggestions []string
	// Exact reports that the reference was for a write, which needs a client's UUID
	// or its whole name exactly as listed (case, accents, spacing and punctuation
	// aside): a part of a name is not enough. [HowToBeExact] says so in words.
	Exact bool
}

// HowToBeExact is the advice that ends the message of an inexact reference to a
// write; adapters repeat it in their own words or as it is.
const HowToBeExact = "to change a client, give its UUID or its full name exactly as listed"

// Error describes the failure with the candidates or suggestions. It quotes the
// reference through [Excerpt], so it stays short whatever the reference.
func (e *ResolveError) Error() string {
	ref := strconv.Quote(Excerpt(e.Ref))
	var msg string
	switch {
	case e.Exact && len(e.Candidates) > 0:
		msg = fmt.Sprintf("gitscrum: %s is not exactly the name of one client (it matches %d: %s); nothing was changed; %s",
			ref, len(e.Candidates), candidateList(e.Candidates), HowToBeExact)
	case len(e.Candidates) > 0:
		msg = fmt.Sprintf("gitscrum: %s matches %d clients: %s", ref, len(e.Candidates), candidateList(e.Candidates))
	default:
		msg = fmt.Sprintf("gitscrum: no client matches %s", ref)
		if len(e.Suggestions) > 0 {
			msg += "; closest names: " + strings.Join(e.Suggestions, ", ")
		}
	}
	return msg
}

// candidateList renders clients as "Name (uuid), …".
func candidateList(cs []ClientCompany) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s (%s)", c.Name, c.UUID)
	}
	return strings.Join(parts, ", ")
}

// Is makes an ambiguous reference match ErrAmbiguous and an unknown one ErrNotFound.
func (e *ResolveError) Is(target error) bool {
	if len(e.Candidates) > 0 {
		return target == ErrAmbiguous
	}
	return target == ErrNotFound
}

// DuplicateError is a create refused because the workspace already has a client with
// the same normalised name or the same email.
type DuplicateError struct {
	// Existing are the clients that the new one would duplicate.
	Existing []ClientCompany
}

// Error names the existing clients.
func (e *DuplicateError) Error() string {
	parts := make([]string, len(e.Existing))
	for i, c := range e.Existing {
		parts[i] = fmt.Sprintf("%s (%s)", c.Name, c.UUID)
	}
	return "gitscrum: a client with the same name or email exists: " + strings.Join(parts, ", ")
}

// Is makes the error match ErrDuplicate.
func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }
