package database

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
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

// migrationLockKey names the advisory lock that serializes migrations
// (advisory locks are per database, so services sharing a server do not
// wait for each other).
const migrationLockKey = 7_280_113

// lockMigrations waits for the migration lock on conn's session; the
// returned func releases it.
func lockMigrations(conn *gorm.DB) (func(), error) {
	if err := conn.Exec("SELECT pg_advisory_lock(?)", migrationLockKey).Error; err != nil {
		return nil, err
	}
	return func() { conn.Exec("SELECT pg_advisory_unlock(?)", migrationLockKey) }, nil
}
