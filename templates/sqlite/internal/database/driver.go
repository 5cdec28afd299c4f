package database

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/glebarez/sqlite"
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
	if path != "" && path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("creating the directory of %s: %w", path, err)
		}
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

// migrating serializes Migrate within the process. An SQLite file belongs
// to one process, which is all the locking it needs.
var migrating sync.Mutex

// lockMigrations waits for the migration lock; the returned func releases it.
func lockMigrations(*gorm.DB) (func(), error) {
	migrating.Lock()
	return migrating.Unlock, nil
}
