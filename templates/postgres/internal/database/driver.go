package database

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// Driver names the database in logs.
const Driver = "postgres"

// dialTimeout applies when DATABASE_URL sets no connect_timeout. Without it
// a database host that stops answering would hold a request until the OS
// gives up on the connection.
const dialTimeout = 5 * time.Second

// connect accepts the URL form (postgres://user:pass@host:5432/db?sslmode=
// disable, also postgresql://) and the keyword/value DSN (host=... user=...
// dbname=...); pgx parses both.
func connect(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx masks the password in its parse errors.
		return nil, fmt.Errorf("not a PostgreSQL URL or DSN: %w", err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = dialTimeout
	}
	return stdlib.OpenDB(*cfg), nil
}

func dialector(pool *sql.DB) gorm.Dialector {
	return postgres.New(postgres.Config{Conn: pool})
}

const dialect = goose.DialectPostgres

// migrationLock is goose's session-level advisory lock (advisory locks are
// per database, so services sharing a server do not wait for each other):
// instances that start together take turns, and one that waits over a
// minute gives up with an error instead of hanging the start.
func migrationLock() (goose.ProviderOption, error) {
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 60))
	return goose.WithSessionLocker(locker), err
}
