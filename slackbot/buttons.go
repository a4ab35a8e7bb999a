package slackbot

import (
	"fmt"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// Slack's limits for interactive elements.
const (
	// maxOptionValue is the most characters of an option's value.
	maxOptionValue = 150
	// maxBlockID is the most characters of a block_id.
	maxBlockID = 255
	// maxOptions is the most options an external select may be given.
	maxOptions = 100
)

// Block IDs of the interactive blocks of messages.
const (
	blockCardActions = "gitscrum_card_actions"
	blockPager       = "gitscrum_pager"
	blockChooser     = "gitscrum_chooser"
)

// button returns a button of our own label carrying value. Labels are plain text
// like values (emoji codes off): their emoji are characters.
func button(actionID, label, value string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionID, value, blockkit.Plain(label))
}

// cardActions returns the buttons of a card: Edit for a user who may write, and
// Share when the card is not already shared; nil when there are none.
func cardActions(c gitscrum.ClientCompany, v rendering) slack.Block {
	if !v.buttons || v.share || c.UUID == "" {
		return nil
	}
	value, err := actionValue{Workspace: v.workspace, ID: c.UUID}.encode()
	if err != nil {
		return nil
	}
	var els []slack.BlockElement
	if v.canWrite {
		els = append(els, button(ActionEdit, "✏️ Edit", value))
	}
	els = append(els, button(ActionShare, "📣 Share", value))
	return slack.NewActionBlock(blockCardActions, els...)
}

// pagerBlock returns Previous and Next for page of pages, each carrying the page
// it leads to.
func pagerBlock(at actionValue, page, pages int) slack.Block {
	var els []slack.BlockElement
	if page > 0 {
		prev := at
		prev.Page = page - 1
		if value, err := prev.encode(); err == nil {
			els = append(els, button(ActionPrevious, "⬅️ Previous", value))
		}
	}
	if page < pages-1 {
		next := at
		next.Page = page + 1
		if value, err := next.encode(); err == nil {
			els = append(els, button(ActionNext, "Next ➡️", value))
		}
	}
	if len(els) == 0 {
		return nil
	}
	return slack.NewActionBlock(blockPager, els...)
}

// chooserBlock returns a button per client, its name as the label (plain text,
// escaped, clipped to Slack's 75 characters), opening its card.
func chooserBlock(v rendering, clients []gitscrum.ClientCompany) slack.Block {
	var els []slack.BlockElement
	for _, c := range clients[:min(len(clients), blockkit.MaxActionElements)] {
		value, err := actionValue{Workspace: v.workspace, ID: c.UUID}.encode()
		if err != nil || c.UUID == "" {
			continue
		}
		b := slack.NewButtonBlockElement(ActionPick, value, blockkit.Plain(blockkit.Clip(blockkit.NonEmpty(c.Name), blockkit.MaxButtonText)))
		els = append(els, b)
	}
	if len(els) == 0 {
		return nil
	}
	return slack.NewActionBlock(blockChooser, els...)
}

// chooserMessage answers a reference that matches several clients with a choice:
// the list of candidates and a button of each one's name.
func chooserMessage(v rendering, ref string, clients []gitscrum.ClientCompany) *slack.WebhookMessage {
	title := blockkit.Shown(fmt.Sprintf("%s%s matches %s. Which one?", warningSign, quote(gitscrum.Excerpt(ref), 200), plural(len(clients), "client")))
	return listPage(v, title, gitscrum.ViewOf(clients), "Pick one below, or give the full name or the UUID.", 0, nil, true)
}

// pickerBlockID is the block_id of the client picker: the workspace, so that the
// options and the choice know it (a claim, checked again).
func pickerBlockID(workspace string) (string, error) {
	id, err := actionValue{Workspace: workspace}.encode()
	if err != nil {
		return "", err
	}
	if len(id) > maxBlockID {
		return "", fmt.Errorf("workspace slug too long for the client picker's block_id (%d characters, at most %d)", len(id), maxBlockID)
	}
	return id, nil
}

// pickerMessage answers show without a client: an external select whose options
// load from the interactivity URL as the user types.
func pickerMessage(v rendering) (*slack.WebhookMessage, error) {
	blockID, err := pickerBlockID(v.workspace)
	if err != nil {
		return nil, err
	}
	zero := 0
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeExternal, blockkit.Plain("Type a name, email or website"), ActionPicker)
	sel.MinQueryLength = &zero
	sec := slack.NewSectionBlock(blockkit.Plain("Pick a client of workspace "+quote(v.workspace, 100)+":"), nil, slack.NewAccessory(sel))
	sec.BlockID = blockID
	return blockkit.Message(slack.ResponseTypeEphemeral, "Pick a client of workspace "+blockkit.Clip(v.workspace, 100),
		sec, blockkit.Context(blockkit.Ours("Or type "+code(v.slash+" show <name|uuid>", 100)+"."))), nil
}

// clientOption is a picker option: the client's name (plain text, escaped and
// clipped to 75 characters) and its UUID as the value; nil when the UUID does not
// fit an option's value.
func clientOption(c gitscrum.ClientCompany) *slack.OptionBlockObject {
	if c.UUID == "" || len(c.UUID) > maxOptionValue {
		return nil
	}
	var desc *slack.TextBlockObject
	if c.Email != "" {
		desc = blockkit.Plain(blockkit.Clip(c.Email, blockkit.MaxButtonText))
	}
	return slack.NewOptionBlockObject(c.UUID, blockkit.Plain(blockkit.Clip(blockkit.NonEmpty(c.Name), blockkit.MaxButtonText)), desc)
}
