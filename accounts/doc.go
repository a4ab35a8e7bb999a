// Package accounts answers "who is acting, and with which GitScrum credential".
//
// A person links their own GitScrum API token once, through a one-time link
// opened from Slack (see package web); from then on every command, click, modal,
// picker, mention and DM of theirs uses that token, so GitScrum's own permissions
// and history see the person, not the bot.
//
// An [Account] holds one GitScrum API token, sealed with AES-256-GCM (Go's
// crypto/cipher; a random nonce per row, the account id as additional data, the key
// id stored beside it) under the key of GITSCRUM_BRIDGE_KEY. Older keys, listed in
// GITSCRUM_BRIDGE_OLD_KEYS, still open the rows sealed under them; such a row is
// sealed again under the current key when it is next used, or by
// [Service.RotateKey]. A Slack identity ([Identity]: team id and user id) points at
// an account; a person in two Slack workspaces of one install is two identities.
//
// The state store (package store) keeps the sealed tokens, the identities, the
// one-time links (by hash) and the channel defaults; a database dump shows no token.
package accounts
