package settings

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MaxRetention is the longest retention any setting accepts: ten years.
const MaxRetention = 10 * 365 * 24 * time.Hour

// ParseRetention reads how long stored rows are kept: a whole number of days
// ("90d") or a Go duration ("2160h"), from 0 (keep them forever) to ten years.
func ParseRetention(v string) (time.Duration, error) {
	s := strings.TrimSpace(v)
	want := fmt.Errorf("want a number of days like 90d, or a duration like 720h, from 0 (keep forever) to %dd", int(MaxRetention/(24*time.Hour)))
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > int(MaxRetention/(24*time.Hour)) {
			return 0, want
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, want
		}
	}
	if d < 0 || d > MaxRetention {
		return 0, want
	}
	return d, nil
}

// FormatRetention writes a retention as ParseRetention reads it: whole days as
// "90d", anything else as a Go duration.
func FormatRetention(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return d.String()
}

// RetentionVar defines a retention flag read by [ParseRetention].
func RetentionVar(fs *flag.FlagSet, p *time.Duration, name, usage string) {
	fs.Var((*retentionValue)(p), name, usage)
}

// retentionValue is a retention as a flag.
type retentionValue time.Duration

func (r *retentionValue) String() string {
	if r == nil {
		return "0s"
	}
	return FormatRetention(time.Duration(*r))
}

func (r *retentionValue) Set(v string) error {
	d, err := ParseRetention(v)
	if err != nil {
		return err
	}
	*r = retentionValue(d)
	return nil
}
