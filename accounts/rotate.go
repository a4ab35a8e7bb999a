package accounts

import (
	"context"
	"fmt"
)

// rotatePage is how many accounts [Service.RotateKey] reads at a time.
const rotatePage = 100

// RotateKey seals every token sealed under an old key again under the current
// key, and returns how many it resealed. Run it after setting a new
// [EnvKey] with the former one in [EnvOldKeys]; once it returns without error,
// the old key may be dropped. A token whose key the keyring does not hold stops
// it with an error matching [ErrWrongKey], before anything is resealed; a row
// resealed meanwhile by another replica is skipped.
func (s *Service) RotateKey(ctx context.Context) (int, error) {
	if err := s.CheckKeys(ctx); err != nil {
		return 0, err
	}
	ids, err := s.st.AccountKeyIDs(ctx)
	if err != nil {
		return 0, fmt.Errorf("accounts: reading the key ids of the linked accounts: %w", err)
	}
	n := 0
	for _, keyID := range ids {
		if keyID == s.keys.KeyID() {
			continue
		}
		after := ""
		for {
			page, err := s.st.AccountsUnderKey(ctx, keyID, after, rotatePage)
			if err != nil {
				return n, fmt.Errorf("accounts: reading the accounts sealed under key %s: %w", keyID, err)
			}
			if len(page) == 0 {
				break
			}
			for _, row := range page {
				token, err := s.keys.open(row.ID, row.KeyID, row.Sealed)
				if err != nil {
					return n, fmt.Errorf("accounts: the token of account %s: %w", row.ID, err)
				}
				done, err := s.reseal(ctx, row, token)
				if err != nil {
					return n, err
				}
				if done {
					n++
				}
				if err := ctx.Err(); err != nil {
					return n, err
				}
			}
			after = page[len(page)-1].ID
		}
	}
	return n, nil
}
