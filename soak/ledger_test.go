package soak

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// The bookkeeping of creates and updates. Each worker creates clients with names
// unique to the run and updates only the clients it created, one call at a time,
// so it knows every write that may have reached each of its clients.

// nFields is the number of editable fields, indexed as in gitscrum.EditableFields.
var nFields = len(gitscrum.EditableFields)

// Indexes into gitscrum.EditableFields.
const (
	iName = iota
	iEmail
	iPhone
	iWebsite
	iAddress
	iNotes
)

// createOutcome is what the caller of a create was told.
type createOutcome int

const (
	// createAcked: success, with the new client's UUID.
	createAcked createOutcome = iota
	// createFailed: a failure that says nothing was created.
	createFailed
	// createUnknown: a failure that says the client may or may not have been
	// created, or no answer at all.
	createUnknown
	// createRefused: a Slack user without write access was refused.
	createRefused
	// createRecovered: the outcome was unknown, and a retry was refused by the
	// duplicate guard, naming the client (and its UUID) that the first call created.
	createRecovered
)

func (o createOutcome) String() string {
	switch o {
	case createAcked:
		return "acknowledged"
	case createFailed:
		return "failed"
	case createUnknown:
		return "unknown"
	case createRefused:
		return "refused"
	case createRecovered:
		return "recovered"
	}
	return fmt.Sprintf("createOutcome(%d)", int(o))
}

// attempt is one create: its key (unique in the run), the values sent, and what
// the caller was told.
type attempt struct {
	key     string
	values  []string // by field index; "" for a field not sent
	outcome createOutcome
	uuid    string // when acknowledged or recovered
}

// owned is a client a worker created (acknowledged) and is the only one to update.
// For each field it keeps the values the field may hold: the creation value, then
// after each update naming the field either exactly the acknowledged value, or one
// more candidate when the update failed in a way that may have saved it.
type owned struct {
	key      string
	uuid     string
	possible [][]string
	version  int
	// unsure is set when a write may still be in flight (its answer never came);
	// the worker then leaves the client alone.
	unsure bool
}

func newOwned(a *attempt) *owned {
	o := &owned{key: a.key, uuid: a.uuid, possible: make([][]string, nFields)}
	for i := range nFields {
		o.possible[i] = []string{a.values[i]}
	}
	return o
}

// allows reports whether field i may hold v.
func (o *owned) allows(i int, v string) bool { return slices.Contains(o.possible[i], v) }

// set records that field i certainly holds v.
func (o *owned) set(i int, v string) { o.possible[i] = []string{v} }

// maybe records that field i may now also hold v.
func (o *owned) maybe(i int, v string) {
	if !o.allows(i, v) {
		o.possible[i] = append(o.possible[i], v)
	}
}

// certain returns the value of field i when only one is possible.
func (o *owned) certain(i int) (string, bool) {
	if len(o.possible[i]) == 1 {
		return o.possible[i][0], true
	}
	return "", false
}

// check compares a record of the client with what it may hold, and returns the
// fields that hold something no write put there.
func (o *owned) check(c gitscrum.ClientCompany) []string {
	var bad []string
	for i, f := range gitscrum.EditableFields {
		if v := c.Get(f); !o.allows(i, v) {
			bad = append(bad, fmt.Sprintf("%s=%s (may be one of %s)", f, short(v), shortAll(o.possible[i])))
		}
	}
	return bad
}

// learn records a record just read as the truth: the worker is the client's only
// writer and has no write in flight, so the record is how the client is.
func (o *owned) learn(c gitscrum.ClientCompany) {
	for i, f := range gitscrum.EditableFields {
		o.set(i, c.Get(f))
	}
}

// nameRE reads the key back from a client name of this run: "Soak MCP w3 c17 rRUN",
// or "… v4" after a rename.
var nameRE = regexp.MustCompile(`^Soak ((?:MCP|Slack) w\d+ c\d+) r([0-9a-f]+)(?: v\d+)?$`)

// keyOf returns the key of a client created by a run (and which run), or false.
func keyOf(name string) (key, run string, ok bool) {
	m := nameRE.FindStringSubmatch(name)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// values makes the field values of creates and updates. Every name and email is
// unique to its client and version, so that the duplicate guard never matches
// another client of the run.
type values struct {
	run       string
	multiLine bool // addresses may span lines (MCP); Slack commands stay on one line
}

func (v values) name(key string, version int) string {
	if version == 0 {
		return fmt.Sprintf("Soak %s r%s", key, v.run)
	}
	return fmt.Sprintf("Soak %s r%s v%d", key, v.run, version)
}

// field returns a new value of field i for the client key at version; never empty
// for the name.
func (v values) field(rng *rand.Rand, i int, key string, version int) string {
	slug := strings.ToLower(strings.ReplaceAll(key, " ", "-"))
	switch i {
	case iName:
		return v.name(key, version)
	case iEmail:
		return fmt.Sprintf("%s.v%d.%s@soak.example", slug, version, v.run)
	case iPhone:
		return fmt.Sprintf("+1-555-%04d", rng.IntN(10000))
	case iWebsite:
		return fmt.Sprintf("https://soak.example/%s/v%d", slug, version)
	case iAddress:
		if v.multiLine && rng.IntN(2) == 0 {
			return fmt.Sprintf("%d Soak Street\n%04d Zürich", 1+rng.IntN(999), 8000+rng.IntN(100))
		}
		return fmt.Sprintf("%d Soak Street, %04d Zürich", 1+rng.IntN(999), 8000+rng.IntN(100))
	case iNotes:
		switch rng.IntN(3) {
		case 0:
			return fmt.Sprintf("Soak note v%d", version)
		case 1:
			return fmt.Sprintf(`Soak v%d: Smith & Sons <b>bold</b> "quoted" — ünïcode`, version)
		}
		return strings.TrimSpace(strings.Repeat(fmt.Sprintf("Soak v%d notes. ", version), 1+rng.IntN(60)))
	}
	panic(fmt.Sprintf("no field %d", i))
}

// create returns the values of a new client: the name, and each other field with
// probability 0.6.
func (v values) create(rng *rand.Rand, key string) []string {
	out := make([]string, nFields)
	out[iName] = v.name(key, 0)
	for i := 1; i < nFields; i++ {
		if rng.IntN(10) < 6 {
			out[i] = v.field(rng, i, key, 0)
		}
	}
	return out
}

// update returns the fields an update names (at least one, in index order) and their
// new values: a new version of each, or "" to clear it (never the name).
func (v values) update(rng *rand.Rand, o *owned) (fields []int, vals []string) {
	o.version++
	for len(fields) == 0 {
		for i := range nFields {
			chance := 3
			if i == iName {
				chance = 1
			}
			if rng.IntN(10) < chance {
				fields = append(fields, i)
			}
		}
	}
	for _, i := range fields {
		val := v.field(rng, i, o.key, o.version)
		if i != iName && rng.IntN(100) < 15 {
			val = ""
		}
		vals = append(vals, val)
	}
	return fields, vals
}

// seedClients are the clients the workspace starts with. Nobody updates them, so
// every read of one must return it as seeded and the run must leave them unchanged.
// No name is a prefix of another, so each resolves by its full name.
func seedClients() []gitscrum.ClientCompany {
	var out []gitscrum.ClientCompany
	for i := range 24 {
		c := gitscrum.ClientCompany{
			Name:          fmt.Sprintf("Seed %02d Holdings", i),
			Email:         fmt.Sprintf("seed%02d@seed.example", i),
			Phone:         fmt.Sprintf("+41 44 %03d %02d %02d", 100+i, i, 2*i),
			Website:       fmt.Sprintf("https://seed%02d.example", i),
			Address:       fmt.Sprintf("%d Seed Road\n%04d Basel", i+1, 4000+i),
			Notes:         fmt.Sprintf("Seeded client %d.", i),
			ProjectsCount: i % 7,
			InvoicesTotal: gitscrum.Money(1000*i) + 0.5,
		}
		switch i % 4 {
		case 1:
			c.Name = fmt.Sprintf("Seed %02d Smith & Sons <Ltd>", i)
		case 2:
			c.Phone, c.Website, c.Notes = "", "", ""
		case 3:
			c.Name = fmt.Sprintf("Seed %02d Zürcher Straße AG", i)
		}
		out = append(out, c)
	}
	return out
}

// sameClient reports how got differs from want in the editable fields and UUID.
func sameClient(want, got gitscrum.ClientCompany) []string {
	var diff []string
	if got.UUID != want.UUID {
		diff = append(diff, fmt.Sprintf("uuid=%q, want %q", got.UUID, want.UUID))
	}
	for _, f := range gitscrum.EditableFields {
		if got.Get(f) != want.Get(f) {
			diff = append(diff, fmt.Sprintf("%s=%s, want %s", f, short(got.Get(f)), short(want.Get(f))))
		}
	}
	return diff
}

// setField sets an editable field of c.
func setField(c *gitscrum.ClientCompany, f gitscrum.Field, v string) {
	switch f {
	case gitscrum.FieldName:
		c.Name = v
	case gitscrum.FieldEmail:
		c.Email = v
	case gitscrum.FieldPhone:
		c.Phone = v
	case gitscrum.FieldWebsite:
		c.Website = v
	case gitscrum.FieldAddress:
		c.Address = v
	case gitscrum.FieldNotes:
		c.Notes = v
	}
}

// uuids lists the UUIDs of clients.
func uuids(cs []gitscrum.ClientCompany) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.UUID
	}
	return out
}

// short quotes a value for a message, cut to 100 bytes.
func short(s string) string {
	if len(s) > 100 {
		return fmt.Sprintf("%q…(%d bytes)", s[:100], len(s))
	}
	return fmt.Sprintf("%q", s)
}

func shortAll(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = short(s)
	}
	return "[" + strings.Join(out, " ") + "]"
}
