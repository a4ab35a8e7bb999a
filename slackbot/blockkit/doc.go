// Package blockkit builds Slack Block Kit messages that stay inside Slack's limits
// and show every value exactly as typed. It is pure: no I/O, no state, nothing of
// GitScrum or of the bot.
//
// Text objects come in two kinds, never mixed, so that every value from GitScrum or
// a user appears in Slack exactly as typed. Slack's mrkdwn has no escape for its
// formatting characters (*bold*, _italic_, ~strike~, `code`, > quotes), so a value
// never goes into mrkdwn:
//
//   - [Ours]: mrkdwn of our own words and markup only: bold labels, code spans of
//     our own commands, mentions of validated user IDs, dates.
//   - [Shown]: plain_text, which Slack shows as it is: no formatting, links,
//     mentions or emoji codes. Values go here, escaped only for &, < and > ([Clip],
//     [Escape]), as Slack requires of all text; the words around them are ours.
//
// [Message] assembles a reply with a fallback text whose mrkdwn is neutralised;
// [CheckLimits] checks a message against Slack's limits before it is sent.
package blockkit
