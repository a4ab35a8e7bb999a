package outcome

import (
	"context"
	"errors"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// ErrInvalid marks input that an adapter refused before calling the core: a command
// line that does not parse, arguments that do not fit a tool. An adapter's own error
// type matches it with an Is method (or wraps it with %w), and [Of] names it
// [Invalid]. The core's own refusals are gitscrum.ErrValidation.
var ErrInvalid = errors.New("invalid input")

// ErrPanic marks a panic an adapter recovered: its error type for a recovered
// panic matches it with an Is method (or wraps it with %w), and [Of] names it
// [InternalError], whatever else it wraps.
var ErrPanic = errors.New("panic recovered")

// Of is the one classification of an error into a word of the vocabulary: nil is
// [OK]; every other error is named by its class, found with errors.Is anywhere in
// its chain, so a wrapped error is named as the error it wraps. Both adapters report
// this word for a failed call; they decide only the outcomes that are no error
// (replayed, reply_lost, a write refused by their own policy) and render the words.
//
// A class set by gitscrum wins over the context error it may wrap: a connection that
// failed for its own reason is [Unavailable] even if the caller gave up meanwhile.
// A deadline that ran out is [Unavailable] (GitScrum was too slow); a canceled
// context is [Canceled].
//
// A *gitscrum.Error of no class, a status GitScrum is not expected to send (a
// redirect, a 409 that is no validation failure), is [Error], not [Unavailable]:
// it is no outage that waiting cures but an answer the bridge does not understand (a
// base URL that points at a login page, an API that changed), which an operator
// should look into. Any other error is [Error] too.
func Of(err error) string {
	switch {
	case err == nil:
		return OK
	case errors.Is(err, ErrPanic):
		return InternalError
	case errors.Is(err, ErrInvalid), errors.Is(err, gitscrum.ErrValidation):
		return Invalid
	case errors.Is(err, gitscrum.ErrAmbiguous):
		return Ambiguous
	case errors.Is(err, gitscrum.ErrNotFound):
		return NotFound
	case errors.Is(err, gitscrum.ErrDuplicate):
		return Duplicate
	case errors.Is(err, gitscrum.ErrUnauthorized):
		return Unauthorized
	case errors.Is(err, gitscrum.ErrForbidden):
		return Forbidden
	case errors.Is(err, gitscrum.ErrRateLimited):
		return RateLimited
	case errors.Is(err, gitscrum.ErrUnavailable), errors.Is(err, gitscrum.ErrStateStore):
		return Unavailable
	case errors.Is(err, gitscrum.ErrCanceled):
		return Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return Unavailable
	case errors.Is(err, context.Canceled):
		return Canceled
	}
	return Error
}
