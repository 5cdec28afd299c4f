package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/glebarez/sqlite"
	"github.com/pressly/goose/v3"
	"gorm.io/gorm"
)

// Driver names the database in logs.
const Driver = "sqlite"

// SQLite runs in-process through a pure-Go driver (modernc.org/sqlite), so
// the binary still builds with CGO_ENABLED=0 and needs no database server.

var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// connect accepts a file path (data/app.db) or a file: URI
// (file:data/app.db?_pragma=...). The file's directory is created.
func connect(url string) (*sql.DB, error) {
	if url == "" {
		return nil, errors.New("empty; want a file path such as data/app.db")
	}
	if m := urlScheme.FindString(url); m != "" {
		return nil, fmt.Errorf("SQLite takes a file path, not a %s URL", m)
	}
	path, query, _ := strings.Cut(strings.TrimPrefix(url, "file:"), "?")
	if path == ":memory:" || strings.Contains(query, "mode=memory") {
		// Refused rather than pinned to one connection: each pooled
		// connection would get a database of its own, empty.
		return nil, errors.New("an in-memory SQLite database is one per connection, and this service pools connections; use a file path (under /tmp for throwaway data)")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("creating the directory of %s: %w", path, err)
	}
	if query == "" {
		// WAL lets readers run while one connection writes; the driver's
		// busy timeout (5s) makes writers wait for each other instead of
		// failing with "database is locked".
		url += "?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"
	}
	return sql.Open(sqlite.DriverName, url)
}

func dialector(pool *sql.DB) gorm.Dialector {
	return &sqlite.Dialector{Conn: pool}
}

const dialect = goose.DialectSQLite3

// migrationLock makes Migrate calls in this process take turns: an SQLite
// file belongs to one process, and goose has no lock for SQLite.
func migrationLock() (goose.ProviderOption, error) {
	return goose.WithSessionLocker(&inProcess), nil
}

var inProcess processLock

type processLock struct{ mu sync.Mutex }

func (l *processLock) SessionLock(context.Context, *sql.Conn) error {
	l.mu.Lock()
	return nil
}

func (l *processLock) SessionUnlock(context.Context, *sql.Conn) error {
	l.mu.Unlock()
	return nil
}
