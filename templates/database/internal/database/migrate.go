package database

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
)

// migrationFiles holds the schema as versioned SQL files, one folder per
// dialect: migrations/<driver>/0001_items.sql, then 0002_..., each with its
// -- +goose Up and -- +goose Down sections. Add new files; never edit one
// that has shipped, since databases out there already ran it.
//
//go:embed migrations
var migrationFiles embed.FS

// Migrate applies the migrations the database has not seen (goose records
// them in goose_db_version), in version order, each in a transaction, under
// the lock from migrationLock so that instances starting together take
// turns. The first one that fails stops it, and the error names its file.
func Migrate(ctx context.Context, db *DB, logger *slog.Logger) error {
	files, err := shipped()
	if err != nil {
		return err
	}
	return migrate(ctx, db, files, logger)
}

func migrate(ctx context.Context, db *DB, files fs.FS, logger *slog.Logger) error {
	provider, err := newProvider(db, files, true)
	if err != nil {
		return err
	}
	results, err := provider.Up(ctx)
	var partial *goose.PartialError
	if errors.As(err, &partial) {
		results = partial.Applied
	}
	for _, r := range results {
		logger.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration.String())
	}
	if partial != nil {
		return fmt.Errorf("migration %s failed: %w", partial.Failed.Source.Path, partial.Err)
	}
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	version, err := provider.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	logger.Info("schema up to date", "version", version, "applied_now", len(results))
	return nil
}

// newProvider is goose over the embedded files; locked takes the migration
// lock (see migrationLock) for the calls that change the schema.
func newProvider(db *DB, files fs.FS, locked bool) (*goose.Provider, error) {
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if locked {
		lock, err := migrationLock()
		if err != nil {
			return nil, err
		}
		opts = append(opts, lock)
	}
	provider, err := goose.NewProvider(dialect, db.pool, files, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return provider, nil
}

func shipped() (fs.FS, error) { return fs.Sub(migrationFiles, "migrations/"+Driver) }

// MigrateDown rolls back the newest applied migration, under the lock, and
// returns its file.
func MigrateDown(ctx context.Context, db *DB) (string, error) {
	files, err := shipped()
	if err != nil {
		return "", err
	}
	provider, err := newProvider(db, files, true)
	if err != nil {
		return "", err
	}
	r, err := provider.Down(ctx)
	if err != nil {
		return "", fmt.Errorf("migrations: %w", err)
	}
	return r.Source.Path, nil
}

// MigrationState is one shipped migration and whether the database has it.
type MigrationState struct {
	File      string
	Applied   bool
	AppliedAt time.Time
}

// MigrationStatus lists the shipped migrations in version order with their
// state. It reads without the migration lock, so a migration running
// elsewhere does not hold it up (it may show as pending until it commits).
func MigrationStatus(ctx context.Context, db *DB) ([]MigrationState, error) {
	files, err := shipped()
	if err != nil {
		return nil, err
	}
	provider, err := newProvider(db, files, false)
	if err != nil {
		return nil, err
	}
	all, err := provider.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	out := make([]MigrationState, len(all))
	for i, m := range all {
		out[i] = MigrationState{File: m.Source.Path, Applied: m.State == goose.StateApplied, AppliedAt: m.AppliedAt}
	}
	return out, nil
}

// ErrPending is the readiness error of a schema behind the binary: it names
// the first pending migration (a file name, never driver text).
type ErrPending struct{ File string }

func (e ErrPending) Error() string {
	return "pending migration " + e.File + " (MIGRATE_ON_START=false: the migrate up step applies it)"
}

// SchemaCheck is a readiness check for a service that does not migrate at
// start: it fails with ErrPending until every shipped migration is applied
// (by the migration Job, say), then stops querying, since the schema does
// not go back on its own.
func SchemaCheck(db *DB) func(ctx context.Context) error {
	var current atomic.Bool
	return func(ctx context.Context) error {
		if current.Load() {
			return nil
		}
		states, err := MigrationStatus(ctx, db)
		if err != nil {
			return err
		}
		for _, s := range states {
			if !s.Applied {
				return ErrPending{File: s.File}
			}
		}
		current.Store(true)
		return nil
	}
}
