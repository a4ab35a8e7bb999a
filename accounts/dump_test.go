package accounts_test

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

// forms returns secret as it could show in a dump: as is, in base64 (every
// alphabet, padded or not) and in hex (either case).
func forms(secret string) map[string]string {
	b := []byte(secret)
	return map[string]string{
		"raw":           secret,
		"base64":        base64.StdEncoding.EncodeToString(b),
		"base64 (raw)":  base64.RawStdEncoding.EncodeToString(b),
		"base64url":     base64.URLEncoding.EncodeToString(b),
		"base64url raw": base64.RawURLEncoding.EncodeToString(b),
		"hex":           hex.EncodeToString(b),
		"HEX":           strings.ToUpper(hex.EncodeToString(b)),
	}
}

// requireAbsent fails when dump holds any form of any secret.
func requireAbsent(t *testing.T, what string, dump []byte, secrets map[string]string) {
	t.Helper()
	require.NotEmpty(t, dump, "%s: nothing was read", what)
	for name, secret := range secrets {
		for form, s := range forms(secret) {
			require.False(t, bytes.Contains(dump, []byte(s)), "%s holds the %s (%s)", what, name, form)
			// A form cut short still gives it away: its first 24 characters.
			if len(s) > 24 {
				require.False(t, bytes.Contains(dump, []byte(s[:24])), "%s holds the start of the %s (%s)", what, name, form)
			}
		}
	}
}

// linkDistinctive links a distinctive random token and returns it, with the
// link's secret.
func linkDistinctive(t *testing.T, e *env) map[string]string {
	t.Helper()
	token := randomToken("gs_dump_canary_")
	e.srv.AddMemberToken(token, wsA)
	ctx := ctxT(t, 30*time.Second)
	secret, _, err := e.svc.NewLink(ctx, ada, accounts.LinkRequest{UserName: "Ada", ChannelID: "C1", Workspace: wsA})
	require.NoError(t, err)
	_, _, err = e.svc.CompleteLink(ctx, secret, " "+token+"\n", wsA)
	require.NoError(t, err)
	// A second link, left unused, and a refused attempt on it.
	unused, _, err := e.svc.NewLink(ctx, bob, accounts.LinkRequest{})
	require.NoError(t, err)
	_, _, err = e.svc.CompleteLink(ctx, unused, token+"x", wsA)
	require.Error(t, err)
	c, _, err := e.svc.Client(ctx, ada)
	require.NoError(t, err)
	_, err = c.ListClients(ctx, wsA)
	require.NoError(t, err, "the token linked is the one GitScrum accepts")
	return map[string]string{"token": token, "link secret": secret, "unused link secret": unused}
}

func TestDatabaseFileHoldsNoToken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	e := newEnv(t, "sqlite:"+path, accounts.Options{})
	secrets := linkDistinctive(t, e)

	// Read while open, with the WAL, and again once closed.
	read := func() []byte {
		var all []byte
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			b, err := os.ReadFile(path + suffix)
			if err != nil && !os.IsNotExist(err) {
				require.NoError(t, err)
			}
			all = append(all, b...)
		}
		return all
	}
	requireAbsent(t, "the SQLite files, open", read(), secrets)
	require.NoError(t, e.st.Close())
	requireAbsent(t, "the SQLite files, closed", read(), secrets)
}

func TestPostgresRowsHoldNoToken(t *testing.T) {
	u := storetest.NewPostgresURL(t)
	e := newEnv(t, u, accounts.Options{})
	secrets := linkDistinctive(t, e)

	db, err := sql.Open("pgx", u)
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.QueryContext(ctxT(t, 30*time.Second),
		`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	require.Subset(t, tables, []string{"accounts", "slack_identities", "link_tokens", "audit_log"})

	var all []byte
	for _, table := range tables {
		dump := storetest.Dump(t, u, table)
		requireAbsent(t, "table "+table, append([]byte(table+"\n"), dump...), secrets)
		all = append(all, dump...)
	}
	requireAbsent(t, "every table", all, secrets)
	require.Contains(t, string(all), `\x`, "the sealed bytes are in the dump, as hex")
}
