package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// openPostgres returns the database/sql handle of a PostgreSQL URL, through pgx's
// database/sql driver, without connecting.
func openPostgres(rawURL string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		// pgx's message redacts the password.
		return nil, &Error{Op: "open", Driver: "postgres", Err: err}
	}
	return stdlib.OpenDB(*cfg), nil
}

// postgresTransient reports the errors of a PostgreSQL server out of reach: no
// connection (refused, reset, timed out), the server shutting down or refusing
// connections, out of resources, the database missing or the login refused.
// Errors about the statement itself are not.
func postgresTransient(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code[:2] {
		case "08", // connection exception
			"53", // insufficient resources
			"57", // operator intervention: shutdown, cannot connect now
			"58", // system error
			"3D", // invalid catalog name: the database does not exist
			"28", // invalid authorization
			"40": // transaction rollback: serialization failure, deadlock
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) || pgconn.SafeToRetry(err) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, pgconn.ErrConnClosed)
}
