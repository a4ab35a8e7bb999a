package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// mcpWorker is one MCP client over streamable HTTP, making one tool call at a time.
type mcpWorker struct {
	s    *soak
	id   int
	c    *client.Client
	rng  *rand.Rand
	vals values

	seq       int
	attempts  []*attempt
	owned     []*owned
	recovered int // creates of unknown outcome that a retry found through the duplicate guard
}

// record is a client in structuredContent.
type record struct {
	UUID    string `json:"uuid"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Website string `json:"website"`
	Address string `json:"address"`
	Notes   string `json:"notes"`
}

func (r record) client() gitscrum.ClientCompany {
	return gitscrum.ClientCompany{UUID: r.UUID, Name: r.Name, Email: r.Email, Phone: r.Phone,
		Website: r.Website, Address: r.Address, Notes: r.Notes}
}

type clientResult struct {
	Client record `json:"client"`
}

type updateResult struct {
	Client  record `json:"client"`
	Changes []struct {
		Field, Before, After string
	} `json:"changes"`
}

type listResult struct {
	Total   int `json:"total"`
	Clients []struct {
		UUID, Name string
	} `json:"clients"`
}

func (w *mcpWorker) loop(deadline time.Time) {
	for time.Now().Before(deadline) {
		switch x := w.rng.IntN(100); {
		case x < 20:
			w.list()
		case x < 45:
			w.get()
		case x < 70:
			w.create()
		default:
			w.update()
		}
	}
}

// toolResult is one tool call as the caller saw it.
type toolResult struct {
	res  *mcp.CallToolResult
	text string
	err  error // a protocol or transport error: never expected
}

func (r toolResult) ok() bool { return r.err == nil && !r.res.IsError }

// outcome labels the call for the tally: ok, error (an isError result) or
// no_answer (a protocol or transport error).
func (r toolResult) outcome() string {
	switch {
	case r.err != nil:
		return "no_answer"
	case r.res.IsError:
		return "error"
	}
	return "ok"
}

// decode decodes the structuredContent of a successful result into v.
func (r toolResult) decode(v any) error {
	raw := []byte(r.res.RawStructuredContent)
	if len(raw) == 0 {
		var err error
		if raw, err = json.Marshal(r.res.StructuredContent); err != nil {
			return err
		}
	}
	return json.Unmarshal(raw, v)
}

// call calls a tool and scans everything that came back.
func (w *mcpWorker) call(tool string, args map[string]any) toolResult {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := w.c.CallTool(ctx, req)
	if err != nil {
		w.s.scan.reply("mcp "+tool+" error", []byte(err.Error()))
		w.s.found.add("mcp %s: no result: %v", tool, err)
		return toolResult{err: err}
	}
	raw, err := json.Marshal(res)
	if err != nil {
		w.s.found.add("mcp %s: cannot encode the result: %v", tool, err)
	}
	w.s.scan.reply("mcp "+tool, raw)
	r := toolResult{res: res}
	if len(res.Content) > 0 {
		if tc, ok := mcp.AsTextContent(res.Content[0]); ok {
			r.text = tc.Text
		}
	}
	if r.text == "" {
		w.s.found.add("mcp %s: a result without text: %s", tool, raw)
	}
	return r
}

// pickOwned returns one of the worker's clients that it may read and write, or nil.
func (w *mcpWorker) pickOwned() *owned {
	return pickOwned(w.rng, w.owned)
}

func pickOwned(rng *rand.Rand, all []*owned) *owned {
	if len(all) == 0 {
		return nil
	}
	for range 3 {
		if o := all[rng.IntN(len(all))]; !o.unsure {
			return o
		}
	}
	return nil
}

// ref returns how to name o in a call: its UUID, or (sometimes) its name when the
// name is certain.
func ref(rng *rand.Rand, o *owned) string {
	if name, ok := o.certain(iName); ok && rng.IntN(4) == 0 {
		return name
	}
	return o.uuid
}

func (w *mcpWorker) list() {
	args := map[string]any{"limit": 1 + w.rng.IntN(50)}
	query := ""
	switch w.rng.IntN(4) {
	case 1:
		query = "Seed"
	case 2:
		query = "r" + w.vals.run
	case 3:
		query = w.s.seeds[w.rng.IntN(len(w.s.seeds))].Email
	}
	if query != "" {
		args["query"] = query
	}
	r := w.call("list_clients", args)
	w.s.ops.inc("mcp", "list", r.outcome())
	if !r.ok() {
		return
	}
	var lr listResult
	if err := r.decode(&lr); err != nil {
		w.s.found.add("mcp list_clients: structuredContent: %v", err)
		return
	}
	if len(lr.Clients) > args["limit"].(int) || lr.Total < len(lr.Clients) ||
		(query == "" && lr.Total < len(w.s.seeds)) || (query == "Seed" && lr.Total != len(w.s.seeds)) {
		w.s.found.add("mcp list_clients %v: total %d with %d clients", args, lr.Total, len(lr.Clients))
	}
}

func (w *mcpWorker) get() {
	o := w.pickOwned()
	if o == nil || w.rng.IntN(2) == 0 {
		seed := w.s.seeds[w.rng.IntN(len(w.s.seeds))]
		ref := seed.UUID
		if w.rng.IntN(3) == 0 {
			ref = seed.Name
		}
		r := w.call("get_client", map[string]any{"client": ref})
		w.s.ops.inc("mcp", "get", r.outcome())
		if !r.ok() {
			return
		}
		var cr clientResult
		if err := r.decode(&cr); err != nil {
			w.s.found.add("mcp get_client: structuredContent: %v", err)
			return
		}
		if diff := sameClient(seed, cr.Client.client()); diff != nil {
			w.s.found.add("mcp get_client %q returned another record: %v", ref, diff)
		}
		return
	}
	ref := ref(w.rng, o)
	r := w.call("get_client", map[string]any{"client": ref})
	w.s.ops.inc("mcp", "get", r.outcome())
	if !r.ok() {
		return
	}
	var cr clientResult
	if err := r.decode(&cr); err != nil {
		w.s.found.add("mcp get_client: structuredContent: %v", err)
		return
	}
	got := cr.Client.client()
	if got.UUID != o.uuid {
		w.s.found.add("mcp get_client %q returned client %s, want %s", ref, got.UUID, o.uuid)
		return
	}
	if bad := o.check(got); bad != nil {
		w.s.found.add("mcp get_client %q: values no write put there: %s", ref, strings.Join(bad, "; "))
		return
	}
	o.learn(got)
}

// create creates a client with a name unique to the run. When the outcome is
// unknown and the answer says that retrying is safe (the duplicate guard is on),
// it retries as a model would, up to maxCreateTries calls in all: the retry either
// creates the client, or is refused as a duplicate naming the client that the
// earlier call did create.
func (w *mcpWorker) create() {
	w.seq++
	a := &attempt{key: fmt.Sprintf("MCP w%d c%d", w.id, w.seq)}
	a.values = w.vals.create(w.rng, a.key)
	w.attempts = append(w.attempts, a)
	args := map[string]any{}
	for i, f := range gitscrum.EditableFields {
		if a.values[i] != "" {
			args[string(f)] = a.values[i]
		}
	}
	existing := regexp.MustCompile(regexp.QuoteMeta(a.values[iName]) + ` \(([0-9a-f-]{36})\)`)
	unknown := false // an earlier call may have created the client
	for try := 1; ; try++ {
		r := w.call("create_client", args)
		retry := false
		label := r.outcome()
		switch {
		case r.err != nil:
			a.outcome = createUnknown
		case !r.res.IsError:
			a.outcome = createAcked
		case try > 1 && strings.HasPrefix(r.text, "Not created: "):
			label = "duplicate_on_retry"
			a.outcome = createRecovered
			if m := existing.FindStringSubmatch(r.text); m != nil {
				a.uuid = m[1]
			} else {
				a.outcome = createUnknown
				w.s.found.add("mcp create_client %q: retry refused as a duplicate of another client: %s", a.key, r.text)
			}
		case strings.Contains(r.text, "Nothing was created"):
			a.outcome = createFailed
			if unknown {
				a.outcome = createUnknown
			}
		case strings.Contains(r.text, "may or may not have been created"):
			a.outcome = createUnknown
			retry = strings.Contains(r.text, "Retrying create_client is safe")
		default:
			a.outcome = createUnknown
			w.s.found.add("mcp create_client %q: unexpected failure: %s", a.key, r.text)
		}
		w.s.ops.inc("mcp", "create", label)
		unknown = unknown || a.outcome == createUnknown
		if a.outcome == createAcked {
			w.acked(a, r)
		}
		if !retry || try == maxCreateTries {
			break
		}
		w.s.ops.inc("mcp", "create", "retried")
	}
	if a.outcome == createRecovered {
		w.recovered++
		w.owned = append(w.owned, newOwned(a))
	}
}

// maxCreateTries bounds the calls of one create, retries included.
const maxCreateTries = 3

// acked takes the record of an acknowledged create.
func (w *mcpWorker) acked(a *attempt, r toolResult) {
	var cr clientResult
	if err := r.decode(&cr); err != nil {
		w.s.found.add("mcp create_client: structuredContent: %v", err)
		a.outcome = createUnknown
		return
	}
	a.uuid = cr.Client.UUID
	o := newOwned(a)
	if bad := o.check(cr.Client.client()); bad != nil {
		w.s.found.add("mcp create_client %q returned other values than sent: %s", a.key, strings.Join(bad, "; "))
	}
	w.owned = append(w.owned, o)
}

func (w *mcpWorker) update() {
	o := w.pickOwned()
	if o == nil {
		w.create()
		return
	}
	fields, vals := w.vals.update(w.rng, o)
	ref := ref(w.rng, o)
	args := map[string]any{"client": ref}
	for k, i := range fields {
		args[string(gitscrum.EditableFields[i])] = vals[k]
	}
	r := w.call("update_client", args)
	w.s.ops.inc("mcp", "update", r.outcome())
	if !r.ok() {
		// The update may or may not have been saved: an MCP error does not say which
		// request failed.
		for k, i := range fields {
			o.maybe(i, vals[k])
		}
		if r.err != nil {
			o.unsure = true // its request may still be in flight
		}
		return
	}
	var ur updateResult
	if err := r.decode(&ur); err != nil {
		w.s.found.add("mcp update_client: structuredContent: %v", err)
		for k, i := range fields {
			o.maybe(i, vals[k])
		}
		return
	}
	got := ur.Client.client()
	if got.UUID != o.uuid {
		w.s.found.add("mcp update_client %q updated client %s, want %s", ref, got.UUID, o.uuid)
		o.unsure = true
		return
	}
	for k, i := range fields {
		o.set(i, vals[k])
	}
	if bad := o.check(got); bad != nil {
		w.s.found.add("mcp update_client %q %v: the record returned holds values no write put there: %s", ref, args, strings.Join(bad, "; "))
		return
	}
	o.learn(got)
}
