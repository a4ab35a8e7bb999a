package slackbot

import (
	"encoding/json"
	"fmt"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// Action IDs of the bot's buttons and menus, and the callback IDs of its modals.
// Interactivity payloads are routed by them; events and commands render them.
const (
	// ActionCreate opens the "New client" modal (value: workspace, optional name).
	ActionCreate = "gitscrum_create"
	// ActionEdit opens the edit modal of a client (value: workspace and id).
	ActionEdit = "gitscrum_edit"
	// ActionShare posts a client's card to the channel (value: workspace and id).
	ActionShare = "gitscrum_share"
	// ActionNext and ActionPrevious page a list in place (value: workspace, query,
	// page).
	ActionNext     = "gitscrum_next"
	ActionPrevious = "gitscrum_previous"
	// ActionPick shows the card of one candidate of an ambiguous name (value:
	// workspace and id).
	ActionPick = "gitscrum_pick"
	// ActionPicker is the external select of the client picker; its options load
	// from the interactivity URL as the user types.
	ActionPicker = "gitscrum_picker"
	// ActionConnect is the Connect GitScrum button: a URL button opening a
	// one-time link to the connect page (Slack still reports the click).
	ActionConnect = "gitscrum_connect"
	// ActionDisconnect is the Disconnect button: it deletes the person's token.
	ActionDisconnect = "gitscrum_disconnect"
	// ViewCreate and ViewEdit are the callback IDs of the create and edit modals.
	ViewCreate = "gitscrum_create_view"
	ViewEdit   = "gitscrum_edit_view"
)

// maxActionValue is Slack's limit on a button's value, in characters.
const maxActionValue = blockkit.MaxActionValue

// actionValue is what a button, option or modal carries back to the bot: a claim
// to check again on the server, never proof (who clicked may not write; the client
// may be gone).
type actionValue struct {
	// Workspace is the GitScrum workspace slug shown.
	Workspace string `json:"w"`
	// ID is the client's id.
	ID string `json:"id,omitempty"`
	// Name prefills the create modal.
	Name string `json:"n,omitempty"`
	// Query and Page locate a page of a list.
	Query string `json:"q,omitempty"`
	Page  int    `json:"p,omitempty"`
	// Kind is how a paged list was asked for: "list" or "find" (the reply to a
	// bare /gitscrum <text>, with a button per client).
	Kind string `json:"k,omitempty"`
}

// encode returns v as a button value, or an error when it exceeds Slack's limit.
func (v actionValue) encode() (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode action value: %w", err)
	}
	if len([]rune(string(b))) > maxActionValue {
		return "", fmt.Errorf("action value of %d characters is over Slack's %d", len([]rune(string(b))), maxActionValue)
	}
	return string(b), nil
}

// decodeActionValue reads a value made by encode; anything else is an error.
func decodeActionValue(s string) (actionValue, error) {
	var v actionValue
	if len(s) > maxActionValue*4 {
		return v, fmt.Errorf("action value of %d bytes is too long", len(s))
	}
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return v, fmt.Errorf("decode action value: %w", err)
	}
	if v.Page < 0 {
		return v, fmt.Errorf("decode action value: page %d", v.Page)
	}
	return v, nil
}
