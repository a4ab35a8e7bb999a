package slackbot

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// Slack's limits for a modal.
const (
	// maxInputLen is the most characters a plain_text_input holds (its max_length).
	maxInputLen = 3000
	// maxMetadata is the most characters of a view's private_metadata.
	maxMetadata = 3000
	// maxViewTitle is the most characters of a modal's title.
	maxViewTitle = 24
)

// Block and action IDs inside the modals. A field's input block is "f_<field>";
// its element's action_id is inputAction.
const (
	inputAction   = "v"
	blockForce    = "force"
	actionForce   = "force"
	forceValue    = "create_anyway"
	fieldBlockPre = "f_"
)

// createAnywayLabel is the option a duplicate name or email must be overridden with.
const createAnywayLabel = "Create anyway"

// viewMeta is what a modal carries in its private_metadata: where the user
// started (to answer there), who opened it, and for an edit the client and a
// fingerprint of the record shown, to detect a change made meanwhile. Like a
// button's value it is a claim: every submission checks it again.
type viewMeta struct {
	Workspace   string `json:"w"`
	Channel     string `json:"c,omitempty"`
	User        string `json:"u,omitempty"`
	ID          string `json:"id,omitempty"`
	Fingerprint string `json:"fp,omitempty"`
}

// encode returns m as private_metadata, or an error when it is too long.
func (m viewMeta) encode() (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("encode view metadata: %w", err)
	}
	if utf8.RuneCount(b) > maxMetadata {
		return "", fmt.Errorf("view metadata of %d characters is over Slack's %d", utf8.RuneCount(b), maxMetadata)
	}
	return string(b), nil
}

// decodeViewMeta reads private_metadata made by encode; anything else is an error.
func decodeViewMeta(s string) (viewMeta, error) {
	var m viewMeta
	if len(s) > maxMetadata*4 {
		return m, fmt.Errorf("view metadata of %d bytes is too long", len(s))
	}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return m, fmt.Errorf("decode view metadata: %w", err)
	}
	if strings.TrimSpace(m.Workspace) == "" {
		return m, fmt.Errorf("decode view metadata: no workspace")
	}
	return m, nil
}

// fieldBlockID is the block_id of a field's input.
func fieldBlockID(f gitscrum.Field) string { return fieldBlockPre + string(f) }

// fieldInput returns the input block of a field with its initial value. Email and
// website use Slack's email and URL inputs, address and notes are multi-line. A
// value is only ever an initial_value (plain, shown as typed).
func fieldInput(f gitscrum.Field, initial string) *slack.InputBlock {
	var el slack.BlockElement
	switch f {
	case gitscrum.FieldEmail:
		e := slack.NewEmailTextInputBlockElement(blockkit.Plain("billing@example.com"), inputAction)
		e.InitialValue = initial
		el = e
	case gitscrum.FieldWebsite:
		e := slack.NewURLTextInputBlockElement(blockkit.Plain("https://example.com"), inputAction)
		e.InitialValue = initial
		el = e
	default:
		e := slack.NewPlainTextInputBlockElement(nil, inputAction)
		e.InitialValue = initial
		e.Multiline = f == gitscrum.FieldAddress || f == gitscrum.FieldNotes
		if n, ok := gitscrum.MaxLength(string(f)); ok {
			// Slack refuses an initial value longer than max_length.
			e.MaxLength = min(max(n, utf8.RuneCountInString(initial)), maxInputLen)
		}
		switch f {
		case gitscrum.FieldName:
			e.Placeholder = blockkit.Plain("Acme Corp")
		case gitscrum.FieldPhone:
			e.Placeholder = blockkit.Plain("+1 555 0100")
		}
		el = e
	}
	b := slack.NewInputBlock(fieldBlockID(f), blockkit.Plain(fieldLabel(f)), nil, el)
	b.Optional = f != gitscrum.FieldName
	return b
}

// formValues are the values of a modal's fields, as submitted or to prefill.
type formValues map[gitscrum.Field]string

// fits reports whether v fits a modal's input (Slack's 3000 characters).
func fits(v string) bool { return utf8.RuneCountInString(v) <= maxInputLen }

// createView returns the "New client" modal: the six fields (prefilled from
// values), the Create anyway option, and an optional notice of our own above
// them (plain text, values escaped).
func createView(meta viewMeta, values formValues, notice string) (slack.ModalViewRequest, error) {
	md, err := meta.encode()
	if err != nil {
		return slack.ModalViewRequest{}, err
	}
	var blocks []slack.Block
	if notice != "" {
		blocks = append(blocks, blockkit.PlainSection(notice))
	}
	for _, f := range gitscrum.EditableFields {
		v := values[f]
		if !fits(v) {
			v = ""
		}
		blocks = append(blocks, fieldInput(f, v))
	}
	force := slack.NewInputBlock(blockForce, blockkit.Plain("Duplicates"),
		blockkit.Plain("Only when a client with this name or email already exists and you want a second one."),
		slack.NewCheckboxGroupsBlockElement(actionForce, slack.NewOptionBlockObject(forceValue, blockkit.Plain(createAnywayLabel), nil)))
	force.Optional = true
	blocks = append(blocks, force, blockkit.Context(blockkit.Shown("workspace "+blockkit.Clip(meta.Workspace, 100))))
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      ViewCreate,
		Title:           blockkit.Plain("New client"),
		Submit:          blockkit.Plain("Create"),
		Close:           blockkit.Plain("Cancel"),
		PrivateMetadata: md,
		Blocks:          slack.Blocks{BlockSet: blocks},
	}, nil
}

// editView returns the edit modal of c, prefilled with values (c's own when
// nil). Notes longer than a modal's input holds are left out, and so untouched.
func editView(meta viewMeta, c gitscrum.ClientCompany, values formValues, notice string) (slack.ModalViewRequest, error) {
	meta.ID = c.UUID
	meta.Fingerprint = gitscrum.Fingerprint(c)
	md, err := meta.encode()
	if err != nil {
		return slack.ModalViewRequest{}, err
	}
	var blocks []slack.Block
	if notice != "" {
		blocks = append(blocks, blockkit.PlainSection(notice))
	}
	for _, f := range gitscrum.EditableFields {
		v := c.Get(f)
		if values != nil {
			v = values[f]
		}
		if !fits(c.Get(f)) {
			blocks = append(blocks, blockkit.Context(blockkit.Shown(fmt.Sprintf("%s: %d characters, more than a form holds; left as it is (change it with the update command).",
				fieldLabel(f), utf8.RuneCountInString(c.Get(f))))))
			continue
		}
		blocks = append(blocks, fieldInput(f, v))
	}
	blocks = append(blocks, blockkit.Context(blockkit.Shown("UUID "+blockkit.Clip(c.UUID, 100)+"  ·  workspace "+blockkit.Clip(meta.Workspace, 100)),
		blockkit.Ours("An emptied field is cleared.")))
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      ViewEdit,
		Title:           blockkit.Plain("Edit client"),
		Submit:          blockkit.Plain("Save"),
		Close:           blockkit.Plain("Cancel"),
		PrivateMetadata: md,
		Blocks:          slack.Blocks{BlockSet: blocks},
	}, nil
}

// noticeView returns a modal without inputs showing one line (plain, escaped):
// loading, saving, done or an error.
func noticeView(title, text string) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  blockkit.Plain(blockkit.Fit(title, maxViewTitle)),
		Close:  blockkit.Plain("Close"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{blockkit.PlainSection(text)}},
	}
}

// submitted reads the field values of a submitted modal. A field left out of the
// modal is absent from the map.
func submitted(state *slack.ViewState) (formValues, bool) {
	out := formValues{}
	force := false
	if state == nil {
		return out, false
	}
	for _, f := range gitscrum.EditableFields {
		if a, ok := state.Values[fieldBlockID(f)][inputAction]; ok {
			out[f] = a.Value
		}
	}
	if a, ok := state.Values[blockForce][actionForce]; ok {
		for _, o := range a.SelectedOptions {
			if o.Value == forceValue {
				force = true
			}
		}
	}
	return out, force
}

// fieldErrorsOf returns the errors of a validation failure keyed by the block of
// the field at fault, for response_action: errors; messages that name no field
// of the modal go on Name.
func fieldErrorsOf(e *gitscrum.Error, present formValues) map[string]string {
	out := map[string]string{}
	for name, msgs := range e.Fields {
		block := fieldBlockID(gitscrum.FieldName)
		prefix := ""
		if f, ok := gitscrum.ParseField(name); ok {
			if _, shown := present[f]; shown {
				block = fieldBlockID(f)
			} else {
				prefix = fieldLabel(f) + " "
			}
		} else {
			prefix = name + " "
		}
		msg := capitalize(prefix + strings.Join(msgs, "; ") + ".")
		if prev, ok := out[block]; ok {
			msg = prev + " " + msg
		}
		out[block] = blockkit.Fit(msg, 500)
	}
	return out
}
