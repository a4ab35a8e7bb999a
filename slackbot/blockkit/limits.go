package blockkit

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's limits for a message, see https://docs.slack.dev/reference/block-kit/blocks.
const (
	// MaxBlocks is the most blocks a message may have.
	MaxBlocks = 50
	// MaxTextLen is the most characters of a text object.
	MaxTextLen = 3000
	// MaxFields is the most fields of a section block.
	MaxFields = 10
	// MaxFieldLen is the most characters of one field of a section.
	MaxFieldLen = 2000
	// MaxHeaderLen is the most characters of a header block's text.
	MaxHeaderLen = 150
	// MaxContextElements is the most elements of a context block.
	MaxContextElements = 10
	// MaxFallbackLen bounds the plain-text fallback of a message.
	MaxFallbackLen = 3000
	// MaxActionElements is the most elements of an actions block.
	MaxActionElements = 25
	// MaxButtonText is the most characters of a button's label.
	MaxButtonText = 75
	// MaxActionValue is the most characters of a button's value.
	MaxActionValue = 2000
)

// ErrLimit is a message outside Slack's limits.
var ErrLimit = errors.New("message outside Slack's limits")

// CheckLimits reports whether msg stays inside Slack's limits: at most 50 blocks,
// 3000 characters per text object (150 for a header, 2000 per section field), 10
// fields per section and 10 elements per context, no empty text, and a fallback
// text. An error is an [ErrLimit] naming the block at fault.
func CheckLimits(msg *slack.WebhookMessage) error {
	if msg == nil {
		return fmt.Errorf("%w: no message", ErrLimit)
	}
	if strings.TrimSpace(msg.Text) == "" {
		return fmt.Errorf("%w: no fallback text", ErrLimit)
	}
	if msg.Blocks == nil {
		return nil
	}
	set := msg.Blocks.BlockSet
	if len(set) > MaxBlocks {
		return fmt.Errorf("%w: %d blocks, at most %d", ErrLimit, len(set), MaxBlocks)
	}
	for i, blk := range set {
		if err := checkBlock(blk); err != nil {
			return fmt.Errorf("%w: block %d (%s): %w", ErrLimit, i, blk.BlockType(), err)
		}
	}
	return nil
}

func checkBlock(blk slack.Block) error {
	switch b := blk.(type) {
	case *slack.HeaderBlock:
		return checkText(b.Text, MaxHeaderLen)
	case *slack.SectionBlock:
		if b.Text == nil && len(b.Fields) == 0 {
			return errors.New("section without text or fields")
		}
		if b.Text != nil {
			if err := checkText(b.Text, MaxTextLen); err != nil {
				return err
			}
		}
		if len(b.Fields) > MaxFields {
			return fmt.Errorf("%d fields, at most %d", len(b.Fields), MaxFields)
		}
		for _, f := range b.Fields {
			if err := checkText(f, MaxFieldLen); err != nil {
				return err
			}
		}
	case *slack.ContextBlock:
		els := b.ContextElements.Elements
		if len(els) == 0 || len(els) > MaxContextElements {
			return fmt.Errorf("%d context elements, 1 to %d allowed", len(els), MaxContextElements)
		}
		for _, el := range els {
			t, ok := el.(*slack.TextBlockObject)
			if !ok {
				continue
			}
			if err := checkText(t, MaxTextLen); err != nil {
				return err
			}
		}
	case *slack.DividerBlock:
	case *slack.ActionBlock:
		return checkActions(b)
	default:
		return fmt.Errorf("unexpected block type %T", blk)
	}
	return nil
}

func checkText(t *slack.TextBlockObject, max int) error {
	if t == nil {
		return errors.New("missing text")
	}
	if err := t.Validate(); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(t.Text); n > max {
		return fmt.Errorf("text of %d characters, at most %d", n, max)
	}
	return nil
}

// checkActions checks an actions block of buttons: 1 to 25 of them, each with a
// plain-text label of at most 75 characters, an action_id and a value within
// Slack's limit.
func checkActions(b *slack.ActionBlock) error {
	if b.Elements == nil || len(b.Elements.ElementSet) == 0 || len(b.Elements.ElementSet) > MaxActionElements {
		return fmt.Errorf("actions block needs 1 to %d elements", MaxActionElements)
	}
	for _, el := range b.Elements.ElementSet {
		btn, ok := el.(*slack.ButtonBlockElement)
		if !ok {
			continue
		}
		if btn.Text == nil || btn.Text.Type != slack.PlainTextType {
			return errors.New("button without a plain-text label")
		}
		if err := checkText(btn.Text, MaxButtonText); err != nil {
			return err
		}
		if btn.ActionID == "" {
			return errors.New("button without an action_id")
		}
		if n := utf8.RuneCountInString(btn.Value); n > MaxActionValue {
			return fmt.Errorf("button value of %d characters, at most %d", n, MaxActionValue)
		}
	}
	return nil
}
