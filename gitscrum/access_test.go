package gitscrum_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

func TestCheckAccess(t *testing.T) {
	srv, c, _ := newEnv(t)
	for i := range 5 {
		seed(t, srv, "Client "+string(rune('A'+i)))
	}
	srv.SetPageSize(2)
	srv.AddWorkspace("other")
	srv.AddMemberToken("member-token", workspace)
	srv.ExpireToken("expired-token")

	cases := []struct {
		name   string
		token  string
		slug   string
		class  error
		status int
		code   string
		sent   int // requests that reach GitScrum
	}{
		{"a token that sees the workspace", "member-token", workspace, nil, 0, "", 1},
		{"a workspace the token does not see", "member-token", "other", gitscrum.ErrNotFound, 404, "WORKSPACE_NOT_FOUND", 1},
		{"a workspace that does not exist", "member-token", "nowhere", gitscrum.ErrNotFound, 404, "WORKSPACE_NOT_FOUND", 1},
		{"an unknown token", "forged-token", workspace, gitscrum.ErrUnauthorized, 401, "", 1},
		{"an expired token", "expired-token", workspace, gitscrum.ErrUnauthorized, 401, "TOKEN_EXPIRED", 1},
		{"a malformed slug", "member-token", "a b", gitscrum.ErrValidation, 0, "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.ResetRequests()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := c.WithToken(tc.token).CheckAccess(ctx, tc.slug)
			assert.Len(t, srv.Requests(), tc.sent, "one request, page 1 only, of a list of 3 pages")
			if tc.class == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.class)
			var e *gitscrum.Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, tc.code, e.Code)
			assert.NotContains(t, err.Error(), tc.token)
		})
	}
}
