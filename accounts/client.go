package accounts

import (
	"context"
	"fmt"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// Client returns the GitScrum client of the person id (the service's base client
// with their token) and their account. A person with no linked account gets
// [ErrNotLinked]; one whose token GitScrum refused gets [ErrBroken] with the
// Account, and no client.
//
// A person's client is kept in memory for [Options.CacheTTL], so a person acting
// again costs neither a database read nor a decryption; [Service.Disconnect],
// [Service.MarkBroken] and a new link drop it at once. A call that began before a
// Disconnect may still return the client; one after it returns [ErrNotLinked].
// A token sealed under an old key is sealed again under the current one.
func (s *Service) Client(ctx context.Context, id Identity) (*gitscrum.Client, Account, error) {
	now := s.opts.Now()
	e, ok, gen := s.cache.get(id, now)
	if !ok {
		var err error
		if e, err = s.load(ctx, id); err != nil {
			return nil, Account{}, err
		}
		if s.opts.CacheTTL > 0 {
			e.expires = now.Add(s.opts.CacheTTL)
			s.cache.put(id, e, gen, now)
		}
	}
	if e.client == nil {
		return nil, e.account, ErrBroken
	}
	return e.client, e.account, nil
}

// load reads the person's account from the store and opens its token.
func (s *Service) load(ctx context.Context, id Identity) (cached, error) {
	if !id.valid() {
		return cached{}, ErrNotLinked
	}
	row, ok, err := s.st.IdentityAccount(ctx, id.TeamID, id.UserID)
	if err != nil {
		return cached{}, fmt.Errorf("accounts: reading the account of %s/%s: %w", id.TeamID, id.UserID, err)
	}
	if !ok {
		return cached{}, ErrNotLinked
	}
	acct := account(row)
	if !acct.Broken.IsZero() {
		return cached{account: acct}, nil
	}
	token, err := s.keys.open(row.ID, row.KeyID, row.Sealed)
	if err != nil {
		return cached{}, fmt.Errorf("accounts: the token of account %s: %w", row.ID, err)
	}
	if row.KeyID != s.keys.KeyID() {
		// The token opened: a failure to reseal it is only logged, and tried
		// again at its next use.
		if _, err := s.reseal(ctx, row, token); err != nil {
			s.opts.Logger.Warn("accounts: resealing a token failed", "account", row.ID, "err", err)
		}
	}
	return cached{client: s.base.WithToken(token), account: acct}, nil
}

// reseal seals the token of row, sealed under an old key, under the current key,
// if no one did meanwhile; it reports whether it did.
func (s *Service) reseal(ctx context.Context, row store.Account, token string) (bool, error) {
	from := row.KeyID
	row.KeyID, row.Sealed, row.TokenMAC = s.keys.KeyID(), s.keys.seal(row.ID, token), s.keys.mac(token)
	row.Updated = s.opts.Now()
	done, err := s.st.ResealAccount(ctx, row, from)
	if err != nil {
		return false, fmt.Errorf("accounts: resealing account %s under the current key: %w", row.ID, err)
	}
	if done {
		s.opts.Logger.Info("accounts: token resealed under the current key", "account", row.ID, "from_key", from, "to_key", row.KeyID)
	}
	return done, nil
}

// Whoami returns the person's account: [ErrNotLinked] when they have none; a
// broken account comes back with Broken set, and no error. It reads the store,
// not the cache, and opens no token.
func (s *Service) Whoami(ctx context.Context, id Identity) (Account, error) {
	if !id.valid() {
		return Account{}, ErrNotLinked
	}
	row, ok, err := s.st.IdentityAccount(ctx, id.TeamID, id.UserID)
	if err != nil {
		return Account{}, fmt.Errorf("accounts: reading the account of %s/%s: %w", id.TeamID, id.UserID, err)
	}
	if !ok {
		return Account{}, ErrNotLinked
	}
	return account(row), nil
}

// Disconnect unlinks the person: their identity and their account's row (the
// sealed token) are deleted at once, and their client is dropped from memory.
// It reports false when nothing was linked.
func (s *Service) Disconnect(ctx context.Context, id Identity) (bool, error) {
	if !id.valid() {
		return false, nil
	}
	defer s.cache.invalidate(id)
	found, err := s.st.UnlinkIdentity(ctx, id.TeamID, id.UserID)
	if err != nil {
		return false, fmt.Errorf("accounts: disconnecting %s/%s: %w", id.TeamID, id.UserID, err)
	}
	if found {
		s.opts.Logger.Info("accounts: disconnected", "team", id.TeamID, "user", id.UserID)
	}
	return found, nil
}

// MarkBroken records that GitScrum refused (401) the token of the account
// accountID, which [Service.Client] returned for the person id: their next
// Client is [ErrBroken] until they link again. An account linked since (another
// id) is left alone.
func (s *Service) MarkBroken(ctx context.Context, id Identity, accountID string) error {
	defer s.cache.invalidate(id)
	marked, err := s.st.MarkBroken(ctx, accountID, s.opts.Now())
	if err != nil {
		return fmt.Errorf("accounts: marking account %s broken: %w", accountID, err)
	}
	if marked {
		s.opts.Logger.Info("accounts: GitScrum refused a linked token; the account is marked broken",
			"team", id.TeamID, "user", id.UserID, "account", accountID)
	}
	return nil
}
