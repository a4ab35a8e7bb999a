package soak

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// nonWriter is a Slack user without write access.
const nonWriter = "U0SOAKRO1"

// slackWorker is one Slack user sending signed slash commands, one at a time, and
// waiting for each answer, inline or posted to the command's response_url.
type slackWorker struct {
	s    *soak
	id   int
	user string
	rng  *rand.Rand
	vals values
	// endpoint is the URL of the slash commands: the load's Slack server, or the
	// attack's.
	endpoint string

	cmds     int
	seq      int
	attempts []*attempt
	owned    []*owned

	badSigs, nonWriters int
}

func newSlackWorker(s *soak, id int, user string) *slackWorker {
	return &slackWorker{s: s, id: id, user: user, rng: rand.New(rand.NewPCG(rand.Uint64(), uint64(1000+id))),
		vals: values{run: s.run}, endpoint: s.slackTS.URL + slackbot.CommandsPath}
}

func (w *slackWorker) loop(deadline time.Time) {
	for time.Now().Before(deadline) {
		switch x := w.rng.IntN(100); {
		case x < 2:
			w.badSignature()
		case x < 5:
			w.nonWriterCreate()
		case x < 20:
			w.list()
		case x < 38:
			w.show()
		case x < 43:
			w.find()
		case x < 68:
			w.create()
		default:
			w.update()
		}
	}
}

// slackEscape escapes text as Slack does in the text of a slash command.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// answer is the answer to one slash command, as its sender saw it.
type answer struct {
	status   int
	deferred bool   // acknowledged inline, answered through the response_url
	fallback string // the message's text
	text     string // every text of the message, joined by newlines
	raw      []byte // the HTTP answer's body
	err      error  // no answer came
}

// outcome labels the answer for the tally.
func (a answer) outcome() string {
	switch {
	case a.err != nil:
		return "no_answer"
	case a.status != http.StatusOK:
		return strconv.Itoa(a.status)
	case a.failed():
		return "error"
	}
	return "ok"
}

// failed reports an answer that is a failure: every one starts with a warning.
func (a answer) failed() bool { return strings.Contains(a.text, "⚠️") }

var errNoPost = errors.New("no answer posted to the response_url")

// command sends /gitscrum text as user, signed with the signing secret (or, with
// badSig, with another), and returns its answer.
func (w *slackWorker) command(user, text string, badSig bool) answer {
	s := w.s
	w.cmds++
	path := fmt.Sprintf("/commands/T0SOAK/%d/%d/%s", w.id, w.cmds, randomHex(4))
	slot := s.hooks.expect(path)
	body := url.Values{
		"token":        {"deprecated-verification-token"},
		"team_id":      {"T0SOAK"},
		"team_domain":  {"soak"},
		"channel_id":   {"C0SOAK"},
		"channel_name": {"soak"},
		"user_id":      {user},
		"user_name":    {strings.ToLower(user)},
		"command":      {slackbot.DefaultCommand},
		"text":         {slackEscape(text)},
		"api_app_id":   {"A0SOAK"},
		"response_url": {s.hookTS.URL + path},
		"trigger_id":   {"1.2.soak"},
	}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	secret := s.secret
	if badSig {
		secret = "not-the-signing-secret"
	}
	req, err := http.NewRequest(http.MethodPost, w.endpoint, strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slackbottest.Signature(secret, ts, body))
	resp, err := s.slackHTTP.Do(req)
	if err != nil {
		s.hooks.done(path)
		s.scan.reply("slack error", []byte(err.Error()))
		s.found.add("slack %q: no answer: %v", text, err)
		return answer{err: err}
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	s.scan.reply("slack", data)
	a := answer{status: resp.StatusCode, raw: data}
	if err != nil {
		s.hooks.done(path)
		s.found.add("slack %q: reading the answer: %v", text, err)
		a.err = err
		return a
	}
	if resp.StatusCode == http.StatusOK && strings.Contains(string(data), ":hourglass_flowing_sand:") {
		a.deferred = true
		s.hooks.deferred.Add(1)
		timer := time.NewTimer(callTimeout)
		select {
		case data = <-slot.ch:
			timer.Stop()
		case <-timer.C:
			s.hooks.done(path)
			s.found.add("slack %q: acknowledged, but no answer was posted within %s", text, callTimeout)
			a.err = errNoPost
			return a
		}
	}
	want := 0
	if a.deferred {
		want = 1
	}
	if n := s.hooks.done(path); n != want {
		s.found.add("slack %q: %d posts to the response_url, want %d", text, n, want)
	}
	if resp.StatusCode != http.StatusOK {
		return a
	}
	a.fallback, a.text, err = texts(data)
	if err != nil {
		s.found.add("slack %q: answer is not a message: %v: %s", text, err, data)
	}
	return a
}

// texts returns the fallback text of a message and all its texts.
func texts(data []byte) (string, string, error) {
	out, err := slackbottest.Texts(data)
	if err != nil {
		return "", "", err
	}
	var top struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(data, &top)
	fallback := top.Text
	return fallback, strings.Join(out, "\n"), nil
}

// cardFallback is the fallback text of a client's card: name, email, phone, UUID.
func cardFallback(c gitscrum.ClientCompany) string {
	dash := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "—"
		}
		return blockkit.Escape(s)
	}
	return fmt.Sprintf("%s · %s · %s · UUID %s", blockkit.Escape(c.Name), dash(c.Email), dash(c.Phone), c.UUID)
}

// uuidRE finds the UUID at the end of a card's fallback text.
var uuidRE = regexp.MustCompile(`UUID ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)

func (w *slackWorker) badSignature() {
	w.badSigs++
	a := w.command(w.user, "list", true)
	w.s.ops.inc("slack", "bad_signature", a.outcome())
	if a.status != http.StatusUnauthorized {
		w.s.found.add("slack command with a bad signature answered %d, want 401", a.status)
	}
}

func (w *slackWorker) nonWriterCreate() {
	w.seq++
	a := &attempt{key: fmt.Sprintf("Slack w%d c%d", w.id, w.seq), values: make([]string, nFields)}
	a.values[iName] = w.vals.name(a.key, 0)
	w.attempts = append(w.attempts, a)
	w.nonWriters++
	ans := w.command(nonWriter, "create "+slackbot.Quote(a.values[iName]), false)
	if strings.Contains(ans.text, "You may not create or update clients") {
		w.s.ops.inc("slack", "create_by_non_writer", "refused")
		a.outcome = createRefused
		return
	}
	w.s.ops.inc("slack", "create_by_non_writer", ans.outcome())
	a.outcome = createUnknown
	w.s.found.add("slack create by a user without write access: %s", ans.text)
}

func (w *slackWorker) list() {
	text := "list"
	switch w.rng.IntN(4) {
	case 1:
		text = "list Seed"
	case 2:
		if len(w.owned) > 0 { // else nothing may match yet: not_found
			text = "list r" + w.vals.run
		}
	case 3:
		text = "search " + w.s.seeds[w.rng.IntN(len(w.s.seeds))].Email
	}
	a := w.command(w.user, text, false)
	w.s.ops.inc("slack", "list", a.outcome())
	if a.outcome() == "ok" && text == "list Seed" && !strings.HasPrefix(a.fallback, fmt.Sprintf("%d clients: ", len(w.s.seeds))) {
		w.s.found.add("slack %q: %q", text, a.fallback)
	}
}

// showSeed shows a seeded client with text and checks its card.
func (w *slackWorker) showSeed(op, text string, seed gitscrum.ClientCompany) {
	a := w.command(w.user, text, false)
	w.s.ops.inc("slack", op, a.outcome())
	if a.outcome() == "ok" && a.fallback != cardFallback(seed) {
		w.s.found.add("slack %q: card %q, want %q", text, a.fallback, cardFallback(seed))
	}
}

func (w *slackWorker) find() {
	seed := w.s.seeds[w.rng.IntN(len(w.s.seeds))]
	w.showSeed("find", seed.Email, seed)
}

func (w *slackWorker) show() {
	o := pickOwned(w.rng, w.owned)
	if o == nil || w.rng.IntN(2) == 0 {
		seed := w.s.seeds[w.rng.IntN(len(w.s.seeds))]
		ref := seed.UUID
		if w.rng.IntN(3) == 0 {
			ref = seed.Name
		}
		w.showSeed("show", "show "+ref, seed)
		return
	}
	ref := ref(w.rng, o)
	a := w.command(w.user, "show "+ref, false)
	w.s.ops.inc("slack", "show", a.outcome())
	if a.outcome() != "ok" {
		return
	}
	want := gitscrum.ClientCompany{UUID: o.uuid}
	for _, i := range []int{iName, iEmail, iPhone} {
		v, ok := o.certain(i)
		if !ok {
			// Not all of the card's fallback is known: check the client only.
			if !strings.HasSuffix(a.fallback, "UUID "+o.uuid) {
				w.s.found.add("slack show %q: card of another client: %q", ref, a.fallback)
			}
			return
		}
		setField(&want, gitscrum.EditableFields[i], v)
	}
	if a.fallback != cardFallback(want) {
		w.s.found.add("slack show %q: card %q, want %q", ref, a.fallback, cardFallback(want))
	}
}

// fieldWords renders field=value words for a command line; an empty value clears.
func fieldWords(fields []int, vals []string) string {
	var b strings.Builder
	for k, i := range fields {
		b.WriteString(" " + string(gitscrum.EditableFields[i]) + "=")
		if vals[k] != "" {
			b.WriteString(slackbot.Quote(vals[k]))
		}
	}
	return b.String()
}

func (w *slackWorker) create() {
	w.seq++
	a := &attempt{key: fmt.Sprintf("Slack w%d c%d", w.id, w.seq)}
	a.values = w.vals.create(w.rng, a.key)
	w.attempts = append(w.attempts, a)
	var fields []int
	var vals []string
	for i := 1; i < nFields; i++ {
		if a.values[i] != "" {
			fields, vals = append(fields, i), append(vals, a.values[i])
		}
	}
	ans := w.command(w.user, "create "+slackbot.Quote(a.values[iName])+fieldWords(fields, vals), false)
	w.s.ops.inc("slack", "create", ans.outcome())
	switch {
	case ans.err != nil:
		a.outcome = createUnknown
		return
	case !ans.failed() && strings.Contains(ans.text, ":white_check_mark: Created by <@"+w.user+">"):
		a.outcome = createAcked
	case strings.Contains(ans.text, "Nothing was changed"):
		a.outcome = createFailed
		return
	case strings.Contains(ans.text, "may or may not have been saved"):
		a.outcome = createUnknown
		return
	default:
		a.outcome = createUnknown
		w.s.found.add("slack create %q: unexpected answer: %s", a.key, ans.text)
		return
	}
	m := uuidRE.FindStringSubmatch(ans.fallback)
	if m == nil {
		w.s.found.add("slack create %q: no UUID in the card %q", a.key, ans.fallback)
		a.outcome = createUnknown
		return
	}
	a.uuid = m[1]
	want := gitscrum.ClientCompany{UUID: a.uuid, Name: a.values[iName], Email: a.values[iEmail], Phone: a.values[iPhone]}
	if ans.fallback != cardFallback(want) {
		w.s.found.add("slack create %q: card %q, want %q", a.key, ans.fallback, cardFallback(want))
	}
	w.owned = append(w.owned, newOwned(a))
}

func (w *slackWorker) update() {
	o := pickOwned(w.rng, w.owned)
	if o == nil {
		w.create()
		return
	}
	fields, vals := w.vals.update(w.rng, o)
	ref := ref(w.rng, o)
	ans := w.command(w.user, "update "+ref+fieldWords(fields, vals), false)
	w.s.ops.inc("slack", "update", ans.outcome())
	switch {
	case ans.err != nil:
		o.unsure = true // its request may still be in flight
		fallthrough
	case ans.failed() && strings.Contains(ans.text, "may or may not have been saved"):
		for k, i := range fields {
			o.maybe(i, vals[k])
		}
	case ans.failed() && strings.Contains(ans.text, "Nothing was changed"):
	case ans.failed():
		w.s.found.add("slack update %q: unexpected answer: %s", ref, ans.text)
		for k, i := range fields {
			o.maybe(i, vals[k])
		}
	default:
		if !strings.Contains(ans.text, "UUID "+o.uuid) {
			w.s.found.add("slack update %q: answer about another client: %s", ref, ans.text)
		}
		for k, i := range fields {
			o.set(i, vals[k])
		}
	}
}

// hooks stands in for Slack's response_url endpoint. Every command has a path of
// its own; a post to a path that expects none (a second answer, or an answer to a
// command answered inline) is counted as unexpected.
type hooks struct {
	s     *soak
	mu    sync.Mutex
	slots map[string]*slot

	posts, deferred, unexpected atomic.Int64
}

type slot struct {
	posts int
	ch    chan []byte // the first post
}

func newHooks(s *soak) *hooks { return &hooks{s: s, slots: map[string]*slot{}} }

// expect opens a path for the answer of one command.
func (h *hooks) expect(path string) *slot {
	h.mu.Lock()
	defer h.mu.Unlock()
	sl := &slot{ch: make(chan []byte, 1)}
	h.slots[path] = sl
	return sl
}

// done closes a path and returns how many posts it received.
func (h *hooks) done(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	sl := h.slots[path]
	delete(h.slots, path)
	if sl == nil {
		return 0
	}
	return sl.posts
}

func (h *hooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	h.posts.Add(1)
	h.s.scan.reply("slack response_url", body)
	h.mu.Lock()
	sl := h.slots[r.URL.Path]
	switch {
	case sl == nil || sl.posts > 0:
		h.unexpected.Add(1)
	default:
		sl.ch <- body
	}
	if sl != nil {
		sl.posts++
	}
	h.mu.Unlock()
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "ok")
}
