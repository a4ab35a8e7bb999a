package settings

import (
	"flag"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// The flag helpers below read a flag's value with the parser its environment
// variable uses, so a value the environment refuses is refused on the command line
// too, with the same words. A usage should name the value in backquotes (`d`,
// `n`) for the help to show it.

// BoolVar defines a switch read by [ParseBool]: --name alone means yes, and
// --name=yes, --name=off and the like are accepted.
func BoolVar(fs *flag.FlagSet, p *bool, name, usage string) {
	fs.Var((*boolValue)(p), name, usage)
}

// TimeoutVar defines a duration flag read by [ParseTimeout] (above 0).
func TimeoutVar(fs *flag.FlagSet, p *time.Duration, name, usage string) {
	fs.Var(&durationValue{p: p, parse: ParseTimeout}, name, usage)
}

// WaitVar defines a duration flag read by [ParseWait] (0 allowed).
func WaitVar(fs *flag.FlagSet, p *time.Duration, name, usage string) {
	fs.Var(&durationValue{p: p, parse: ParseWait}, name, usage)
}

// BoundVar defines a whole-number flag read by [ParseBound] (1 or more).
func BoundVar(fs *flag.FlagSet, p *int, name, usage string) {
	fs.Var(&intValue{p: p, parse: ParseBound}, name, usage)
}

// CountVar defines a whole-number flag read by [ParseCount] (0 allowed).
func CountVar(fs *flag.FlagSet, p *int, name, usage string) {
	fs.Var(&intValue{p: p, parse: ParseCount}, name, usage)
}

// levelValue is a slog.Level as a flag.
type levelValue slog.Level

func (l *levelValue) String() string { return strings.ToLower(slog.Level(*l).String()) }

func (l *levelValue) Set(v string) error {
	lvl, err := ParseLevel(v)
	if err != nil {
		return err
	}
	*l = levelValue(lvl)
	return nil
}

// boolValue is a bool flag that reads values as [ParseBool] does.
type boolValue bool

func (b *boolValue) String() string { return strconv.FormatBool(bool(*b)) }

func (b *boolValue) Set(v string) error {
	x, err := ParseBool(v)
	if err != nil {
		return err
	}
	*b = boolValue(x)
	return nil
}

// IsBoolFlag lets the switch stand alone, meaning --name=1.
func (b *boolValue) IsBoolFlag() bool { return true }

// durationValue is a duration flag read by parse.
type durationValue struct {
	p     *time.Duration
	parse func(string) (time.Duration, error)
}

func (d *durationValue) String() string {
	if d == nil || d.p == nil {
		return "0s"
	}
	return d.p.String()
}

func (d *durationValue) Set(v string) error {
	x, err := d.parse(v)
	if err != nil {
		return err
	}
	*d.p = x
	return nil
}

// intValue is a whole-number flag read by parse.
type intValue struct {
	p     *int
	parse func(string) (int, error)
}

func (n *intValue) String() string {
	if n == nil || n.p == nil {
		return "0"
	}
	return strconv.Itoa(*n.p)
}

func (n *intValue) Set(v string) error {
	x, err := n.parse(v)
	if err != nil {
		return err
	}
	*n.p = x
	return nil
}
