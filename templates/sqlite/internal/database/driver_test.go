package database

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

var invalidURLs = []string{
	"",
	":memory:",
	"file::memory:?cache=shared",
	"file:app?mode=memory",
	"postgres://app:s3cret@localhost:5432/app",
	"mysql://app:s3cret@localhost:3306/app",
}

func TestOpenCreatesTheDataDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "data", "app.db")
	db, err := Open(context.Background(), testConfig(path), discard)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file not created: %v", err)
	}
}
