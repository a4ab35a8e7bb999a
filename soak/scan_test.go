package soak

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// scanner looks for secrets in everything the adapters say: their log lines and
// their replies. Lines and replies are scanned as they arrive and are not kept
// (apart from a short tail of log lines for diagnostics), so a long soak runs in
// bounded memory.
type scanner struct {
	secrets []string

	mu         sync.Mutex
	carry      []byte // an incomplete last log line
	logLines   int
	logBytes   int64
	replies    int
	replyBytes int64
	leaks      int      // occurrences of a secret, in logs and replies
	panics     int      // log lines mentioning a panic
	examples   []string // the first offending lines, secrets redacted
	tail       []string // the last log lines, secrets redacted
}

// maxExamples and maxTail bound what the scanner keeps.
const (
	maxExamples = 20
	maxTail     = 40
)

func newScanner(secrets ...string) *scanner {
	return &scanner{secrets: secrets}
}

// Write takes log output, one or more lines at a time (a slog handler writes one
// record per call, log.Logger one line); a line split over calls is joined first.
func (s *scanner) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logBytes += int64(len(p))
	data := append(s.carry, p...)
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		s.lineLocked(string(data[:i]))
		data = data[i+1:]
	}
	s.carry = append([]byte(nil), data...)
	return len(p), nil
}

// flush scans an incomplete last line.
func (s *scanner) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.carry) > 0 {
		s.lineLocked(string(s.carry))
		s.carry = nil
	}
}

func (s *scanner) lineLocked(line string) {
	s.logLines++
	if n := s.countSecrets(line); n > 0 {
		s.leaks += n
		s.exampleLocked("log line with a secret: " + line)
	}
	if strings.Contains(strings.ToLower(line), "panic") {
		s.panics++
		s.exampleLocked("log line with a panic: " + line)
	}
	if len(s.tail) == maxTail {
		s.tail = s.tail[1:]
	}
	s.tail = append(s.tail, s.redact(line))
}

// reply scans one reply (or error) that a caller received; where says which.
func (s *scanner) reply(where string, body []byte) {
	n := s.countSecrets(string(body))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replies++
	s.replyBytes += int64(len(body))
	if n > 0 {
		s.leaks += n
		s.exampleLocked(fmt.Sprintf("%s reply with a secret: %.2000s", where, body))
	}
}

func (s *scanner) countSecrets(text string) int {
	n := 0
	for _, sec := range s.secrets {
		n += strings.Count(text, sec)
	}
	return n
}

func (s *scanner) redact(text string) string {
	for _, sec := range s.secrets {
		text = strings.ReplaceAll(text, sec, "[SECRET]")
	}
	return text
}

func (s *scanner) exampleLocked(text string) {
	if len(s.examples) < maxExamples {
		s.examples = append(s.examples, s.redact(text))
	}
}

// scanReport is what the scanner found.
type scanReport struct {
	logLines, replies    int
	logBytes, replyBytes int64
	leaks, panics        int
	examples, tail       []string
}

func (s *scanner) report() scanReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	return scanReport{
		logLines: s.logLines, replies: s.replies, logBytes: s.logBytes, replyBytes: s.replyBytes,
		leaks: s.leaks, panics: s.panics,
		examples: slices.Clone(s.examples), tail: slices.Clone(s.tail),
	}
}

// tally counts events by label, safely from many goroutines.
type tally struct {
	mu sync.Mutex
	m  map[string]int
}

func (t *tally) add(label string, n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[string]int{}
	}
	t.m[label] += n
}

func (t *tally) inc(parts ...string) { t.add(strings.Join(parts, " "), 1) }

func (t *tally) get(label string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m[label]
}

// snapshot returns a copy of the counts.
func (t *tally) snapshot() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.m)
}

// lines renders the counts grouped by the label's prefix (all words but the last):
// "mcp create: ok=12 failed=3".
func (t *tally) lines() []string {
	groups := map[string][]string{}
	for label, n := range t.snapshot() {
		prefix, last := "", label
		if i := strings.LastIndexByte(label, ' '); i >= 0 {
			prefix, last = label[:i], label[i+1:]
		}
		groups[prefix] = append(groups[prefix], fmt.Sprintf("%s=%d", last, n))
	}
	var out []string
	for _, prefix := range slices.Sorted(maps.Keys(groups)) {
		vals := groups[prefix]
		slices.Sort(vals)
		out = append(out, prefix+": "+strings.Join(vals, " "))
	}
	return out
}

// anomalies collects what a worker found wrong; the test fails on any.
type anomalies struct {
	mu    sync.Mutex
	count int
	first []string
}

func (a *anomalies) add(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.count++
	if len(a.first) < maxExamples {
		a.first = append(a.first, fmt.Sprintf(format, args...))
	}
}

func (a *anomalies) report() (int, []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.count, slices.Clone(a.first)
}
